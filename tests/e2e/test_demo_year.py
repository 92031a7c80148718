"""`signaalbot demo`: a whole simulated year of the real product, read as a programme leader would.

The demo is bootstrapped like ``serve`` and sends through the real scheduler round and
dispatcher; only the messengers record. So what this checks is the product's own behaviour:
prompts only in working time, the weekly summary on Monday from 08:30, and the loops closed
(a report gets its triage notice, a stage prompt leads to a finished stage and the next
owner's prompt, a late owner to an escalation, and the summary reports the cycles).
"""

from __future__ import annotations

import json
import sqlite3
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

from typer.testing import CliRunner

from bot.cli import app
from cycle.calendar_config import load_calendar_config

KINDS = {
    "signal_status",
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
AMS = ZoneInfo("Europe/Amsterdam")


def test_a_whole_year_of_the_real_product(tmp_path: Path) -> None:
    result = CliRunner().invoke(app, ["demo", "--out", str(tmp_path)])
    assert result.exit_code == 0, result.output
    lines = [json.loads(line) for line in (tmp_path / "transcript.jsonl").read_text().splitlines()]
    kinds = {line["kind"] for line in lines}
    assert kinds >= KINDS, f"missing: {KINDS - kinds}"

    calendar = load_calendar_config().calendar
    summaries = [line for line in lines if line["kind"] == "weekly_summary"]
    assert len(summaries) == 52
    for line in lines:
        moment = datetime.fromisoformat(line["at"])
        assert moment.tzinfo is not None and line["text"].strip()
        if line["kind"] == "weekly_summary":
            local = moment.astimezone(AMS)
            assert calendar.is_working_day(local.date()), line["at"]
            assert (local.hour, local.minute) >= (8, 30), line["at"]
        else:
            assert calendar.is_working_moment(moment, "Europe/Amsterdam"), line
    # Most Mondays are working days: the summary is sent at its own time, 08:30.
    on_time = [
        s
        for s in summaries
        if datetime.fromisoformat(s["at"]).astimezone(AMS).time().strftime("%H:%M") == "08:30"
    ]
    assert len(on_time) >= 45

    # The summaries report learning cycles from the real cycle repository.
    assert sum("Fase" in s["text"] and "leercycl" in s["text"] for s in summaries) >= 10
    # A late owner shows up in the summary and the programme leader was told.
    assert any("Te laat:" in s["text"] for s in summaries)
    assert any(
        line["kind"] == "escalation" and line["role"] == "programme_leader" for line in lines
    )

    # Two learning cycles ran through all four stages, each stage done by its owner.
    with sqlite3.connect(tmp_path / "demo.db") as db:
        done = db.execute(
            "SELECT cycle_id, COUNT(*) FROM cycle_stage WHERE status = 'done' GROUP BY cycle_id"
        ).fetchall()
        owners_prompted = db.execute(
            "SELECT COUNT(DISTINCT person_id) FROM outbox WHERE key LIKE 'stage-start:%'"
        ).fetchone()[0]
    assert len([c for c, n in done if n == 4]) >= 2, done
    assert owners_prompted >= 4, "after a done stage, the next owner gets their prompt"
