"""An inbound event is handled once, claimed in the same transaction as its effect.

Real databases (SQLite and PostgreSQL), the real pipeline: the same form delivered twice at
the same moment stores one signal; a turn that fails before its commit leaves the key free,
so the platform's redelivery is handled; a committed form answers the same again.
"""

from __future__ import annotations

import asyncio

from kernel.core import Platform, Submit
from storage.uow import DeliveryClaim
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
