"""The agenda and outcomes of a session as Markdown or XLSX, for the council and providers.

Only what is shared: the agenda items, the votes per item and which questions went on to the
weighing. No names of who proposed or voted.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from cycle.sessions import SessionConfig, session_title
from kernel.i18n import Translator

if TYPE_CHECKING:
    from storage.uow import UnitOfWork


async def session_rows(
    uow: UnitOfWork, session_id: int, config: SessionConfig, t: Translator
) -> tuple[str, list[tuple[int, str, str, int, int, str]]]:
    """Title and one row per agenda item: number, source, text, support, votes, outcome."""
    session = await uow.meetings.get(session_id)
    if session is None:
        raise LookupError(session_id)
    title = session_title(session, config.kind(session.kind), t.locale)
    votes = await uow.meetings.vote_counts(session.id)
    question_refs = {q.id: q.ref for q in await uow.questions.find(limit=10_000)}
    rows = []
    for n, item in enumerate(await uow.meetings.items(session.id), 1):
        outcome = ""
        if item.outcome is not None:
            outcome = t(f"sessions.export_outcome_{item.outcome}")
            if item.question_id in question_refs:
                outcome += f" ({question_refs[item.question_id]})"
        rows.append(
            (
                n,
                t(f"sessions.export_source_{item.source}"),
                item.text,
                item.support,
                votes.get(item.id, 0),
                outcome,
            )
        )
    heading = f"{title} – {t.datetime(session.starts_at)}"
    return heading, rows


def _headers(t: Translator) -> list[str]:
    return [
        t("sessions.export_col_number"),
        t("sessions.export_col_source"),
        t("sessions.export_col_text"),
        t("sessions.export_col_support"),
        t("sessions.export_col_votes"),
        t("sessions.export_col_outcome"),
    ]


def write_markdown(
    heading: str, rows: list[tuple[int, str, str, int, int, str]], t: Translator, out: Path
) -> None:
    def cell(value: object) -> str:
        return str(value).replace("|", "\\|").replace("\n", " ")

    lines = [f"# {heading}", "", "| " + " | ".join(_headers(t)) + " |"]
    lines.append("|" + "---|" * len(_headers(t)))
    lines += ["| " + " | ".join(cell(v) for v in row) + " |" for row in rows]
    lines += ["", t("sessions.agenda_last", n=len(rows) + 1)]
    out.write_text("\n".join(lines) + "\n", encoding="utf-8")


def write_xlsx(
    heading: str, rows: list[tuple[int, str, str, int, int, str]], t: Translator, out: Path
) -> None:
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    sheet.title = "Agenda"
    sheet.append([heading])
    sheet.append(_headers(t))
    for row in rows:
        # A text starting with = + - @ would be a formula in Excel: keep it text.
        sheet.append([f"'{v}" if isinstance(v, str) and v[:1] in "=+-@" else v for v in row])
    sheet.column_dimensions["C"].width = 80
    book.save(out)
