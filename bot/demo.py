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

import json
from collections import Counter
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from bot.bootstrap import Runtime, bootstrap
from bot.demo_data import DemoParts, default_parts, load_demo_data
from bot.demo_script import Script
from cycle.sessions import kind_of_key
from kernel.clock import ManualClock
from kernel.core import Platform, Reply
from kernel.logging import get_logger
from kernel.messenger import Address, Sent
from kernel.settings import Settings
from storage.domain import Person

log = get_logger("signaalbot.demo")

ROLE_ORDER = ("programme_leader", "research_desk", "policy_officer", "provider", "professional")
WORKDAY_STEPS = (time(8, 30), time(9, 0), time(13, 30))  # summary, office opens, events
WEEKEND_STEP = time(12, 0)


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
    script = Script(runtime.bot, parts, data, clock, first, weeks)
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
