"""``signaalbot demo``: a year of signaalbot in under a minute, on an embedded SQLite database.

Why a script of the real parts: the demo drives the same handlers (a signal is reported through
the signal form, an RSVP is a button click), the same ``session_due``/``summary_due`` and the
same outbox as production, with a :class:`~kernel.clock.ManualClock` moved over working days and
weekends. A recording messenger writes every message anyone receives to
``transcript.jsonl``; the dispatcher here only sends at working moments of the recipient, so the
transcript shows what people would get, and when.

What the demo does not own: the learning cycle's own prompts (stage prompt, reminder,
escalation) come from ``cycle.tick``; pass it as an extra tick (:class:`DemoParts`).
"""

from __future__ import annotations

import csv
import io
import json
import tomllib
from collections import Counter
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from importlib import resources
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from bot.app import Signaalbot, build_app
from cycle.session_ports import SessionToolkit, default_toolkit
from cycle.sessions import kind_of_key, load_session_config, plan_knowledge_session, plan_sessions
from cycle.summary import sessions_and_summary_due
from handlers.intake import WHOLE_MUNICIPALITY
from kernel.clock import ManualClock
from kernel.core import Action, Buttons, Identity, Platform, Reply, Submit, Text
from kernel.logging import get_logger
from kernel.messenger import Address, Sent
from kernel.settings import Settings
from storage.domain import Person
from storage.repositories.signals import SignalFilter
from storage.repositories.summary import DemoOutbox

log = get_logger("signaalbot.demo")

ROLE_ORDER = ("programme_leader", "research_desk", "policy_officer", "provider", "professional")
WORKDAY_STEPS = (time(8, 30), time(13, 30))
WEEKEND_STEP = time(12, 0)

# A tick: derive what is due at ``now`` into the outbox (cycle.tick has this shape for the demo).
Tick = Callable[[Signaalbot, datetime], Awaitable[Any]]


@dataclass(frozen=True, slots=True)
class DemoParts:
    """The parts built beside sessions; ``default_parts`` takes the real ones."""

    toolkit: SessionToolkit
    extra_ticks: Sequence[Tick] = ()  # e.g. the learning cycle's tick (stage prompts)


@dataclass(slots=True)
class TranscriptLine:
    at: datetime
    recipient: str
    role: str
    platform: str
    kind: str
    text: str

    def to_json(self, tz: str) -> str:
        return json.dumps(
            {
                "at": self.at.astimezone(ZoneInfo(tz)).isoformat(),
                "recipient": self.recipient,
                "role": self.role,
                "platform": self.platform,
                "kind": self.kind,
                "text": self.text,
            },
            ensure_ascii=False,
        )


@dataclass
class RecordingMessenger:
    """A :class:`kernel.messenger.Messenger` that keeps what it was asked to send."""

    platform: str = Platform.CONSOLE.value
    sent: list[tuple[Address, Reply]] = field(default_factory=list)

    async def send(self, identity: Address, reply: Reply, *, update_id: str | None = None) -> Sent:
        self.sent.append((identity, reply))
        return Sent(message_id=f"demo-{len(self.sent)}")


@dataclass
class DemoDispatcher:
    """Sends due outbox rows through the messenger, only at a working moment of the recipient."""

    bot: Signaalbot
    toolkit: SessionToolkit
    messenger: RecordingMessenger
    lines: list[TranscriptLine] = field(default_factory=list)

    async def dispatch(self, now: datetime) -> list[tuple[Person, str, Reply]]:
        delivered: list[tuple[Person, str, Reply]] = []
        async with self.bot.services.uow() as uow:
            outbox = DemoOutbox(uow.session)
            for message in await outbox.due(now):
                person = await uow.people.get(message.person_id)
                identity = person.identity() if person else None
                if person is None or identity is None:
                    await outbox.mark(message.id, "failed", now)
                    continue
                if not self.toolkit.calendar.is_working_moment(now, person.timezone):
                    continue  # held until the recipient's next working moment
                reply = Reply.model_validate(message.payload)
                sent = await self.messenger.send(identity, reply)
                await outbox.mark(message.id, "sent", now, identity.platform, sent.message_id)
                kind = kind_of_key(message.key)
                self.lines.append(
                    TranscriptLine(
                        at=now,
                        recipient=identity.user_id,
                        role=_main_role(person),
                        platform=identity.platform,
                        kind=kind,
                        text=reply.plain_text,
                    )
                )
                delivered.append((person, kind, reply))
            await uow.commit()
        return delivered


def _main_role(person: Person) -> str:
    return next((r for r in ROLE_ORDER if r in person.roles), "professional")


