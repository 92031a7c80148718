"""`signaalbot similar` with awkward input: the JSON contract holds, nothing crashes."""

from __future__ import annotations

import json
from pathlib import Path

from typer.testing import CliRunner

from bot.cli import app
from storage.db import upgrade

runner = CliRunner()


def test_empty_long_emoji_and_english_queries(sqlite_url: str, tmp_path: Path) -> None:
    upgrade(sqlite_url)
    csv_file = tmp_path / "signals.csv"
    csv_file.write_text(
        "ref,text\n"
        "A1,Ouderen in Stratum zitten de hele dag alleen thuis sinds de bibliotheek dicht is\n"
        "A2,Steeds meer jongeren met schulden melden zich bij het wijkteam in Woensel\n",
        encoding="utf-8",
    )
    imported = runner.invoke(app, ["import", "signals", str(csv_file), "--db", sqlite_url])
    assert imported.exit_code == 0, imported.output
    queries = ["", "🙂🙂🙂", "woord " * 2000, "Elderly people in Stratum are lonely at home"]
    result = runner.invoke(
        app,
        ["similar", "--stdin", "--json", "--db", sqlite_url],
        input="\n".join(queries) + "\n",
    )
    assert result.exit_code == 0, result.output
    lines = [json.loads(line) for line in result.output.splitlines() if line.startswith("[")]
    assert len(lines) == 4
    assert lines[0] == [] and lines[1] == []
    assert isinstance(lines[2], list)
    english = lines[3]
    assert english and english[0]["ref"] == "A1"
    assert set(english[0]) == {"kind", "ref", "title", "score", "duplicate"}
