"""Hostile CSV imports and command lines: each row or argument gets a clear answer (by line for
CSV), the right exit code, and only what is right is stored."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest
from typer.testing import CliRunner

from bot.cli import app
from kernel.text import is_clean
from storage.db import upgrade

TEXT = "Ouders wachten maanden op jeugdhulp bij angstklachten van hun kind"


@pytest.fixture
def db(tmp_path: Path) -> tuple[str, Path]:
    path = tmp_path / "bot.db"
    url = f"sqlite:///{path}"
    upgrade(url)
    return url, path


def run(*args: str, stdin: str | bytes | None = None) -> tuple[int, str]:
    result = CliRunner().invoke(app, list(args), input=stdin)
    return result.exit_code, result.output


def stored(path: Path) -> list[tuple[str, str]]:
    with sqlite3.connect(path) as conn:
        return conn.execute("SELECT ref, text FROM signal ORDER BY ref").fetchall()


# (file bytes, exit code, what the report says, refs stored)
CSV_CASES: list[tuple[bytes, int, str, list[str]]] = [
    (
        f"ref,text\nR1,{TEXT}\x00 en meer\n".encode(),
        3,
        "line 2: a value contains a NUL character",
        [],
    ),
    (
        f"ref,text\nR1,{'x' * 200_000}\n".encode(),
        3,
        "line 2: a value is longer than 131072 characters",
        [],
    ),
    (
        f'ref,text\nR1,"{TEXT}\nR2,{TEXT}\n'.encode(),
        3,
        'line 2: a double quote (") opens a value',
        ["R2"],
    ),
    (f"ref,text\nR1,{TEXT}\x01\x02\x1b\n".encode(), 0, "1 signals imported", ["R1"]),
    (f"ref,text\nR\x001,{TEXT}\nR2,{TEXT}\n".encode(), 3, "line 2: a value contains a NUL", ["R2"]),
    (f"ref;text\nR1;{TEXT}\n".encode("utf-8-sig"), 0, "1 signals imported", ["R1"]),
    (f"ref,text\nR1,{TEXT} café\n".encode("cp1252"), 0, "1 signals imported", ["R1"]),
    (b"ref,text\n", 0, "0 signals imported", []),
    (b"", 1, "is empty or has no header row", []),
    (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", 1, "missing column(s) ref, text", []),
    (f"ref,tekst\nR1,{TEXT}\n".encode(), 1, "missing column(s) text", []),
    (f"ref,text,created_at\nR1,{TEXT},99999-01-01\n".encode(), 3, "line 2: unknown date", []),
    (f"ref,text\nR1,Mijn BSN is 111222333. {TEXT}\n".encode(), 3, "line 2", []),
    (b"ref,text\nR1,kort\n", 3, "line 2", []),
    (
        f"ref,text\nR1,{TEXT},extra,waarden\n".encode(),
        3,
        "line 2: 4 values, but the header has 2",
        [],
    ),
    (f"ref,text\n,{TEXT}\n".encode(), 3, "line 2", []),
]


@pytest.mark.parametrize(("content", "code", "says", "refs"), CSV_CASES, ids=range(len(CSV_CASES)))
def test_csv_imports(
    db: tuple[str, Path], tmp_path: Path, content: bytes, code: int, says: str, refs: list[str]
) -> None:
    url, path = db
    file = tmp_path / "signalen.csv"
    file.write_bytes(content)
    exit_code, output = run("import", "signals", str(file), "--db", url)
    assert exit_code == code, output
    assert says in output
    rows = stored(path)
    assert [ref for ref, _ in rows] == refs
    assert all(is_clean(text) for _, text in rows)


def test_export_survives_every_stored_character(db: tuple[str, Path], tmp_path: Path) -> None:
    """Rows stored before the edge cleaned input (or by hand) still export, csv and xlsx."""
    url, path = db
    file = tmp_path / "ok.csv"
    file.write_bytes(f"ref,text\nR1,{TEXT}\nR2,=1+1 {TEXT}\n".encode())
    assert run("import", "signals", str(file), "--db", url)[0] == 0
    with sqlite3.connect(path) as conn:
        conn.execute("UPDATE signal SET text = ? WHERE ref = 'R1'", (f"{TEXT}\x01\x0b\x1f\x7f",))
    code, output = run("export", "signals", "--db", url)
    assert code == 0 and "R1" in output and "\x01" not in output
    assert "'=1+1" in output  # formulas neutralised
    out = tmp_path / "signalen.xlsx"
    code, output = run("export", "signals", "--format", "xlsx", "--out", str(out), "--db", url)
    assert code == 0, output
    from openpyxl import load_workbook

    cells = [c.value for row in load_workbook(out).active.iter_rows() for c in row]
    assert any(isinstance(c, str) and c.startswith(TEXT) for c in cells)


# (arguments, stdin, exit code, what the answer says)
CLI_CASES: list[tuple[list[str], str | bytes | None, int, str]] = [
    (["export", "signals", "--format", "pdf"], None, 2, "Choose --format csv or xlsx"),
    (["export", "signals", "--format", "xlsx"], None, 2, "xlsx needs --out FILE"),
    (["privacy", "export", "slack:T1:U\x01"], None, 1, "No person"),
    (["privacy", "export", "99999999999999999999"], None, 1, "No person"),
    (["similar", "--stdin"], b"wachtlijst\x00 jeugd\n\xed\xa0\x80\n", 0, "# wachtlijst jeugd"),
    (["import", "signals", "/nonexistent/signalen.csv"], None, 1, "cannot read"),
    (["manifest", "teams", "--app-id", "\x00", "--website", "https://a.example"], None, 2, "GUID"),
    (
        [
            "manifest",
            "teams",
            "--app-id",
            "11111111-2222-3333-4444-555555555555",
            "--website",
            "http://a.example",
        ],
        None,
        2,
        "https",
    ),
]


@pytest.mark.parametrize(("args", "stdin", "code", "says"), CLI_CASES, ids=range(len(CLI_CASES)))
def test_command_lines(
    db: tuple[str, Path], args: list[str], stdin: str | bytes | None, code: int, says: str
) -> None:
    url, _ = db
    with_db = [*args, "--db", url] if args[0] not in ("manifest",) else args
    exit_code, output = run(*with_db, stdin=stdin)
    assert exit_code == code, output
    assert says in output
    assert "Traceback" not in output


def test_a_bad_database_url_is_one_line_exit_2() -> None:
    code, output = run("db", "current", "--db", "mysql://x")
    assert code == 2
    assert output.strip().startswith("Invalid setting SIGNAALBOT_DATABASE_URL")