@dataclass
class DemoResult:
    transcript: Path
    messages: int
    kinds: Counter[str]
    charts: int


def load_demo_data(override_dir: Path | None = None) -> dict[str, Any]:
    if override_dir is not None and (override_dir / "demo.toml").is_file():
        return tomllib.loads((override_dir / "demo.toml").read_text(encoding="utf-8"))
    return tomllib.loads((resources.files("config") / "demo.toml").read_text(encoding="utf-8"))


def demo_catalogue(override_dir: Path | None = None) -> list[dict[str, str]]:
    """The studies of ``config/studies.csv`` when present, else a few built-in ones."""
    source = resources.files("config") / "studies.csv"
    if override_dir is not None and (override_dir / "studies.csv").is_file():
        text = (override_dir / "studies.csv").read_text(encoding="utf-8")
    elif source.is_file():
        text = source.read_text(encoding="utf-8")
    else:
        return list(FALLBACK_STUDIES)
    return [dict(row) for row in csv.DictReader(io.StringIO(text)) if row.get("ref")]


FALLBACK_STUDIES = (
    {"ref": "demo-schulden", "title": "Vroegsignalering schulden bij jonge gezinnen"},
    {"ref": "demo-jeugd", "title": "Wachttijden specialistische jeugdhulp"},
    {"ref": "demo-wmo", "title": "Ervaringen met de eigen bijdrage Wmo"},
)


async def learning_cycle_tick(bot: Signaalbot, now: datetime) -> Any:
    """The real learning-cycle tick: stage prompts, reminders and escalations."""
    from cycle.engine import tick

    return await tick(bot.services, now)


def default_parts(out_dir: Path, override_dir: Path | None = None) -> DemoParts:
    return DemoParts(
        toolkit=default_toolkit(override_dir, base_dir=out_dir),
        extra_ticks=(learning_cycle_tick,),
    )


