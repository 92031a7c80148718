"""The database errors a caller handles, in a module that imports nothing.

Why apart from :mod:`storage.db`: the command line catches them around every command, and
importing them must not cost SQLAlchemy and Alembic (~0.3 s) in a command that never opens
the database (``--help``, ``manifest``); :mod:`storage.db` raises and re-exports them.
"""

from __future__ import annotations


class DatabaseUnavailableError(Exception):
    """The database cannot be reached or is locked; the caller tells the person to retry."""


class SchemaOutdatedError(Exception):
    """The database schema is older (or newer) than this version of signaalbot expects."""
