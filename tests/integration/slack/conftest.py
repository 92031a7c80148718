"""Fixtures: the real aiohttp app with Slack mounted, a fake Slack Web API, both on loopback."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from typing import Any

import pytest
from aiohttp.test_utils import TestClient, TestServer

from bot.adapters.slack import SLACK_KEY, SlackAdapter
from bot.bootstrap import Runtime, bootstrap
from bot.web import build_web_app
from kernel.clock import ManualClock
from tests.slack_support import FakeSlack, running, slack_settings
from turn.pipeline import Signaalbot


@pytest.fixture
async def fake_slack() -> AsyncIterator[FakeSlack]:
    async with running(FakeSlack()) as fake:
        yield fake


@pytest.fixture
def slack_overrides() -> dict[str, Any]:
    return {}


@pytest.fixture
async def slack_runtime(
    db_url: str,
    clock: ManualClock,
    fake_slack: FakeSlack,
    slack_overrides: dict[str, Any],
    migrate: Callable[[str], None],
) -> AsyncIterator[Runtime]:
    migrate(db_url)
    settings = slack_settings(db_url, fake_slack.api_url, **slack_overrides)
    runtime = await bootstrap(settings, clock)
    try:
        yield runtime
    finally:
        await runtime.close()


@pytest.fixture
def slack_bot(slack_runtime: Runtime) -> Signaalbot:
    return slack_runtime.bot


@pytest.fixture
async def slack_client(slack_runtime: Runtime) -> AsyncIterator[TestClient[Any, Any]]:
    web_app = build_web_app(slack_runtime)
    async with TestClient(TestServer(web_app, host="127.0.0.1")) as client:
        yield client


@pytest.fixture
def adapter(slack_client: TestClient[Any, Any]) -> SlackAdapter:
    return slack_client.app[SLACK_KEY]
