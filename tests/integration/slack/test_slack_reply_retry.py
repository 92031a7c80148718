"""A reply Slack refuses for now (429 with Retry-After, 500) reaches the person once, via the
outbox, after the time Slack asked for; nothing is sent twice."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from aiohttp.test_utils import TestClient

from bot.adapters.slack import SlackAdapter
from bot.bootstrap import Runtime
from cycle.dispatcher import Dispatcher
from cycle.engine import kit_for
from kernel.clock import ManualClock
from tests.slack_support import FakeSlack, SlackDriver
from turn.pipeline import Signaalbot


def dispatcher(runtime: Runtime) -> Dispatcher:
    kit = kit_for(runtime.services)
    return Dispatcher(runtime.services, runtime.messengers, kit.calendar, kit.rules, worker_id="t")


def posted_texts(fake: FakeSlack) -> list[str]:
    return [str(c.params.get("text", "")) for c in fake.called("chat.postMessage")]


async def test_a_rate_limited_dm_reply_is_sent_once_after_retry_after(
    slack_client: TestClient[Any, Any],
    fake_slack: FakeSlack,
    adapter: SlackAdapter,
    slack_bot: Signaalbot,
    slack_runtime: Runtime,
    clock: ManualClock,
) -> None:
    anna = SlackDriver(slack_client, fake_slack, user="UANNA")
    fake_slack.fail_next(
        "chat.postMessage", status=429, error="ratelimited", **{"Retry-After": "30"}
    )
    status, _ = await anna.dm("help")
    assert status == 200
    await adapter.drain()
    assert len(fake_slack.called("chat.postMessage")) == 1  # the refused attempt
    async with slack_bot.services.uow() as uow:
        queued = await uow.outbox.find(status="pending")
    assert [m.key.split(":")[:2] for m in queued] == [["reply", "slack"]]
    assert queued[0].not_before == clock.now() + timedelta(seconds=30)

    sender = dispatcher(slack_runtime)
    await sender.run_once(clock.now() + timedelta(seconds=29))
    assert len(fake_slack.called("chat.postMessage")) == 1, "not before Retry-After"
    clock.advance(timedelta(seconds=31))
    result = await sender.run_once(clock.now())
    assert result.sent == 1
    texts = posted_texts(fake_slack)
    assert len(texts) == 2 and texts[0] == texts[1], "the same answer, delivered now"
    clock.advance(timedelta(minutes=10))
    await sender.run_once(clock.now())
    assert len(fake_slack.called("chat.postMessage")) == 2, "once"


async def test_a_command_reply_refused_twice_with_500_goes_through_the_outbox(
    slack_client: TestClient[Any, Any],
    fake_slack: FakeSlack,
    adapter: SlackAdapter,
    slack_bot: Signaalbot,
    slack_runtime: Runtime,
    clock: ManualClock,
) -> None:
    anna = SlackDriver(slack_client, fake_slack, user="UANNA")
    fake_slack.fail_next_response(status=500)
    fake_slack.fail_next("chat.postMessage", status=500, error="internal_error")
    status, _ = await anna.slash("/signaalbot", "help")
    assert status == 200
    await adapter.drain()
    assert fake_slack.responses == []
    result = await dispatcher(slack_runtime).run_once(clock.now())
    assert result.sent == 1
    posted = fake_slack.called("chat.postMessage")
    assert len(posted) == 2 and posted[1].params["channel"] == "DUANNA"
    assert "signaalbot" in str(posted[1].params.get("text", "")).lower()


async def test_a_reply_at_night_is_not_held_until_office_hours(
    slack_client: TestClient[Any, Any],
    fake_slack: FakeSlack,
    adapter: SlackAdapter,
    slack_bot: Signaalbot,
    slack_runtime: Runtime,
    clock: ManualClock,
) -> None:
    clock.advance(timedelta(hours=13))  # Monday 22:30 in Amsterdam
    anna = SlackDriver(slack_client, fake_slack, user="UANNA")
    fake_slack.fail_next("chat.postMessage", status=503)
    await anna.dm("help")
    await adapter.drain()
    result = await dispatcher(slack_runtime).run_once(clock.now())
    assert result.sent == 1 and len(fake_slack.called("chat.postMessage")) == 2
