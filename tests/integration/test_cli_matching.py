"""The CLI contract for import and similar, on SQLite and PostgreSQL."""

from __future__ import annotations

import json
from pathlib import Path

from typer.testing import CliRunner

from bot.cli import app

runner = CliRunner()

SIGNALS = [
    (
        "A1",
        "Cliënten in de bijstand met laaggeletterdheid vinden de weg naar hulp niet",
        "Werk en inkomen",
    ),
    ("A2", "Steeds meer jongeren met schulden melden zich bij het wijkteam", "armoede-schulden"),
    ("A3", "Mantelzorgers van ouderen met dementie raken overbelast", "wmo"),
]


def write(path: Path, text: str, encoding: str) -> Path:
    path.write_bytes(text.encode(encoding))
    return path


def test_import_dutch_excel_csv_and_find_a_paraphrase(db_url: str, tmp_path: Path) -> None:
    lines = ["ref;text;theme;created_at"] + [f"{r};{t};{th};12-03-2026" for r, t, th in SIGNALS]
    csv_file = write(tmp_path / "signalen.csv", "\r\n".join(lines) + "\r\n", "cp1252")
    result = runner.invoke(app, ["import", "signals", str(csv_file), "--db", db_url])
    assert result.exit_code == 0, result.output
    assert "3 signals imported (3 new, 0 updated)" in result.output

    again = runner.invoke(app, ["import", "signals", str(csv_file), "--db", db_url])
    assert "3 signals imported (0 new, 3 updated)" in again.output

    found = runner.invoke(
        app,
        [
            "similar",
            "mensen in de Participatiewet die slecht lezen",
            "--json",
            "--limit",
            "2",
            "--db",
            db_url,
        ],
    )
    assert found.exit_code == 0, found.output
    results = json.loads(found.output.strip().splitlines()[-1])
    assert results[0]["ref"] == "A1"
    assert set(results[0]) == {"kind", "ref", "title", "score", "duplicate"}
    assert results[0]["kind"] == "signal"
    assert 0 <= results[0]["score"] <= 100
    assert len(results) <= 2
    assert [r["score"] for r in results] == sorted((r["score"] for r in results), reverse=True)


def test_bad_rows_are_reported_by_line_and_the_rest_imported(
    sqlite_url: str, tmp_path: Path
) -> None:
    text = (
        "\ufeffref,text,created_at\n"
        "B1,Wachtlijsten voor jeugdhulp worden langer in de wijk,2026-01-05\n"
        ",zonder ref,\n"
        "B3,Meneer Jansen woont op Kerkstraat 12 en heeft schulden,\n"
        "B4,Eenzaamheid onder ouderen neemt toe na de sluiting van het buurthuis,gisteren\n"
        'B5,"Ouders met een taalachterstand, vooral nieuwkomers, missen de ouderavonden",\n'
    )
    csv_file = write(tmp_path / "s.csv", text, "utf-8")
    result = runner.invoke(app, ["import", "signals", str(csv_file), "--db", sqlite_url])
    assert result.exit_code == 3, result.output  # rows were skipped: scripts must notice
    assert "line 3: ref is empty" in result.output
    assert "line 4: text contains personal data" in result.output
    assert "line 5: unknown date" in result.output
    assert "2 signals imported" in result.output


def test_import_studies_and_search_them(db_url: str, tmp_path: Path) -> None:
    text = (
        "ref,title,summary,year,source,url\n"
        "R1,Evaluatie wijkteams,Hoe werken de sociale wijkteams voor inwoners,2019,Gemeente,\n"
        "R2,Monitor armoede en schulden,Cijfers over schuldhulpverlening,2020,,\n"
        "R3,Onderzoek naar jaren,,twintig,,\n"
    )
    csv_file = write(tmp_path / "studies.csv", text, "utf-8")
    result = runner.invoke(app, ["import", "studies", str(csv_file), "--db", db_url])
    assert result.exit_code == 3, result.output
    assert "line 4: year 'twintig' is not a year" in result.output
    found = runner.invoke(
        app,
        ["similar", "--stdin", "--kind", "studies", "--json", "--db", db_url],
        input="schuldhulp voor gezinnen\nhoe tevreden zijn inwoners over het wijkteam\n",
    )
    assert found.exit_code == 0, found.output
    first, second = (json.loads(line) for line in found.output.strip().splitlines()[-2:])
    assert first[0]["ref"] == "R2" and first[0]["kind"] == "study"
    assert second[0]["ref"] == "R1"


def test_missing_file_and_missing_column_exit_1(sqlite_url: str, tmp_path: Path) -> None:
    missing = runner.invoke(
        app, ["import", "signals", str(tmp_path / "nope.csv"), "--db", sqlite_url]
    )
    assert missing.exit_code == 1 and "cannot read" in missing.output
    wrong = write(tmp_path / "w.csv", "id;tekst\n1;iets\n", "utf-8")
    result = runner.invoke(app, ["import", "signals", str(wrong), "--db", sqlite_url])
    assert result.exit_code == 1 and "missing column(s) ref, text" in result.output


def test_similar_needs_text_or_stdin(sqlite_url: str) -> None:
    result = runner.invoke(app, ["similar", "--db", sqlite_url])
    assert result.exit_code == 2


def test_vectors_makes_the_backlog_of_an_import_without_the_semantic_layer(
    db_url: str, tmp_path: Path
) -> None:
    lines = ["ref,text"] + [f"{r},{t}" for r, t, _ in SIGNALS]
    csv_file = write(tmp_path / "signalen.csv", "\n".join(lines) + "\n", "utf-8")
    lexical = {"SIGNAALBOT_MATCHING_SEMANTIC": "false"}
    imported = runner.invoke(app, ["import", "signals", str(csv_file), "--db", db_url], env=lexical)
    assert imported.exit_code == 0, imported.output
    refused = runner.invoke(app, ["vectors", "--db", db_url], env=lexical)
    assert refused.exit_code == 2 and "SIGNAALBOT_MATCHING_SEMANTIC" in refused.output

    made = runner.invoke(app, ["vectors", "--db", db_url])
    assert made.exit_code == 0, made.output
    assert "3 vectors made" in made.output
    again = runner.invoke(app, ["vectors", "--db", db_url])
    assert "0 vectors made" in again.output
