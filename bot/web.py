"""The aiohttp application that serves Slack, Teams and the health checks in one process.

``/healthz`` is honest: 200 only when the database answers, its schema is at the newest
migration and the dispatcher is alive (a bot that cannot send its prompts is not healthy).
``/readyz`` is for load balancers: 200 when this instance can take requests (database and
schema), whatever the dispatcher does.
"""

from __future__ import annotations

import asyncio
import time
from typing import Any

from aiohttp import web
from sqlalchemy import text

from bot.adapters.file_links import mount_files
from bot.adapters.slack import mount_slack
from bot.adapters.teams import mount_teams
from bot.bootstrap import Runtime
from storage.db import DatabaseUnavailableError, current_revision, head_revision

RUNTIME_KEY: web.AppKey[Runtime] = web.AppKey("runtime", Runtime)


async def _database(runtime: Runtime) -> dict[str, Any]:
    url = runtime.settings.database_url
    try:
        async with runtime.services.db.session() as session:
            await session.execute(text("SELECT 1"))
        current = await asyncio.to_thread(current_revision, url)
    except DatabaseUnavailableError:
        return {"database": "unavailable", "ok": False}
    head = head_revision(url)
    return {
        "database": runtime.services.db.dialect,
        "schema": current or "empty",
        "schema_head": head,
        "ok": current == head,
    }


async def healthz(request: web.Request) -> web.Response:
    runtime = request.app[RUNTIME_KEY]
    report = await _database(runtime)
    dispatcher = runtime.scheduler.alive(time.monotonic())
    report["dispatcher"] = "alive" if dispatcher else "stopped"
    ok = bool(report.pop("ok")) and dispatcher
    report["status"] = "ok" if ok else "degraded"
    return web.json_response(report, status=200 if ok else 503)


async def readyz(request: web.Request) -> web.Response:
    report = await _database(request.app[RUNTIME_KEY])
    ok = bool(report.pop("ok"))
    report["status"] = "ready" if ok else "not_ready"
    return web.json_response(report, status=200 if ok else 503)


def build_web_app(runtime: Runtime) -> web.Application:
    app = web.Application(client_max_size=2 * 1024 * 1024)
    app[RUNTIME_KEY] = runtime
    app.router.add_get("/healthz", healthz)
    app.router.add_get("/readyz", readyz)
    mount_files(app, runtime.services)  # /files/{token}.ics: the links Teams messages carry
    if runtime.slack is not None:
        mount_slack(app, runtime.slack)
    if runtime.teams is not None:
        mount_teams(app, runtime.teams)
    return app
