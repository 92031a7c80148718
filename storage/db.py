"""The database: engines, sessions, migrations and the schema check at start-up.

Why two URLs: the app runs on asyncio (aiosqlite / psycopg async) while Alembic migrations
run synchronously. Both are derived from the one ``SIGNAALBOT_DATABASE_URL``.

Alembic is imported only when a migration runs or the schema is not at the newest revision:
the usual start-up finds the stored revision equal to the newest shipped one
(:func:`at_shipped_head`) without it, which saves ~0.15 s of imports and of parsing every
migration in each ``signaalbot`` command.
"""

from __future__ import annotations

import functools
import re
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from importlib import resources
from typing import TYPE_CHECKING, Any

from sqlalchemy import create_engine, event, inspect, text
from sqlalchemy.engine import Engine, make_url
from sqlalchemy.exc import DBAPIError, OperationalError
from sqlalchemy.ext.asyncio import (
    AsyncEngine,
    AsyncSession,
    async_sessionmaker,
    create_async_engine,
)

from storage.errors import DatabaseUnavailableError as DatabaseUnavailableError
from storage.errors import SchemaOutdatedError as SchemaOutdatedError

if TYPE_CHECKING:
    from alembic.config import Config


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
    from alembic.config import Config

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
    from alembic import command

    try:
        command.upgrade(alembic_config(url), revision)
    except OperationalError as exc:
        raise DatabaseUnavailableError(safe_url(url)) from exc


def head_revision(url: str) -> str | None:
    return _head()


@functools.cache
def _head() -> str | None:
    """The newest migration shipped in this package (read once: the files do not change)."""
    from alembic.script import ScriptDirectory

    return ScriptDirectory.from_config(alembic_config("sqlite://")).get_current_head()


_REVISION = re.compile(r"""^(down_)?revision\b[^=\n]*=\s*["']([^"']+)["']""", re.MULTILINE)


@functools.cache
def shipped_head() -> str | None:
    """The newest shipped revision, read from the migration files as text (no Alembic).

    The one revision that no migration names as its ``down_revision``; None when that is not
    exactly one (then :func:`ensure_schema` asks Alembic). A test checks it equals Alembic's.
    """
    revisions: set[str] = set()
    parents: set[str] = set()
    for path in (resources.files("storage") / "migrations" / "versions").iterdir():
        if path.name.endswith(".py"):
            for down, revision in _REVISION.findall(path.read_text(encoding="utf-8")):
                (parents if down else revisions).add(revision)
    heads = revisions - parents
    return next(iter(heads)) if len(heads) == 1 else None


def at_shipped_head(url: str) -> bool:
    """Whether the database's stored revision is :func:`shipped_head`, read with plain SQL.

    False on any doubt (no such table, no connection): the caller then takes Alembic's way,
    which migrates, refuses or reports the database as unreachable.
    """
    head = shipped_head()
    if head is None:
        return False
    engine = make_sync_engine(url)
    try:
        with engine.connect() as connection:
            stored = connection.execute(text("SELECT version_num FROM alembic_version")).all()
    except DBAPIError:
        return False
    finally:
        engine.dispose()
    return [tuple(row) for row in stored] == [(head,)]


def current_revision(url: str) -> str | None:
    from alembic.runtime.migration import MigrationContext

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
    if at_shipped_head(url):
        return  # the usual case, without importing Alembic
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
