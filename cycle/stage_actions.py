"""What people do with a learning cycle: start it, finish, postpone or hand over a stage, and
what the programme leader does when one runs late (remind, extend), then a next round or close.

Why apart from :mod:`cycle.engine`: the engine derives what is due (``tick``); these are the
changes people make, each in the caller's unit of work, each cancelling the prompts it makes
stale and recording an audit line.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime

from cycle.engine import (
    CycleKit,
    default_kit,
    nudge_key,
    stage_prefixes,
)
from cycle.prompts import stage_prompt
from cycle.workdays import local_date, working_day_on_or_after
from kernel.logging import get_logger
from storage.domain import CycleStage, LearningCycle
from storage.uow import UnitOfWork

log = get_logger("signaalbot.cycle")


async def start_cycle(
    uow: UnitOfWork,
    *,
    title: str,
    owners_by_stage: Mapping[int, Sequence[int]],
    now: datetime,
    kit: CycleKit,
    study_id: int | None = None,
    started_by_id: int | None = None,
    round_: int = 1,
    previous_id: int | None = None,
) -> LearningCycle:
    first = kit.stage(1)
    cycle = await uow.cycles.create(
        title=title[:500],
        study_id=study_id,
        stage_keys=[(s.number, s.key) for s in kit.domain.stages],
        owners_by_stage=owners_by_stage,
        first_due=kit.due_from(now, first.days),
        now=now,
        started_by_id=started_by_id,
        round_=round_,
        previous_id=previous_id,
    )
    await uow.audit.record(
        actor_id=started_by_id,
        action="cycle.start",
        entity="learning_cycle",
        entity_id=cycle.id,
        now=now,
        details={"study_id": study_id, "round": round_},
    )
    return cycle


async def start_cycle_for_study(
    uow: UnitOfWork,
    study_id: int,
    owners_by_stage: Mapping[int, Sequence[int]],
    now: datetime,
    *,
    kit: CycleKit | None = None,
    started_by_id: int | None = None,
) -> LearningCycle:
    """Start the learning cycle of a finished study (called when a study is marked finished).

    The caller commits. Prompts follow from the next ``tick``.
    """
    study = await uow.studies.get(study_id)
    if study is None:
        raise LookupError(study_id)
    return await start_cycle(
        uow,
        title=study.title,
        owners_by_stage=owners_by_stage,
        now=now,
        kit=kit or default_kit(),
        study_id=study.id,
        started_by_id=started_by_id,
    )


# --- moving through the stages ----------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Completion:
    done: bool  # False: the stage was no longer active (already handled)
    next_stage: CycleStage | None = None
    cycle_finished: bool = False


async def complete_stage(
    uow: UnitOfWork, stage: CycleStage, person_id: int, output: str, now: datetime, kit: CycleKit
) -> Completion:
    """Record the stage's output and hand over to the next stage's owners (or ask what next)."""
    if not await uow.cycles.complete_stage(stage.id, person_id, {"text": output}, now):
        return Completion(done=False)
    await uow.outbox.cancel_pending(stage_prefixes(stage.cycle_id, stage.number))
    await uow.audit.record(
        actor_id=person_id,
        action="cycle.stage_done",
        entity="learning_cycle",
        entity_id=stage.cycle_id,
        now=now,
        details={"stage": stage.number},
    )
    if stage.number >= len(kit.domain.stages):
        await uow.cycles.set_status(stage.cycle_id, "deciding", now)
        return Completion(done=True, cycle_finished=True)
    following = kit.stage(stage.number + 1)
    next_stage = await uow.cycles.activate_stage(
        stage.cycle_id,
        following.number,
        now,
        kit.due_from(now, following.days),
        fallback_owner=person_id,
    )
    return Completion(done=True, next_stage=next_stage)


async def _move_due(
    uow: UnitOfWork,
    stage: CycleStage,
    new_due: date,
    action: str,
    actor_id: int,
    now: datetime,
    *,
    postponed: bool = False,
    extended: bool = False,
) -> None:
    """Set the stage's new due date, drop its pending reminders and note it in the audit log."""
    await uow.cycles.set_due(stage.id, new_due, postponed=postponed, extended=extended)
    await uow.outbox.cancel_pending(stage_prefixes(stage.cycle_id, stage.number))
    await uow.audit.record(
        actor_id=actor_id,
        action=action,
        entity="learning_cycle",
        entity_id=stage.cycle_id,
        now=now,
        details={"stage": stage.number, "due_on": new_due.isoformat()},
    )


