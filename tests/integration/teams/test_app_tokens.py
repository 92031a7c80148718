"""The bot's own token for the Bot Connector: asked off the event loop, cached, with a timeout.

botbuilder asks MSAL for it synchronously on the event loop, once per activity. Here a fake
token endpoint on loopback stands in for Entra ID; the credentials ask it with a blocking
``requests.post``, exactly as MSAL does. While that request hangs, other requests must be
answered at once, and the send fails for now (the outbox tries again) instead of waiting.
"""

from __future__ import annotations

import asyncio
import threading
import time
from collections.abc import AsyncIterator
from typing import Any

import aiohttp
import pytest
import requests
from aiohttp import web
from aiohttp.test_utils import TestClient, TestServer
from botbuilder.schema import Activity, ActivityTypes

from bot.adapters.teams_connector import (
    AppTokens,
    PooledAuthentication,
    PooledConnectors,
    SharedSession,
    TokenUnavailableError,
)
from bot.bootstrap import Runtime, bootstrap
from bot.web import build_web_app
from kernel.clock import ManualClock
from kernel.core import Reply, Text
from kernel.messenger import Address, TemporaryFailureError
from tests.conftest import make_settings
from tests.integration.teams.driver import TENANT, TeamsChat
from tests.integration.teams.fake_connector import FakeConnector

APP_ID = "11111111-2222-3333-4444-555555555555"
AUDIENCE = "https://api.botframework.com"


class FakeEntra:
    """A token endpoint that answers ``tok-N`` or, while ``hanging`` is set, holds the request."""

    def __init__(self) -> None:
        self.requests = 0
        self.hanging = False
        self.release = asyncio.Event()
        self.url = ""

    def app(self) -> web.Application:
        app = web.Application()
        app.router.add_post("/token", self._token)
        app.router.add_get("/ping", self._ping)
        return app

    async def _token(self, _request: web.Request) -> web.Response:
        self.requests += 1
        if self.hanging:
            await self.release.wait()
        return web.json_response({"access_token": f"tok-{self.requests}"})

    async def _ping(self, _request: web.Request) -> web.Response:
        return web.Response(text="pong")


class BlockingCredentials:
    """botbuilder's credentials as far as the token goes: a blocking HTTP call, like MSAL's."""

    def __init__(self, url: str) -> None:
        self.microsoft_app_id = APP_ID
        self.url = url
        self.calls = 0
        self.threads: set[str] = set()

    def get_access_token(self) -> str:
        self.calls += 1
        self.threads.add(threading.current_thread().name)
        answer = requests.post(self.url, timeout=30)
        return str(answer.json()["access_token"])


def tokens_for(creds: BlockingCredentials, timeout: float = 5.0) -> AppTokens:
    async def credentials(_audience: str) -> Any:
        return creds

    return AppTokens(credentials, timeout=timeout)


async def test_the_token_is_asked_once_in_a_thread_and_sent_as_bearer(
    entra: FakeEntra, connector: FakeConnector
) -> None:
    creds = BlockingCredentials(entra.url)
    tokens = tokens_for(creds)
    session = SharedSession()
    pool = PooledConnectors(APP_ID, AUDIENCE, tokens, session)
    service_url = connector.url  # type: ignore[attr-defined]
    try:
        clients = await asyncio.gather(*(pool.create(service_url) for _ in range(20)))
        assert creds.calls == 1, "callers during a fetch share it"
        assert all(c is clients[0] for c in clients), "one kept client per service URL"
        assert creds.threads and not any(t == "MainThread" for t in creds.threads)
        activity = Activity(type=ActivityTypes.message, text="Hallo")
        await clients[0].conversations.send_to_conversation("a:personal-anna", activity)
        assert connector.sent()[-1].authorization == "Bearer tok-1"
        await pool.create(service_url)
        assert creds.calls == 1, "cached, not asked per turn"
    finally:
        await session.close()
        tokens.close()


async def test_a_hanging_token_endpoint_delays_no_other_request(entra: FakeEntra) -> None:
    entra.hanging = True
    creds = BlockingCredentials(entra.url)
    tokens = tokens_for(creds, timeout=0.5)
    session = SharedSession()
    pool = PooledConnectors(APP_ID, AUDIENCE, tokens, session)
    ping = entra.url.replace("/token", "/ping")
    try:
        waiting = asyncio.ensure_future(pool.create("http://127.0.0.1:1/"))
        await asyncio.sleep(0.05)
        assert entra.requests == 1
        slowest = 0.0
        async with aiohttp.ClientSession() as http:
            for _ in range(10):
                began = time.perf_counter()
                async with http.get(ping) as answer:
                    assert await answer.text() == "pong"
                slowest = max(slowest, time.perf_counter() - began)
        assert slowest < 0.1, f"a request waited {slowest:.3f} s behind the token request"
        began = time.perf_counter()
        with pytest.raises(TokenUnavailableError):
            await waiting
        assert time.perf_counter() - began < 1.0, "the timeout bounds the wait"
        began = time.perf_counter()
        with pytest.raises(TokenUnavailableError):
            await pool.create("http://127.0.0.1:1/")
        assert time.perf_counter() - began < 0.05, "backing off: refused at once"
        assert entra.requests == 1, "no second request while backing off"
    finally:
        entra.release.set()
        await session.close()
        tokens.close()


@pytest.fixture
async def secured(sqlite_url: str, clock: ManualClock) -> AsyncIterator[Runtime]:
    settings = make_settings(
        sqlite_url,
        teams_app_id=APP_ID,
        teams_app_password="secret",
        teams_tenant_id=TENANT,
        base_url="https://bot.gemeente.nl",
    )
    runtime = await bootstrap(settings, clock)
    try:
        yield runtime
    finally:
        await runtime.close()


async def test_a_proactive_send_waits_on_no_hanging_token_and_fails_for_now(
    secured: Runtime, entra: FakeEntra, connector: FakeConnector
) -> None:
    """The real adapter: botbuilder's continue_conversation gets its connector from us."""
    assert secured.teams is not None
    auth = secured.teams.cloud.bot_framework_authentication
    assert isinstance(auth, PooledAuthentication)
    entra.hanging = True
    creds = BlockingCredentials(entra.url)

    async def credentials(_audience: str) -> Any:
        return creds

    auth.tokens.credentials = credentials
    auth.tokens.timeout = 0.5
    chat = TeamsChat(client=None, connector=connector)  # type: ignore[arg-type]
    reference = {
        "v": 1,
        "scope": "personal",
        "tenant_id": TENANT,
        "reference": {
            "bot": {"id": "28:signaalbot"},
            "user": {"id": chat.user_id},
            "conversation": {"id": chat.conversation_id, "tenantId": TENANT},
            "channelId": "msteams",
            "serviceUrl": connector.url,  # type: ignore[attr-defined]
        },
    }
    address = Address(platform="teams", user_id=chat.identity_user_id, conversation_ref=reference)
    client = TestClient(TestServer(build_web_app(secured), host="127.0.0.1"))
    await client.start_server()
    try:
        send = asyncio.ensure_future(
            secured.messengers["teams"].send(address, Reply(blocks=(Text(text="Hallo"),)))
        )
        await asyncio.sleep(0.05)
        began = time.perf_counter()
        answer = await client.get("/readyz")
        assert answer.status == 200
        assert time.perf_counter() - began < 0.1
        with pytest.raises(TemporaryFailureError):
            await send
        assert connector.sent() == []
    finally:
        entra.release.set()
        await client.close()
