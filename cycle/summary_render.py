"""The weekly summary as people read it: chat message sections, the chart, HTML and PNG."""

from __future__ import annotations

import base64
import html
import io
from datetime import timedelta
from pathlib import Path
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

from kernel.core import Image, Reply, Text
from kernel.i18n import Translator

if TYPE_CHECKING:
    pass
from cycle.summary import WeeklySummary


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
    sections.append(
        (
            t("summary.new_studies_heading", count=len(summary.new_studies)),
            [
                t("summary.new_study_line", ref=ref, title=_short(title), count=told)
                for ref, title, told in summary.new_studies
            ]
            or none,
        )
    )
    cycle_lines = []
    for line in summary.cycles:
        if not line.count:
            continue  # a stage without cycles says nothing the leader needs
        cycle_lines.append(t("summary.cycle_line", stage=line.stage, count=line.count))
        if line.overdue_owners:
            cycle_lines.append(t("summary.cycle_overdue", owners=", ".join(line.overdue_owners)))
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
