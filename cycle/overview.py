"""Learning cycles per stage, with the owners who are late: the summary's cycle section."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime
from zoneinfo import ZoneInfo

from storage.domain import ActiveStage
from storage.uow import UnitOfWork

STAGES = (1, 2, 3, 4)


@dataclass(frozen=True, slots=True)
class CycleLine:
    """Learning cycles in one stage, for the weekly summary."""

    stage: int
    count: int
    overdue_owners: tuple[str, ...] = ()


async def cycles_by_stage(uow: UnitOfWork, now: datetime, tz: str) -> list[CycleLine]:
    """One line per stage (1–4): how many active cycles are in it, and whose stage is overdue
    (its due date lies before ``now``'s date in ``tz``). Names are sorted, each once."""
    today = now.astimezone(ZoneInfo(tz)).date()
    by_stage: dict[int, list[ActiveStage]] = defaultdict(list)
    for stage in await uow.cycles.active_stages():
        by_stage[stage.number].append(stage)
    late_ids = {
        owner.person_id
        for stages in by_stage.values()
        for stage in stages
        if stage.due_on < today
        for owner in stage.owners
    }
    names = await uow.cycles.recipients(late_ids)
    lines: list[CycleLine] = []
    for number in STAGES:
        stages = by_stage.get(number, [])
        late = {
            names[owner.person_id].name
            for stage in stages
            if stage.due_on < today
            for owner in stage.owners
            if owner.person_id in names
        }
        lines.append(CycleLine(stage=number, count=len(stages), overdue_owners=tuple(sorted(late))))
    return lines
