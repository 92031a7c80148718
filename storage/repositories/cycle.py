"""Learning cycles, their stages and owners (the frozen dataclasses are in ``storage.domain``)."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from datetime import date, datetime
from typing import Any

from sqlalchemy import delete, func, or_, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from storage.domain import (
    ActiveStage,
    CycleStage,
    LearningCycle,
    Person,
    Recipient,
    StageOwner,
)
from storage.models import (
    CycleStageOwnerRow,
    CycleStageRow,
    LearningCycleRow,
    PersonRoleRow,
    PersonRow,
)
from storage.repositories.people import to_person

CHUNK = 500


def _stage(row: CycleStageRow, owners: Sequence[CycleStageOwnerRow]) -> CycleStage:
    return CycleStage(
        id=row.id,
        cycle_id=row.cycle_id,
        number=row.number,
        key=row.key,
        status=row.status,
        started_at=row.started_at,
        due_on=row.due_on,
        output=dict(row.output),
        postponements=row.postponements,
        extensions=row.extensions,
        done_at=row.done_at,
        done_by_id=row.done_by_id,
        owners=tuple(
            StageOwner(o.person_id, o.assigned_at) for o in sorted(owners, key=lambda o: o.id)
        ),
    )


def _cycle(row: LearningCycleRow, stages: tuple[CycleStage, ...] = ()) -> LearningCycle:
    return LearningCycle(
        id=row.id,
        title=row.title,
        study_id=row.study_id,
        round=row.round,
        previous_id=row.previous_id,
        status=row.status,
        current_stage=row.current_stage,
        conclusion=row.conclusion,
        started_by_id=row.started_by_id,
        started_at=row.started_at,
        closed_at=row.closed_at,
        stages=stages,
    )


class CycleRepository:
    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    # --- cycles -------------------------------------------------------------------------------

    async def create(
        self,
        *,
        title: str,
        study_id: int | None,
        stage_keys: Sequence[tuple[int, str]],
        owners_by_stage: Mapping[int, Sequence[int]],
        first_due: date,
        now: datetime,
        started_by_id: int | None = None,
        round_: int = 1,
        previous_id: int | None = None,
    ) -> LearningCycle:
        """A new cycle whose first stage is active from ``now``; owners for every stage."""
        cycle = LearningCycleRow(
            title=title,
            study_id=study_id,
            round=round_,
            previous_id=previous_id,
            status="active",
            current_stage=1,
            conclusion="",
            started_by_id=started_by_id,
            started_at=now,
        )
        self._session.add(cycle)
        await self._session.flush()
        for number, key in stage_keys:
            first = number == 1
            stage = CycleStageRow(
                cycle_id=cycle.id,
                number=number,
                key=key,
                status="active" if first else "pending",
                started_at=now if first else None,
                due_on=first_due if first else None,
                output={},
                postponements=0,
                extensions=0,
            )
            self._session.add(stage)
            await self._session.flush()
            for person_id in dict.fromkeys(owners_by_stage.get(number, ())):
                self._session.add(
                    CycleStageOwnerRow(stage_id=stage.id, person_id=person_id, assigned_at=now)
                )
        await self._session.flush()
        found = await self.get(cycle.id)
        assert found is not None
        return found

    async def get(self, cycle_id: int) -> LearningCycle | None:
        row = await self._session.get(LearningCycleRow, cycle_id)
        if row is None:
            return None
        stages = await self._stages_of([row.id])
        return _cycle(row, stages.get(row.id, ()))

    async def find(
        self, *, status: str | None = None, person_id: int | None = None, limit: int = 50
    ) -> list[LearningCycle]:
        query = select(LearningCycleRow).order_by(LearningCycleRow.id.desc()).limit(limit)
        if status is not None:
            query = query.where(LearningCycleRow.status == status)
        if person_id is not None:
            owned = (
                select(CycleStageRow.cycle_id)
                .join(CycleStageOwnerRow, CycleStageOwnerRow.stage_id == CycleStageRow.id)
                .where(CycleStageOwnerRow.person_id == person_id)
            )
            query = query.where(
                or_(LearningCycleRow.id.in_(owned), LearningCycleRow.started_by_id == person_id)
            )
        rows = list(await self._session.scalars(query))
        stages = await self._stages_of([r.id for r in rows])
        return [_cycle(r, stages.get(r.id, ())) for r in rows]

    async def count(self, status: str | None = None) -> int:
        query = select(func.count()).select_from(LearningCycleRow)
        if status is not None:
            query = query.where(LearningCycleRow.status == status)
        return int(await self._session.scalar(query) or 0)

    async def _stages_of(self, cycle_ids: Sequence[int]) -> dict[int, tuple[CycleStage, ...]]:
        if not cycle_ids:
            return {}
        rows = list(
            await self._session.scalars(
                select(CycleStageRow)
                .where(CycleStageRow.cycle_id.in_(cycle_ids))
                .order_by(CycleStageRow.cycle_id, CycleStageRow.number)
            )
        )
        owners: dict[int, list[CycleStageOwnerRow]] = {}
        if rows:
            for owner in await self._session.scalars(
                select(CycleStageOwnerRow).where(
                    CycleStageOwnerRow.stage_id.in_([r.id for r in rows])
                )
            ):
                owners.setdefault(owner.stage_id, []).append(owner)
        result: dict[int, list[CycleStage]] = {}
        for row in rows:
            result.setdefault(row.cycle_id, []).append(_stage(row, owners.get(row.id, [])))
        return {k: tuple(v) for k, v in result.items()}

    async def set_status(
        self, cycle_id: int, status: str, now: datetime, conclusion: str | None = None
    ) -> None:
        row = await self._session.get(LearningCycleRow, cycle_id)
        if row is None:
            raise LookupError(cycle_id)
        row.status = status
        if conclusion is not None:
            row.conclusion = conclusion
        if status == "closed":
            row.closed_at = now

    # --- stages -------------------------------------------------------------------------------

    async def get_stage(self, stage_id: int) -> CycleStage | None:
        row = await self._session.get(CycleStageRow, stage_id)
        if row is None:
            return None
        owners = list(
            await self._session.scalars(
                select(CycleStageOwnerRow).where(CycleStageOwnerRow.stage_id == stage_id)
            )
        )
        return _stage(row, owners)

    async def active_stages(self) -> list[ActiveStage]:
        """Every active stage of an active cycle, with its owners, in two queries."""
        query = (
            select(
                CycleStageRow.id,
                CycleStageRow.cycle_id,
                CycleStageRow.number,
                CycleStageRow.started_at,
                CycleStageRow.due_on,
                CycleStageOwnerRow.person_id,
                CycleStageOwnerRow.assigned_at,
                LearningCycleRow.title,
                LearningCycleRow.round,
            )
            .join(LearningCycleRow, LearningCycleRow.id == CycleStageRow.cycle_id)
            .outerjoin(CycleStageOwnerRow, CycleStageOwnerRow.stage_id == CycleStageRow.id)
            .where(CycleStageRow.status == "active", LearningCycleRow.status == "active")
            .order_by(CycleStageRow.id, CycleStageOwnerRow.id)
        )
        stages: dict[int, tuple[int, int, datetime, date, list[StageOwner], str, int]] = {}
        for row in await self._session.execute(query):
            sid, cid, number, started, due, person_id, assigned, title, round_ = row
            if started is None or due is None:
                continue
            entry = stages.setdefault(sid, (cid, number, started, due, [], title, round_))
            if person_id is not None:
                entry[4].append(StageOwner(person_id, assigned))
        return [
            ActiveStage(sid, cid, number, started, due, tuple(owners), title, round_)
            for sid, (cid, number, started, due, owners, title, round_) in stages.items()
        ]

    async def activate_stage(
        self, cycle_id: int, number: int, now: datetime, due_on: date, fallback_owner: int | None
    ) -> CycleStage:
        row = await self._session.scalar(
            select(CycleStageRow).where(
                CycleStageRow.cycle_id == cycle_id, CycleStageRow.number == number
            )
        )
        cycle = await self._session.get(LearningCycleRow, cycle_id)
        if row is None or cycle is None:
            raise LookupError((cycle_id, number))
        row.status, row.started_at, row.due_on = "active", now, due_on
        cycle.current_stage = number
        owners = list(
            await self._session.scalars(
                select(CycleStageOwnerRow).where(CycleStageOwnerRow.stage_id == row.id)
            )
        )
        for owner in owners:
            owner.assigned_at = now  # the owner's prompt counts from the stage's start
        if not owners and fallback_owner is not None:
            self._session.add(
                CycleStageOwnerRow(stage_id=row.id, person_id=fallback_owner, assigned_at=now)
            )
        await self._session.flush()
        stage = await self.get_stage(row.id)
        assert stage is not None
        return stage

    async def complete_stage(
        self, stage_id: int, person_id: int, output: dict[str, Any], now: datetime
    ) -> bool:
        """Mark an active stage done; False when it was not active (a second click)."""
        result = await self._session.execute(
            update(CycleStageRow)
            .where(CycleStageRow.id == stage_id, CycleStageRow.status == "active")
            .values(status="done", output=output, done_at=now, done_by_id=person_id)
        )
        return bool(getattr(result, "rowcount", 0))

    async def set_due(
        self, stage_id: int, due_on: date, *, postponed: bool = False, extended: bool = False
    ) -> None:
        row = await self._session.get(CycleStageRow, stage_id)
        if row is None:
            raise LookupError(stage_id)
        row.due_on = due_on
        row.postponements += int(postponed)
        row.extensions += int(extended)

    async def replace_owners(
        self, stage_id: int, remove: Iterable[int], add: Iterable[int], now: datetime
    ) -> None:
        remove_ids = list(remove)
        if remove_ids:
            await self._session.execute(
                delete(CycleStageOwnerRow).where(
                    CycleStageOwnerRow.stage_id == stage_id,
                    CycleStageOwnerRow.person_id.in_(remove_ids),
                )
            )
        existing = set(
            await self._session.scalars(
                select(CycleStageOwnerRow.person_id).where(CycleStageOwnerRow.stage_id == stage_id)
            )
        )
        for person_id in dict.fromkeys(add):
            if person_id not in existing:
                self._session.add(
                    CycleStageOwnerRow(stage_id=stage_id, person_id=person_id, assigned_at=now)
                )
        await self._session.flush()

    # --- people, briefly ----------------------------------------------------------------------

    async def recipients(self, person_ids: Iterable[int]) -> dict[int, Recipient]:
        ids = list(dict.fromkeys(person_ids))
        result: dict[int, Recipient] = {}
        for start in range(0, len(ids), CHUNK):
            rows = await self._session.execute(
                select(PersonRow.id, PersonRow.display_name, PersonRow.locale, PersonRow.timezone)
                .where(PersonRow.id.in_(ids[start : start + CHUNK]))
                .where(PersonRow.erased.is_(False))
            )
            for pid, name, locale, tz in rows:
                result[pid] = Recipient(pid, name, locale, tz)
        return result

    async def people(self, person_ids: Iterable[int]) -> dict[int, Person]:
        """Whole people (with identities) in a few queries, for the dispatcher's batch."""
        ids = list(dict.fromkeys(person_ids))
        result: dict[int, Person] = {}
        for start in range(0, len(ids), CHUNK):
            for row in await self._session.scalars(
                select(PersonRow).where(PersonRow.id.in_(ids[start : start + CHUNK]))
            ):
                result[row.id] = to_person(row)
        return result

    async def people_with_role(self, role: str) -> list[Recipient]:
        rows = await self._session.execute(
            select(PersonRow.id, PersonRow.display_name, PersonRow.locale, PersonRow.timezone)
            .join(PersonRoleRow, PersonRoleRow.person_id == PersonRow.id)
            .where(PersonRoleRow.role == role, PersonRow.erased.is_(False))
            .order_by(PersonRow.id)
        )
        return [Recipient(pid, name, locale, tz) for pid, name, locale, tz in rows]
