"""/healthz and /readyz tell the truth: database, schema at head, a live dispatcher."""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from aiohttp.test_utils import TestClient, TestServer

from bot.bootstrap import Runtime
from bot.web import build_web_app
from storage.db import make_sync_engine


async def get(runtime: Runtime, path: str) -> tuple[int, dict[str, Any]]:
    async with TestClient(TestServer(build_web_app(runtime), host="127.0.0.1")) as client:
        response = await client.get(path)
        return response.status, await response.json()


async def test_healthy_only_with_a_running_dispatcher(runtime: Runtime) -> None:
    status, body = await get(runtime, "/healthz")
    assert status == 503 and body["dispatcher"] == "stopped"
    assert (await get(runtime, "/readyz"))[0] == 200, "ready to take requests all the same"
    runtime.scheduler.start()
    try:
        status, body = await get(runtime, "/healthz")
        assert status == 200, body
        assert body["status"] == "ok" and body["schema"] == body["schema_head"]
    finally:
        await runtime.scheduler.stop()


async def test_a_database_recreated_empty_is_not_healthy(runtime: Runtime) -> None:
    runtime.scheduler.start()
    try:
        engine = make_sync_engine(runtime.settings.database_url)
        with engine.begin() as connection:
            connection.execute(sa.text("DROP TABLE alembic_version"))
        engine.dispose()
        status, body = await get(runtime, "/healthz")
        assert status == 503 and body["schema"] == "empty"
        assert (await get(runtime, "/readyz"))[0] == 503
    finally:
        await runtime.scheduler.stop()
