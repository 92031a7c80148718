"""`signaalbot demo`: a whole simulated year, checked the way a programme leader would read it."""

from __future__ import annotations

import json
from datetime import datetime
from pathlib import Path

from typer.testing import CliRunner

from bot.cli import app
from cycle.calendar_config import load_calendar_config

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


def test_a_whole_year_every_kind_only_in_working_time(tmp_path: Path) -> None:
    result = CliRunner().invoke(app, ["demo", "--out", str(tmp_path)])
    assert result.exit_code == 0, result.output
    lines = [json.loads(line) for line in (tmp_path / "transcript.jsonl").read_text().splitlines()]
    kinds = {line["kind"] for line in lines}
    assert kinds >= KINDS, f"missing: {KINDS - kinds}"
    assert sum(1 for line in lines if line["kind"] == "weekly_summary") == 52
    calendar = load_calendar_config().calendar
    for line in lines:
        moment = datetime.fromisoformat(line["at"])
        assert moment.tzinfo is not None
        assert calendar.is_working_moment(moment, "Europe/Amsterdam"), line
        assert line["text"].strip()
