"""tick: idempotent, coalesced after downtime, dry run, escalation; on SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import UTC, datetime, time, timedelta

from cycle.engine import kit_for, tick
from cycle.stage_actions import start_cycle, start_cycle_for_study
from cycle.workdays import working_days_before
from kernel.clock import ManualClock
from tests.cycle.helpers import add_person
from turn.pipeline import Signaalbot


async def test_tick_is_idempotent_and_dry_run_inserts_nothing(
    bot: Signaalbot, clock: ManualClock
) -> None:
    ans = await add_person(bot, "ans")
    kit = kit_for(bot.services)
    async with bot.services.uow() as uow:
        await start_cycle(uow, title="t", owners_by_stage={1: [ans]}, now=clock.now(), kit=kit)
        await uow.commit()
    dry = await tick(bot.services, clock.now(), kit=kit, dry_run=True)
    assert [p.key for p in dry.due] == [f"stage-start:1:1:{ans}"] and dry.inserted == 0
    first = await tick(bot.services, clock.now(), kit=kit)
    second = await tick(bot.services, clock.now() + timedelta(minutes=1), kit=kit)
    assert (first.inserted, second.inserted, len(second.due)) == (1, 0, 0)


async def test_missed_milestones_are_coalesced_into_one_prompt(
    bot: Signaalbot, clock: ManualClock
) -> None:
    ans = await add_person(bot, "ans")
    kit = kit_for(bot.services)
    async with bot.services.uow() as uow:
        cycle = await start_cycle(
            uow, title="t", owners_by_stage={1: [ans]}, now=clock.now(), kit=kit
        )
        await uow.commit()
    stage = cycle.stage(1)
    assert stage is not None and stage.due_on is not None
    # Down from the start until the due date: start, reminder and due prompt were all missed.
    on_due = datetime.combine(stage.due_on, time(12), tzinfo=UTC)
    for minute in range(3):  # and several ticks after coming back
        await tick(bot.services, on_due + timedelta(minutes=minute), kit=kit)
    async with bot.services.uow() as uow:
        rows = await uow.outbox.find()
    assert [r.key for r in rows] == [f"stage-reminder:1:1:{stage.due_on.isoformat()}:{ans}"]


async def test_pending_older_prompt_is_superseded_by_newer(
    bot: Signaalbot, clock: ManualClock
) -> None:
    ans = await add_person(bot, "ans")
    kit = kit_for(bot.services)
    async with bot.services.uow() as uow:
        cycle = await start_cycle(
            uow, title="t", owners_by_stage={1: [ans]}, now=clock.now(), kit=kit
        )
        await uow.commit()
    await tick(bot.services, clock.now(), kit=kit)  # start prompt, never dispatched
    stage = cycle.stage(1)
    assert stage is not None and stage.due_on is not None
    before = working_days_before(kit.calendar, stage.due_on, 3)
    result = await tick(bot.services, datetime.combine(before, time(7), tzinfo=UTC), kit=kit)
    assert result.inserted == 1 and result.superseded == 1
    async with bot.services.uow() as uow:
        statuses = {r.key.split(":")[0]: r.status for r in await uow.outbox.find()}
    assert statuses == {"stage-start": "superseded", "stage-reminder": "pending"}


async def test_escalation_goes_to_programme_leaders_once(
    bot: Signaalbot, clock: ManualClock
) -> None:
    ans = await add_person(bot, "ans")
    leader = await add_person(bot, "lea", "programme_leader")
    kit = kit_for(bot.services)
    async with bot.services.uow() as uow:
        study, _ = await uow.studies.upsert(ref="O-1", title="Schulden", now=clock.now())
        cycle = await start_cycle_for_study(uow, study.id, {1: [ans]}, clock.now(), kit=kit)
        await uow.commit()
    assert cycle.title == "Schulden" and cycle.study_id == study.id
    stage = cycle.stage(1)
    assert stage is not None and stage.due_on is not None
    day_before = kit.calendar.add_working_days(stage.due_on, 2)
    late = kit.calendar.add_working_days(stage.due_on, 3)
    quiet = await tick(bot.services, datetime.combine(day_before, time(12), tzinfo=UTC), kit=kit)
    assert all(p.kind != "escalation" for p in quiet.due)
    noon = datetime.combine(late, time(12), tzinfo=UTC)
    loud = await tick(bot.services, noon, kit=kit)
    again = await tick(bot.services, noon + timedelta(hours=1), kit=kit)
    assert [(p.kind, p.person_id) for p in loud.due] == [("escalation", leader)]
    assert again.inserted == 0
