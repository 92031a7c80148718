"""Moving and cancelling a session, by the research desk or the programme leader.

Both tell everyone who was invited, in their own language, with an updated .ics attached: the
same UID with SEQUENCE + 1, ``METHOD:REQUEST`` for the new time, ``METHOD:CANCEL`` for a
cancellation, so calendar programs move or remove the appointment they already have. When the
invitation has not gone out yet there is nobody to tell: the invitation will carry the new time.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta
from typing import TYPE_CHECKING

from cycle.session_ports import SessionToolkit, toolkit_for
from cycle.sessions.config import OPEN_STATUSES, SessionConfig, load_session_config
from cycle.sessions.invitations import sequence_of, write_invitation
from cycle.sessions.recipients import invitees
from cycle.sessions.render import render_cancelled, render_moved
from cycle.sessions.run import SessionRun
from kernel.core import Reply
from kernel.i18n import Translator
from kernel.logging import get_logger
from storage.repositories.sessions import AgendaSession

if TYPE_CHECKING:
    from storage.uow import UnitOfWork
    from turn.context import Services

log = get_logger("signaalbot.sessions")
CANCELLED = "cancelled"


class SessionChangeError(Exception):
    """The session cannot change: unknown, already held or cancelled, or a moment in the past."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason  # unknown | closed | past


async def _open_run(
    uow: UnitOfWork,
    services: Services,
    session_id: int,
    now: datetime,
    toolkit: SessionToolkit | None,
    config: SessionConfig | None,
) -> tuple[SessionRun, AgendaSession]:
    session = await uow.meetings.get(session_id)
    if session is None:
        raise SessionChangeError("unknown")
    if session.status not in OPEN_STATUSES or session.starts_at <= now:
        raise SessionChangeError("closed")
    run = SessionRun(
        uow=uow,
        services=services,
        toolkit=toolkit or toolkit_for(services.settings),
        config=config or load_session_config(services.settings.config_dir),
        now=now,
    )
    return run, session


async def move_session(
    uow: UnitOfWork,
    services: Services,
    session_id: int,
    starts_at: datetime,
    now: datetime,
    *,
    actor_id: int | None,
    location: str | None = None,
    toolkit: SessionToolkit | None = None,
    config: SessionConfig | None = None,
) -> tuple[AgendaSession, int]:
    """Give the session a new start (and place); returns it and how many were told."""
    run, session = await _open_run(uow, services, session_id, now, toolkit, config)
    if starts_at <= now:
        raise SessionChangeError("past")
    old_start = session.starts_at
    invited = "invite" in session.details
    cfg = run.config.kind(session.kind)
    fields: dict[str, object] = {"starts_at": starts_at}
    if location is not None:
        fields["location"] = location
    session = await uow.meetings.update(session.id, **fields)
    session = await uow.meetings.set_detail(session.id, "ics_sequence", sequence_of(session) + 1)
    if now < starts_at - timedelta(days=cfg.reminder_days_before):
        # The reminder belongs to the new date: let it be sent again when that comes.
        session = await _without(uow, session, "reminder")
    await uow.audit.record(
        actor_id=actor_id,
        action="session.moved",
        entity="agenda_session",
        entity_id=session.id,
        now=now,
        details={
            "from": old_start.isoformat(),
            "to": starts_at.isoformat(),
            "sequence": sequence_of(session),
        },
    )
    if not invited:
        return session, 0
    await write_invitation(run, session, cfg)
    told = await _tell_invitees(
        run,
        session,
        f"session-moved:{session.id}:v{sequence_of(session)}",
        lambda t: render_moved(run, session, t, old_start),
    )
    return session, told


async def cancel_session(
    uow: UnitOfWork,
    services: Services,
    session_id: int,
    now: datetime,
    *,
    actor_id: int | None,
    reason: str = "",
    toolkit: SessionToolkit | None = None,
    config: SessionConfig | None = None,
) -> tuple[AgendaSession, int]:
    """Cancel the session; returns it and how many were told."""
    run, session = await _open_run(uow, services, session_id, now, toolkit, config)
    invited = "invite" in session.details
    session = await uow.meetings.update(session.id, status=CANCELLED)
    session = await uow.meetings.set_detail(session.id, "ics_sequence", sequence_of(session) + 1)
    await uow.audit.record(
        actor_id=actor_id,
        action="session.cancelled",
        entity="agenda_session",
        entity_id=session.id,
        now=now,
        details={"with_reason": bool(reason), "sequence": sequence_of(session)},
    )
    if not invited:
        return session, 0
    await write_invitation(run, session, run.config.kind(session.kind), cancelled=True)
    told = await _tell_invitees(
        run,
        session,
        f"session-cancelled:{session.id}",
        lambda t: render_cancelled(run, session, t, reason),
    )
    return session, told


async def _without(uow: UnitOfWork, session: AgendaSession, step: str) -> AgendaSession:
    """The session without the ``step`` mark, so ``session_due`` does that step again."""
    details = {k: v for k, v in session.details.items() if k != step}
    return await uow.meetings.update(session.id, details=details)


async def _tell_invitees(
    run: SessionRun,
    session: AgendaSession,
    key: str,
    render: Callable[[Translator], Reply],
) -> int:
    """One message per invited person in their language, sent within working hours."""
    told = 0
    people = await invitees(run, run.config.kind(session.kind))
    for person in people:
        if person.erased or person.identity() is None:
            continue
        reply = render(run.translator(person))
        not_before = run.toolkit.calendar.next_working_moment(run.now, person.timezone)
        if await run.uow.outbox.enqueue(
            key=f"{key}:person:{person.id}",
            person_id=person.id,
            payload=reply.model_dump(mode="json"),
            now=run.now,
            not_before=not_before,
        ):
            told += 1
    log.info("session_changed", session_id=session.id, key=key.split(":", 1)[0], told=told)
    return told
