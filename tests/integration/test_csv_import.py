"""CSV imports that lose nothing: each bad row named by its line, the rest imported, exit 3."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from bot.cli import app

runner = CliRunner()


def write(path: Path, text: str, encoding: str = "utf-8") -> Path:
    path.write_bytes(text.encode(encoding))
    return path


def signals_in(db_url: str) -> dict[str, str]:
    import asyncio

    from bot.bootstrap import running
    from kernel.settings import load_settings

    async def main() -> dict[str, str]:
        async with (
            running(load_settings(database_url=db_url)) as runtime,
            runtime.services.uow() as uow,
        ):
            return {s.ref: s.text for s in await uow.intake.all_signals() if s.ref}

    return asyncio.run(main())


def test_an_unquoted_comma_refuses_the_row_instead_of_cutting_its_text(
    db_url: str, tmp_path: Path
) -> None:
    csv_file = write(
        tmp_path / "s.csv",
        "ref,text\n"
        "S1,Jongeren wachten lang, vooral in Woensel\n"
        'S2,"Jongeren wachten lang op een plek, vooral in Woensel"\n',
    )
    result = runner.invoke(app, ["import", "signals", str(csv_file), "--db", db_url])
    assert result.exit_code == 3, result.output
    assert "line 2: 3 values, but the header has 2 columns" in result.output
    assert "1 signals imported (1 new, 0 updated), 1 rows skipped" in result.output
    assert signals_in(db_url) == {"S2": "Jongeren wachten lang op een plek, vooral in Woensel"}


def test_an_unclosed_quote_costs_one_row_not_the_rest_of_the_file(
    sqlite_url: str, tmp_path: Path
) -> None:
    csv_file = write(
        tmp_path / "s.csv",
        "ref;text\n"
        "Q1;Wachtlijsten voor jeugdhulp worden langer in de wijk\n"
        'Q2;"Ouders met een taalachterstand missen de ouderavonden\n'
        "Q3;Mantelzorgers van ouderen met dementie raken overbelast\n"
        "Q4;Eenzaamheid onder ouderen neemt toe na de sluiting\n",
        "cp1252",
    )
    result = runner.invoke(app, ["import", "signals", str(csv_file), "--db", sqlite_url])
    assert result.exit_code == 3, result.output
    assert 'line 3: a double quote (") opens a value here and never closes' in result.output
    assert "3 signals imported (3 new, 0 updated), 1 rows skipped" in result.output
    assert sorted(signals_in(sqlite_url)) == ["Q1", "Q3", "Q4"]


def test_a_quote_that_closes_too_late_is_reported_and_the_next_rows_read(
    sqlite_url: str, tmp_path: Path
) -> None:
    csv_file = write(
        tmp_path / "s.csv",
        "ref,text\n"
        'R1,"Ouders met een taalachterstand missen de ouderavonden\n'
        'R2,"Schuldhulp, vooral voor jonge gezinnen, is slecht bereikbaar"\n',
    )
    result = runner.invoke(app, ["import", "signals", str(csv_file), "--db", sqlite_url])
    assert result.exit_code == 3, result.output
    assert 'line 2: the double quotes (") in this row do not match' in result.output
    assert signals_in(sqlite_url) == {
        "R2": "Schuldhulp, vooral voor jonge gezinnen, is slecht bereikbaar"
    }


def test_a_text_shorter_than_the_chat_allows_is_refused(sqlite_url: str, tmp_path: Path) -> None:
    csv_file = write(
        tmp_path / "s.csv",
        "ref,text\nK1,Te kort\nK2,Precies twintig tekens\n",
    )
    result = runner.invoke(app, ["import", "signals", str(csv_file), "--db", sqlite_url])
    assert result.exit_code == 3, result.output
    assert "line 2: text has 7 characters; a signal needs at least 20" in result.output
    assert list(signals_in(sqlite_url)) == ["K2"]


def test_dry_run_counts_what_a_real_run_would_do_and_writes_nothing(
    db_url: str, tmp_path: Path
) -> None:
    first = write(tmp_path / "a.csv", "ref,text\nD1,Wachtlijsten voor jeugdhulp worden langer\n")
    assert runner.invoke(app, ["import", "signals", str(first), "--db", db_url]).exit_code == 0
    csv_file = write(
        tmp_path / "b.csv",
        "ref,text\n"
        "D1,Wachtlijsten voor jeugdhulp worden nog langer\n"
        "D2,Mantelzorgers van ouderen met dementie raken overbelast\n"
        "D2,Mantelzorgers van ouderen met dementie raken nog meer overbelast\n"
        "D3,kort\n",
    )
    dry = runner.invoke(app, ["import", "signals", str(csv_file), "--dry-run", "--db", db_url])
    assert dry.exit_code == 3, dry.output
    assert "3 signals would be imported (1 new, 2 updated), 1 rows skipped" in dry.output
    assert "nothing was written" in dry.output
    assert signals_in(db_url) == {"D1": "Wachtlijsten voor jeugdhulp worden langer"}
    real = runner.invoke(app, ["import", "signals", str(csv_file), "--db", db_url])
    assert "3 signals imported (1 new, 2 updated), 1 rows skipped" in real.output
    assert signals_in(db_url)["D2"].endswith("nog meer overbelast")


def test_a_clean_file_exits_0_and_a_bad_study_row_exits_3(sqlite_url: str, tmp_path: Path) -> None:
    good = write(tmp_path / "g.csv", "ref,title\nR1,Evaluatie wijkteams\n")
    assert runner.invoke(app, ["import", "studies", str(good), "--db", sqlite_url]).exit_code == 0
    bad = write(tmp_path / "b.csv", "ref,title,year\nR2,Monitor armoede,twintig\n")
    result = runner.invoke(app, ["import", "studies", str(bad), "--db", sqlite_url])
    assert result.exit_code == 3
    assert "line 2: year 'twintig' is not a year" in result.output


@pytest.mark.parametrize("encoding", ["utf-8", "cp1252"])
def test_semicolons_with_commas_in_texts_are_detected(
    sqlite_url: str, tmp_path: Path, encoding: str
) -> None:
    csv_file = write(
        tmp_path / "s.csv",
        "ref;text;theme\r\nE1;Cliënten, vooral ouderen, vinden de weg naar hulp niet;wmo\r\n",
        encoding,
    )
    result = runner.invoke(app, ["import", "signals", str(csv_file), "--db", sqlite_url])
    assert result.exit_code == 0, result.output
    assert signals_in(sqlite_url) == {
        "E1": "Cliënten, vooral ouderen, vinden de weg naar hulp niet"
    }
