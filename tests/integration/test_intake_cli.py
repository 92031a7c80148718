"""The intake CLI on a real database: export, AVG export and erasure, privacy scan."""

from __future__ import annotations

import asyncio
import csv
import io
import json
from pathlib import Path

from openpyxl import load_workbook
from typer.testing import CliRunner

from bot.cli import app
from kernel.core import Submit
from tests.helpers import person, say
from tests.unit.handlers.util import report_signal
from turn.pipeline import Signaalbot

runner = CliRunner()


async def _story(bot: Signaalbot) -> None:
    anna = person("anna")
    await report_signal(bot, anna, "Steeds meer ouderen wachten lang op een traplift via de Wmo.")
    await say(bot, person("bo"), "herken S-2026-0001")
    await bot.handle(
        person("bo"),
        Submit(
            form_id="signal.support", values={"context": "Ook in Gestel."}, context="S-2026-0001"
        ),
    )


def _invoke(*args: str, stdin: str | None = None) -> tuple[int, str]:
    result = runner.invoke(app, list(args), input=stdin)
    return result.exit_code, result.output


async def _cli(*args: str) -> tuple[int, str]:
    """Run the CLI in a thread: it starts its own event loop, as it does from a shell."""
    return await asyncio.to_thread(_invoke, *args)


async def test_export_signals_csv_and_xlsx(bot: Signaalbot, db_url: str, tmp_path: Path) -> None:
    await _story(bot)
    code, output = await _cli("export", "signals", "--format", "csv", "--db", db_url)
    assert code == 0, output
    rows = list(csv.DictReader(io.StringIO(output), delimiter=";"))
    assert rows[0]["referentie"] == "S-2026-0001"
    assert rows[0]["herkend_door"] == "1"
    assert rows[0]["status"] == "nieuw"
    out = tmp_path / "vragen.xlsx"
    code, output = await _cli(
        "export", "questions", "--format", "xlsx", "--out", str(out), "--db", db_url
    )
    assert code == 0, output
    sheet = load_workbook(out).active
    assert [c.value for c in sheet[1]][:3] == ["referentie", "gesteld_op", "vraag"]
    code, _ = await _cli("export", "people", "--db", db_url)
    assert code == 2


async def test_privacy_export_and_erase(bot: Signaalbot, db_url: str) -> None:
    await _story(bot)
    code, output = await _cli("privacy", "export", "console:anna", "--db", db_url)
    assert code == 0, output
    data = json.loads(output)
    assert data["person"]["identities"][0]["user_id"] == "anna"
    assert data["signals"][0]["ref"] == "S-2026-0001"
    assert any(a["action"] == "signal.create" for a in data["audit"])

    code, output = await _cli("privacy", "erase", "console:anna", "--db", db_url)
    assert code == 0, output
    async with bot.services.uow() as uow:
        assert await uow.people.find_by_identity("console", "anna") is None
        signal = await uow.signals.get_by_ref("S-2026-0001")
        assert signal is not None and "traplift" in signal.text  # anonymous text kept
        reporter = await uow.people.get(signal.reporter_id or 0)
        assert reporter is not None and reporter.erased and reporter.display_name == ""
        assert any(
            e.action == "person.erase" for e in await uow.audit.for_entity("person", reporter.id)
        )
    code, output = await _cli("privacy", "export", "console:nobody", "--db", db_url)
    assert code == 1


def test_privacy_scan_json() -> None:
    code, output = _invoke("privacy", "scan", "BSN 111222333 en a@b.nl", "--json")
    assert code == 0
    assert json.loads(output) == [
        {"kind": "bsn", "start": 4, "end": 13},
        {"kind": "email", "start": 17, "end": 23},
    ]
    code, output = _invoke("privacy", "scan", "--stdin", "--json", stdin="niets\nmail a@b.nl\n")
    assert code == 0
    assert [json.loads(line) for line in output.splitlines()] == [
        [],
        [{"kind": "email", "start": 5, "end": 11}],
    ]
    code, _ = _invoke("privacy", "scan")
    assert code == 2
