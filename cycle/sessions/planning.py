"""Planning sessions from the series rules (H, I, K) and for a finished study (D).

Planning twice adds nothing: a session's key is its kind and date."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

from cycle.session_ports import SessionToolkit
from cycle.sessions.config import SessionConfig
from storage.repositories.sessions import AgendaSession

if TYPE_CHECKING:
    from storage.uow import UnitOfWork


async def plan_sessions(
    uow: UnitOfWork,
    toolkit: SessionToolkit,
    config: SessionConfig,
    start: datetime,
    end: datetime,
    now: datetime,
    tz: str = "Europe/Amsterdam",
) -> list[AgendaSession]:
    """Create the H, I and K sessions of the series rules between ``start`` and ``end``.

    Planning twice adds nothing: a session's key is its kind and date. H sessions take the next
    location of the rotation (when configured).
    """
    created: list[AgendaSession] = []
    for rule in toolkit.rules:
        kind = str(rule.key)
        if kind not in config.kinds:
            continue
        kind_cfg = config.kind(kind)
        for moment in sorted(toolkit.occurrences(rule, start, end, toolkit.calendar, tz)):
            existing = len(await uow.meetings.find(kind=kind, until=moment))
            location = (
                kind_cfg.locations[existing % len(kind_cfg.locations)]
                if kind_cfg.locations
                else kind_cfg.default_location
            )
            session, new = await uow.meetings.plan(
                key=f"{kind}:{moment.date().isoformat()}",
                kind=kind,
                title=kind_cfg.title_nl,
                starts_at=moment,
                duration_minutes=int(getattr(rule, "duration_minutes", kind_cfg.duration_minutes)),
                location=location,
                now=now,
            )
            if new:
                await uow.audit.record(
                    actor_id=None,
                    action="session.plan",
                    entity="agenda_session",
                    entity_id=session.id,
                    now=now,
                    details={"kind": kind, "key": session.key},
                )
                created.append(session)
    return created


async def plan_knowledge_session(
    uow: UnitOfWork,
    config: SessionConfig,
    *,
    study_id: int,
    starts_at: datetime,
    now: datetime,
    owners_by_stage: dict[int, int] | None = None,
    actor_id: int | None = None,
) -> AgendaSession:
    """Plan the D session of a finished study, with the stage owners agreed for its cycle."""
    study = await uow.studies.get(study_id)
    if study is None:
        raise LookupError(study_id)
    kind_cfg = config.kind("D")
    session, new = await uow.meetings.plan(
        key=f"D:study:{study_id}",
        kind="D",
        title=study.title[:300],
        starts_at=starts_at,
        duration_minutes=kind_cfg.duration_minutes,
        location=kind_cfg.default_location,
        study_id=study_id,
        now=now,
        details={"owners": {str(k): v for k, v in (owners_by_stage or {}).items()}},
    )
    if new:
        await uow.audit.record(
            actor_id=actor_id,
            action="session.plan",
            entity="agenda_session",
            entity_id=session.id,
            now=now,
            details={"kind": "D", "study": study.ref},
        )
    return session
