"""The learning cycle: starting it, moving through its stages, and ``tick``.

``tick`` is pure with respect to time and idempotent: it reads cycles, stages and owners from
the database, works out which prompt each person should have *now*, and inserts outbox rows
under unique keys. Coalescing after downtime: per stage and owner only the latest milestone
that has been reached (start, n working days before the due date, the due date) is enqueued;
older pending prompts of the same stage for that person are superseded. So a bot that was down
for a week sends one prompt, not one per missed minute or milestone.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import TYPE_CHECKING, Any

from cycle.prompts import escalation_prompt, stage_prompt
from cycle.rules import ReminderRules, load_rules
from cycle.workdays import (
    WorkingCalendarLike,
    load_calendar,
    local_date,
    working_day_on_or_after,
    working_days_before,
)
from kernel.domain_config import DomainConfig, Stage, load_domain_config
from kernel.i18n import Catalogue, Translator
from kernel.logging import get_logger
from storage.domain import ActiveStage, Recipient
from storage.uow import UnitOfWork

if TYPE_CHECKING:
    from turn.context import Services

log = get_logger("signaalbot.cycle")

PROGRAMME_LEADER = "programme_leader"


@dataclass(frozen=True, slots=True)
class CycleKit:
    """What the cycle needs besides the database: stages, calendar, rules and texts."""

    domain: DomainConfig
    calendar: WorkingCalendarLike
    rules: ReminderRules
    translator: Callable[[str | None, str | None], Translator]
    default_tz: str = "Europe/Amsterdam"

    def stage(self, number: int) -> Stage:
        return next(s for s in self.domain.stages if s.number == number)

    def t_for(self, recipient: Recipient) -> Translator:
        return self.translator(recipient.locale, recipient.timezone or self.default_tz)

    def today(self, now: datetime) -> date:
        return local_date(now, self.default_tz)

    def due_from(self, now: datetime, working_days: int) -> date:
        start = working_day_on_or_after(self.calendar, self.today(now))
        return self.calendar.add_working_days(start, working_days)


def kit_for(
    services: Services,
    calendar: WorkingCalendarLike | None = None,
    rules: ReminderRules | None = None,
) -> CycleKit:
    settings = services.settings
    return CycleKit(
        domain=services.domain,
        calendar=calendar or load_calendar(settings),
        rules=rules or load_rules(settings.config_dir),
        translator=services.translator,
        default_tz=settings.timezone,
    )


def default_kit() -> CycleKit:
    """The shipped configuration; for callers without services (another area's session)."""
    catalogue = Catalogue.load()

    def translator(locale: str | None, tz: str | None) -> Translator:
        return catalogue.translator(locale, tz or "Europe/Amsterdam")

    return CycleKit(
        domain=load_domain_config(),
        calendar=load_calendar(),
        rules=load_rules(),
        translator=translator,
    )


# --- keys -------------------------------------------------------------------------------------


def stage_prefixes(cycle_id: int, number: int) -> tuple[str, ...]:
    """Key prefixes of every prompt about one stage (to retire them when the stage moves on)."""
    return tuple(
        f"stage-{kind}:{cycle_id}:{number}:"
        for kind in ("start", "reminder", "nudge", "escalation")
    )


def start_key(cycle_id: int, number: int, person_id: int) -> str:
    return f"stage-start:{cycle_id}:{number}:{person_id}"


def reminder_key(cycle_id: int, number: int, day: date, person_id: int) -> str:
    return f"stage-reminder:{cycle_id}:{number}:{day.isoformat()}:{person_id}"


def nudge_key(cycle_id: int, number: int, day: date, person_id: int) -> str:
    return f"stage-nudge:{cycle_id}:{number}:{day.isoformat()}:{person_id}"


def escalation_key(cycle_id: int, number: int, due: date, person_id: int) -> str:
    return f"stage-escalation:{cycle_id}:{number}:{due.isoformat()}:{person_id}"


# --- tick -------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Planned:
    key: str
    person_id: int
    kind: str  # start | before | due | escalation
    cycle_id: int
    stage: int
    not_before: datetime


@dataclass(slots=True)
class TickResult:
    now: datetime
    active_stages: int = 0
    due: list[Planned] = field(default_factory=list)  # what is due now and not yet in the outbox
    inserted: int = 0
    superseded: int = 0
    escalations_without_leader: int = 0

    def as_dict(self) -> dict[str, Any]:
        return {
            "now": self.now.isoformat(),
            "active_stages": self.active_stages,
            "inserted": self.inserted,
            "superseded": self.superseded,
            "escalations_without_leader": self.escalations_without_leader,
            "due": [
                {
                    "key": p.key,
                    "person_id": p.person_id,
                    "kind": p.kind,
                    "cycle_id": p.cycle_id,
                    "stage": p.stage,
                    "not_before": p.not_before.isoformat(),
                }
                for p in self.due
            ],
        }


@dataclass(frozen=True, slots=True)
class _Milestone:
    day: date
    kind: str
    key: str


def _milestones(
    kit: CycleKit, stage: ActiveStage, person_id: int, assigned_at: datetime, tz: str
) -> list[_Milestone]:
    assigned = local_date(max(assigned_at, stage.started_at), tz)
    result = [_Milestone(assigned, "start", start_key(stage.cycle_id, stage.number, person_id))]
    days = [
        working_days_before(kit.calendar, stage.due_on, n)
        for n in sorted(kit.rules.before_due_working_days, reverse=True)
    ]
    if kit.rules.on_due_date:
        days.append(stage.due_on)
    for day in days:
        if day > assigned:
            kind = "due" if day == stage.due_on else "before"
            key = reminder_key(stage.cycle_id, stage.number, day, person_id)
            result.append(_Milestone(day, kind, key))
    return result


async def tick(
    services: Services | UnitOfWork,
    now: datetime,
    *,
    kit: CycleKit | None = None,
    dry_run: bool = False,
) -> TickResult:
    """Enqueue every prompt that is due at ``now`` and not yet in the outbox. Idempotent."""
    from storage.uow import UnitOfWork as _Uow

    if isinstance(services, _Uow):
        return await _tick(services, now, kit or default_kit(), dry_run)
    async with services.uow() as uow:
        result = await _tick(uow, now, kit or kit_for(services), dry_run)
        if not dry_run:
            await uow.commit()
        return result


async def _tick(uow: UnitOfWork, now: datetime, kit: CycleKit, dry_run: bool) -> TickResult:
    result = TickResult(now=now)
    stages = await uow.cycles.active_stages()
    result.active_stages = len(stages)
    if not stages:
        return result
    people = await uow.cycles.recipients(o.person_id for s in stages for o in s.owners)
    leaders: list[Recipient] | None = None
    candidates: list[tuple[Planned, ActiveStage, date, list[str]]] = []
    org_today = kit.today(now)
    for stage in stages:
        for owner in stage.owners:
            person = people.get(owner.person_id)
            if person is None:
                continue
            tz = person.timezone or kit.default_tz
            today = local_date(now, tz)
            reached = [
                m
                for m in _milestones(kit, stage, owner.person_id, owner.assigned_at, tz)
                if m.day <= today
            ]
            if not reached:
                continue
            latest = reached[-1]
            planned = Planned(
                key=latest.key,
                person_id=owner.person_id,
                kind=latest.kind,
                cycle_id=stage.cycle_id,
                stage=stage.number,
                not_before=kit.calendar.next_working_moment(now, tz),
            )
            older = [m.key for m in reached[:-1]]
            candidates.append((planned, stage, stage.due_on, older))
        threshold = kit.calendar.add_working_days(
            stage.due_on, kit.rules.escalate_after_working_days
        )
        if org_today >= threshold:
            if leaders is None:
                leaders = await uow.cycles.people_with_role(PROGRAMME_LEADER)
                people.update({leader.person_id: leader for leader in leaders})
            if not leaders:
                result.escalations_without_leader += 1
            for leader in leaders:
                tz = leader.timezone or kit.default_tz
                planned = Planned(
                    key=escalation_key(
                        stage.cycle_id, stage.number, stage.due_on, leader.person_id
                    ),
                    person_id=leader.person_id,
                    kind="escalation",
                    cycle_id=stage.cycle_id,
                    stage=stage.number,
                    not_before=kit.calendar.next_working_moment(now, tz),
                )
                candidates.append((planned, stage, stage.due_on, []))
    existing = await uow.outbox.existing_keys(p.key for p, _, _, _ in candidates)
    fresh = [c for c in candidates if c[0].key not in existing]
    result.due = [p for p, _, _, _ in fresh]
    if dry_run or not fresh:
        return result
    owner_names: dict[int, str] = {}
    rows: list[dict[str, Any]] = []
    older_by_key: dict[str, list[str]] = {}
    for planned, stage, due_on, older in fresh:
        person = people[planned.person_id]
        t = kit.t_for(person)
        if planned.kind == "escalation":
            if stage.stage_id not in owner_names:
                owner_names[stage.stage_id] = await _owner_names(uow, stage, people)
            reply = escalation_prompt(
                t,
                stage=kit.stage(stage.number),
                stage_id=stage.stage_id,
                cycle_id=stage.cycle_id,
                title=stage.title,
                due_on=due_on,
                owners=owner_names[stage.stage_id],
            )
        else:
            reply = stage_prompt(
                t,
                kind=planned.kind,
                stage=kit.stage(stage.number),
                stage_id=stage.stage_id,
                cycle_id=stage.cycle_id,
                title=stage.title,
                round_=stage.round,
                due_on=due_on,
            )
        rows.append(
            {
                "key": planned.key,
                "person_id": planned.person_id,
                "payload": reply.model_dump(mode="json"),
                "not_before": planned.not_before,
            }
        )
        older_by_key[planned.key] = older
    # A second instance ticking at the same moment: its rows win, ours are skipped by key.
    added = await uow.outbox.enqueue_many(rows, now)
    result.inserted = len(added)
    superseded = [key for new in added for key in older_by_key[new]]
    result.superseded = await uow.outbox.supersede(superseded)
    log.info(
        "tick",
        active_stages=result.active_stages,
        inserted=result.inserted,
        superseded=result.superseded,
    )
    return result


async def _owner_names(uow: UnitOfWork, stage: ActiveStage, people: dict[int, Recipient]) -> str:
    missing = [o.person_id for o in stage.owners if o.person_id not in people]
    if missing:
        people.update(await uow.cycles.recipients(missing))
    names = [people[o.person_id].name for o in stage.owners if o.person_id in people]
    return ", ".join(n for n in names if n) or "-"


# --- starting a cycle -------------------------------------------------------------------------
