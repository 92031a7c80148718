"""The weekly summary for the programme leader: one message, one chart, Monday morning.

Why one message: the programme leader works 8–16 hours a week on the programme. Everything
that needs their attention (new signals, questions waiting, outcomes, late cycle owners,
sessions and who comes, people the bot cannot reach) is in one overview, sent on Monday at
08:30 (``config/summary.toml``) or the next working moment after it. The same overview is
written as HTML or PNG by ``signaalbot summary --week 2026-W48 --out FILE``.
"""

from __future__ import annotations

import base64
import html
import io
from collections import Counter
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from pathlib import Path
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

from cycle.session_ports import CycleLine, SessionToolkit, default_toolkit
from cycle.sessions import CLOSED_QUESTION_STATUSES, SessionConfig, load_session_config
from kernel.core import Image, Reply, Text
from kernel.domain_config import read_config_file
from kernel.i18n import Translator
from kernel.logging import get_logger

if TYPE_CHECKING:
    from storage.uow import UnitOfWork
    from turn.context import Services

log = get_logger("signaalbot.summary")

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
    cycles: list[CycleLine] | None
    sessions: list[SessionLine]
    unreachable: list[tuple[str, str, datetime]]  # name, platform, since
    chart_weeks: list[str] = field(default_factory=list)
    chart_series: dict[str, list[int]] = field(default_factory=dict)

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
        if q.created_at < start
        and q.status not in CLOSED_QUESTION_STATUSES
        and not q.recommendation
    ]
    weighing = [
        (q.ref, q.recommendation)
        for q in questions
        if q.recommendation and start <= q.updated_at < end
    ]

    toolkit_cycles = toolkit.cycle_overview if toolkit is not None else None
    cycles = list(await toolkit_cycles(uow, end)) if toolkit_cycles is not None else None

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
    )


# --- rendering -------------------------------------------------------------------------------


def _short(text: str, limit: int = 120) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


def summary_sections(summary: WeeklySummary, t: Translator) -> list[tuple[str, list[str]]]:
    """The overview as (heading, lines) pairs; shared by the chat message, HTML and PNG."""
    none = [t("summary.none")]
    sections: list[tuple[str, list[str]]] = []
    sections.append(
        (
            t("summary.signals_heading", count=summary.new_signal_count),
            [t("summary.theme_line", theme=k, count=n) for k, n in summary.signals_by_theme]
            or none,
        )
    )
    sections.append(
        (
            t("summary.top_heading"),
            [
                t("summary.top_line", ref=ref, text=_short(text), count=n)
                for ref, text, n in summary.top_signals
            ]
            or none,
        )
    )
    sections.append(
        (
            t("summary.new_questions_heading", count=len(summary.new_questions)),
            [t("summary.question_line", ref=r, text=_short(q)) for r, q in summary.new_questions]
            or none,
        )
    )
    sections.append(
        (
            t("summary.waiting_questions_heading", count=len(summary.waiting_questions)),
            [
                t("summary.question_line", ref=r, text=_short(q))
                for r, q in summary.waiting_questions[:10]
            ]
            or none,
        )
    )
    sections.append(
        (
            t("summary.weighing_heading"),
            [
                t("summary.weighing_line", ref=r, outcome=t(f"intake.recommendation.{o}"))
                for r, o in summary.weighing
            ]
            or none,
        )
    )
    if summary.cycles is None:
        cycle_lines = [t("summary.cycles_unavailable")]
    else:
        cycle_lines = []
        for line in summary.cycles:
            cycle_lines.append(t("summary.cycle_line", stage=line.stage, count=line.count))
            if line.overdue_owners:
                cycle_lines.append(
                    t("summary.cycle_overdue", owners=", ".join(line.overdue_owners))
                )
        cycle_lines = cycle_lines or none
    sections.append((t("summary.cycles_heading"), cycle_lines))
    sections.append(
        (
            t("summary.sessions_heading"),
            [
                t(
                    "summary.session_line",
                    date=t.datetime(s.starts_at),
                    title=s.title,
                    ja=s.rsvps.get("ja", 0),
                    nee=s.rsvps.get("nee", 0),
                    misschien=s.rsvps.get("misschien", 0),
                    open=max(0, s.invited - sum(s.rsvps.values())),
                )
                for s in summary.sessions
            ]
            or none,
        )
    )
    sections.append(
        (
            t("summary.unreachable_heading", count=len(summary.unreachable)),
            [
                t("summary.unreachable_line", name=n, platform=p, date=t.date(since.date()))
                for n, p, since in summary.unreachable
            ]
            or none,
        )
    )
    return sections


