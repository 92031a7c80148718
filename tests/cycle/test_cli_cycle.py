"""The operator CLI against a real SQLite file."""

from __future__ import annotations

import json

from typer.testing import CliRunner

from bot.cli import app

runner = CliRunner()


def run(*args: str) -> tuple[int, str]:
    result = runner.invoke(app, list(args))
    return result.exit_code, result.output


def test_cycle_start_tick_and_outbox(sqlite_url: str) -> None:
    code, out = run("cycle", "start", "--title", "Proef", "--db", sqlite_url)
    assert code == 0 and "#1" in out
    code, out = run("cycle", "start", "--owner", "1=niemand", "--db", sqlite_url)
    assert code == 2 and "person_unknown" in out
    code, out = run("cycle", "list", "--json", "--db", sqlite_url)
    [cycle] = json.loads(out)
    assert cycle["status"] == "active" and cycle["stages"][0]["status"] == "active"
    due = cycle["stages"][0]["due_on"]
    # Overdue long enough for an escalation, but nobody is programme leader and no owner:
    code, out = run(
        "tick", "--now", f"{due}T12:00+01:00", "--dry-run", "--json", "--db", sqlite_url
    )
    data = json.loads(out)
    assert code == 0 and data["dry_run"] and data["due"] == []
    code, out = run("cycle", "show", "1", "--db", sqlite_url)
    assert code == 0 and json.loads(out)["title"] == "Proef"
    code, out = run("cycle", "show", "99", "--db", sqlite_url)
    assert code == 1
    code, out = run("outbox", "list", "--db", sqlite_url)
    assert code == 0 and "outbox is empty" in out
    code, out = run("tick", "--now", "gisteren", "--db", sqlite_url)
    assert code == 2


def test_tick_dry_run_then_real(sqlite_url: str) -> None:
    import asyncio

    from tests.conftest import make_settings
    from tests.helpers import bootstrap_bot

    async def setup() -> None:
        bot = await bootstrap_bot(make_settings(sqlite_url))
        async with bot.services.uow() as uow:
            await uow.people.create(
                platform="console", user_id="ans", now=bot.services.clock.now(), display_name="ans"
            )
            await uow.commit()
        await bot.services.db.dispose()

    asyncio.run(setup())
    assert (
        run(
            "cycle",
            "start",
            "--title",
            "X",
            "--owner",
            "1=ans",
            "--owner",
            "2=ans",
            "--db",
            sqlite_url,
        )[0]
        == 0
    )
    code, out = run("tick", "--now", "2030-01-07T10:00", "--dry-run", "--json", "--db", sqlite_url)
    assert [d["key"].split(":")[0] for d in json.loads(out)["due"]] == ["stage-reminder"]
    code, out = run("outbox", "list", "--json", "--db", sqlite_url)
    assert json.loads(out)["messages"] == []
    code, out = run("tick", "--now", "2030-01-07T10:00", "--db", sqlite_url)
    assert code == 0 and "inserted 1" in out
    code, out = run("outbox", "list", "--status", "pending", "--json", "--db", sqlite_url)
    assert len(json.loads(out)["messages"]) == 1
    code, out = run("outbox", "retry", "--db", sqlite_url)
    assert code == 0 and out.startswith("0 message")
