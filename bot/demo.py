"""``signaalbot demo``: a year of signaalbot in under a minute, on an embedded SQLite database.

Why a script of the real product: the demo is assembled by the one ``bootstrap`` and drives
the same handlers (a signal is reported through the signal form, triage is the research
desk's button and reason form, an RSVP or a finished stage is a click), and every message goes
through the real scheduler round (``cycle.tick``, sessions, the weekly summary) and the real
dispatcher with its working-time rules. Only the messengers record instead of sending; every
message anyone receives is written to ``transcript.jsonl`` with the moment it was sent. A
:class:`~kernel.clock.ManualClock` moves over working days and weekends.
"""

from __future__ import annotations

import csv
import io
import json
import tomllib
from collections import Counter
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from importlib import resources
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from bot.bootstrap import Runtime, bootstrap
from cycle.prompts import ACTION_DONE, ACTION_REMIND
from cycle.session_ports import SessionToolkit, default_toolkit
from cycle.sessions import kind_of_key, load_session_config, plan_knowledge_session, plan_sessions
from handlers.intake import WHOLE_MUNICIPALITY
from kernel.clock import ManualClock
from kernel.core import Action, Buttons, Identity, Platform, Reply, Submit
from kernel.logging import get_logger
from kernel.messenger import Address, Sent
from kernel.settings import Settings
from storage.domain import Person
from storage.repositories.signals import SignalFilter
from turn.pipeline import Signaalbot

log = get_logger("signaalbot.demo")

ROLE_ORDER = ("programme_leader", "research_desk", "policy_officer", "provider", "professional")
WORKDAY_STEPS = (time(8, 30), time(9, 0), time(13, 30))  # summary, office opens, events
WEEKEND_STEP = time(12, 0)

STUDIES_ENDING = (4, 20)
LATE_OWNER = "pia"  # lets a stage run late, so the programme leader is told and reminds her  # weeks in which a running study ends and its learning cycle starts


@dataclass(frozen=True, slots=True)
class DemoParts:
    """The session toolkit (calendar, series, invitations, chart directory) the demo uses."""

    toolkit: SessionToolkit


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


