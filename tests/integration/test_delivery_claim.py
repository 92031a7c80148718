"""An inbound event is handled once, claimed in the same transaction as its effect.

Real databases (SQLite and PostgreSQL), the real pipeline: the same form delivered twice at
the same moment stores one signal; a turn that fails before its commit leaves the key free,
so the platform's redelivery is handled; a committed form answers the same again, also when
the process died right after the commit (the answer is kept in that commit).
"""

from __future__ import annotations

import asyncio
from typing import Any

import pytest

from kernel.core import Action, Identity, Platform, Submit
from storage.uow import DeliveryClaim, UnitOfWork
from tests.helpers import person, texts
from turn.pipeline import Signaalbot

SIGNAL = "Steeds meer jongeren komen met schulden bij het wijkteam, vooral rond hun achttiende."


def report(key: str, text: str = SIGNAL) -> Submit:
    return Submit(
        form_id="signal.report",
        values={
            "text": text,
            "theme": "leren",
            "subdomain": "jeugd",
            "area": "centrum",
            "since": "lt3m",
            "org_type": "municipality",
        },
        idempotency_key=key,
    )


async def signal_count(bot: Signaalbot) -> int:
    async with bot.services.uow() as uow:
        return await uow.signals.count()


async def test_two_deliveries_at_once_store_one_signal(bot: Signaalbot) -> None:
    who = person("ina", platform=Platform.TEAMS)
    await bot.handle(who, Submit(form_id="nothing", idempotency_key="warm-up"))  # person exists
    first, second = await asyncio.gather(
        bot.handle(who, report("act-7")), bot.handle(who, report("act-7"))
    )
    assert await signal_count(bot) == 1
    answers = [texts(first), texts(second)]
    assert any("S-2026-0001" in a for a in answers), answers


async def test_a_turn_that_failed_before_its_commit_leaves_the_key_free(bot: Signaalbot) -> None:
    who = person("ina", platform=Platform.TEAMS)
    async with bot.services.uow(DeliveryClaim("teams:act-9", bot.services.clock.now())) as uow:
        await uow.audit.record(
            actor_id=None, action="x", entity="x", entity_id="1", now=bot.services.clock.now()
        )
        # no commit: the process "crashed" here
    replies = await bot.handle(who, report("act-9"))
    assert "S-2026-0001" in texts(replies), "the redelivery is handled"
    again = await bot.handle(who, report("act-9"))
    assert texts(again) == texts(replies), "a committed form answers the same"
    assert await signal_count(bot) == 1


class Died:
    """Makes the first claiming commit of a turn its last act: the effect is committed, then
    the turn never goes on (as after kill -9), so nothing it would do afterwards happens."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch) -> None:
        self.armed = True
        self.hung: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        original = UnitOfWork.commit

        async def commit(uow: UnitOfWork) -> None:
            claim = uow._claim
            first = claim is not None and not claim.claimed
            await original(uow)
            if first and self.armed:
                self.armed = False
                await self.hung  # never set: the process is gone

        monkeypatch.setattr(UnitOfWork, "commit", commit)

    async def deliver(
        self, bot: Signaalbot, who: Identity, event: Submit | Action
    ) -> asyncio.Task[Any]:
        task = asyncio.ensure_future(bot.handle(who, event))
        while self.armed:
            await asyncio.sleep(0.01)
        return task


async def test_a_crash_right_after_the_commit_still_answers_the_redelivery(
    bot: Signaalbot, monkeypatch: pytest.MonkeyPatch
) -> None:
    who = person("ina", platform=Platform.TEAMS)
    await bot.handle(who, Submit(form_id="nothing", idempotency_key="warm-up"))
    died = Died(monkeypatch)
    first = await died.deliver(bot, who, report("act-21"))
    replies = await bot.handle(who, report("act-21"))  # Teams delivers it again
    assert "S-2026-0001" in texts(replies), "the confirmation of the stored signal"
    assert await signal_count(bot) == 1
    first.cancel()


async def test_a_crash_right_after_the_matches_were_committed_still_offers_them(
    bot: Signaalbot, monkeypatch: pytest.MonkeyPatch
) -> None:
    ina, jan = person("ina", platform=Platform.TEAMS), person("jan", platform=Platform.TEAMS)
    assert "S-2026-0001" in texts(await bot.handle(ina, report("act-30")))
    await bot.handle(jan, Submit(form_id="nothing", idempotency_key="warm-up"))
    died = Died(monkeypatch)
    first = await died.deliver(bot, jan, report("act-31"))  # similar: the choice is committed
    replies = await bot.handle(jan, report("act-31"))
    offered = [
        b.action_id for r in replies for block in r.blocks for b in getattr(block, "buttons", ())
    ]
    assert "signal.match.new" in offered, texts(replies)
    new = await bot.handle(jan, Action(action_id="signal.match.new", idempotency_key="act-32"))
    assert "S-2026-0002" in texts(new)
    assert await signal_count(bot) == 2
    first.cancel()


async def test_a_click_redelivered_after_its_commit_gets_the_same_confirmation(
    bot: Signaalbot, monkeypatch: pytest.MonkeyPatch
) -> None:
    ina, jan = person("ina", platform=Platform.TEAMS), person("jan", platform=Platform.TEAMS)
    await bot.handle(ina, report("act-40"))
    await bot.handle(jan, report("act-41"))  # similar: "nee, dit is nieuw" is offered
    click = Action(action_id="signal.match.new", idempotency_key="act-42")
    died = Died(monkeypatch)
    first = await died.deliver(bot, jan, click)  # stored, then the process died
    again = await bot.handle(jan, click)  # Teams delivers the unanswered click again
    assert "S-2026-0002" in texts(again), texts(again)
    assert await signal_count(bot) == 2
    first.cancel()


async def test_clicked_again_after_the_signal_was_stored_confirms_it_again(
    bot: Signaalbot,
) -> None:
    """Slack acks a click before the work, so a crash after the commit loses its answer and
    the person clicks again: a new delivery, which must not say "nothing is waiting"."""
    ina, jan = person("ina", platform=Platform.SLACK), person("jan", platform=Platform.SLACK)
    await bot.handle(ina, report("trig-50"))
    await bot.handle(jan, report("trig-51"))
    first = await bot.handle(jan, Action(action_id="signal.match.new", idempotency_key="t-52"))
    again = await bot.handle(jan, Action(action_id="signal.match.new", idempotency_key="t-53"))
    assert "S-2026-0002" in texts(first)
    assert texts(again) == texts(first)
    assert await signal_count(bot) == 2
