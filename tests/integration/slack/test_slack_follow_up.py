"""A confirmation Slack shows after the ack reaches the person once, also when the process
stops between the commit and the answer (turn/follow_up.py).

The real aiohttp + bolt app over signed HTTP, the fake Slack Web API on loopback, SQLite and
PostgreSQL. The crash point is made at the network edge: the fake Slack holds ``views.update``
(or ``conversations.open``) unanswered, the test waits until the turn has committed and the
adapter is waiting on Slack, and then stops the instance's work where it stands
(:meth:`~bot.adapters.slack_turns.SlackTurns.abandon`, nothing of it runs afterwards, as after
kill -9). A second instance on the same database then runs its dispatcher. The real kill -9
of ``signaalbot serve`` during a burst is ``benchmarks/intake_crash.py``.
"""

from __future__ import annotations

import asyncio
import json
import time
from collections.abc import AsyncIterator, Callable
from datetime import timedelta
from typing import Any

import pytest
from aiohttp.test_utils import TestClient

from bot.adapters.slack import SlackAdapter
from bot.bootstrap import Runtime, bootstrap
from kernel.clock import ManualClock
from kernel.core import Identity, Platform, Submit
from tests.integration.slack.test_slack_flow import GOOD_TEXT, REST, open_signal_form
from tests.slack_support import (
    TEAM,
    Call,
    FakeSlack,
    SlackDriver,
    slack_settings,
    submission,
)
from tests.unit.handlers.util import signal_values
from turn.pipeline import Signaalbot

SAVED = "Je signaal is opgeslagen als"
PAST_GRACE = timedelta(seconds=46)  # follow_up_grace_seconds is 45


def dms(fake: FakeSlack, user: str) -> list[Call]:
    return [c for c in fake.called("chat.postMessage") if c.params.get("channel") == f"D{user}"]


def shown(call: Call) -> str:
    return json.dumps(call.params, ensure_ascii=False)


async def until(check: Callable[[], bool], seconds: float = 20.0) -> None:
    deadline = time.monotonic() + seconds
    while not check():
        assert time.monotonic() < deadline, "timed out"
        await asyncio.sleep(0.02)


@pytest.fixture
async def second_instance(
    db_url: str, clock: ManualClock, fake_slack: FakeSlack
) -> AsyncIterator[Runtime]:
    """Another process on the same database (a restart, or the next replica)."""
    runtime = await bootstrap(slack_settings(db_url, fake_slack.api_url), clock)
    try:
        yield runtime
    finally:
        await runtime.close()


async def slow_submit(
    anna: SlackDriver, adapter: SlackAdapter, hold: str | None = None
) -> tuple[dict[str, Any], asyncio.Event]:
    """Open the signal form and submit it with a handler "slower" than the ack budget; with
    ``hold``, Slack hangs on that method from the submit on."""
    view = await open_signal_form(anna, adapter)
    held = anna.fake.hold(hold) if hold else asyncio.Event()
    adapter.submissions.ack_budget = 0.0001  # every turn outlasts it: "one moment" first
    theme = view["blocks"][1]["element"]["options"][0]["value"]
    payload = submission(
        view, {"text": GOOD_TEXT, "theme": theme, **REST}, user=anna.user, view_id="V-anna"
    )
    status, body = await anna.interact(payload)
    assert status == 200
    assert "ermee bezig" in body, "the ack said one moment"
    return payload, held


async def signals(bot: Signaalbot) -> int:
    async with bot.services.uow(read_only=True) as uow:
        return await uow.signals.count()


async def test_a_committed_slow_submit_is_confirmed_once_after_the_process_stopped(
    slack_client: TestClient[Any, Any],
    fake_slack: FakeSlack,
    adapter: SlackAdapter,
    slack_bot: Signaalbot,
    second_instance: Runtime,
    clock: ManualClock,
) -> None:
    anna = SlackDriver(slack_client, fake_slack, user="UANNA")
    _, held = await slow_submit(anna, adapter, hold="views.update")  # the result view hangs
    await until(lambda: any(c.params.get("view_id") == "V-anna" for c in fake_slack.calls))
    assert await signals(slack_bot) == 1, "committed before the adapter answered"
    await adapter.turns.abandon()  # the process is gone, the modal says "one moment" forever
    assert dms(fake_slack, "UANNA") == []

    dispatcher = second_instance.scheduler.dispatcher
    early = await dispatcher.run_once(clock.now())
    assert early.sent == 0, "within the grace the first instance may still answer"
    clock.advance(PAST_GRACE)
    late = await dispatcher.run_once(clock.now())
    assert late.sent == 1
    [dm] = dms(fake_slack, "UANNA")
    assert f"{SAVED} S-2026-0001" in shown(dm)
    assert (await dispatcher.run_once(clock.now() + timedelta(hours=1))).sent == 0
    assert await signals(slack_bot) == 1
    held.set()


