"""Answers to session prompts: RSVP, agenda items, confirming the agenda, the vote.

Every prompt is answerable in one click; the agenda item is the only form. The prompts
themselves are produced by ``cycle.sessions.session_due``.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from cycle.sessions.changes import CANCELLED, SessionChangeError, cancel_session, move_session
from handlers.intake import OVERSEERS, neutralise, short, words
from kernel.core import Action, Form, Input, Reply, Submit, Text
from kernel.text import as_id
from storage.repositories.sessions import RSVP_ANSWERS, AgendaSession
from turn.context import TurnContext
from turn.forms import cleaned, text_errors, validate_submit
from turn.router import Router

AGENDA_FORM = "session.agenda_item"


def _ids(value: str, parts: int) -> list[int] | None:
    pieces = value.split(":")
    if len(pieces) < parts:
        return None
    ids = [as_id(p) for p in pieces[:parts]]
    return None if None in ids else [i for i in ids if i is not None]


async def _session(ctx: TurnContext, session_id: int) -> AgendaSession | None:
    async with ctx.uow() as uow:
        session = await uow.meetings.get(session_id)
    if session is None:
        await ctx.say("sessions.session_unknown")
    return session


async def _session_from(ctx: TurnContext, value: str) -> AgendaSession | None:
    """The session a button or form names by its id; says so when there is none."""
    ids = _ids(value, 1)
    if ids is None:
        await ctx.say("sessions.session_unknown")
        return None
    return await _session(ctx, ids[0])


async def rsvp(ctx: TurnContext) -> None:
    assert isinstance(ctx.event, Action)
    session_id, _, answer = ctx.event.value.partition(":")
    ids = _ids(session_id, 1)
    if ids is None or answer not in RSVP_ANSWERS:
        await ctx.say("sessions.session_unknown")
        return
    session = await _session(ctx, ids[0])
    if session is None:
        return
    if session.status == CANCELLED:
        await ctx.say("sessions.session_cancelled")
        return
    if session.starts_at <= ctx.now():
        await ctx.say("sessions.session_past")
        return
    async with ctx.uow() as uow:
        changed = await uow.meetings.rsvp(session.id, ctx.actor.person_id, answer, ctx.now())
        if changed:
            await uow.audit.record(
                actor_id=ctx.actor.person_id,
                action="session.rsvp",
                entity="agenda_session",
                entity_id=session.id,
                now=ctx.now(),
                details={"answer": answer},
            )
        await uow.commit()
    await ctx.say(f"sessions.rsvp_thanks_{answer}", date=ctx.t.datetime(session.starts_at))


def agenda_form(ctx: TurnContext, session: AgendaSession) -> Form:
    t = ctx.t
    return Form(
        form_id=AGENDA_FORM,
        title=t("sessions.agenda_form_title"),
        submit_label=t("sessions.agenda_form_submit"),
        context=str(session.id),
        inputs=(
            Input(
                name="text",
                label=t("sessions.agenda_form_label"),
                kind="multiline",
                hint=t("sessions.agenda_form_hint"),
                min_length=10,
                max_length=1000,
            ),
        ),
    )


def _agenda_open(session: AgendaSession, ctx: TurnContext) -> bool:
    return session.agenda_confirmed_at is None and session.starts_at - timedelta(days=1) > ctx.now()


async def start_agenda_item(ctx: TurnContext) -> None:
    assert isinstance(ctx.event, Action)
    session = await _session_from(ctx, ctx.event.value)
    if session is None:
        return
    if not _agenda_open(session, ctx):
        await ctx.say("sessions.agenda_closed")
        return
    await ctx.reply(Reply(blocks=(agenda_form(ctx, session),)))


async def submit_agenda_item(ctx: TurnContext) -> None:
    assert isinstance(ctx.event, Submit)
    session = await _session_from(ctx, ctx.event.context)
    if session is None:
        return
    if not _agenda_open(session, ctx):
        await ctx.say("sessions.agenda_closed")
        return
    errors = await validate_submit(ctx, agenda_form(ctx, session))
    text = cleaned(ctx.event.values).get("text", "")
    if errors:
        await ctx.reply(Reply(errors=errors))
        return
    async with ctx.uow() as uow:
        item = await uow.meetings.add_item(
            session.id, source="proposal", text=text, proposer_id=ctx.actor.person_id, now=ctx.now()
        )
        await uow.audit.record(
            actor_id=ctx.actor.person_id,
            action="session.agenda_item",
            entity="agenda_session",
            entity_id=session.id,
            now=ctx.now(),
            details={"item": item.id},
        )
        await uow.commit()
    await ctx.say("sessions.agenda_saved", date=ctx.t.date(session.starts_at.date()))


async def _in_preparation_group(ctx: TurnContext) -> bool:
    from cycle.sessions import load_session_config, preparation_group

    config = load_session_config(ctx.services.settings.config_dir)
    async with ctx.uow() as uow:
        group = await preparation_group(uow, config)
    return ctx.actor.person_id in {p.id for p in group}


async def confirm_agenda(ctx: TurnContext) -> None:
    assert isinstance(ctx.event, Action)
    session = await _session_from(ctx, ctx.event.value)
    if session is None:
        return
    if not await _in_preparation_group(ctx):
        await ctx.say("sessions.confirm_not_yours")
        return
    if session.agenda_confirmed_at is not None:
        await ctx.say("sessions.confirmed_already")
        return
    async with ctx.uow() as uow:
        await uow.meetings.update(
            session.id,
            agenda_confirmed_at=ctx.now(),
            agenda_confirmed_by=ctx.actor.person_id,
            status="confirmed",
        )
        for item in await uow.meetings.items(session.id):
            await uow.meetings.update_item(item.id, status="accepted")
        # Confirming the agenda decides that its signals are discussed with providers.
        shared = await uow.meetings.share_agenda_signals(session.id)
        await uow.audit.record(
            actor_id=ctx.actor.person_id,
            action="session.agenda_confirmed",
            entity="agenda_session",
            entity_id=session.id,
            now=ctx.now(),
            details={"shared_signals": shared},
        )
        await uow.commit()
    await ctx.say("sessions.confirmed")


async def vote(ctx: TurnContext) -> None:
    assert isinstance(ctx.event, Action)
    ids = _ids(ctx.event.value, 2)
    session = await _session(ctx, ids[0]) if ids else None
    if session is None or ids is None:
        if ids is None:
            await ctx.say("sessions.session_unknown")
        return
    if session.vote_closed_at is not None:
        await ctx.say("sessions.vote_closed")
        return
    async with ctx.uow() as uow:
        item = await uow.meetings.get_item(ids[1])
        if item is None or item.session_id != session.id:
            await ctx.say("sessions.session_unknown")
            return
        if not await uow.outbox.has(f"vote:{session.id}:person:{ctx.actor.person_id}"):
            await ctx.say("sessions.vote_not_invited")
            return
        counted = await uow.meetings.vote(session.id, item.id, ctx.actor.person_id, ctx.now())
        if counted:
            await uow.audit.record(
                actor_id=ctx.actor.person_id,
                action="session.vote",
                entity="agenda_session",
                entity_id=session.id,
                now=ctx.now(),
                details={"item": item.id},
            )
        await uow.commit()
    await ctx.say("sessions.vote_thanks" if counted else "sessions.vote_again")


async def list_sessions(ctx: TurnContext) -> None:
    """``sessies``: the coming sessions, with one-click RSVP."""
    from cycle.sessions import load_session_config, session_title

    config = load_session_config(ctx.services.settings.config_dir)
    async with ctx.uow() as uow:
        sessions = await uow.meetings.find(
            since=ctx.now(),
            until=ctx.now() + timedelta(days=120),
            statuses=("planned", "confirmed"),
        )
    if not sessions:
        await ctx.say("sessions.list_empty")
        return
    t = ctx.t
    lines = [
        t(
            "sessions.list_line",
            id=s.id,
            title=session_title(s, config.kind(s.kind), ctx.actor.locale),
            date=t.datetime(s.starts_at),
            where=s.location or "-",
        )
        for s in sessions
        if s.kind in config.kinds
    ]
    await ctx.reply(
        Reply(
            blocks=(
                Text(text=t("sessions.list_title"), style="header"),
                Text(text="\n".join(lines)),
            )
        )
    )


_MOMENT_FORMATS = ("%Y-%m-%d %H:%M", "%d-%m-%Y %H:%M", "%Y-%m-%dT%H:%M")


def _moment(text: str, tz: str) -> datetime | None:
    """ "2027-03-11 14:00" (or 11-03-2027 14:00) in the person's own time zone, as UTC."""
    for fmt in _MOMENT_FORMATS:
        try:
            local = datetime.strptime(text, fmt).replace(tzinfo=ZoneInfo(tz))
        except ValueError:
            continue
        return local.astimezone(UTC)
    return None


