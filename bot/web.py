"""The aiohttp application that serves Slack, Teams and the health check in one process.

Platform adapters add their own routes (``/slack/events``, ``/api/messages``) through
``mount`` functions; this module only knows the health check.
"""

from __future__ import annotations

from aiohttp import web
from sqlalchemy import text

from bot.app import Signaalbot
from storage.db import DatabaseUnavailableError

BOT_KEY: web.AppKey[Signaalbot] = web.AppKey("signaalbot", Signaalbot)


async def healthz(request: web.Request) -> web.Response:
    bot = request.app[BOT_KEY]
    try:
        async with bot.services.db.session() as session:
            await session.execute(text("SELECT 1"))
    except DatabaseUnavailableError:
        return web.json_response({"status": "degraded", "database": "unavailable"}, status=503)
    return web.json_response({"status": "ok", "database": bot.services.db.dialect})


def build_web_app(bot: Signaalbot) -> web.Application:
    app = web.Application(client_max_size=2 * 1024 * 1024)
    app[BOT_KEY] = bot
    app.router.add_get("/healthz", healthz)
    return app
