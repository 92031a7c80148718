"""A reply the Bot Connector refuses for now (429 with Retry-After, 5xx) reaches the person
once, through the outbox, no earlier than the connector asked."""

from __future__ import annotations

from datetime import timedelta

import pytest

from bot.bootstrap import Runtime
from cycle.dispatcher import Dispatcher
from cycle.engine import kit_for
from kernel.clock import ManualClock
from tests.integration.teams.driver import TeamsChat, texts
from tests.integration.teams.fake_connector import FakeConnector
from turn.pipeline import Signaalbot


def dispatcher(runtime: Runtime) -> Dispatcher:
    kit = kit_for(runtime.services)
    return Dispatcher(runtime.services, runtime.messengers, kit.calendar, kit.rules, worker_id="t")


@pytest.mark.parametrize(("status", "headers"), [(429, {"Retry-After": "20"}), (502, {})])
async def test_a_refused_reply_is_delivered_once_by_the_outbox(
    teams: TeamsChat,
    connector: FakeConnector,
    bot: Signaalbot,
    runtime: Runtime,
    clock: ManualClock,
    status: int,
    headers: dict[str, str],
) -> None:
    connector.fail_next(status, headers)
    calls = await teams.say("help")
    assert teams.last_status == 200, "the activity itself was handled"
    assert len(calls) == 1  # the refused attempt
    async with bot.services.uow() as uow:
        queued = await uow.outbox.find(status="pending")
    assert len(queued) == 1 and queued[0].key.startswith("reply:teams:")
    wait = 20 if status == 429 else 0
    assert queued[0].not_before == clock.now() + timedelta(seconds=wait)

    sender = dispatcher(runtime)
    if wait:
        await sender.run_once(clock.now() + timedelta(seconds=wait - 1))
        assert len(connector.sent()) == 1, "not before Retry-After"
    clock.advance(timedelta(seconds=wait + 1))
    result = await sender.run_once(clock.now())
    assert result.sent == 1
    sent = connector.sent()
    assert len(sent) == 2 and "signaalbot" in texts([sent[-1]]).lower()
    clock.advance(timedelta(minutes=10))
    await sender.run_once(clock.now())
    assert len(connector.sent()) == 2, "once"