def default_parts(out_dir: Path, override_dir: Path | None = None) -> DemoParts:
    return DemoParts(toolkit=default_toolkit(override_dir, out_dir))


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
    settings = base.model_copy(update={"database_url": f"sqlite:///{db_file}", "data_dir": out_dir})
    parts = parts or default_parts(out_dir, settings.config_dir)
    data = load_demo_data(settings.config_dir)
    tz = settings.timezone
    zone = ZoneInfo(tz)
    first = start or date.fromisoformat(str(data.get("start", "2027-01-04")))
    clock = ManualClock(datetime.combine(first, time(8, 0), zone))
    recorder = RecordingMessenger()
    runtime = await bootstrap(
        settings,
        clock,
        messengers={platform.value: recorder for platform in Platform},
        worker_id="demo",
    )
    _fast_throwaway_database(runtime)
    scheduler = runtime.scheduler
    script = _Script(runtime.bot, parts, data, clock, first, weeks)
    lines: list[TranscriptLine] = []
    try:
        await script.setup()
        for offset in range(weeks * 7):
            day = first + timedelta(days=offset)
            working = parts.toolkit.calendar.is_working_day(day)
            for step, moment in enumerate(WORKDAY_STEPS if working else (WEEKEND_STEP,)):
                clock.set(datetime.combine(day, moment, zone))
                if working and step == len(WORKDAY_STEPS) - 1:
                    await script.events(offset // 7, day)
                before = len(recorder.sent)
                round_ = await scheduler.run_round()
                keys = round_.dispatch.sent_keys if round_.dispatch else []
                sent = recorder.sent[before:]
                if len(keys) != len(sent):
                    raise RuntimeError("the dispatcher and the messenger disagree on what was sent")
                for key, (address, reply) in zip(keys, sent, strict=True):
                    person = script.person_by_user(address.user_id)
                    kind = kind_of_key(key)
                    lines.append(
                        TranscriptLine(
                            at=clock.now(),
                            recipient=address.user_id,
                            role=_main_role(person),
                            platform=address.platform,
                            kind=kind,
                            text=reply.plain_text,
                        )
                    )
                    await script.react(person, kind, reply, key)
    finally:
        await runtime.close()
    transcript = out_dir / "transcript.jsonl"
    with transcript.open("w", encoding="utf-8") as handle:
        for line in lines:
            handle.write(line.to_json(tz) + "\n")
    kinds = Counter(line.kind for line in lines)
    charts = len(list(parts.toolkit.chart_dir.glob("*.png")))
    log.info("demo_done", messages=len(lines), charts=charts)
    return DemoResult(transcript=transcript, messages=len(lines), kinds=kinds, charts=charts)


def _fast_throwaway_database(runtime: Runtime) -> None:
    """The demo database is rebuilt on every run: skip waiting for the disk on each commit."""
    from sqlalchemy import event

    def no_sync(dbapi_connection: Any, _record: Any) -> None:
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA synchronous=OFF")
        cursor.close()

    event.listen(runtime.services.db.engine.sync_engine, "connect", no_sync)


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

    def person_by_user(self, user_id: str) -> Person:
        return self.people[user_id]

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
            first_running = int(self.data.get("running_study", 0))
            running = {(first_running + n) % len(catalogue) for n in range(len(STUDIES_ENDING))}
            for index, row in enumerate(catalogue):
                await uow.studies.upsert(
                    ref=row["ref"],
                    title=row["title"],
                    summary=row.get("summary", "") or "",
                    source=row.get("source", "") or "",
                    url=row.get("url", "") or "",
                    now=now,
                    status="running" if index in running else "finished",
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
        if weekday == 4 and week in STUDIES_ENDING:
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
        """The research desk picks up the oldest new signal with its buttons and reason form;
        the reporter hears about it through the outbox, as in production."""
        async with self.bot.services.uow() as uow:
            waiting = await uow.signals.find(SignalFilter(status="nieuw"), limit=500)
        if not waiting:
            return
        desk = _identity("ruud")
        ref = waiting[-1].ref
        status = "in_behandeling"
        opened = await self.bot.handle(
            desk, Action(action_id="triage.set", value=f"{ref}|{status}")
        )
        form = next((r.form for r in opened if r.form is not None), None)
        if form is None:
            return
        await self.bot.handle(
            desk,
            Submit(
                form_id=form.form_id,
                context=form.context,
                values={"reason": str(self.data.get("triage_reason", ""))},
            ),
        )

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

    async def react(self, person: Person, kind: str, reply: Reply, key: str = "") -> None:
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
        elif kind == "escalation" and buttons:
            # The programme leader sends the late owner a reminder of their own.
            remind = next((b for b in buttons if b.action_id == ACTION_REMIND), None)
            if remind is not None:
                await self.bot.handle(who, Action(action_id=remind.action_id, value=remind.value))
        elif kind == "stage_reminder" and buttons:
            if identity.user_id == LATE_OWNER and key.startswith("stage-reminder:"):
                return  # busy: only the programme leader's own reminder gets her to act
            await self._finish_stage(who, buttons)
        elif kind == "vote" and buttons:
            picks = {buttons[0].value, buttons[(person.id + 1) % len(buttons)].value}
            for value in sorted(picks):
                await self.bot.handle(who, Action(action_id="session.vote", value=value))

    async def _finish_stage(self, who: Identity, buttons: list[Any]) -> None:
        """An owner finishes their stage when reminded: "klaar", then a short output."""
        done = next((b for b in buttons if b.action_id == ACTION_DONE), None)
        if done is None:
            return
        opened = await self.bot.handle(who, Action(action_id=done.action_id, value=done.value))
        form = next((r.form for r in opened if r.form is not None), None)
        if form is None:
            return
        output = str(self.data.get("stage_output", "")) or "Besproken in het team."
        await self.bot.handle(
            who, Submit(form_id=form.form_id, context=form.context, values={"output": output})
        )
