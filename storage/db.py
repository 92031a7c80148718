"""The database: engines, sessions, migrations and the schema check at start-up.

Why two URLs: the app runs on asyncio (aiosqlite / psycopg async) while Alembic migrations
run synchronously. Both are derived from the one ``SIGNAALBOT_DATABASE_URL``.
"""

from __future__ import annotations

import functools
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from importlib import resources
from typing import Any

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import create_engine, event, inspect
from sqlalchemy.engine import Engine, make_url
from sqlalchemy.exc import DBAPIError, OperationalError
from sqlalchemy.ext.asyncio import (
    AsyncEngine,
    AsyncSession,
    async_sessionmaker,
    create_async_engine,
)


class DatabaseUnavailableError(Exception):
    """The database cannot be reached or is locked; the caller tells the person to retry."""


class SchemaOutdatedError(Exception):
    """The database schema is older (or newer) than this version of signaalbot expects."""


def sync_url(url: str) -> str:
    """The URL with a synchronous driver, for Alembic and scripts."""
    parsed = make_url(_canonical(url))
    if parsed.get_backend_name() == "sqlite":
        return parsed.set(drivername="sqlite").render_as_string(hide_password=False)
    return parsed.set(drivername="postgresql+psycopg").render_as_string(hide_password=False)


def async_url(url: str) -> str:
    """The URL with an asyncio driver, for the running app."""
    parsed = make_url(_canonical(url))
    if parsed.get_backend_name() == "sqlite":
        return parsed.set(drivername="sqlite+aiosqlite").render_as_string(hide_password=False)
    return parsed.set(drivername="postgresql+psycopg").render_as_string(hide_password=False)


def _canonical(url: str) -> str:
    if url.startswith("postgres://"):
        return "postgresql://" + url.removeprefix("postgres://")
    return url


def is_sqlite(url: str) -> bool:
    return make_url(_canonical(url)).get_backend_name() == "sqlite"


def safe_url(url: str) -> str:
    """The URL without its password, for messages and logs."""
    return make_url(_canonical(url)).render_as_string(hide_password=True)


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA journal_mode=WAL")
    # A writer waits up to 15 s for the write lock. With BEGIN IMMEDIATE every unit of work
    # queues here; 50 people submitting at once on a busy 2-core machine waited over 5 s.
    cursor.execute("PRAGMA busy_timeout=15000")
    # In WAL mode NORMAL syncs at checkpoints, not at every commit: a commit no longer waits
    # for an fsync (4 ms on the development machine) while holding the one write lock, which
    # at 200 turns at once queued every writer behind 200 fsyncs. A commit still survives a
    # crash or kill -9 of the process; only a power loss or OS crash may undo the last ones
    # (SQLite's documented trade-off). Who needs that too runs PostgreSQL.
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.close()


def _sqlite_connect(dbapi_connection: Any, record: Any) -> None:
    # The sqlite3 driver's own transaction handling breaks SAVEPOINTs; SQLAlchemy's documented
    # recipe hands transaction control to us (autocommit off at driver level, BEGIN on begin).
    _sqlite_pragmas(dbapi_connection, record)
    dbapi_connection.isolation_level = None


READ_ONLY = "signaalbot_read_only"  # execution option of a unit of work that only reads


def _sqlite_begin(connection: Any) -> None:
    # IMMEDIATE takes the write lock when the transaction starts. A deferred BEGIN takes a read
    # snapshot first and fails at once with "database is locked" when it later needs to write
    # while another connection wrote meanwhile: SQLite cannot upgrade a stale snapshot, so the
    # busy timeout never applies. Taking the lock up front makes a second writer wait its turn
    # (up to busy_timeout) instead. A unit of work that only reads says so (``read_only``): it
    # begins deferred, reads its WAL snapshot and never waits for a writer nor holds one up.
    if connection.get_execution_options().get(READ_ONLY):
        connection.exec_driver_sql("BEGIN")
    else:
        connection.exec_driver_sql("BEGIN IMMEDIATE")