async def run_demo(
    out_dir: Path,
    *,
    parts: DemoParts | None = None,
    settings: Settings | None = None,
    weeks: int = 52,
    start: date | None = None,
) -> DemoResult:
    """Simulate ``weeks`` weeks and write ``out_dir/transcript.jsonl``; returns what was sent."""
    out_dir.mkdir(parents=True, exist_ok=True)
    db_file = out_dir / "demo.db"
    for stale in (db_file, out_dir / "demo.db-wal", out_dir / "demo.db-shm"):
        stale.unlink(missing_ok=True)
    base = settings or Settings(database_url="sqlite:///./unused.db")
    settings = base.model_copy(update={"database_url": f"sqlite:///{db_file}"})
    parts = parts or default_parts(out_dir, settings.config_dir)
    data = load_demo_data(settings.config_dir)
    tz = settings.timezone
    zone = ZoneInfo(tz)
    first = start or date.fromisoformat(str(data.get("start", "2027-01-04")))
    clock = ManualClock(datetime.combine(first, time(8, 0), zone))
    bot = build_app(settings, clock=clock)
    _fast_throwaway_database(bot)
    messenger = RecordingMessenger()
    dispatcher = DemoDispatcher(bot, parts.toolkit, messenger)
    script = _Script(bot, parts, data, clock, first, weeks)
    await bot.start()
    try:
        await script.setup()
        for offset in range(weeks * 7):
            day = first + timedelta(days=offset)
            working = parts.toolkit.calendar.is_working_day(day)
            for step, moment in enumerate(WORKDAY_STEPS if working else (WEEKEND_STEP,)):
                clock.set(datetime.combine(day, moment, zone))
                if working and step == 1:
                    await script.events(offset // 7, day)
                await _tick(bot, parts)
                for person, kind, reply in await dispatcher.dispatch(clock.now()):
                    await script.react(person, kind, reply)
    finally:
        await bot.stop()
    transcript = out_dir / "transcript.jsonl"
    with transcript.open("w", encoding="utf-8") as handle:
        for line in dispatcher.lines:
            handle.write(line.to_json(tz) + "\n")
    kinds = Counter(line.kind for line in dispatcher.lines)
    charts = len(list(parts.toolkit.chart_dir.glob("*.png")))
    log.info("demo_done", messages=len(dispatcher.lines), charts=charts)
    return DemoResult(
        transcript=transcript, messages=len(dispatcher.lines), kinds=kinds, charts=charts
    )


def _fast_throwaway_database(bot: Signaalbot) -> None:
    """The demo database is rebuilt on every run: skip waiting for the disk on each commit."""
    from sqlalchemy import event

    def no_sync(dbapi_connection: Any, _record: Any) -> None:
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA synchronous=OFF")
        cursor.close()

    event.listen(bot.services.db.engine.sync_engine, "connect", no_sync)


async def _tick(bot: Signaalbot, parts: DemoParts) -> None:
    now = bot.services.clock.now()
    async with bot.services.uow() as uow:
        await sessions_and_summary_due(uow, bot.services, now, toolkit=parts.toolkit)
        await uow.commit()
    for tick in parts.extra_ticks:
        await tick(bot, now)


def _identity(person_key: str, name: str = "") -> Identity:
    return Identity(platform=Platform.CONSOLE, user_id=person_key, display_name=name)


@dataclass
class _Script:
    """What the people of the demo do: report, recognise, answer, propose, confirm, vote."""

    bot: Signaalbot
    parts: DemoParts
    data: dict[str, Any]
    clock: ManualClock
    first: date
    weeks: int
    reported: list[tuple[str, str]] = field(default_factory=list)  # (signal ref, reporter)
    signal_count: int = 0
    agenda_count: int = 0
    people: dict[str, Person] = field(default_factory=dict)

    async def setup(self) -> None:
        now = self.clock.now()
        services = self.bot.services
        async with services.uow() as uow:
            for entry in self.data.get("person", []):
                self.people[entry["id"]] = await uow.people.create(
                    platform=Platform.CONSOLE.value,
                    user_id=entry["id"],
                    now=now,
                    display_name=entry["name"],
                    roles=frozenset(entry["roles"]),
                    org_type=entry.get("org", "municipality"),
                )
            catalogue = demo_catalogue(services.settings.config_dir)
            running = int(self.data.get("running_study", 0)) % len(catalogue)
            for index, row in enumerate(catalogue):
                await uow.studies.upsert(
                    ref=row["ref"],
                    title=row["title"],
                    summary=row.get("summary", "") or "",
                    source=row.get("source", "") or "",
                    url=row.get("url", "") or "",
                    now=now,
                    status="running" if index == running else "finished",
                )
            end = now + timedelta(weeks=self.weeks)
            await plan_sessions(
                uow,
                self.parts.toolkit,
                load_session_config(services.settings.config_dir),
                now,
                end,
                now,
                services.settings.timezone,
            )
            await uow.commit()

    async def events(self, week: int, day: date) -> None:
        """Things that happen on a working day, besides answering prompts."""
        weekday = day.weekday()
        if weekday in (1, 3):  # Tuesday and Thursday: a signal, or "ik zie dit ook"
            await self._signal()
        if weekday == 2 and week % 4 == 1:
            await self._triage()
        if weekday == 0 and week == 2:
            await self._question()
        if weekday == 4 and week == 4:
            await self._study_ends()

    async def _signal(self) -> None:
        signals = self.data.get("signal", [])
        reporters = ["joris", "eva", "pia", "sanne", "karim"]
        n = self.signal_count
        self.signal_count += 1
        reporter = reporters[n % len(reporters)]
        if n % 3 == 2 and self.reported:
            # A duplicate: the reporter recognises an earlier signal instead of reporting again.
            ref, original = self.reported[(n // 3) % len(self.reported)]
            if original != reporter:
                async with self.bot.services.uow() as uow:
                    signal = await uow.signals.get_by_ref(ref)
                    person = self.people[reporter]
                    if signal is not None:
                        await uow.signals.add_support(
                            signal.id, person.id, person.org_type, "", self.clock.now()
                        )
                        await uow.commit()
                return
        entry = signals[n % len(signals)]
        who = _identity(reporter)
        themes = {t.key for t in self.bot.services.domain.themes}
        theme = entry["theme"]
        replies = await self.bot.handle(
            who,
            Submit(
                form_id="signal.report",
                values={
                    "text": entry["text"],
                    "theme": theme if theme in themes else "maatschappelijke-ontwikkelingen",
                    "subdomain": "" if theme in themes else theme,
                    "area": WHOLE_MUNICIPALITY,
                    "since": "3to12m",
                    "org_type": self.people[reporter].org_type,
                },
                idempotency_key=f"demo-signal-{n}",
            ),
        )
        if any(
            isinstance(block, Buttons)
            and any(b.action_id == "signal.match.new" for b in block.buttons)
            for reply in replies
            for block in reply.blocks
        ):
            # Similar signals were shown; in the demo the reporter says it is new.
            replies = await self.bot.handle(who, Action(action_id="signal.match.new"))
        async with self.bot.services.uow() as uow:
            mine = await uow.signals.find(
                SignalFilter(reporter_id=self.people[reporter].id), limit=1
            )
        if mine and replies:
            self.reported.append((mine[0].ref, reporter))

    async def _triage(self) -> None:
        """The research desk picks up the oldest new signal; its reporter hears about it."""
        now = self.clock.now()
        services = self.bot.services
        async with services.uow() as uow:
            waiting = await uow.signals.find(SignalFilter(status="nieuw"), limit=500)
            if not waiting:
                return
            signal = waiting[-1]
            await uow.signals.set_status(signal.id, "in_behandeling", "", now)
            await uow.audit.record(
                actor_id=self.people["ruud"].id,
                action="signal.status",
                entity="signal",
                entity_id=signal.ref,
                now=now,
                details={"status": "in_behandeling"},
            )
            reporter = await uow.people.get(signal.reporter_id) if signal.reporter_id else None
            if reporter is not None:
                t = services.translator(reporter.locale, reporter.timezone)
                text = t(
                    "sessions.demo_signal_feedback",
                    ref=signal.ref,
                    status=t("signals.status.in_behandeling"),
                )
                reply = Reply(blocks=(Text(text=text),))
                await uow.outbox.enqueue(
                    key=f"signal-feedback:{signal.id}:in_behandeling",
                    person_id=reporter.id,
                    payload=reply.model_dump(mode="json"),
                    now=now,
                    not_before=self.parts.toolkit.calendar.next_working_moment(
                        now, reporter.timezone
                    ),
                )
            await uow.commit()

    async def _question(self) -> None:
        now = self.clock.now()
        async with self.bot.services.uow() as uow:
            text = str(self.data.get("question", {}).get("text", "")) or "?"
            question = await uow.questions.add(
                question=text,
                now=now,
                requester_id=self.people["bert"].id,
            )
            await uow.audit.record(
                actor_id=self.people["bert"].id,
                action="question.create",
                entity="question",
                entity_id=question.ref,
                now=now,
            )
            await uow.commit()

    async def _study_ends(self) -> None:
        """The running study ends: its D session is planned four weeks ahead with owners."""
        now = self.clock.now()
        services = self.bot.services
        zone = ZoneInfo(services.settings.timezone)
        day = now.astimezone(zone).date() + timedelta(days=26)  # a Wednesday
        while not self.parts.toolkit.calendar.is_working_day(day):
            day += timedelta(days=1)
        async with services.uow() as uow:
            running = [s for s in await uow.studies.all() if s.status == "running"]
            if not running:
                return
            owners = {1: "bert", 2: "fatima", 3: "pia", 4: "ruud"}
            await plan_knowledge_session(
                uow,
                load_session_config(services.settings.config_dir),
                study_id=running[0].id,
                starts_at=datetime.combine(day, time(14, 0), zone),
                now=now,
                owners_by_stage={stage: self.people[key].id for stage, key in owners.items()},
                actor_id=self.people["lotte"].id,
            )
            await uow.commit()

    async def react(self, person: Person, kind: str, reply: Reply) -> None:
        """One click (or one short form) in answer to a prompt, as people would."""
        identity = person.identity()
        if identity is None:
            return
        who = _identity(identity.user_id)
        buttons = [b for block in reply.blocks if isinstance(block, Buttons) for b in block.buttons]
        if kind in ("session_invite", "session_reminder") and buttons:
            answer = {"karim": "nee", "sanne": "misschien"}.get(identity.user_id, "ja")
            choice = next((b for b in buttons if b.value.endswith(":" + answer)), buttons[0])
            await self.bot.handle(who, Action(action_id=choice.action_id, value=choice.value))
        elif kind == "agenda_call" and identity.user_id in ("pia", "bert") and buttons:
            items = self.data.get("agenda", [])
            if not items:
                return
            opened = await self.bot.handle(
                who, Action(action_id=buttons[0].action_id, value=buttons[0].value)
            )
            form = opened[0].form if opened else None
            if form is not None:
                text = items[self.agenda_count % len(items)]["text"]
                self.agenda_count += 1
                await self.bot.handle(
                    who, Submit(form_id=form.form_id, context=form.context, values={"text": text})
                )
        elif kind == "agenda_confirm" and buttons:
            await self.bot.handle(
                who, Action(action_id=buttons[0].action_id, value=buttons[0].value)
            )
        elif kind == "vote" and buttons:
            picks = {buttons[0].value, buttons[(person.id + 1) % len(buttons)].value}
            for value in sorted(picks):
                await self.bot.handle(who, Action(action_id="session.vote", value=value))
