"""Reliability (c): weekends, Koningsdag, Easter Monday, Christmas and both DST weekends never
get a prompt; the prompt arrives at the next working moment (09:00 local) instead."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from cycle.engine import kit_for
from cycle.stage_actions import start_cycle
from kernel.clock import ManualClock
from tests.cycle.helpers import add_person, scheduler_for
from turn.pipeline import Signaalbot

AMS = ZoneInfo("Europe/Amsterdam")

CASES = {
    # name: (cycle starts at (local), first prompt expected at (local))
    "weekend": (
        datetime(2026, 11, 28, 10, 0, tzinfo=AMS),
        datetime(2026, 11, 30, 9, 0, tzinfo=AMS),
    ),
    "christmas": (
        datetime(2026, 12, 24, 18, 0, tzinfo=AMS),
        datetime(2026, 12, 28, 9, 0, tzinfo=AMS),
    ),
    "easter-monday-and-spring-dst": (
        datetime(2027, 3, 27, 12, 0, tzinfo=AMS),
        datetime(2027, 3, 30, 9, 0, tzinfo=AMS),
    ),
    "koningsdag": (
        datetime(2027, 4, 26, 17, 30, tzinfo=AMS),
        datetime(2027, 4, 28, 9, 0, tzinfo=AMS),
    ),
    "autumn-dst": (
        datetime(2027, 10, 30, 8, 0, tzinfo=AMS),
        datetime(2027, 11, 1, 9, 0, tzinfo=AMS),
    ),
    "new-year": (
        datetime(2026, 12, 31, 16, 59, tzinfo=AMS),
        datetime(2026, 12, 31, 16, 59, tzinfo=AMS),
    ),
}
CLOSED_DAYS = {
    "2026-11-28", "2026-11-29", "2026-12-25", "2026-12-26", "2026-12-27",
    "2027-03-27", "2027-03-28", "2027-03-29", "2027-04-27", "2027-10-30", "2027-10-31",
}  # fmt: skip


def calendar_ok(moment: datetime) -> bool:
    local = moment.astimezone(AMS)
    return (
        local.date().isoformat() not in CLOSED_DAYS and local.weekday() < 5 and 9 <= local.hour < 17
    )


@pytest.mark.parametrize("case", sorted(CASES))
async def test_no_prompt_outside_working_time(
    sqlite_bot: Signaalbot, clock: ManualClock, case: str
) -> None:
    starts, expected = CASES[case]
    clock.set(starts)
    owner = await add_person(sqlite_bot, "ans")
    await add_person(sqlite_bot, "leider", "programme_leader")
    kit = kit_for(sqlite_bot.services)
    async with sqlite_bot.services.uow() as uow:
        await start_cycle(uow, title=case, owners_by_stage={1: [owner]}, now=clock.now(), kit=kit)
        await uow.commit()
    scheduler, fake = scheduler_for(sqlite_bot, clock)
    # Tick every 20 minutes from the start until two hours after the expected prompt.
    while clock.now() <= expected.astimezone(UTC) + timedelta(hours=2):
        await scheduler.run_round()
        clock.advance(timedelta(minutes=20))
    # Every prompt is in working time. The weekly summary (it may come along) keeps its own
    # time, Monday from 08:30, on a working day.
    for d in fake.sent:
        assert d.at is not None
        if d.user_id == "leider":
            local = d.at.astimezone(AMS)
            assert local.date().isoformat() not in CLOSED_DAYS and local.weekday() < 5
            assert (local.hour, local.minute) >= (8, 30)
        else:
            assert calendar_ok(d.at)
    prompts = [d for d in fake.sent if d.user_id == "ans"]
    assert len(prompts) == 1, [d.at for d in prompts]
    delivered = prompts[0].at
    assert delivered is not None
    local = delivered.astimezone(AMS)
    assert local.date().isoformat() not in CLOSED_DAYS
    assert local.weekday() < 5 and 9 <= local.hour < 17
    # The first round at or after the expected moment sends it (rounds are 20 minutes apart).
    assert timedelta(0) <= delivered - expected.astimezone(UTC) < timedelta(minutes=20)
