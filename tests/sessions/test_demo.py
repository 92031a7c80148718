"""The demo year: every kind of message, none at a weekend, a holiday or outside office hours.

The learning cycle's prompts come from a STAND-IN tick here (tests/sessions/standins.py); the
integrator passes the real ``cycle.tick``.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime, time, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import holidays
from typer.testing import CliRunner

from bot.app import Signaalbot
from bot.cli import app as cli_app
from bot.demo import DemoParts, run_demo
from kernel.core import Reply, Text
from tests.conftest import make_settings
from tests.sessions.standins import StandInCycles, stand_in_toolkit

WEEKS = 12
KINDS = {
    "signal_feedback",
    "stage_prompt",
    "stage_reminder",
    "escalation",
    "session_invite",
    "agenda_call",
    "agenda_confirm",
    "session_reminder",
    "vote",
    "weekly_summary",
}


@dataclass
class StandInCycleTick:
    """STAND-IN for the learning cycle's tick: prompt the stage-1 owner, remind, escalate."""

    cycles: StandInCycles
    toolkit: Any

    async def __call__(self, bot: Signaalbot, now: datetime) -> None:
        async with bot.services.uow() as uow:
            leaders = await uow.people.with_role("programme_leader")
            for study_id, owners, started in self.cycles.started:
                owner = owners[1]
                steps = [
                    ("stage-prompt", owner, started),
                    ("stage-reminder", owner, started + timedelta(days=7)),
                    *(("escalation", p.id, started + timedelta(days=14)) for p in leaders),
                ]
                for kind, person_id, moment in steps:
                    if now < moment:
                        continue
                    reply = Reply(blocks=(Text(text=f"[stand-in] {kind} study {study_id}"),))
                    await uow.outbox.enqueue(
                        key=f"{kind}:{study_id}:1:person:{person_id}",
                        person_id=person_id,
                        payload=reply.model_dump(mode="json"),
                        now=now,
                        not_before=self.toolkit.calendar.next_working_moment(
                            moment, "Europe/Amsterdam"
                        ),
                    )
            await uow.commit()


async def test_demo_first_twelve_weeks(tmp_path: Path) -> None:
    """Twelve weeks hold every kind (the first H session and its vote, the D session and the
    late owner's escalation); the full year runs in benchmarks/demo_year.py."""
    cycles = StandInCycles()
    toolkit = stand_in_toolkit(tmp_path, cycles)
    parts = DemoParts(toolkit=toolkit, extra_ticks=(StandInCycleTick(cycles, toolkit),))
    result = await run_demo(
        tmp_path, parts=parts, settings=make_settings("sqlite:///unused"), weeks=WEEKS
    )

    lines = [json.loads(x) for x in result.transcript.read_text(encoding="utf-8").splitlines()]
    assert {line["kind"] for line in lines} == KINDS
    assert sum(line["kind"] == "weekly_summary" for line in lines) == WEEKS
    nl_holidays = holidays.country_holidays("NL", years=range(2026, 2029))
    for line in lines:
        at = datetime.fromisoformat(line["at"]).astimezone(ZoneInfo("Europe/Amsterdam"))
        assert at.weekday() < 5, line
        assert at.date() not in nl_holidays, line
        assert time(8, 30) <= at.time() < time(17, 0), line
        assert set(line) == {"at", "recipient", "role", "platform", "kind", "text"}
    assert result.charts == WEEKS
    assert len(cycles.started) == 1  # the D session started the learning cycle
    votes = [line for line in lines if line["kind"] == "vote"]
    assert {line["role"] for line in votes} >= {"provider", "policy_officer"}
    assert any("Signaal" in line["text"] for line in lines if line["kind"] == "agenda_confirm")


def test_demo_cli_says_what_is_missing(tmp_path: Path, monkeypatch: Any) -> None:
    """Without the working-time calendar installed, the CLI names the missing part."""
    import cycle.session_ports as ports

    def missing(*_args: object, **_kwargs: object) -> Any:
        raise ports.MissingPartError("cycle.working_time.WorkingCalendar is not available")

    monkeypatch.setattr(ports, "default_toolkit", missing)
    import bot.demo

    monkeypatch.setattr(bot.demo, "default_toolkit", missing)
    result = CliRunner().invoke(cli_app, ["demo", "--out", str(tmp_path / "d"), "--weeks", "1"])
    assert result.exit_code == 1
    assert "working_time" in result.output
