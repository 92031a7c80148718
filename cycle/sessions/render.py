"""The session prompts as neutral replies: invitation, reminder, agenda call and confirmation, vote."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from cycle.sessions.config import MAX_VOTE_BUTTONS, session_title
from cycle.sessions.invitations import invitation_attachment
from cycle.sessions.run import SessionRun
from cycle.sessions.votes import vote_closes_at
from kernel.core import Button, Buttons, FieldItem, Fields, Reply, Text
from kernel.i18n import Translator
from storage.repositories.sessions import AgendaItem, AgendaSession
from turn.visibility import Viewer, can_see


def facts(run: SessionRun, session: AgendaSession, t: Translator) -> Fields:
    items = [
        FieldItem(label=t("sessions.field_when"), value=t.datetime(session.starts_at)),
        FieldItem(
            label=t("sessions.field_duration"),
            value=t("sessions.minutes", count=session.duration_minutes),
        ),
        FieldItem(label=t("sessions.field_where"), value=session.location or "-"),
    ]
    return Fields(items=tuple(items))


def rsvp_buttons(session: AgendaSession, t: Translator) -> Buttons:
    return Buttons(
        buttons=(
            Button(
                label=t("sessions.rsvp_ja"),
                action_id="session.rsvp",
                value=f"{session.id}:ja",
                style="primary",
            ),
            Button(
                label=t("sessions.rsvp_nee"), action_id="session.rsvp", value=f"{session.id}:nee"
            ),
            Button(
                label=t("sessions.rsvp_misschien"),
                action_id="session.rsvp",
                value=f"{session.id}:misschien",
            ),
        )
    )


async def render_invite(run: SessionRun, session: AgendaSession, t: Translator) -> Reply:
    cfg = run.config.kind(session.kind)
    title = session_title(session, cfg, t.locale)
    blocks: list[Any] = [
        Text(text=t("sessions.invite_title", title=title), style="header"),
        Text(text=t(f"sessions.about_{session.kind}")),
    ]
    if session.kind == "K":
        lines = await practice_lines(run, session, t)
        if lines:
            blocks.append(Text(text=t("sessions.practice_intro") + "\n" + lines))
    blocks += [facts(run, session, t)]
    attachment = invitation_attachment(run, session, t)
    if attachment is not None:
        blocks.append(attachment)
    blocks += [Text(text=t("sessions.invite_question")), rsvp_buttons(session, t)]
    return Reply(blocks=tuple(blocks))


async def render_reminder(
    run: SessionRun, session: AgendaSession, t: Translator, *, guest: Viewer | None = None
) -> Reply:
    cfg = run.config.kind(session.kind)
    title = session_title(session, cfg, t.locale)
    blocks: list[Any] = [
        Text(text=t("sessions.reminder_title", title=title), style="header"),
        facts(run, session, t),
    ]
    if session.kind == "H":
        blocks.append(Text(text=await agenda_text(run, session, t, guest=guest)))
    blocks.append(rsvp_buttons(session, t))
    return Reply(blocks=tuple(blocks))


async def render_agenda_call(
    run: SessionRun, session: AgendaSession, t: Translator, *, guest: Viewer | None = None
) -> Reply:
    cfg = run.config.kind(session.kind)
    deadline = session.starts_at - timedelta(days=cfg.agenda_confirm_days_before + 1)
    return Reply(
        blocks=(
            Text(text=t("sessions.agenda_call_title"), style="header"),
            Text(
                text=t(
                    "sessions.agenda_call_body",
                    title=session_title(session, cfg, t.locale),
                    date=t.date(session.starts_at.date()),
                    deadline=t.date(deadline.date()),
                )
            ),
            Text(text=await agenda_text(run, session, t, guest=guest)),
            Buttons(
                buttons=(
                    Button(
                        label=t("sessions.agenda_call_button"),
                        action_id="session.agenda",
                        value=str(session.id),
                        style="primary",
                    ),
                )
            ),
        )
    )


async def render_agenda_confirm(run: SessionRun, session: AgendaSession, t: Translator) -> Reply:
    cfg = run.config.kind(session.kind)
    return Reply(
        blocks=(
            Text(text=t("sessions.confirm_title"), style="header"),
            Text(
                text=t(
                    "sessions.confirm_body",
                    title=session_title(session, cfg, t.locale),
                    date=t.date(session.starts_at.date()),
                )
            ),
            Text(text=await agenda_text(run, session, t)),
            Buttons(
                buttons=(
                    Button(
                        label=t("sessions.confirm_button"),
                        action_id="session.confirm",
                        value=str(session.id),
                        style="primary",
                    ),
                )
            ),
        )
    )


async def render_vote(
    run: SessionRun, session: AgendaSession, t: Translator, *, guest: Viewer | None = None
) -> Reply:
    cfg = run.config.kind(session.kind)
    items = (await run.uow.meetings.items(session.id))[:MAX_VOTE_BUTTONS]
    texts = [await item_text(run, item, t, guest=guest) for item in items]
    lines = "\n".join(f"{n}. {text}" for n, text in enumerate(texts, 1))
    return Reply(
        blocks=(
            Text(text=t("sessions.vote_title"), style="header"),
            Text(
                text=t(
                    "sessions.vote_body",
                    title=session_title(session, cfg, t.locale),
                    count=cfg.winners,
                    close=t.datetime(vote_closes_at(run, session, cfg)),
                )
            ),
            Text(text=lines),
            Buttons(
                buttons=tuple(
                    Button(
                        label=t("sessions.vote_button", n=n),
                        action_id="session.vote",
                        value=f"{session.id}:{item.id}",
                    )
                    for n, item in enumerate(items, 1)
                )
            ),
        )
    )


async def item_text(
    run: SessionRun, item: AgendaItem, t: Translator, *, guest: Viewer | None
) -> str:
    """An agenda item's text; for a guest, a signal they may not see (:mod:`turn.visibility`)
    shows only its theme until the preparation group confirms the agenda (which shares it)."""
    if guest is not None and item.signal_id is not None:
        signal = await run.uow.signals.get(item.signal_id)
        if signal is not None and not await can_see(run.uow, guest, signal):
            theme = run.services.domain.theme_name(
                signal.theme_key or signal.subdomain_key, t.locale
            )
            return t("sessions.signal_not_shared", theme=theme)
    return short_text(item.text)


async def agenda_text(
    run: SessionRun, session: AgendaSession, t: Translator, *, guest: Viewer | None = None
) -> str:
    """The (draft) agenda; the last item is always "which questions should be researched?"."""
    items = await run.uow.meetings.items(session.id)
    lines = [t("sessions.agenda_heading")]
    for n, item in enumerate(items, 1):
        key = f"sessions.agenda_line_{item.source}"
        text = await item_text(run, item, t, guest=guest)
        lines.append(t(key, n=n, text=text, count=item.support))
    lines.append(t("sessions.agenda_last", n=len(items) + 1))
    return "\n".join(lines)


def short_text(text: str, limit: int = 200) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


async def practice_lines(run: SessionRun, session: AgendaSession, t: Translator) -> str:
    lines = []
    for item_id in session.details.get("practice_item_ids", []):
        item = await run.uow.meetings.get_item(int(item_id))
        if item is not None:
            lines.append(f"• {short_text(item.text)}")
    return "\n".join(lines)


def render_moved(
    run: SessionRun, session: AgendaSession, t: Translator, old_start: datetime
) -> Reply:
    """The session has a new time: the new facts, the updated .ics, and the RSVP again."""
    title = session_title(session, run.config.kind(session.kind), t.locale)
    blocks: list[Any] = [
        Text(text=t("sessions.moved_title", title=title), style="header"),
        Text(
            text=t(
                "sessions.moved_body",
                old=t.datetime(old_start),
                new=t.datetime(session.starts_at),
            )
        ),
        facts(run, session, t),
    ]
    attachment = invitation_attachment(run, session, t)
    if attachment is not None:
        blocks.append(attachment)
    blocks += [Text(text=t("sessions.moved_question")), rsvp_buttons(session, t)]
    return Reply(blocks=tuple(blocks))


def render_cancelled(run: SessionRun, session: AgendaSession, t: Translator, reason: str) -> Reply:
    """The session does not take place; the .ics removes it from the calendar."""
    title = session_title(session, run.config.kind(session.kind), t.locale)
    blocks: list[Any] = [
        Text(text=t("sessions.cancelled_title", title=title), style="header"),
        Text(text=t("sessions.cancelled_body", date=t.datetime(session.starts_at))),
    ]
    if reason:
        blocks.append(Text(text=t("sessions.cancelled_reason", reason=reason)))
    attachment = invitation_attachment(run, session, t, cancelled=True)
    if attachment is not None:
        blocks.append(attachment.model_copy(update={"label": t("sessions.field_ics_cancel")}))
    return Reply(blocks=tuple(blocks))
