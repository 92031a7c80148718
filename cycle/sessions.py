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

from collections.abc import Awaitable, Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Any

from cycle.session_ports import SessionToolkit, toolkit_for
from kernel.core import Button, Buttons, FieldItem, Fields, Reply, Role, Text
from kernel.domain_config import read_config_file
from kernel.i18n import Translator
from kernel.logging import get_logger
from storage.domain import Person
from storage.repositories.sessions import AgendaItem, AgendaSession
from storage.repositories.signals import SignalFilter

if TYPE_CHECKING:
    from storage.uow import UnitOfWork
    from turn.context import Services

log = get_logger("signaalbot.sessions")

KINDS = ("H", "I", "D", "K")
OPEN_STATUSES = ("planned", "confirmed")
CLOSED_QUESTION_STATUSES = frozenset(
    {"afgerond", "afgewezen", "niet_opgepakt", "samengevoegd", "in_onderzoek", "gekoppeld"}
)
MAX_VOTE_BUTTONS = 10


# --- configuration ---------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class KindConfig:
    kind: str
    title_nl: str
    title_en: str
    invite_roles: tuple[str, ...]
    invite_days_before: int
    reminder_days_before: int
    agenda_call_days_before: int = 0
    agenda_confirm_days_before: int = 0
    vote_days: int = 5
    winners: int = 3
    proposed_signals: int = 3
    proposed_questions: int = 3
    practice_questions: int = 2
    duration_minutes: int = 120
    locations: tuple[str, ...] = ()
    default_location: str = ""

    def title(self, locale: str) -> str:
        return self.title_en if locale == "en" else self.title_nl

    @property
    def lead_days(self) -> int:
        return max(self.invite_days_before, self.agenda_call_days_before)


@dataclass(frozen=True, slots=True)
class SessionConfig:
    kinds: dict[str, KindConfig]
    preparation_role: str = Role.PROGRAMME_LEADER.value
    preparation_people: tuple[str, ...] = ()
    summary_role: str = Role.PROGRAMME_LEADER.value

    def kind(self, kind: str) -> KindConfig:
        return self.kinds[kind]


def load_session_config(override_dir: Path | None = None) -> SessionConfig:
    data = read_config_file("sessions.toml", override_dir)
    kinds: dict[str, KindConfig] = {}
    for kind, raw in dict(data.get("kinds", {})).items():
        values = dict(raw)
        kinds[kind] = KindConfig(
            kind=kind,
            title_nl=str(values.pop("title_nl", kind)),
            title_en=str(values.pop("title_en", kind)),
            invite_roles=tuple(values.pop("invite_roles", ("provider", "policy_officer"))),
            locations=tuple(values.pop("locations", ())),
            **{k: v for k, v in values.items() if k in KindConfig.__slots__},
        )
    return SessionConfig(
        kinds=kinds,
        preparation_role=str(data.get("preparation_role", Role.PROGRAMME_LEADER.value)),
        preparation_people=tuple(data.get("preparation_people", ())),
        summary_role=str(data.get("summary_role", Role.PROGRAMME_LEADER.value)),
    )


# --- planning --------------------------------------------------------------------------------


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


# --- what is due -----------------------------------------------------------------------------


@dataclass(slots=True)
class _Run:
    uow: UnitOfWork
    services: Services
    toolkit: SessionToolkit
    config: SessionConfig
    now: datetime
    added: int = 0
    people_cache: dict[str, list[Person]] = field(default_factory=dict)

    def translator(self, person: Person) -> Translator:
        return self.services.translator(person.locale, person.timezone)


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
    run = _Run(uow=uow, services=services, toolkit=toolkit, config=config, now=now)
    lead = max((k.lead_days for k in config.kinds.values()), default=42)
    tail = max((k.vote_days for k in config.kinds.values()), default=5) + 2
    sessions = await uow.meetings.find(
        since=now - timedelta(days=tail),
        until=now + timedelta(days=lead + 1),
        statuses=(*OPEN_STATUSES, "held"),
    )
    for session in sessions:
        if session.kind in config.kinds:
            await _steps(run, session)
    return run.added


async def _steps(run: _Run, session: AgendaSession) -> None:
    cfg = run.config.kind(session.kind)
    now, start = run.now, session.starts_at
    end = start + timedelta(minutes=session.duration_minutes)
    done = session.details
    if start > now:
        if "invite" not in done and now >= start - timedelta(days=cfg.invite_days_before):
            if session.kind == "K":
                session = await _pick_practice_questions(run, session, cfg)
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
                await _send(run, session, "session-reminder", await _attendees(run, session, cfg))
                await _mark(run, session, "reminder")
        return
    if now < end:
        return
    if session.status in OPEN_STATUSES:
        await _held(run, session)
    if session.kind == "H":
        await _h_after(run, session, cfg, end)


