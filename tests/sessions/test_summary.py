"""The weekly summary: content, the Monday queueing, the chart, and the CLI's HTML/PNG."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta
from pathlib import Path

from typer.testing import CliRunner

from bot.cli import app as cli_app
from cycle.session_ports import CycleLine, default_toolkit
from cycle.summary import collect_summary, load_summary_config, parse_week
from cycle.summary_schedule import due_week, summary_due
from kernel.clock import ManualClock
from kernel.core import Image, Reply
from kernel.i18n import Catalogue, placeholders
from storage.domain import WITHDRAWN_STATUS, NewSignal
from tests.conftest import START, make_settings
from tests.helpers import bootstrap_bot
from turn.pipeline import Signaalbot

MONDAY_0830 = datetime(2026, 11, 30, 7, 30, tzinfo=UTC)  # 08:30 in Amsterdam, week 49


async def _fill(bot: Signaalbot) -> None:
    now = bot.services.clock.now()  # Monday 23 November 2026, week 48
    async with bot.services.uow() as uow:
        leader = await uow.people.create(
            platform="console", user_id="lotte", now=now, roles=frozenset({"programme_leader"})
        )
        gone = await uow.people.create(
            platform="slack", user_id="T1:U9", now=now, display_name="Gijs"
        )
        await uow.people.mark_unreachable("slack", "T1:U9", now)
        for n, theme in enumerate(["leren", "leren", "inwonerservaring"]):
            signal = await uow.signals.add(
                NewSignal(text=f"Signaal nummer {n} over wachttijden", theme_key=theme),
                now + timedelta(hours=n),
            )
            if n == 0:
                await uow.signals.add_support(signal.id, leader.id, "municipality", "", now)
                await uow.signals.add_support(signal.id, gone.id, "municipality", "", now)
        # Withdrawn by its reporter the same week: no longer a signal, so not counted.
        taken_back = await uow.signals.add(
            NewSignal(text="Per ongeluk gemeld over wachttijden", theme_key="leren"), now
        )
        await uow.signals.set_status(taken_back.id, WITHDRAWN_STATUS, "", now)
        await uow.questions.add(question="Werkt de nieuwe toegang beter?", now=now)
        h, _ = await uow.meetings.plan(
            key="H:x",
            kind="H",
            title="H",
            starts_at=now + timedelta(days=20),
            duration_minutes=120,
            now=now,
        )
        await uow.meetings.rsvp(h.id, leader.id, "ja", now)
        await uow.commit()


async def test_summary_content_and_monday_queueing(
    bot: Signaalbot, clock: ManualClock, tmp_path: Path
) -> None:
    await _fill(bot)
    toolkit = default_toolkit(None, tmp_path)

    async def overview(uow: object, now: datetime) -> list[CycleLine]:
        return [CycleLine(stage=2, count=1, overdue_owners=("Bert",))]

    from dataclasses import replace

    toolkit = replace(toolkit, cycle_overview=overview)
    async with bot.services.uow() as uow:
        summary = await collect_summary(uow, bot.services, 2026, 48, toolkit=toolkit)
    assert summary.signals_by_theme == [("Leren", 2), ("Inwonerservaring", 1)]
    assert summary.top_signals[0][2] == 2
    assert [r for r, _ in summary.new_questions] == ["V-2026-0001"]
    # Asked this week and not weighed yet: it is waiting too (a trial counted 0 here).
    assert [r for r, _ in summary.waiting_questions] == ["V-2026-0001"]
    assert summary.unreachable[0][0] == "Gijs"
    assert summary.sessions[0].rsvps["ja"] == 1
    assert summary.chart_series["Leren"][-1] == 2 and len(summary.chart_weeks) == 12

    # Sunday evening: nothing yet. Monday 08:30: one summary of week 48, once.
    clock.set(MONDAY_0830 - timedelta(hours=12))
    async with bot.services.uow() as uow:
        assert await summary_due(uow, bot.services, clock.now(), toolkit=toolkit) == 0
    clock.set(MONDAY_0830)
    async with bot.services.uow() as uow:
        assert await summary_due(uow, bot.services, clock.now(), toolkit=toolkit) == 1
        assert await summary_due(uow, bot.services, clock.now(), toolkit=toolkit) == 0
        [message] = await uow.outbox.find()
        await uow.commit()
    assert message.key.startswith("weekly-summary:2026-W48:person:")
    reply = Reply.model_validate(message.payload)
    image = next(b for b in reply.blocks if isinstance(b, Image))
    assert image.path is not None and Path(image.path).read_bytes()[:4] == b"\x89PNG"
    text = reply.plain_text
    assert "Fase 2: 1 leercyclus" in text and "Te laat: Bert" in text and "Gijs" in text


def test_due_week_and_parse_week() -> None:
    config = load_summary_config()
    assert due_week(MONDAY_0830, "Europe/Amsterdam", config)[:2] == (2026, 48)
    before = MONDAY_0830 - timedelta(minutes=1)
    assert due_week(before, "Europe/Amsterdam", config)[:2] == (2026, 47)
    assert parse_week("2026-w48") == (2026, 48)
    for bad in ("2026-48", "", "2026-W60", "W48"):
        try:
            parse_week(bad)
        except ValueError:
            continue
        raise AssertionError(bad)


def test_cli_summary_writes_html_and_png(sqlite_url: str, tmp_path: Path) -> None:
    async def prepare() -> None:
        bot = await bootstrap_bot(make_settings(sqlite_url), clock=ManualClock(START))
        try:
            await _fill(bot)
        finally:
            await bot.services.db.dispose()

    asyncio.run(prepare())
    runner = CliRunner()
    html_out, png_out = tmp_path / "w48.html", tmp_path / "w48.png"
    for out in (html_out, png_out):
        result = runner.invoke(
            cli_app, ["summary", "--week", "2026-W48", "--out", str(out), "--db", sqlite_url]
        )
        assert result.exit_code == 0, result.output
    page = html_out.read_text(encoding="utf-8")
    assert "Weekoverzicht week 48" in page and "data:image/png;base64," in page
    assert "Signaal nummer 0 over wachttijden" in page
    assert png_out.read_bytes()[:4] == b"\x89PNG"
    bad = runner.invoke(cli_app, ["summary", "--week", "48", "--out", str(html_out)])
    assert bad.exit_code == 2


def test_catalogue_has_same_keys_and_placeholders() -> None:
    catalogue = Catalogue.load()
    for area in ("sessions", "summary"):
        nl = {k for k in catalogue.keys("nl") if k.startswith(area + ".")}
        en = {k for k in catalogue.keys("en") if k.startswith(area + ".")}
        assert nl == en and nl
        for key in nl:
            assert placeholders(catalogue.raw("nl", key) or "") == placeholders(
                catalogue.raw("en", key) or ""
            ), key
