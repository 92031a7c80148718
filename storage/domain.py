"""Domain objects that repositories return.

Why plain frozen dataclasses rather than ORM rows: handlers never trigger lazy loads on a
closed async session, and nothing outside ``storage/`` depends on SQLAlchemy.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from typing import Any

from kernel.messenger import Address

SIGNAL_STATUSES = (
    "nieuw",
    "in_behandeling",
    "stimuleren",
    "faciliteren",
    "aanjagen",
    "actief_ondersteunen",
    "gekoppeld",
    "afgerond",
    "niet_opgepakt",
    "samengevoegd",
    "ingetrokken",  # by the reporter; not the desk's "niet_opgepakt"
)
# Nothing more happens to a signal in one of these (the desk may reopen all but the last two).
CLOSED_SIGNAL_STATUSES = frozenset({"afgerond", "niet_opgepakt", "samengevoegd", "ingetrokken"})
#: Withdrawn by its reporter: kept for the record, but no longer offered as a match anywhere.
WITHDRAWN_STATUS = "ingetrokken"


@dataclass(frozen=True, slots=True)
class Person:
    id: int
    display_name: str
    locale: str | None
    timezone: str
    org_type: str
    roles: frozenset[str]
    identities: tuple[Address, ...] = ()
    erased: bool = False

    def identity(self, platform: str | None = None) -> Address | None:
        """The identity to reach this person on: the one on ``platform``, or the last seen."""
        candidates = [i for i in self.identities if platform is None or i.platform == platform]
        if not candidates:
            return None
        return max(candidates, key=lambda i: i.last_seen_at or datetime.min.replace(tzinfo=UTC))


@dataclass(frozen=True, slots=True)
class NewSignal:
    text: str
    theme_key: str | None = None
    subdomain_key: str | None = None
    affected: str = ""
    area: str = ""
    since: str = ""
    frequency: str = ""
    org_type: str = ""
    reporter_id: int | None = None
    ref: str | None = None  # None: the next S-YYYY-NNNN
    created_at: datetime | None = None


@dataclass(frozen=True, slots=True)
class Signal:
    id: int
    ref: str
    text: str
    theme_key: str | None
    subdomain_key: str | None
    affected: str
    area: str
    since: str
    frequency: str
    org_type: str
    reporter_id: int | None
    status: str
    status_reason: str
    merged_into_id: int | None
    shared_with_providers: bool
    created_at: datetime
    updated_at: datetime


@dataclass(frozen=True, slots=True)
class Support:
    signal_id: int
    person_id: int | None
    org_type: str
    context: str
    created_at: datetime


@dataclass(frozen=True, slots=True)
class Study:
    id: int
    ref: str
    title: str
    summary: str = ""
    year: int | None = None
    source: str = ""
    url: str = ""
    status: str = "finished"
    finished_at: datetime | None = None


@dataclass(frozen=True, slots=True)
class ResearchQuestion:
    id: int
    ref: str
    question: str
    why: str
    needed_by_whom: str
    needed_by: date | None
    theme_key: str | None
    requester_id: int | None
    status: str
    weighing: dict[str, Any]
    recommendation: str | None
    recommendation_reason: str
    created_at: datetime
    updated_at: datetime
    signal_ids: tuple[int, ...] = ()
    study_ids: tuple[int, ...] = ()


@dataclass(frozen=True, slots=True)
class AuditEvent:
    id: int
    at: datetime
    actor_id: int | None
    action: str
    entity: str
    entity_id: str
    details: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class OutboxMessage:
    id: int
    key: str
    person_id: int
    payload: dict[str, Any]
    status: str
    attempts: int
    not_before: datetime
    platform: str | None
    platform_message_id: str | None
    last_error: str
    created_at: datetime
    sent_at: datetime | None
    office_hours_only: bool = True


# --- learning cycles ------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class StageOwner:
    person_id: int
    assigned_at: datetime


@dataclass(frozen=True, slots=True)
class CycleStage:
    id: int
    cycle_id: int
    number: int
    key: str
    status: str
    started_at: datetime | None
    due_on: date | None
    output: dict[str, Any]
    postponements: int
    extensions: int
    done_at: datetime | None
    done_by_id: int | None
    owners: tuple[StageOwner, ...] = ()

    @property
    def owner_ids(self) -> tuple[int, ...]:
        return tuple(o.person_id for o in self.owners)


@dataclass(frozen=True, slots=True)
class LearningCycle:
    id: int
    title: str
    study_id: int | None
    round: int
    previous_id: int | None
    status: str
    current_stage: int
    conclusion: str
    started_by_id: int | None
    started_at: datetime
    closed_at: datetime | None
    stages: tuple[CycleStage, ...] = ()

    def stage(self, number: int) -> CycleStage | None:
        return next((s for s in self.stages if s.number == number), None)


@dataclass(frozen=True, slots=True)
class ActiveStage:
    """What the tick needs of one active stage: no ORM object, no lazy loads."""

    stage_id: int
    cycle_id: int
    number: int
    started_at: datetime
    due_on: date
    owners: tuple[StageOwner, ...]
    title: str = ""
    round: int = 1


@dataclass(frozen=True, slots=True)
class Recipient:
    person_id: int
    name: str
    locale: str | None
    timezone: str