async def _change_failed(ctx: TurnContext, exc: SessionChangeError, session_id: int) -> None:
    await ctx.say(f"sessions.change_{exc.reason}", id=session_id)


async def _refused(ctx: TurnContext, text: str) -> bool:
    """Typed text that will be stored and sent to everyone invited passes the privacy guard
    like a form field: refused with the masked text, never stored."""
    refused = text_errors(ctx.t, {"text": text})
    if refused:
        await ctx.reply(Reply(blocks=(Text(text=refused["text"], style="warning"),)))
    return bool(refused)


async def move(ctx: TurnContext) -> None:
    """``sessie verplaatsen 12 2027-03-11 14:00 [plek]``: everyone invited hears it, with .ics."""
    args = words(ctx)
    if len(args) < 3 or not args[0].isdigit():
        await ctx.say("sessions.change_usage")
        return
    session_id = int(args[0])
    starts_at = _moment(f"{args[1]} {args[2]}", ctx.actor.timezone)
    if starts_at is None:
        await ctx.say("sessions.change_bad_moment", value=short(f"{args[1]} {args[2]}"))
        return
    location = neutralise(" ".join(args[3:]))[0] or None
    if location is not None and await _refused(ctx, location):
        return
    async with ctx.uow() as uow:
        try:
            session, told = await move_session(
                uow,
                ctx.services,
                session_id,
                starts_at,
                ctx.now(),
                actor_id=ctx.actor.person_id,
                location=location,
            )
        except SessionChangeError as exc:
            await _change_failed(ctx, exc, session_id)
            return
        await uow.commit()
    key = "sessions.moved_done" if told else "sessions.moved_done_quiet"
    await ctx.say(key, id=session.id, date=ctx.t.datetime(session.starts_at), count=told)


