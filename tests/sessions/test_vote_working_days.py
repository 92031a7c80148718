"""The vote closes 5 WORKING days after the session, on the real working calendar."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

from cycle.session_ports import default_toolkit
from cycle.sessions import load_session_config
from cycle.sessions.run import SessionRun
from cycle.sessions.votes import vote_closes_at
from storage.repositories.sessions import AgendaSession
from turn.pipeline import Signaalbot


def session(starts_at: datetime) -> AgendaSession:
    return AgendaSession(
        id=1,
        key="H:x",
        kind="H",
        title="H",
        starts_at=starts_at,
        duration_minutes=120,
        location="",
        study_id=None,
        status="held",
        agenda_confirmed_at=None,
        agenda_confirmed_by=None,
        vote_closed_at=None,
    )


async def test_weekends_and_kings_day_do_not_count(sqlite_bot: Signaalbot, tmp_path: Path) -> None:
    config = load_session_config()
    async with sqlite_bot.services.uow() as uow:
        run = SessionRun(
            uow=uow,
            services=sqlite_bot.services,
            toolkit=default_toolkit(None, tmp_path),
            config=config,
            now=datetime(2027, 4, 22, tzinfo=UTC),
        )
        # Thursday 22 April 2027, 14:00-16:00 in Amsterdam (CEST). Fri 23, Mon 26, King's Day on
        # Tuesday 27 does not count, Wed 28, Thu 29, Fri 30: closes Friday 30 April at 16:00.
        thursday = session(datetime(2027, 4, 22, 12, 0, tzinfo=UTC))
        assert vote_closes_at(run, thursday, config.kind("H")) == datetime(
            2027, 4, 30, 14, 0, tzinfo=UTC
        )
        # A session on Friday 18 December 2026: Christmas (25, 26) and the weekends are skipped.
        friday = session(datetime(2026, 12, 18, 13, 0, tzinfo=UTC))  # 14:00 CET
        assert vote_closes_at(run, friday, config.kind("H")) == datetime(
            2026, 12, 28, 15, 0, tzinfo=UTC
        )
