"""Shared by the cycle benchmarks: a fake chat API on loopback and a Messenger that posts to it.

The fake API counts deliveries per recipient, so duplicates and misses can be counted exactly.
"""

from __future__ import annotations

import asyncio
import itertools
from collections import Counter
from collections.abc import Callable
from datetime import UTC, date, datetime

import aiohttp
from aiohttp import web

from kernel.core import Reply
from kernel.messenger import Address, RecipientUnreachableError, Sent, TemporaryFailureError


class FakeApi:
    def __init__(self, delay: float = 0.0) -> None:
        self.delay = delay
        self.deliveries: Counter[str] = Counter()
        self._ids = itertools.count(1)
        self.runner: web.AppRunner | None = None
        self.url = ""
        # Crash injection: after this many deliveries, call ``on_delivery`` before answering.
        self.trigger_at: int | None = None
        self.on_trigger: Callable[[], None] | None = None

    async def _post(self, request: web.Request) -> web.Response:
        body = await request.json()
        if self.delay:
            await asyncio.sleep(self.delay)
        self.deliveries[body["user_id"]] += 1
        if self.trigger_at is not None and sum(self.deliveries.values()) == self.trigger_at:
            self.trigger_at = None
            if self.on_trigger is not None:
                self.on_trigger()  # e.g. kill -9 the sender while this send is in flight
        return web.json_response({"ok": True, "id": f"m{next(self._ids)}"})

    async def _count(self, request: web.Request) -> web.Response:
        return web.json_response(
            {"total": sum(self.deliveries.values()), "unique": len(self.deliveries)}
        )

    async def start(self, port: int = 0) -> str:
        app = web.Application()
        app.router.add_post("/send", self._post)
        app.router.add_get("/count", self._count)
        self.runner = web.AppRunner(app, access_log=None)
        await self.runner.setup()
        site = web.TCPSite(self.runner, "127.0.0.1", port)
        await site.start()
        sockets = site._server.sockets  # type: ignore[union-attr]
        self.url = f"http://127.0.0.1:{sockets[0].getsockname()[1]}"
        return self.url

    async def stop(self) -> None:
        if self.runner is not None:
            await self.runner.cleanup()


class HttpMessenger:
    """Posts each prompt to the fake API, as a platform adapter would post to Slack."""

    def __init__(self, url: str, platform: str = "console") -> None:
        self.platform = platform
        self.url = url
        self._session: aiohttp.ClientSession | None = None

    async def send(self, identity: Address, reply: Reply, *, update_id: str | None = None) -> Sent:
        if self._session is None:
            self._session = aiohttp.ClientSession()
        payload = {"user_id": identity.user_id, "text": reply.plain_text}
        async with self._session.post(f"{self.url}/send", json=payload) as response:
            if response.status == 429 or response.status >= 500:
                retry = response.headers.get("Retry-After")
                raise TemporaryFailureError(str(response.status), float(retry) if retry else None)
            if response.status >= 400:
                raise RecipientUnreachableError(str(response.status))
            data = await response.json()
        return Sent(message_id=data["id"])

    async def close(self) -> None:
        if self._session is not None:
            await self._session.close()


class AlwaysOpen:
    """A calendar with no closing time, so a benchmark run at night measures sending."""

    def is_working_day(self, day: date, /) -> bool:
        return True

    def is_working_moment(self, moment: datetime, tz: str, /) -> bool:
        return True

    def next_working_moment(self, moment: datetime, tz: str, /) -> datetime:
        return moment.astimezone(UTC)

    def add_working_days(self, day: date, n: int, /) -> date:
        from datetime import timedelta

        return day + timedelta(days=n)
