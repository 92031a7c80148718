"""Helpers for cycle tests: people with roles, a scheduler with a fake messenger."""

from __future__ import annotations

from cycle.scheduler import CycleScheduler
from kernel.clock import ManualClock
from tests.fake_messenger import FakeMessenger
from turn.pipeline import Signaalbot


async def add_person(
    bot: Signaalbot, name: str, *roles: str, platform: str = "console", tz: str | None = None
) -> int:
    now = bot.services.clock.now()
    async with bot.services.uow() as uow:
        person = await uow.people.create(
            platform=platform,
            user_id=name,
            now=now,
            display_name=name,
            roles=frozenset(roles or {"professional"}),
            timezone=tz or "Europe/Amsterdam",
        )
        await uow.commit()
    return person.id


def scheduler_for(bot: Signaalbot, clock: ManualClock) -> tuple[CycleScheduler, FakeMessenger]:
    fake = FakeMessenger(now=clock.now)
    return CycleScheduler(bot.services, {"console": fake}, worker_id="test"), fake