async def cancel(ctx: TurnContext) -> None:
    """``sessie afzeggen 12 [reden]``: everyone invited hears it, with a METHOD:CANCEL .ics."""
    args = words(ctx)
    if not args or not args[0].isdigit():
        await ctx.say("sessions.change_usage")
        return
    session_id = int(args[0])
    reason, _ = neutralise(" ".join(args[1:]))
    if reason and await _refused(ctx, reason):
        return
    async with ctx.uow() as uow:
        try:
            session, told = await cancel_session(
                uow,
                ctx.services,
                session_id,
                ctx.now(),
                actor_id=ctx.actor.person_id,
                reason=reason,
            )
        except SessionChangeError as exc:
            await _change_failed(ctx, exc, session_id)
            return
        await uow.commit()
    key = "sessions.cancelled_done" if told else "sessions.cancelled_done_quiet"
    await ctx.say(key, id=session.id, count=told)


def register(router: Router) -> None:
    router.action("session.rsvp")(rsvp)
    router.action("session.agenda")(start_agenda_item)
    router.submit(AGENDA_FORM)(submit_agenda_item)
    router.action("session.confirm")(confirm_agenda)
    router.action("session.vote")(vote)
    router.command("sessions")(list_sessions)
    router.command("session_move", roles=OVERSEERS)(move)
    router.command("session_cancel", roles=OVERSEERS)(cancel)
