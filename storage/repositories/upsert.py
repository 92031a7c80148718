"""The database's own ``INSERT … ON CONFLICT``, for the two dialects we run on.

Why one place: SQLAlchemy has no portable upsert, only one ``insert`` per dialect with
``on_conflict_do_nothing`` / ``on_conflict_do_update``; the reference counter, the outbox and
the delivery keys each need it, and each had written the same choice of dialect.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncSession


def insert_for(session: AsyncSession, table: Any) -> postgresql.Insert | sqlite.Insert:
    """``insert(table)`` of the session's dialect (PostgreSQL, else SQLite)."""
    if session.get_bind().dialect.name == "postgresql":
        return postgresql.insert(table)
    return sqlite.insert(table)
