"""`signaalbot db …`, start-up schema checks and the chat command, on real databases."""

from __future__ import annotations

import pytest
from typer.testing import CliRunner

from bot.cli import app
from storage.db import SchemaOutdatedError, current_revision, head_revision, upgrade
from tests.conftest import make_settings
from tests.helpers import bootstrap_bot

runner = CliRunner()


def test_db_upgrade_and_current(db_url: str) -> None:
    before = runner.invoke(app, ["db", "current", "--db", db_url])
    assert before.exit_code == 1 and "empty" in before.output
    result = runner.invoke(app, ["db", "upgrade", "--db", db_url])
    assert result.exit_code == 0, result.output
    assert current_revision(db_url) == head_revision(db_url)
    assert runner.invoke(app, ["db", "current", "--db", db_url]).exit_code == 0


async def test_postgres_refuses_an_outdated_schema(postgres_url: str) -> None:
    # An older schema is simulated by stamping a revision that is not the newest.
    upgrade(postgres_url)
    import psycopg

    with psycopg.connect(postgres_url.replace("postgresql+psycopg", "postgresql")) as conn:
        conn.execute("UPDATE alembic_version SET version_num = 'old0'")
    with pytest.raises(SchemaOutdatedError, match="signaalbot db upgrade"):
        await bootstrap_bot(make_settings(postgres_url))
    with psycopg.connect(postgres_url.replace("postgresql+psycopg", "postgresql")) as conn:
        conn.execute("UPDATE alembic_version SET version_num = %s", (head_revision(postgres_url),))
    bot = await bootstrap_bot(make_settings(postgres_url))  # now fine
    await bot.services.db.dispose()


async def test_empty_postgres_is_set_up_on_start(postgres_url: str) -> None:
    bot = await bootstrap_bot(make_settings(postgres_url))
    await bot.services.db.dispose()
    assert current_revision(postgres_url) == head_revision(postgres_url)


async def test_sqlite_is_migrated_on_start(sqlite_url: str) -> None:
    bot = await bootstrap_bot(make_settings(sqlite_url))
    await bot.services.db.dispose()
    assert current_revision(sqlite_url) == head_revision(sqlite_url)


def test_unreachable_database_exits_non_zero_with_one_line() -> None:
    result = runner.invoke(app, ["db", "upgrade", "--db", "postgresql://nobody@127.0.0.1:1/none"])
    assert result.exit_code == 1
    assert "not reachable" in result.output


def test_bad_setting_exits_2(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SIGNAALBOT_PORT", "abc")
    result = runner.invoke(app, ["db", "current"])
    assert result.exit_code == 2
    assert "SIGNAALBOT_PORT" in result.output


def test_chat_reads_piped_input(sqlite_url: str) -> None:
    text = "Ouders van jonge kinderen vinden de weg naar opvoedondersteuning in de wijk niet."
    result = runner.invoke(
        app,
        ["chat", "--as", "joke", "--role", "research_desk", "--db", sqlite_url],
        input=f"signaal\n{text}\n1\n1\n\n1\n1\n\n\nmijn signalen\nstop\n",
    )
    assert result.exit_code == 0, result.output
    assert "S-2026-0001" in result.output
    assert result.output.rstrip().endswith("Tot ziens!")
