"""Bad input on session prompts, the privacy guard on agenda items, and the sessions CLI."""

from __future__ import annotations

import asyncio
from datetime import timedelta
from pathlib import Path

import pytest
from openpyxl import load_workbook
from typer.testing import CliRunner

from bot.cli import app as cli_app
from kernel.clock import ManualClock
from kernel.core import Action, Submit
from tests.conftest import START, make_settings
from tests.helpers import act, bootstrap_bot, person, texts
from turn.pipeline import Signaalbot


async def _h_session(bot: Signaalbot, days: int = 30) -> int:
    now = bot.services.clock.now()
    async with bot.services.uow() as uow:
        await uow.people.create(
            platform="console", user_id="pia", now=now, roles=frozenset({"provider"})
        )
        session, _ = await uow.meetings.plan(
            key="H:t",
            kind="H",
            title="H",
            starts_at=now + timedelta(days=days),
            duration_minutes=120,
            now=now,
        )
        await uow.commit()
    return session.id


async def test_bad_values_get_a_kind_answer(sqlite_bot: Signaalbot, clock: ManualClock) -> None:
    sid = await _h_session(sqlite_bot)
    pia = person("pia")
    for value in ("", "abc:ja", f"{sid}:jein", "999:ja", "💥" * 50, "<!channel>:ja"):
        replies = await act(sqlite_bot, pia, Action(action_id="session.rsvp", value=value))
        assert "niet vinden" in texts(replies), value
    for action in ("session.vote", "session.confirm", "session.agenda"):
        replies = await act(sqlite_bot, pia, Action(action_id=action, value="12345:1"))
        assert "niet vinden" in texts(replies), action
    clock.advance(timedelta(days=31))
    past = await act(sqlite_bot, pia, Action(action_id="session.rsvp", value=f"{sid}:ja"))
    assert "al geweest" in texts(past)


async def test_unknown_session_on_agenda_and_confirm_is_said_once(sqlite_bot: Signaalbot) -> None:
    await _h_session(sqlite_bot)
    pia = person("pia")
    for action in ("session.agenda", "session.confirm"):
        for value in ("", "abc", "💥", "12345"):
            replies = await act(sqlite_bot, pia, Action(action_id=action, value=value))
            assert texts(replies).count("niet vinden") == 1, (action, value)


async def test_agenda_item_limits_and_privacy(
    sqlite_bot: Signaalbot, monkeypatch: pytest.MonkeyPatch
) -> None:
    sid = await _h_session(sqlite_bot)
    pia = person("pia", locale="en")

    def submit(text: str) -> Submit:
        return Submit(form_id="session.agenda_item", context=str(sid), values={"text": text})

    too_long = await act(sqlite_bot, pia, submit("x" * 10_000))
    assert "text" in too_long[0].errors and "10000" in too_long[0].errors["text"]
    unknown = await act(
        sqlite_bot, pia, Submit(form_id="session.agenda_item", context="nope", values={})
    )
    assert "cannot find" in texts(unknown)

    refused = await act(sqlite_bot, pia, submit("Gezin met BSN 123456782 wacht al lang"))
    assert "personal data" in refused[0].errors["text"]

    fine = await act(sqlite_bot, pia, submit("<!channel> 🎉 Wachttijden schuldhulp bespreken"))
    assert "draft agenda" in texts(fine)
    async with sqlite_bot.services.uow() as uow:
        items = await uow.meetings.items(sid)
    assert [i.text for i in items] == ["<!channel> 🎉 Wachttijden schuldhulp bespreken"]


def test_sessions_cli(sqlite_url: str, tmp_path: Path) -> None:
    async def prepare() -> int:
        bot = await bootstrap_bot(make_settings(sqlite_url), clock=ManualClock(START))
        try:
            sid = await _h_session(bot)
            now = bot.services.clock.now()
            async with bot.services.uow() as uow:
                await uow.studies.upsert(ref="ST-9", title="Monitor", now=now, status="running")
                item = await uow.meetings.add_item(sid, source="proposal", text="=SOM(A1)", now=now)
                pia = await uow.people.find_by_identity("console", "pia")
                assert pia is not None
                await uow.meetings.vote(sid, item.id, pia.id, now)
                await uow.commit()
            return sid
        finally:
            await bot.services.db.dispose()

    sid = asyncio.run(prepare())
    runner = CliRunner()

    def run(*args: str) -> tuple[int, str]:
        result = runner.invoke(cli_app, [*args, "--db", sqlite_url])
        return result.exit_code, result.output

    code, output = run(
        "sessions",
        "plan",
        "--study",
        "ST-9",
        "--at",
        "2027-02-03T14:00",
        "--owner",
        "1=console:pia",
    )
    assert code == 0, output
    assert "D" in output
    code, output = run("sessions", "list")
    assert code == 0 and "Monitor" in output and "ja=0" in output
    assert run("sessions", "plan", "--study", "NOPE", "--at", "2027-02-03T14:00")[0] == 2
    assert run("sessions", "plan", "--study", "ST-9", "--at", "x")[0] == 2
    assert run("sessions", "plan", "--study", "ST-9")[0] == 2
    bad_owner = ("--owner", "7=console:pia")
    assert (
        run("sessions", "plan", "--study", "ST-9", "--at", "2027-02-03T14:00", *bad_owner)[0] == 2
    )

    md, xlsx = tmp_path / "agenda.md", tmp_path / "agenda.xlsx"
    assert run("sessions", "export", "--session", str(sid), "--out", str(md))[0] == 0
    assert "| 1 | Aangedragen | =SOM(A1) | 0 | 1 |" in md.read_text(encoding="utf-8")
    assert run("sessions", "export", "--session", str(sid), "--out", str(xlsx))[0] == 0
    sheet = load_workbook(xlsx).active
    assert sheet is not None and sheet["C3"].value == "'=SOM(A1)"
    assert run("sessions", "export", "--session", "999", "--out", str(md))[0] == 2
    assert run("sessions", "export", "--session", str(sid), "--out", "x.pdf")[0] == 2