async def _h_preparation(
    run: _Run, session: AgendaSession, cfg: KindConfig, done: dict[str, Any]
) -> None:
    now, start = run.now, session.starts_at
    confirm_at = start - timedelta(days=cfg.agenda_confirm_days_before)
    if "agenda_call" not in done and now >= start - timedelta(days=cfg.agenda_call_days_before):
        await _propose_automatically(run, session, cfg)
        if now >= confirm_at:
            await _mark(run, session, "agenda_call", "coalesced")
        else:
            await _send(run, session, "agenda-call", await _everyone(run))
            await _mark(run, session, "agenda_call")
    if "agenda_confirm" not in done and now >= confirm_at:
        if session.agenda_confirmed_at is None and now < start - timedelta(days=1):
            await _send(
                run, session, "agenda-confirm", await preparation_group(run.uow, run.config)
            )
        await _mark(run, session, "agenda_confirm")


async def _h_after(run: _Run, session: AgendaSession, cfg: KindConfig, end: datetime) -> None:
    done = session.details
    close_at = end + timedelta(days=cfg.vote_days)
    if "vote" not in done and run.now < close_at:
        if await run.uow.meetings.items(session.id):
            await _send(run, session, "vote", await _attendees(run, session, cfg, voters=True))
        await _mark(run, session, "vote")
    if session.vote_closed_at is None and run.now >= close_at:
        await close_vote(run.uow, run.services, session, cfg, run.now)


async def _mark(run: _Run, session: AgendaSession, step: str, value: str | None = None) -> None:
    await run.uow.meetings.set_detail(session.id, step, value or run.now.isoformat())


# --- recipients ------------------------------------------------------------------------------


async def _people_with(run: _Run, roles: Iterable[str]) -> list[Person]:
    found: dict[int, Person] = {}
    for role in roles:
        if role not in run.people_cache:
            run.people_cache[role] = await run.uow.people.with_role(role)
        for person in run.people_cache[role]:
            found.setdefault(person.id, person)
    return [found[pid] for pid in sorted(found)]


async def invitees(run: _Run, cfg: KindConfig) -> list[Person]:
    return await _people_with(run, cfg.invite_roles)


async def _everyone(run: _Run) -> list[Person]:
    return await _people_with(run, [r.value for r in Role])


async def _attendees(
    run: _Run, session: AgendaSession, cfg: KindConfig, *, voters: bool = False
) -> list[Person]:
    """Invitees minus those who said no; for the vote only those who said yes or maybe."""
    answers = {r.person_id: r.answer for r in await run.uow.meetings.rsvps(session.id)}
    people = await invitees(run, cfg)
    if voters and any(a in ("ja", "misschien") for a in answers.values()):
        return [p for p in people if answers.get(p.id) in ("ja", "misschien")]
    return [p for p in people if answers.get(p.id) != "nee"]


async def preparation_group(uow: UnitOfWork, config: SessionConfig) -> list[Person]:
    """The people who confirm the draft agenda: a role plus people named in sessions.toml."""
    found = {p.id: p for p in await uow.people.with_role(config.preparation_role)}
    for named in config.preparation_people:
        platform, _, user_id = named.partition(":")
        person = await uow.people.find_by_identity(platform, user_id)
        if person is not None and not person.erased:
            found.setdefault(person.id, person)
    return [found[pid] for pid in sorted(found)]


# --- sending ---------------------------------------------------------------------------------


Render = Callable[[Translator, Person], Awaitable[Reply]]


async def _send(run: _Run, session: AgendaSession, step: str, people: Sequence[Person]) -> None:
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


def _step_moment(run: _Run, session: AgendaSession, step: str) -> datetime:
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


async def _invite(run: _Run, session: AgendaSession, cfg: KindConfig) -> None:
    await write_invitation(run, session, cfg)
    await _send(run, session, "session-invite", await invitees(run, cfg))
    await _mark(run, session, "invite")


async def write_invitation(run: _Run, session: AgendaSession, cfg: KindConfig) -> Path | None:
    """Write the session's .ics file once (icalendar, via ``cycle.ics``)."""
    path = ics_path(run.toolkit, session)
    if path.exists():
        return path
    t = run.services.translator(run.services.settings.default_locale)
    data = run.toolkit.invitation(
        uid=f"signaalbot-session-{session.id}@signaalbot",
        title=session_title(session, cfg, t.locale),
        start=session.starts_at,
        duration=timedelta(minutes=session.duration_minutes),
        location=session.location,
        description=t(f"sessions.about_{session.kind}"),
        stamp=run.now,
        method="REQUEST",
    )
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)
    return path


def ics_path(toolkit: SessionToolkit, session: AgendaSession) -> Path:
    return toolkit.ics_dir / f"session-{session.id}.ics"