def summary_title(summary: WeeklySummary, t: Translator) -> str:
    return t(
        "summary.title",
        week=summary.week,
        year=summary.year,
        start=t.date(summary.start.astimezone(ZoneInfo(t.timezone)).date()),
        end=t.date((summary.end - timedelta(days=1)).astimezone(ZoneInfo(t.timezone)).date()),
    )


def summary_reply(summary: WeeklySummary, t: Translator, chart: Path | None) -> Reply:
    blocks: list[Text | Image] = [Text(text=summary_title(summary, t), style="header")]
    for heading, lines in summary_sections(summary, t):
        blocks.append(Text(text=heading + "\n" + "\n".join(lines)))
    if chart is not None:
        blocks.append(
            Image(alt=t("summary.chart_alt", count=len(summary.chart_weeks)), path=str(chart))
        )
    return Reply(blocks=tuple(blocks))


def _figure(summary: WeeklySummary, t: Translator, with_text: bool) -> bytes:
    import matplotlib

    matplotlib.use("Agg")
    from matplotlib.figure import Figure
    from matplotlib.ticker import MaxNLocator

    lines: list[str] = []
    if with_text:
        lines.append(summary_title(summary, t))
        for heading, body in summary_sections(summary, t):
            lines += ["", heading, *body]
    height = 3.6 + 0.165 * len(lines)
    fig = Figure(figsize=(8.5, height), dpi=90)
    chart_share = 3.6 / height
    ax = fig.add_axes((0.08, 1 - chart_share + 0.08 * chart_share, 0.62, chart_share * 0.8))
    x = list(range(len(summary.chart_weeks)))
    bottom = [0] * len(x)
    for name in sorted(summary.chart_series):
        values = summary.chart_series[name]
        ax.bar(x, values, bottom=bottom, label=_short(name, 30), width=0.7)
        bottom = [b + v for b, v in zip(bottom, values, strict=True)]
    ax.yaxis.set_major_locator(MaxNLocator(integer=True))
    ax.set_xticks(x, summary.chart_weeks, fontsize=7)
    ax.set_title(t("summary.chart_title", count=len(x)), fontsize=10)
    ax.set_ylabel(t("summary.chart_count_axis"), fontsize=8)
    if summary.chart_series:
        ax.legend(fontsize=7, loc="upper left", bbox_to_anchor=(1.01, 1.0), frameon=False)
    if lines:
        fig.text(
            0.03,
            1 - chart_share - 0.01,
            "\n".join(_short(line, 110) for line in lines),
            va="top",
            fontsize=8,
            family="DejaVu Sans",
        )
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png", dpi=72 if not with_text else 90)
    return buffer.getvalue()


def chart_png(summary: WeeklySummary, t: Translator) -> bytes:
    """Signals per theme over the last weeks, stacked bars (matplotlib, Agg backend)."""
    return _figure(summary, t, with_text=False)


def summary_png(summary: WeeklySummary, t: Translator) -> bytes:
    """The chart with the whole overview under it, for print."""
    return _figure(summary, t, with_text=True)


def summary_html(summary: WeeklySummary, t: Translator) -> str:
    """A self-contained HTML page (chart inline) for e-mail and print."""
    chart = base64.b64encode(chart_png(summary, t)).decode()
    parts = [
        "<!DOCTYPE html>",
        f'<html lang="{t.locale}"><head><meta charset="utf-8">',
        f"<title>{html.escape(summary_title(summary, t))}</title></head><body>",
        f"<h1>{html.escape(summary_title(summary, t))}</h1>",
    ]
    for heading, lines in summary_sections(summary, t):
        parts.append(f"<h2>{html.escape(heading)}</h2><ul>")
        parts += [f"<li>{html.escape(line.lstrip('• '))}</li>" for line in lines]
        parts.append("</ul>")
    alt = html.escape(t("summary.chart_alt", count=len(summary.chart_weeks)))
    parts.append(f'<img alt="{alt}" src="data:image/png;base64,{chart}">')
    parts.append("</body></html>")
    return "\n".join(parts)


