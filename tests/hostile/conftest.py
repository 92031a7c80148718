"""One stack per module and database for the hostile-input suite (building one per case would
spend the suite's time on migrations): SQLite, and PostgreSQL, which refuses a NUL in text."""

from __future__ import annotations

import os
import uuid
from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import psycopg
import pytest
import pytest_asyncio
from sqlalchemy.engine import make_url

from tests.conftest import POSTGRES_URL, _admin_conninfo, postgres_available
from tests.hostile.support import Stack, stack


@pytest.fixture(
    scope="module", params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)]
)
def module_db(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[str]:
    if request.param == "sqlite":
        yield f"sqlite:///{Path(tmp_path_factory.mktemp('hostile')) / 'bot.db'}"
        return
    reason = postgres_available()
    if reason is not None:
        if os.environ.get("SIGNAALBOT_REQUIRE_POSTGRES") == "1":
            pytest.fail(reason)
        pytest.skip(reason)
    name = f"sb_hostile_{uuid.uuid4().hex[:12]}"
    with psycopg.connect(_admin_conninfo(), autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    try:
        yield make_url(POSTGRES_URL).set(database=name).render_as_string(hide_password=False)
    finally:
        with psycopg.connect(_admin_conninfo(), autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest_asyncio.fixture(scope="module", loop_scope="module")
async def hostile(module_db: str) -> AsyncIterator[Stack]:
    async with stack(module_db, teams_tenant_id="tenant-gemeente") as s:
        yield s