def session_title(session: AgendaSession, cfg: KindConfig, locale: str) -> str:
    if session.kind == "D":
        return f"{cfg.title(locale)}: {session.title}"
    return cfg.title(locale)


def _facts(run: _Run, session: AgendaSession, t: Translator) -> Fields:
    items = [
        FieldItem(label=t("sessions.field_when"), value=t.datetime(session.starts_at)),
        FieldItem(
            label=t("sessions.field_duration"),
            value=t("sessions.minutes", count=session.duration_minutes),
        ),
        FieldItem(label=t("sessions.field_where"), value=session.location or "-"),
    ]
    path = ics_path(run.toolkit, session)
    items.append(FieldItem(label=t("sessions.field_ics"), value=str(path)))
    return Fields(items=tuple(items))


def _rsvp_buttons(session: AgendaSession, t: Translator) -> Buttons:
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


async def render_invite(run: _Run, session: AgendaSession, t: Translator) -> Reply:
    cfg = run.config.kind(session.kind)
    title = session_title(session, cfg, t.locale)
    blocks: list[Any] = [
        Text(text=t("sessions.invite_title", title=title), style="header"),
        Text(text=t(f"sessions.about_{session.kind}")),
    ]
    if session.kind == "K":
        lines = await _practice_lines(run, session, t)
        if lines:
            blocks.append(Text(text=t("sessions.practice_intro") + "\n" + lines))
    blocks += [
        _facts(run, session, t),
        Text(text=t("sessions.invite_question")),
        _rsvp_buttons(session, t),
    ]
    return Reply(blocks=tuple(blocks))


async def render_reminder(
    run: _Run, session: AgendaSession, t: Translator, *, guest: bool = False
) -> Reply:
    cfg = run.config.kind(session.kind)
    title = session_title(session, cfg, t.locale)
    blocks: list[Any] = [
        Text(text=t("sessions.reminder_title", title=title), style="header"),
        _facts(run, session, t),
    ]
    if session.kind == "H":
        blocks.append(Text(text=await agenda_text(run, session, t, guest=guest)))
    blocks.append(_rsvp_buttons(session, t))
    return Reply(blocks=tuple(blocks))