async def postpone(
    uow: UnitOfWork, stage: CycleStage, person_id: int, now: datetime, kit: CycleKit
) -> date | None:
    """One week more; None when the stage was postponed the maximum number of times."""
    if stage.due_on is None or stage.postponements >= kit.rules.max_postponements:
        return None
    new_due = kit.calendar.add_working_days(stage.due_on, kit.rules.postpone_working_days)
    await _move_due(uow, stage, new_due, "cycle.postpone", person_id, now, postponed=True)
    return new_due


async def hand_over(
    uow: UnitOfWork,
    stage: CycleStage,
    from_person: int | None,
    to_person: int,
    now: datetime,
    kit: CycleKit,
    *,
    actor_id: int,
) -> date | None:
    """Give the stage to a colleague (``from_person`` None: replace every owner).

    When the stage is already overdue, the new owner gets fresh time; returns the new due date.
    """
    remove = [from_person] if from_person is not None else list(stage.owner_ids)
    remove = [p for p in remove if p != to_person]
    await uow.cycles.replace_owners(stage.id, remove, [to_person], now)
    for person_id in remove:
        await uow.outbox.cancel_pending(
            stage_prefixes(stage.cycle_id, stage.number), person_id=person_id
        )
    new_due: date | None = None
    if stage.due_on is not None and stage.due_on <= kit.today(now):
        new_due = kit.due_from(now, kit.rules.extend_working_days)
        await uow.cycles.set_due(stage.id, new_due)
    await uow.audit.record(
        actor_id=actor_id,
        action="cycle.hand_over",
        entity="learning_cycle",
        entity_id=stage.cycle_id,
        now=now,
        details={"stage": stage.number, "to": to_person, "from": remove},
    )
    return new_due


async def extend(
    uow: UnitOfWork, stage: CycleStage, leader_id: int, now: datetime, kit: CycleKit
) -> date:
    """The programme leader gives more time (not counted as a postponement)."""
    assert stage.due_on is not None
    base = max(stage.due_on, working_day_on_or_after(kit.calendar, kit.today(now)))
    new_due = kit.calendar.add_working_days(base, kit.rules.extend_working_days)
    await _move_due(uow, stage, new_due, "cycle.extend", leader_id, now, extended=True)
    return new_due


async def remind_again(
    uow: UnitOfWork,
    stage: CycleStage,
    leader_id: int,
    now: datetime,
    kit: CycleKit,
    *,
    title: str,
    round_: int,
) -> int:
    """The programme leader asks for another reminder to the owners (once a day at most)."""
    assert stage.due_on is not None
    people = await uow.cycles.recipients(stage.owner_ids)
    sent = 0
    for person in people.values():
        tz = person.timezone or kit.default_tz
        reply = stage_prompt(
            kit.t_for(person),
            kind="nudge",
            stage=kit.stage(stage.number),
            stage_id=stage.id,
            cycle_id=stage.cycle_id,
            title=title,
            round_=round_,
            due_on=stage.due_on,
        )
        sent += await uow.outbox.enqueue(
            key=nudge_key(stage.cycle_id, stage.number, local_date(now, tz), person.person_id),
            person_id=person.person_id,
            payload=reply.model_dump(mode="json"),
            now=now,
            not_before=kit.calendar.next_working_moment(now, tz),
        )
    await uow.audit.record(
        actor_id=leader_id,
        action="cycle.remind_again",
        entity="learning_cycle",
        entity_id=stage.cycle_id,
        now=now,
        details={"stage": stage.number},
    )
    return sent


async def next_round(
    uow: UnitOfWork, cycle: LearningCycle, person_id: int, now: datetime, kit: CycleKit
) -> LearningCycle | None:
    """Close this cycle and start the next round with the same owners; None when not deciding."""
    if cycle.status != "deciding":
        return None
    await uow.cycles.set_status(cycle.id, "closed", now)
    owners = {s.number: list(s.owner_ids) for s in cycle.stages}
    return await start_cycle(
        uow,
        title=cycle.title,
        owners_by_stage=owners,
        now=now,
        kit=kit,
        study_id=cycle.study_id,
        started_by_id=person_id,
        round_=cycle.round + 1,
        previous_id=cycle.id,
    )


async def close_cycle(
    uow: UnitOfWork, cycle: LearningCycle, person_id: int, conclusion: str, now: datetime
) -> bool:
    if cycle.status != "deciding":
        return False
    await uow.cycles.set_status(cycle.id, "closed", now, conclusion=conclusion)
    await uow.audit.record(
        actor_id=person_id,
        action="cycle.close",
        entity="learning_cycle",
        entity_id=cycle.id,
        now=now,
    )
    return True