def alembic_config(url: str) -> Config:
    """Alembic configuration pointing at the migrations shipped inside the package."""
    config = Config()
    config.set_main_option("script_location", str(resources.files("storage") / "migrations"))
    config.set_main_option("sqlalchemy.url", sync_url(url).replace("%", "%%"))
    return config


def make_sync_engine(url: str) -> Engine:
    engine = create_engine(sync_url(url))
    if is_sqlite(url):
        event.listen(engine, "connect", _sqlite_pragmas)
    return engine


def upgrade(url: str, revision: str = "head") -> None:
    """Migrate the database to ``revision`` (default: the newest)."""
    try:
        command.upgrade(alembic_config(url), revision)
    except OperationalError as exc:
        raise DatabaseUnavailableError(safe_url(url)) from exc


def head_revision(url: str) -> str | None:
    return _head()


@functools.cache
def _head() -> str | None:
    """The newest migration shipped in this package (read once: the files do not change)."""
    return ScriptDirectory.from_config(alembic_config("sqlite://")).get_current_head()


def current_revision(url: str) -> str | None:
    engine = make_sync_engine(url)
    try:
        with engine.connect() as connection:
            return MigrationContext.configure(connection).get_current_revision()
    except OperationalError as exc:
        raise DatabaseUnavailableError(safe_url(url)) from exc
    finally:
        engine.dispose()


def has_tables(url: str) -> bool:
    engine = make_sync_engine(url)
    try:
        with engine.connect() as connection:
            return bool(inspect(connection).get_table_names())
    except OperationalError as exc:
        raise DatabaseUnavailableError(safe_url(url)) from exc
    finally:
        engine.dispose()


def ensure_schema(url: str) -> None:
    """Migrate SQLite automatically; refuse to run on an outdated PostgreSQL schema.

    A PostgreSQL database without any table is set up, since there is nothing to protect.

    Why the difference: the embedded SQLite file belongs to this one bot, so migrating it is
    always safe. A PostgreSQL database is shared and managed by IT, who run
    ``signaalbot db upgrade`` deliberately (for example before starting a second instance).
    """
    if is_sqlite(url):
        if current_revision(url) != head_revision(url):
            upgrade(url)
        return
    current, head = current_revision(url), head_revision(url)
    if current is None and not has_tables(url):
        upgrade(url)  # a brand-new, empty database: nothing to protect, so set it up
        return
    if current != head:
        raise SchemaOutdatedError(
            f"database schema is at {current or 'empty'}, this version needs {head}: "
            "run `signaalbot db upgrade` first"
        )


class Database:
    """The async engine and a session factory; one session per unit of work."""

    def __init__(self, url: str, *, echo: bool = False) -> None:
        self.url = url
        kwargs: dict[str, Any] = {"echo": echo}
        if not is_sqlite(url):
            kwargs.update(pool_pre_ping=True, pool_size=10, max_overflow=10)
        self.engine: AsyncEngine = create_async_engine(async_url(url), **kwargs)
        if is_sqlite(url):
            event.listen(self.engine.sync_engine, "connect", _sqlite_connect)
            event.listen(self.engine.sync_engine, "begin", _sqlite_begin)
        self.sessions = async_sessionmaker(self.engine, expire_on_commit=False)
        self.read_sessions = async_sessionmaker(
            self.engine.execution_options(**{READ_ONLY: True}), expire_on_commit=False
        )

    @property
    def dialect(self) -> str:
        return self.engine.dialect.name

    @asynccontextmanager
    async def session(self, *, read_only: bool = False) -> AsyncIterator[AsyncSession]:
        """A session whose connection errors become :class:`DatabaseUnavailableError`.

        ``read_only``: the session only reads (on SQLite it does not take the write lock).
        """
        factory = self.read_sessions if read_only else self.sessions
        try:
            async with factory() as session:
                yield session
        except (OperationalError, DBAPIError) as exc:
            if isinstance(exc, OperationalError) or exc.connection_invalidated:
                raise DatabaseUnavailableError(safe_url(self.url)) from exc
            raise

    async def dispose(self) -> None:
        await self.engine.dispose()
