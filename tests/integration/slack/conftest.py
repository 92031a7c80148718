"""Fixtures: the real aiohttp app with Slack mounted, a fake Slack Web API, both on loopback."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import pytest
from aiohttp.test_utils import TestClient, TestServer

from bot.adapters.slack import SLACK_KEY, SlackAdapter, mount_slack
from bot.app import Signaalbot, build_app
from bot.web import build_web_app
from kernel.clock import ManualClock
from storage.db import upgrade
from tests.conftest import make_settings
from tests.slack_support import BOT_TOKEN, SIGNING_SECRET, FakeSlack, running


@pytest.fixture
async def fake_slack() -> AsyncIterator[FakeSlack]:
    async with running(FakeSlack()) as fake:
        yield fake


@pytest.fixture
def slack_overrides() -> dict[str, Any]:
    return {}


@pytest.fixture
async def slack_bot(
    db_url: str, clock: ManualClock, fake_slack: FakeSlack, slack_overrides: dict[str, Any]
) -> AsyncIterator[Signaalbot]:
    upgrade(db_url)
    settings = make_settings(
        db_url,
        slack_bot_token=BOT_TOKEN,
        slack_signing_secret=SIGNING_SECRET,
        slack_api_url=fake_slack.api_url,
        **slack_overrides,
    )
    bot = build_app(settings, clock=clock)
    await bot.start()
    try:
        yield bot
    finally:
        await bot.stop()


@pytest.fixture
async def slack_client(slack_bot: Signaalbot) -> AsyncIterator[TestClient[Any, Any]]:
    web_app = build_web_app(slack_bot)
    mount_slack(web_app, slack_bot)
    async with TestClient(TestServer(web_app, host="127.0.0.1")) as client:
        yield client


@pytest.fixture
def adapter(slack_client: TestClient[Any, Any]) -> SlackAdapter:
    return slack_client.app[SLACK_KEY]
