"""Shared fixtures: real SQLite files, real PostgreSQL databases, a bot assembled for tests.

PostgreSQL: each test that asks for it gets a database of its own, created on the server at
``SIGNAALBOT_TEST_POSTGRES_URL`` (default ``postgresql://postgres@127.0.0.1:5432/test``) and
dropped afterwards. Without a server those tests are skipped with the reason shown.
"""

from __future__ import annotations

import os
import shutil
import tempfile
import uuid
from collections.abc import AsyncIterator, Callable, Iterator
from datetime import UTC, datetime
from pathlib import Path

import psycopg
import pytest
from sqlalchemy.engine import make_url

from bot.bootstrap import Runtime, bootstrap
from kernel.clock import ManualClock
from kernel.settings import Settings
from storage.db import upgrade
from turn.pipeline import Signaalbot

POSTGRES_URL = os.environ.get(
    "SIGNAALBOT_TEST_POSTGRES_URL", "postgresql://postgres@127.0.0.1:5432/test"
)
START = datetime(2026, 11, 23, 9, 30, tzinfo=UTC)  # a Monday morning


def _admin_conninfo() -> str:
    url = make_url(POSTGRES_URL)
    return url.set(drivername="postgresql").render_as_string(hide_password=False)


def postgres_available() -> str | None:
    """None when the server answers, else the reason it does not."""
    try:
        with psycopg.connect(_admin_conninfo(), connect_timeout=3):
            return None
    except psycopg.OperationalError as exc:
        return f"PostgreSQL not reachable at {make_url(POSTGRES_URL).render_as_string()}: {exc}"


@pytest.fixture(scope="session")
def postgres_reason() -> str | None:
    return postgres_available()


class MigratedTemplates:
    """One migrated database per test session, copied for every test that needs a migrated one.

    Why: running the whole Alembic chain for each of several hundred tests (twice, SQLite and
    PostgreSQL) was most of the suite's time. A copy of a migrated SQLite file, or
    ``CREATE DATABASE … TEMPLATE`` on PostgreSQL, gives the same schema in milliseconds. The
    migrations themselves are tested in ``tests/integration/test_migrations.py``.
    """

    def __init__(self, folder: Path) -> None:
        self._folder = folder
        self._sqlite: Path | None = None
        self._postgres: str | None = None

    def sqlite_file(self) -> Path:
        if self._sqlite is None:
            path = self._folder / "template.db"
            upgrade(f"sqlite:///{path}")
            self._sqlite = path
        return self._sqlite

    def postgres_name(self) -> str:
        if self._postgres is None:
            name = f"sb_template_{uuid.uuid4().hex[:12]}"
            with psycopg.connect(_admin_conninfo(), autocommit=True) as conn:
                conn.execute(f'CREATE DATABASE "{name}"')
            upgrade(make_url(POSTGRES_URL).set(database=name).render_as_string(hide_password=False))
            self._postgres = name
        return self._postgres

    def drop(self) -> None:
        if self._postgres is not None:
            with psycopg.connect(_admin_conninfo(), autocommit=True) as conn:
                conn.execute(f'DROP DATABASE IF EXISTS "{self._postgres}" WITH (FORCE)')


@pytest.fixture(scope="session")
def templates(tmp_path_factory: pytest.TempPathFactory) -> Iterator[MigratedTemplates]:
    made = MigratedTemplates(tmp_path_factory.mktemp("templates"))
    yield made
    made.drop()


@pytest.fixture
def migrate(templates: MigratedTemplates) -> Callable[[str], None]:
    """``migrate(url)``: the empty test database ``url`` gets the newest schema (from the
    session's migrated template: the same result as ``storage.db.upgrade``, much faster)."""

    def to_head(url: str) -> None:
        parsed = make_url(url)
        if parsed.get_backend_name() == "sqlite":
            path = Path(parsed.database or "")
            if path.exists():
                upgrade(url)
            else:
                shutil.copyfile(templates.sqlite_file(), path)
            return
        name = parsed.database
        with psycopg.connect(_admin_conninfo(), autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
            conn.execute(f'CREATE DATABASE "{name}" TEMPLATE "{templates.postgres_name()}"')

    return to_head


@pytest.fixture
def postgres_url(postgres_reason: str | None) -> Iterator[str]:
    """A fresh, empty PostgreSQL database for one test."""
    if postgres_reason is not None:
        if os.environ.get("SIGNAALBOT_REQUIRE_POSTGRES") == "1":
            pytest.fail(postgres_reason)  # CI has a server: a skip there would hide a gap
        pytest.skip(postgres_reason)
    name = f"sb_test_{uuid.uuid4().hex[:12]}"
    with psycopg.connect(_admin_conninfo(), autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    url = make_url(POSTGRES_URL).set(database=name).render_as_string(hide_password=False)
    try:
        yield url
    finally:
        with psycopg.connect(_admin_conninfo(), autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.fixture
def sqlite_url(tmp_path: Path) -> str:
    return f"sqlite:///{tmp_path / 'signaalbot.db'}"


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def db_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """Each test using this runs twice: on SQLite and on PostgreSQL."""
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'signaalbot.db'}"
    url: str = request.getfixturevalue("postgres_url")
    return url


@pytest.fixture
def clock() -> ManualClock:
    return ManualClock(START)


def make_settings(url: str, **overrides: object) -> Settings:
    """Settings for a test: no .env file, charts and invitations in a fresh temporary folder."""
    overrides.setdefault("data_dir", Path(tempfile.mkdtemp(prefix="signaalbot-test-")))
    return Settings(database_url=url, _env_file=None, **overrides)  # type: ignore[call-arg]


@pytest.fixture
def runtime_overrides() -> dict[str, object]:
    """Settings a test package adds to every runtime it builds (Teams turns on the emulator)."""
    return {}


@pytest.fixture
async def runtime(
    db_url: str,
    clock: ManualClock,
    runtime_overrides: dict[str, object],
    migrate: Callable[[str], None],
) -> AsyncIterator[Runtime]:
    """A migrated runtime on SQLite and on PostgreSQL, built by the one bootstrap."""
    migrate(db_url)
    built = await bootstrap(make_settings(db_url, **runtime_overrides), clock)
    try:
        yield built
    finally:
        await built.close()


@pytest.fixture
def bot(runtime: Runtime) -> Signaalbot:
    return runtime.bot


@pytest.fixture
async def sqlite_runtime(
    sqlite_url: str,
    clock: ManualClock,
    runtime_overrides: dict[str, object],
    migrate: Callable[[str], None],
) -> AsyncIterator[Runtime]:
    """A runtime on SQLite only, for tests of conversation logic."""
    migrate(sqlite_url)
    built = await bootstrap(make_settings(sqlite_url, **runtime_overrides), clock)
    try:
        yield built
    finally:
        await built.close()


@pytest.fixture
def sqlite_bot(sqlite_runtime: Runtime) -> Signaalbot:
    return sqlite_runtime.bot
