"""The weekly summary for the programme leader: one message, one chart, Monday morning.

Why one message: the programme leader works 8–16 hours a week on the programme. Everything
that needs their attention (new signals, questions waiting, outcomes, late cycle owners,
sessions and who comes, people the bot cannot reach) is in one overview, sent on Monday at
08:30 (``config/summary.toml``) or the next working moment after it. The same overview is
written as HTML or PNG by ``signaalbot summary --week 2026-W48 --out FILE``.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from pathlib import Path
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

from cycle.session_ports import CycleLine, SessionToolkit, toolkit_for
from cycle.sessions import CLOSED_QUESTION_STATUSES, SessionConfig, load_session_config
from cycle.study_news import news_key
from kernel.domain_config import read_config_file

if TYPE_CHECKING:
    from storage.uow import UnitOfWork
    from turn.context import Services


LATE_SUMMARY = timedelta(days=3)


@dataclass(frozen=True, slots=True)
class SummaryConfig:
    weekday: int = 0
    time: time = time(8, 30)
    weeks_in_chart: int = 12
    top_signals: int = 5
    upcoming_weeks: int = 8
    chart_dir: str = "summaries"


def load_summary_config(override_dir: Path | None = None) -> SummaryConfig:
    data = read_config_file("summary.toml", override_dir)
    hour, _, minute = str(data.get("time", "08:30")).partition(":")
    return SummaryConfig(
        weekday=int(data.get("weekday", 0)),
        time=time(int(hour), int(minute or 0)),
        weeks_in_chart=int(data.get("weeks_in_chart", 12)),
        top_signals=int(data.get("top_signals", 5)),
        upcoming_weeks=int(data.get("upcoming_weeks", 8)),
        chart_dir=str(data.get("chart_dir", "summaries")),
    )


@dataclass(frozen=True, slots=True)
class SessionLine:
    title: str
    starts_at: datetime
    rsvps: dict[str, int]
    invited: int


@dataclass(frozen=True, slots=True)
class WeeklySummary:
    year: int
    week: int
    start: datetime  # Monday 00:00 local, as UTC
    end: datetime  # the Monday after
    signals_by_theme: list[tuple[str, int]]
    top_signals: list[tuple[str, str, int]]  # ref, text, support
    new_questions: list[tuple[str, str]]
    waiting_questions: list[tuple[str, str]]
    weighing: list[tuple[str, str]]  # ref, recommendation
    cycles: list[CycleLine]
    sessions: list[SessionLine]
    unreachable: list[tuple[str, str, datetime]]  # name, platform, since
    chart_weeks: list[str] = field(default_factory=list)
    chart_series: dict[str, list[int]] = field(default_factory=dict)
    #: Studies announced in the week (``cycle.study_news``): ref, title, people told.
    new_studies: list[tuple[str, str, int]] = field(default_factory=list)

    @property
    def label(self) -> str:
        return f"{self.year}-W{self.week:02d}"

    @property
    def new_signal_count(self) -> int:
        return sum(n for _, n in self.signals_by_theme)


def parse_week(text: str) -> tuple[int, int]:
    """``2026-W48`` → (2026, 48); ValueError on anything else."""
    year, sep, week = text.strip().upper().partition("-W")
    if not sep:
        raise ValueError(f"week must look like 2026-W48, not {text!r}")
    date.fromisocalendar(int(year), int(week), 1)  # raises for week 54 and the like
    return int(year), int(week)


def week_bounds(year: int, week: int, tz: str) -> tuple[datetime, datetime]:
    zone = ZoneInfo(tz)
    monday = date.fromisocalendar(year, week, 1)
    start = datetime.combine(monday, time(0), zone)
    end = datetime.combine(monday + timedelta(days=7), time(0), zone)
    return start.astimezone(ZoneInfo("UTC")), end.astimezone(ZoneInfo("UTC"))


async def collect_summary(
    uow: UnitOfWork,
    services: Services,
    year: int,
    week: int,
    *,
    toolkit: SessionToolkit | None = None,
    config: SummaryConfig | None = None,
    session_config: SessionConfig | None = None,
    locale: str | None = None,
) -> WeeklySummary:
    """Gather the overview of ISO week ``year``-W``week`` (Monday to Monday, local time)."""
    config = config or load_summary_config(services.settings.config_dir)
    session_config = session_config or load_session_config(services.settings.config_dir)
    locale = locale or services.settings.default_locale
    domain = services.domain
    start, end = week_bounds(year, week, services.settings.timezone)

    def theme(key: str | None) -> str:
        return domain.theme_name(key, locale) if key else "-"

    # Signals per theme in the week, and over the chart's weeks.
    chart_start = start - timedelta(weeks=config.weeks_in_chart - 1)
    rows = await uow.summary_queries.signal_themes_between(chart_start, end)
    this_week = Counter(theme(key) for created, key in rows if created >= start)
    weeks = [chart_start + timedelta(weeks=i) for i in range(config.weeks_in_chart)]
    series: dict[str, list[int]] = {}
    for created, key in rows:
        index = min(int((created - chart_start) / timedelta(weeks=1)), len(weeks) - 1)
        series.setdefault(theme(key), [0] * len(weeks))[index] += 1
    zone = ZoneInfo(services.settings.timezone)
    week_labels = [f"W{w.astimezone(zone).isocalendar()[1]:02d}" for w in weeks]

    # The most supported signals that are still new.
    from storage.repositories.signals import SignalFilter

    open_signals = await uow.signals.find(SignalFilter(status="nieuw", until=end), limit=1000)
    counts = await uow.signals.support_counts([s.id for s in open_signals])
    top = sorted(
        (s for s in open_signals if counts.get(s.id, 0) > 0),
        key=lambda s: (-counts.get(s.id, 0), s.id),
    )[: config.top_signals]

    questions = await uow.questions.find(limit=1000)
    new_q = [(q.ref, q.question) for q in questions if start <= q.created_at < end]
    waiting = [
        (q.ref, q.question)
        for q in questions
        if q.created_at < end  # asked this week or before, and still without advice
        and q.status not in CLOSED_QUESTION_STATUSES
        and not q.recommendation
    ]
    weighing = [
        (q.ref, q.recommendation)
        for q in questions
        if q.recommendation and start <= q.updated_at < end
    ]

    toolkit = toolkit or toolkit_for(services.settings)
    cycles = list(await toolkit.cycle_overview(uow, end))

    sessions: list[SessionLine] = []
    # Every session after the week, whatever its status now: a summary of an old week shows
    # what was coming then.
    upcoming = await uow.meetings.find(
        since=end, until=end + timedelta(weeks=config.upcoming_weeks)
    )
    for session in upcoming:
        kind_cfg = session_config.kinds.get(session.kind)
        if kind_cfg is None:
            continue
        invited: set[int] = set()
        for role in kind_cfg.invite_roles:
            invited |= {p.id for p in await uow.people.with_role(role)}
        from cycle.sessions import session_title

        sessions.append(
            SessionLine(
                title=session_title(session, kind_cfg, locale),
                starts_at=session.starts_at,
                rsvps=await uow.meetings.rsvp_counts(session.id),
                invited=len(invited),
            )
        )

    new_studies = [
        (study.ref, study.title, await uow.summary_queries.outbox_count(news_key(study.ref)))
        for study in await uow.studies.announced_between(start, end)
    ]

    unreachable = [
        (u.display_name or f"#{u.person_id}", u.platform, u.since)
        for u in await uow.summary_queries.unreachable()
        if u.since < end
    ]
    return WeeklySummary(
        year=year,
        week=week,
        start=start,
        end=end,
        signals_by_theme=sorted(this_week.items(), key=lambda kv: (-kv[1], kv[0])),
        top_signals=[(s.ref, s.text, counts.get(s.id, 0)) for s in top],
        new_questions=new_q,
        waiting_questions=waiting,
        weighing=weighing,
        cycles=cycles,
        sessions=sessions,
        unreachable=unreachable,
        chart_weeks=week_labels,
        chart_series=series,
        new_studies=new_studies,
    )


# --- rendering -------------------------------------------------------------------------------
