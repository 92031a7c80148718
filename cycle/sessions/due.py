"""Agenda sessions (H, I, D, K): planning from the series rules and every prompt around them.

Why derived, not scheduled: :func:`session_due` looks at the session rows and the clock and
inserts outbox rows with unique keys (``session-invite:12:person:7``). Called from
``cycle.tick`` every minute, twice, or by two instances, it sends each prompt once. After
downtime, prompts that no longer make sense are skipped (coalesced): an invitation sent late
already carries what the reminder would say, and the agenda call closes when the preparation
group confirms the agenda.

The outbox key's first part names the kind of message (``session-invite`` → session_invite),
which the demo transcript and the logs use.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Sequence
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any

from cycle.session_ports import SessionToolkit, toolkit_for
from cycle.sessions.config import OPEN_STATUSES, KindConfig, SessionConfig, load_session_config
from cycle.sessions.invitations import write_invitation
from cycle.sessions.recipients import attendees, everyone, invitees, is_guest, preparation_group
from cycle.sessions.render import (
    render_agenda_call,
    render_agenda_confirm,
    render_invite,
    render_reminder,
    render_vote,
)
from cycle.sessions.run import SessionRun
from cycle.sessions.votes import (
    close_vote,
    mark_held,
    pick_practice_questions,
    propose_automatically,
    vote_closes_at,
)
from kernel.core import Reply
from kernel.i18n import Translator
from kernel.logging import get_logger
from storage.domain import Person
from storage.repositories.sessions import AgendaSession

if TYPE_CHECKING:
    from storage.uow import UnitOfWork
    from turn.context import Services


log = get_logger("signaalbot.sessions")


async def session_due(
    uow: UnitOfWork,
    services: Services,
    now: datetime,
    *,
    toolkit: SessionToolkit | None = None,
    config: SessionConfig | None = None,
) -> int:
    """Insert every session prompt that is due at ``now`` into the outbox; returns how many.

    Meant to be called from ``cycle.tick`` inside its unit of work (the caller commits).
    """
    toolkit = toolkit or toolkit_for(services.settings)
    config = config or load_session_config(services.settings.config_dir)
    run = SessionRun(uow=uow, services=services, toolkit=toolkit, config=config, now=now)
    lead = max((k.lead_days for k in config.kinds.values()), default=42)
    # Working days: a week of closures (Christmas) can stretch 5 of them to two weeks and more.
    tail = 2 * max((k.vote_days for k in config.kinds.values()), default=5) + 14
    sessions = await uow.meetings.find(
        since=now - timedelta(days=tail),
        until=now + timedelta(days=lead + 1),
        statuses=(*OPEN_STATUSES, "held"),
    )
    for session in sessions:
        if session.kind in config.kinds:
            await _steps(run, session)
    return run.added


async def _steps(run: SessionRun, session: AgendaSession) -> None:
    cfg = run.config.kind(session.kind)
    now, start = run.now, session.starts_at
    end = start + timedelta(minutes=session.duration_minutes)
    done = session.details
    if start > now:
        if "invite" not in done and now >= start - timedelta(days=cfg.invite_days_before):
            if session.kind == "K":
                session = await pick_practice_questions(run, session, cfg)
            await _invite(run, session, cfg)
            done = session.details | {"invite": now.isoformat()}
        if session.kind == "H":
            await _h_preparation(run, session, cfg, done)
        reminder_at = start - timedelta(days=cfg.reminder_days_before)
        if "reminder" not in done and now >= reminder_at:
            invited = done.get("invite")
            if invited is not None and datetime.fromisoformat(invited) >= reminder_at:
                # The invitation went out this late: it already says all the reminder would.
                await _mark(run, session, "reminder", "coalesced")
            else:
                await _send(run, session, "session-reminder", await attendees(run, session, cfg))
                await _mark(run, session, "reminder")
        return
    if now < end:
        return
    if session.status in OPEN_STATUSES:
        await mark_held(run, session)
    if session.kind == "H":
        await _h_after(run, session, cfg, end)


async def _h_preparation(
    run: SessionRun, session: AgendaSession, cfg: KindConfig, done: dict[str, Any]
) -> None:
    now, start = run.now, session.starts_at
    confirm_at = start - timedelta(days=cfg.agenda_confirm_days_before)
    if "agenda_call" not in done and now >= start - timedelta(days=cfg.agenda_call_days_before):
        await propose_automatically(run, session, cfg)
        if now >= confirm_at:
            await _mark(run, session, "agenda_call", "coalesced")
        else:
            await _send(run, session, "agenda-call", await everyone(run))
            await _mark(run, session, "agenda_call")
    if "agenda_confirm" not in done and now >= confirm_at:
        if session.agenda_confirmed_at is None and now < start - timedelta(days=1):
            await _send(
                run, session, "agenda-confirm", await preparation_group(run.uow, run.config)
            )
        await _mark(run, session, "agenda_confirm")


async def _h_after(run: SessionRun, session: AgendaSession, cfg: KindConfig, end: datetime) -> None:
    done = session.details
    close_at = vote_closes_at(run, session, cfg)
    if "vote" not in done and run.now < close_at:
        if await run.uow.meetings.items(session.id):
            await _send(run, session, "vote", await attendees(run, session, cfg, voters=True))
        await _mark(run, session, "vote")
    if session.vote_closed_at is None and run.now >= close_at:
        await close_vote(run.uow, run.services, session, cfg, run.now)


async def _mark(
    run: SessionRun, session: AgendaSession, step: str, value: str | None = None
) -> None:
    await run.uow.meetings.set_detail(session.id, step, value or run.now.isoformat())


Render = Callable[[Translator, Person], Awaitable[Reply]]


async def _send(
    run: SessionRun, session: AgendaSession, step: str, people: Sequence[Person]
) -> None:
    renderers: dict[str, Render] = {
        "session-invite": lambda t, p: render_invite(run, session, t),
        "session-reminder": lambda t, p: render_reminder(run, session, t, guest=is_guest(p)),
        "agenda-call": lambda t, p: render_agenda_call(run, session, t, guest=is_guest(p)),
        "agenda-confirm": lambda t, p: render_agenda_confirm(run, session, t),
        "vote": lambda t, p: render_vote(run, session, t, guest=is_guest(p)),
    }
    render = renderers[step]
    moment = max(run.now, _step_moment(run, session, step))
    for person in people:
        if person.erased or person.identity() is None:
            continue
        reply = await render(run.translator(person), person)
        not_before = run.toolkit.calendar.next_working_moment(moment, person.timezone)
        if await run.uow.outbox.enqueue(
            key=f"{step}:{session.id}:person:{person.id}",
            person_id=person.id,
            payload=reply.model_dump(mode="json"),
            now=run.now,
            not_before=not_before,
        ):
            run.added += 1
    log.info("session_prompts", session_id=session.id, step=step, recipients=len(people))


def _step_moment(run: SessionRun, session: AgendaSession, step: str) -> datetime:
    cfg = run.config.kind(session.kind)
    days = {
        "session-invite": cfg.invite_days_before,
        "session-reminder": cfg.reminder_days_before,
        "agenda-call": cfg.agenda_call_days_before,
        "agenda-confirm": cfg.agenda_confirm_days_before,
    }
    if step == "vote":
        return session.starts_at + timedelta(minutes=session.duration_minutes)
    return session.starts_at - timedelta(days=days[step])


async def _invite(run: SessionRun, session: AgendaSession, cfg: KindConfig) -> None:
    await write_invitation(run, session, cfg)
    await _send(run, session, "session-invite", await invitees(run, cfg))
    await _mark(run, session, "invite")