def write_summary(summary: WeeklySummary, t: Translator, out: Path) -> Path:
    """Write as HTML or PNG, chosen by the file's extension."""
    suffix = out.suffix.lower()
    if suffix in (".html", ".htm"):
        out.write_text(summary_html(summary, t), encoding="utf-8")
    elif suffix == ".png":
        out.write_bytes(summary_png(summary, t))
    else:
        raise ValueError(f"unknown extension {out.suffix!r}: use .html or .png")
    return out


# --- sending ---------------------------------------------------------------------------------


def due_week(now: datetime, tz: str, config: SummaryConfig) -> tuple[int, int, datetime]:
    """The week the latest due summary reports on, and the moment it became due.

    The summary sent on Monday 08:30 of week N covers week N-1. Missed ones are not sent
    again after downtime: only the latest, and only while it is less than three days late.
    """
    zone = ZoneInfo(tz)
    local = now.astimezone(zone)
    day = local.date() - timedelta(days=(local.weekday() - config.weekday) % 7)
    moment = datetime.combine(day, config.time, zone)
    if moment > local:
        day -= timedelta(days=7)
        moment = datetime.combine(day, config.time, zone)
    reported = day - timedelta(days=7)
    year, week, _ = reported.isocalendar()
    return year, week, moment.astimezone(ZoneInfo("UTC"))


async def summary_due(
    uow: UnitOfWork,
    services: Services,
    now: datetime,
    *,
    toolkit: SessionToolkit | None = None,
    config: SummaryConfig | None = None,
    session_config: SessionConfig | None = None,
) -> int:
    """Queue the weekly summary for everyone with the summary role; returns how many."""
    toolkit = toolkit or default_toolkit(services.settings.config_dir)
    config = config or load_summary_config(services.settings.config_dir)
    session_config = session_config or load_session_config(services.settings.config_dir)
    added = 0
    for person in await uow.people.with_role(session_config.summary_role):
        if person.identity() is None:
            continue
        year, week, moment = due_week(now, person.timezone, config)
        if now - moment > LATE_SUMMARY:
            continue  # more than a few days late (downtime, a new leader): wait for next week
        key = f"weekly-summary:{year}-W{week:02d}:person:{person.id}"
        if await uow.summary_queries.outbox_has(key):
            continue
        t = services.translator(person.locale, person.timezone)
        summary = await collect_summary(
            uow,
            services,
            year,
            week,
            toolkit=toolkit,
            config=config,
            session_config=session_config,
            locale=t.locale,
        )
        chart = toolkit.chart_dir / f"summary-{summary.label}-{t.locale}.png"
        if not chart.exists():
            chart.parent.mkdir(parents=True, exist_ok=True)
            chart.write_bytes(chart_png(summary, t))
        reply = summary_reply(summary, t, chart)
        if await uow.outbox.enqueue(
            key=key,
            person_id=person.id,
            payload=reply.model_dump(mode="json"),
            now=now,
            not_before=toolkit.calendar.next_working_moment(max(now, moment), person.timezone),
        ):
            added += 1
            log.info("summary_queued", person_id=person.id, week=summary.label)
    return added


async def sessions_and_summary_due(
    uow: UnitOfWork, services: Services, now: datetime, *, toolkit: SessionToolkit | None = None
) -> int:
    """The one hook for ``cycle.tick``: session prompts plus the weekly summary."""
    from cycle.sessions import session_due

    toolkit = toolkit or default_toolkit(services.settings.config_dir)
    added = await session_due(uow, services, now, toolkit=toolkit)
    return added + await summary_due(uow, services, now, toolkit=toolkit)
