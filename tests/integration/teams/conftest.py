"""Fixtures for Teams: the real aiohttp app with /api/messages and a fake Bot Connector."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest
from aiohttp.test_utils import TestClient, TestServer
from botframework.connector.auth.jwt_token_extractor import JwtTokenExtractor

from bot.adapters.teams import TeamsAdapter
from bot.bootstrap import Runtime
from bot.web import build_web_app
from tests.integration.teams.driver import TeamsChat
from tests.integration.teams.fake_connector import FakeConnector
from tests.integration.teams.test_app_tokens import FakeEntra
from tests.integration.teams.test_signing_keys import FakeOpenId


@pytest.fixture
async def connector() -> AsyncIterator[FakeConnector]:
    fake = FakeConnector()
    server = TestServer(fake.app(), host="127.0.0.1")
    await server.start_server()
    fake.url = str(server.make_url("/"))  # type: ignore[attr-defined]
    try:
        yield fake
    finally:
        await server.close()
    assert fake.card_problems == [], "cards that break the Adaptive Cards 1.5 schema"


@pytest.fixture
def runtime_overrides() -> dict[str, object]:
    return {"teams_emulator": True}


async def start_client(runtime: Runtime) -> tuple[TestClient, TeamsAdapter]:
    web_app = build_web_app(runtime)
    assert runtime.teams is not None
    client = TestClient(TestServer(web_app, host="127.0.0.1"))
    await client.start_server()
    return client, runtime.teams


@pytest.fixture
async def teams(runtime: Runtime, connector: FakeConnector) -> AsyncIterator[TeamsChat]:
    """Anna in a personal chat with the bot (SQLite and PostgreSQL)."""
    client, _ = await start_client(runtime)
    try:
        yield TeamsChat(client=client, connector=connector)
    finally:
        await client.close()


@pytest.fixture
async def sqlite_teams(
    sqlite_runtime: Runtime, connector: FakeConnector
) -> AsyncIterator[TeamsChat]:
    client, _ = await start_client(sqlite_runtime)
    try:
        yield TeamsChat(client=client, connector=connector)
    finally:
        await client.close()


@pytest.fixture
async def openid() -> AsyncIterator[FakeOpenId]:
    """Microsoft's OpenID metadata and signing keys on loopback (``fake.url + "metadata"``)."""
    fake = FakeOpenId()
    server = TestServer(fake.app(), host="127.0.0.1")
    await server.start_server()
    fake.url = str(server.make_url("/"))
    try:
        yield fake
    finally:
        JwtTokenExtractor.metadataCache.pop(fake.url + "metadata", None)
        await server.close()


@pytest.fixture
async def entra() -> AsyncIterator[FakeEntra]:
    """Entra ID's token endpoint on loopback; a held request is let go at the end."""
    fake = FakeEntra()
    server = TestServer(fake.app(), host="127.0.0.1")
    await server.start_server()
    fake.url = str(server.make_url("/token"))
    try:
        yield fake
    finally:
        fake.release.set()
        await server.close()