async def render_agenda_call(
    run: _Run, session: AgendaSession, t: Translator, *, guest: bool = False
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


async def render_agenda_confirm(run: _Run, session: AgendaSession, t: Translator) -> Reply:
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
    run: _Run, session: AgendaSession, t: Translator, *, guest: bool = False
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
                    close=t.date(
                        (
                            session.starts_at
                            + timedelta(minutes=session.duration_minutes, days=cfg.vote_days)
                        ).date()
                    ),
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


def is_guest(person: Person) -> bool:
    """Providers are guests: they see only signals that were shared with them."""
    inside = {"professional", "policy_officer", "research_desk", "programme_leader", "admin"}
    return "provider" in person.roles and not (person.roles & inside)


async def item_text(run: _Run, item: AgendaItem, t: Translator, *, guest: bool) -> str:
    """An agenda item's text; for a guest, a signal not shared with providers shows only its
    theme until the preparation group confirms the agenda (which shares it)."""
    if guest and item.signal_id is not None:
        signal = await run.uow.signals.get(item.signal_id)
        if signal is not None and not signal.shared_with_providers:
            theme = run.services.domain.theme_name(
                signal.theme_key or signal.subdomain_key, t.locale
            )
            return t("sessions.signal_not_shared", theme=theme)
    return _short(item.text)


async def agenda_text(
    run: _Run, session: AgendaSession, t: Translator, *, guest: bool = False
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


def _short(text: str, limit: int = 200) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


# --- the agenda, the vote, the outcomes ------------------------------------------------------


async def _propose_automatically(run: _Run, session: AgendaSession, cfg: KindConfig) -> None:
    """Put the most-supported new signals and open research questions on the draft agenda."""
    if session.details.get("proposed"):
        return
    uow, now = run.uow, run.now
    signals = await uow.signals.find(
        SignalFilter(status="nieuw", since=now - timedelta(days=183)), limit=500
    )
    counts = await uow.signals.support_counts([s.id for s in signals])
    ranked = sorted(
        (s for s in signals if counts.get(s.id, 0) > 0),
        key=lambda s: (-counts.get(s.id, 0), s.id),
    )[: cfg.proposed_signals]
    for signal in ranked:
        await uow.meetings.add_item(
            session.id,
            source="signal",
            text=signal.text,
            signal_id=signal.id,
            support=counts.get(signal.id, 0),
            now=now,
        )
    questions = [
        q for q in await uow.questions.find(limit=200) if q.status not in CLOSED_QUESTION_STATUSES
    ]
    for question in sorted(questions, key=lambda q: q.created_at)[: cfg.proposed_questions]:
        await uow.meetings.add_item(
            session.id, source="question", text=question.question, question_id=question.id, now=now
        )
    await uow.meetings.set_detail(session.id, "proposed", True)
    await uow.audit.record(
        actor_id=None,
        action="session.agenda_proposed",
        entity="agenda_session",
        entity_id=session.id,
        now=now,
        details={"signals": [s.ref for s in ranked], "questions": len(questions)},
    )


async def close_vote(
    uow: UnitOfWork,
    services: Services,
    session: AgendaSession,
    cfg: KindConfig,
    now: datetime,
) -> list[AgendaItem]:
    """Count the votes; the winners enter the weighing flow as research questions."""
    counts = await uow.meetings.vote_counts(session.id)
    items = await uow.meetings.items(session.id)
    winners = sorted(
        (i for i in items if counts.get(i.id, 0) > 0),
        key=lambda i: (-counts.get(i.id, 0), -i.support, i.id),
    )[: cfg.winners]
    t = services.translator(services.settings.default_locale)
    refs: list[str] = []
    chosen: list[AgendaItem] = []
    for item in winners:
        question_id = item.question_id
        if question_id is None:
            question = await uow.questions.add(
                question=item.text,
                now=now,
                why=t("sessions.question_why", date=t.date(session.starts_at.date())),
                requester_id=item.proposer_id,
                signal_ids=[item.signal_id] if item.signal_id else [],
            )
            question_id = question.id
            refs.append(question.ref)
            await uow.audit.record(
                actor_id=None,
                action="question.create",
                entity="question",
                entity_id=question.ref,
                now=now,
                details={"via": "session_vote", "session": session.id, "item": item.id},
            )
        chosen.append(
            await uow.meetings.update_item(item.id, outcome="research", question_id=question_id)
        )
    await uow.meetings.update(session.id, vote_closed_at=now, status="closed")
    await uow.audit.record(
        actor_id=None,
        action="session.vote_closed",
        entity="agenda_session",
        entity_id=session.id,
        now=now,
        details={
            "votes": {str(k): v for k, v in sorted(counts.items())},
            "winners": [i.id for i in chosen],
            "questions": refs,
        },
    )
    return chosen


async def _held(run: _Run, session: AgendaSession) -> None:
    """After the session: a D session finishes its study and starts the learning cycle."""
    uow, now = run.uow, run.now
    await uow.meetings.update(session.id, status="held")
    await uow.audit.record(
        actor_id=None, action="session.held", entity="agenda_session", entity_id=session.id, now=now
    )
    if session.kind != "D" or session.study_id is None:
        return
    await uow.studies.mark_finished(session.study_id, now)
    await uow.audit.record(
        actor_id=None,
        action="study.finished",
        entity="study",
        entity_id=session.study_id,
        now=now,
        details={"via": "session", "session": session.id},
    )
    owners = {int(k): int(v) for k, v in dict(session.details.get("owners", {})).items()}
    # One owner per stage agreed in the session; the cycle takes a list of owners per stage.
    await run.toolkit.start_cycle(
        uow, session.study_id, {stage: [person] for stage, person in owners.items()}, now
    )
    await uow.meetings.set_detail(session.id, "cycle_started", now.isoformat())


async def _pick_practice_questions(
    run: _Run, session: AgendaSession, cfg: KindConfig
) -> AgendaSession:
    """K: pick one or two small practice questions from the past year's H outcomes."""
    if "practice_item_ids" in session.details:
        return session
    outcomes = await run.uow.meetings.items_with_outcome("research", run.now - timedelta(days=365))
    picked = sorted(outcomes, key=lambda i: (-i.support, i.id))[: cfg.practice_questions]
    updated = await run.uow.meetings.set_detail(
        session.id, "practice_item_ids", [i.id for i in picked]
    )
    await run.uow.audit.record(
        actor_id=None,
        action="session.practice_picked",
        entity="agenda_session",
        entity_id=session.id,
        now=run.now,
        details={"items": [i.id for i in picked]},
    )
    return updated


async def _practice_lines(run: _Run, session: AgendaSession, t: Translator) -> str:
    lines = []
    for item_id in session.details.get("practice_item_ids", []):
        item = await run.uow.meetings.get_item(int(item_id))
        if item is not None:
            lines.append(f"• {_short(item.text)}")
    return "\n".join(lines)


def kind_of_key(key: str) -> str:
    """The kind of message an outbox key stands for: ``session-invite:1:person:2`` → session_invite.

    The learning cycle's keys (``cycle.engine``) map onto the names the transcript uses.
    """
    kind = key.split(":", 1)[0].replace("-", "_")
    return _CYCLE_KINDS.get(kind, kind)


_CYCLE_KINDS = {
    "stage_start": "stage_prompt",
    "stage_reminder": "stage_reminder",
    "stage_nudge": "stage_reminder",
    "stage_escalation": "escalation",
}