async def test_an_answer_delivered_directly_is_not_sent_again_nor_after_a_resubmit(
    slack_client: TestClient[Any, Any],
    fake_slack: FakeSlack,
    adapter: SlackAdapter,
    slack_runtime: Runtime,
    clock: ManualClock,
) -> None:
    anna = SlackDriver(slack_client, fake_slack, user="UANNA")
    payload, _ = await slow_submit(anna, adapter)
    await adapter.drain()
    result = [c for c in fake_slack.called("views.update") if c.params["view_id"] == "V-anna"]
    assert f"{SAVED} S-2026-0001" in shown(result[-1]), "the modal shows the result"
    assert len(dms(fake_slack, "UANNA")) == 1, "and the DM has its copy"
    clock.advance(PAST_GRACE)
    assert (await slack_runtime.scheduler.dispatcher.run_once(clock.now())).sent == 0
    # Slack said "trouble connecting"; Anna presses Submit again: the same view and hash.
    payload["trigger_id"] = "trig-again"
    status, _ = await anna.interact(payload)
    assert status == 200
    await adapter.drain()
    assert len(dms(fake_slack, "UANNA")) == 1, "the kept answer again, no second DM"


async def test_a_direct_answer_later_than_the_grace_does_not_post_a_second_message(
    slack_client: TestClient[Any, Any],
    fake_slack: FakeSlack,
    adapter: SlackAdapter,
    slack_runtime: Runtime,
    clock: ManualClock,
) -> None:
    """Slack hangs past the grace: the dispatcher sends the DM; the late adapter does not."""
    anna = SlackDriver(slack_client, fake_slack, user="UANNA")
    _, held = await slow_submit(anna, adapter, hold="views.update")
    await until(lambda: any(c.params.get("view_id") == "V-anna" for c in fake_slack.calls))
    clock.advance(PAST_GRACE)
    assert (await slack_runtime.scheduler.dispatcher.run_once(clock.now())).sent == 1
    held.set()
    await adapter.drain()
    [dm] = dms(fake_slack, "UANNA")
    assert f"{SAVED} S-2026-0001" in shown(dm)


async def test_a_click_whose_answer_was_in_flight_is_sent_once_after_the_lease(
    slack_client: TestClient[Any, Any],
    fake_slack: FakeSlack,
    adapter: SlackAdapter,
    slack_bot: Signaalbot,
    second_instance: Runtime,
    clock: ManualClock,
) -> None:
    """ "Nee, dit is nieuw" is acked before its turn; the process dies while the confirmation
    is on its way (the DM channel asked, not yet posted): the lease runs out, then a
    dispatcher sends it, once."""
    bob = Identity(platform=Platform.SLACK, user_id=f"{TEAM}:UBOB", display_name="Bob")
    await slack_bot.handle(bob, Submit(form_id="signal.report", values=signal_values(GOOD_TEXT)))
    anna = SlackDriver(slack_client, fake_slack, user="UANNA")
    view = await open_signal_form(anna, adapter)
    theme = view["blocks"][1]["element"]["options"][0]["value"]
    answer = await anna.submit({"text": GOOD_TEXT, "theme": theme, **REST})
    await adapter.drain()
    updated = [c for c in fake_slack.called("views.update") if c.params["view_id"] == "V-open"]
    choice = updated[-1].params["view"] if updated else answer["view"]  # a slow ack: updated
    assert "S-2026-0001" in json.dumps(choice), "Bob's signal is offered"
    button = next(
        e
        for b in choice["blocks"]
        if b.get("type") == "actions"
        for e in b["elements"]
        if str(e.get("action_id", "")).startswith("signal.match.new")
    )
    copies = len(dms(fake_slack, "UANNA"))  # the choice's copy in the DM
    held = fake_slack.hold("conversations.open")
    opened = len(fake_slack.called("conversations.open"))
    click = {
        "type": "block_actions",
        "team": {"id": TEAM, "domain": "gemeente"},
        "user": {"id": "UANNA", "username": "uanna", "team_id": TEAM},
        "api_app_id": "A1",
        "trigger_id": "trig-click",
        "container": {"type": "view", "view_id": "V-open"},
        "view": {**choice, "id": "V-open", "hash": "h2"},
        "actions": [
            {"action_id": button["action_id"], "block_id": "b", "type": "button",
             "value": button.get("value", ""), "action_ts": "1700000000.000100"}
        ],
    }  # fmt: skip
    status, _ = await anna.interact(click)
    assert status == 200
    # The click's turn committed and is waiting for the DM channel, its answer on its way.
    await until(lambda: len(fake_slack.called("conversations.open")) > opened)
    assert await signals(slack_bot) == 2
    await adapter.turns.abandon()
    held.set()  # the dead process is not there to hear the answer
    dispatcher = second_instance.scheduler.dispatcher
    clock.advance(PAST_GRACE)
    assert (await dispatcher.run_once(clock.now())).sent == 0, "held by the dead sender"
    clock.advance(timedelta(seconds=60))  # past the 90 s lease
    assert (await dispatcher.run_once(clock.now())).sent == 1
    confirmations = [c for c in dms(fake_slack, "UANNA")[copies:] if SAVED in shown(c)]
    assert len(confirmations) == 1 and "S-2026-0002" in shown(confirmations[0])
