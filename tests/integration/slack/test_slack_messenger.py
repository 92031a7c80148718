"""Proactive messages: DMs, updates in place, 429 with Retry-After, unreachable people."""

from __future__ import annotations

from typing import Any

import pytest
from aiohttp.test_utils import TestClient

from bot.adapters.slack import slack_mode
from bot.bootstrap import Runtime
from kernel.core import Reply, Text
from kernel.messenger import Address, RecipientUnreachableError, TemporaryFailureError
from tests.conftest import make_settings
from tests.slack_support import TEAM, FakeSlack
from turn.pipeline import Signaalbot

ANNA = Address(
    platform="slack",
    user_id=f"{TEAM}:UANNA",
    tenant=TEAM,
    conversation_ref={"team_id": TEAM, "channel": "C0001"},
)
NEWS = Reply(blocks=(Text(text="Je signaal S-2026-0001 is in behandeling."),))


async def test_messenger_is_registered_and_sends_a_dm(
    slack_client: TestClient[Any, Any],
    slack_bot: Signaalbot,
    fake_slack: FakeSlack,
    slack_runtime: Runtime,
) -> None:
    messenger = slack_runtime.messengers["slack"]
    sent = await messenger.send(ANNA, NEWS)
    assert sent.message_id is not None
    opened = fake_slack.called("conversations.open")[-1]
    assert opened.params["users"] == "UANNA"
    posted = fake_slack.called("chat.postMessage")[-1]
    assert posted.params["channel"] == "DUANNA"
    assert "S-2026-0001" in posted.params["text"]

    updated = await messenger.send(ANNA, NEWS, update_id=sent.message_id)
    call = fake_slack.called("chat.update")[-1]
    assert call.params["ts"] == sent.message_id
    assert updated.message_id == sent.message_id


async def test_rate_limited_then_success(
    slack_client: TestClient[Any, Any],
    slack_bot: Signaalbot,
    fake_slack: FakeSlack,
    slack_runtime: Runtime,
) -> None:
    messenger = slack_runtime.messengers["slack"]
    fake_slack.fail_next(
        "chat.postMessage", status=429, error="ratelimited", **{"Retry-After": "7"}
    )
    with pytest.raises(TemporaryFailureError) as caught:
        await messenger.send(ANNA, NEWS)
    assert caught.value.retry_after == 7.0
    sent = await messenger.send(ANNA, NEWS)
    assert sent.message_id
    assert len(fake_slack.called("chat.postMessage")) == 2


async def test_server_error_is_temporary(
    slack_client: TestClient[Any, Any],
    slack_bot: Signaalbot,
    fake_slack: FakeSlack,
    slack_runtime: Runtime,
) -> None:
    fake_slack.fail_next("conversations.open", status=503, error="service_unavailable")
    with pytest.raises(TemporaryFailureError):
        await slack_runtime.messengers["slack"].send(ANNA, NEWS)


@pytest.mark.parametrize(
    ("method", "error"),
    [
        ("conversations.open", "user_not_found"),
        ("conversations.open", "account_inactive"),
        ("chat.postMessage", "channel_not_found"),
        ("conversations.open", "invalid_auth"),
        ("conversations.open", "token_revoked"),
        ("chat.postMessage", "not_in_channel"),
    ],
)
async def test_unreachable_person(
    slack_client: TestClient[Any, Any],
    slack_bot: Signaalbot,
    fake_slack: FakeSlack,
    method: str,
    error: str,
    slack_runtime: Runtime,
) -> None:
    fake_slack.fail_next(method, error=error)
    with pytest.raises(RecipientUnreachableError):
        await slack_runtime.messengers["slack"].send(ANNA, NEWS)


async def test_update_of_a_deleted_message_posts_anew(
    slack_client: TestClient[Any, Any],
    slack_bot: Signaalbot,
    fake_slack: FakeSlack,
    slack_runtime: Runtime,
) -> None:
    fake_slack.fail_next("chat.update", error="message_not_found")
    sent = await slack_runtime.messengers["slack"].send(ANNA, NEWS, update_id="1.000001")
    assert sent.message_id and sent.message_id != "1.000001"


def test_socket_mode_is_selected_by_the_app_token(sqlite_url: str) -> None:
    assert slack_mode(make_settings(sqlite_url, slack_bot_token="xoxb-1")) == "http"
    assert (
        slack_mode(make_settings(sqlite_url, slack_bot_token="xoxb-1", slack_app_token="xapp-1"))
        == "socket"
    )


async def test_socket_mode_mounts_no_http_endpoint(
    sqlite_bot: Signaalbot, sqlite_url: str, fake_slack: FakeSlack
) -> None:
    from aiohttp import web

    from bot.adapters.slack import mount_slack
    from bot.bootstrap import bootstrap

    runtime = await bootstrap(
        make_settings(
            sqlite_url,
            slack_bot_token="xoxb-1",
            slack_app_token="xapp-1",
            slack_api_url=fake_slack.api_url,
        )
    )
    app = web.Application()
    assert runtime.slack is not None
    mount_slack(app, runtime.slack)
    assert runtime.slack.mode == "socket"
    assert not [r for r in app.router.routes() if r.resource and "/slack/events" in str(r.resource)]
    assert runtime.slack.socket_mode in app.cleanup_ctx
    assert "slack" in runtime.messengers
    await runtime.close()


async def test_adapter_needs_a_signing_secret_in_http_mode(sqlite_url: str) -> None:
    from bot.bootstrap import bootstrap

    with pytest.raises(ValueError, match="SIGNING_SECRET"):
        await bootstrap(make_settings(sqlite_url, slack_bot_token="xoxb-1"))
