"""Reliability (b): two instances on one PostgreSQL database over a simulated month.

Both tick and dispatch at the same moments (concurrent asyncio tasks, separate engines and
connections); the unique outbox key and ``FOR UPDATE SKIP LOCKED`` claims must give zero
duplicate and zero missed prompts.
"""

from __future__ import annotations

import asyncio
from collections import Counter
from collections.abc import AsyncIterator
from datetime import timedelta

import pytest

from cycle.engine import kit_for
from cycle.scheduler import CycleScheduler
from cycle.stage_actions import start_cycle
from kernel.clock import ManualClock
from storage.db import upgrade
from tests.conftest import make_settings
from tests.cycle.helpers import add_person
from tests.fake_messenger import FakeMessenger
from tests.helpers import bootstrap_bot
from turn.pipeline import Signaalbot

pytestmark = pytest.mark.postgres


@pytest.fixture
async def two_bots(postgres_url: str, clock: ManualClock) -> AsyncIterator[list[Signaalbot]]:
    upgrade(postgres_url)
    bots = [await bootstrap_bot(make_settings(postgres_url), clock=clock) for _ in range(2)]
    try:
        yield bots
    finally:
        for bot in bots:
            await bot.services.db.dispose()


async def test_two_instances_one_month_no_duplicates_no_misses(
    two_bots: list[Signaalbot], clock: ManualClock
) -> None:
    first, _second = two_bots
    kit = kit_for(first.services)
    people = [await add_person(first, f"p{i}") for i in range(12)]
    await add_person(first, "leider", "programme_leader")
    fakes = [FakeMessenger(now=clock.now) for _ in two_bots]
    schedulers = [
        CycleScheduler(bot.services, {"console": fake}, worker_id=f"instance-{i}")
        for i, (bot, fake) in enumerate(zip(two_bots, fakes, strict=True))
    ]
    sent_keys: list[str] = []
    per_instance = [0, 0]
    end = clock.now() + timedelta(days=30)
    step = 0
    while clock.now() < end:
        if step % 12 == 0 and step < 12 * 20:  # two new cycles on each of the first 20 days
            async with first.services.uow() as uow:
                for n in range(2):
                    owner = people[(step // 12 * 2 + n) % len(people)]
                    await start_cycle(
                        uow, title=f"c{step}-{n}", owners_by_stage={1: [owner]},
                        now=clock.now(), kit=kit,
                    )  # fmt: skip
                await uow.commit()
        last_round = clock.now()
        rounds = await asyncio.gather(*(s.run_round() for s in schedulers))
        for i, result in enumerate(rounds):
            assert result.dispatch is not None
            sent_keys.extend(result.dispatch.sent_keys)
            per_instance[i] += result.dispatch.sent
        clock.advance(timedelta(hours=2))
        step += 1

    duplicates = [key for key, n in Counter(sent_keys).items() if n > 1]
    assert duplicates == []
    async with first.services.uow() as uow:
        rows = await uow.outbox.find(limit=10000)
    due = [r for r in rows if r.status == "pending" and r.not_before <= last_round]
    assert due == []  # nothing missed
    assert {r.key for r in rows if r.status == "sent"} == set(sent_keys)
    assert {r.status for r in rows} <= {"sent", "superseded", "pending"}
    kinds = Counter(key.split(":")[0] for key in sent_keys)
    assert kinds["stage-start"] == 40 and kinds["stage-reminder"] > 0
    assert kinds["stage-escalation"] > 0
    assert sum(len(f.sent) for f in fakes) == len(sent_keys)
    print(f"sent {len(sent_keys)} prompts: {dict(kinds)}; per instance {per_instance}")
