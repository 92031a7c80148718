"""Fixtures for Teams: the real aiohttp app with /api/messages and a fake Bot Connector."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest
from aiohttp.test_utils import TestClient, TestServer

from bot.adapters.teams import TeamsAdapter, mount_teams
from bot.app import Signaalbot
from bot.web import build_web_app
from tests.integration.teams.driver import TeamsChat
from tests.integration.teams.fake_connector import FakeConnector


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


async def start_client(bot: Signaalbot) -> tuple[TestClient, TeamsAdapter]:
    web_app = build_web_app(bot)
    adapter = mount_teams(web_app, bot)
    client = TestClient(TestServer(web_app, host="127.0.0.1"))
    await client.start_server()
    return client, adapter


@pytest.fixture
async def teams(bot: Signaalbot, connector: FakeConnector) -> AsyncIterator[TeamsChat]:
    """Anna in a personal chat with the bot (SQLite and PostgreSQL)."""
    client, _ = await start_client(bot)
    try:
        yield TeamsChat(client=client, connector=connector)
    finally:
        await client.close()


@pytest.fixture
async def sqlite_teams(
    sqlite_bot: Signaalbot, connector: FakeConnector
) -> AsyncIterator[TeamsChat]:
    client, _ = await start_client(sqlite_bot)
    try:
        yield TeamsChat(client=client, connector=connector)
    finally:
        await client.close()
