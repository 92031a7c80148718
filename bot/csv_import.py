"""Reading CSV files as municipalities make them: UTF-8 or cp1252 (Dutch Excel), `,` or `;`.

Why a module of its own: the import commands for signals and studies share the decoding, the
separator guess and the per-line error reporting, and the rules must not drift apart.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path


class CsvFileError(Exception):
    """The file as a whole cannot be read (missing, empty, no header, required column absent)."""


@dataclass(frozen=True, slots=True)
class CsvRow:
    line: int  # line number in the file, 1 = header
    values: dict[str, str]


def decode(raw: bytes) -> str:
    """UTF-8 (with or without BOM) first; cp1252, as Dutch Excel writes it, otherwise."""
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        return raw.decode("cp1252", errors="replace")


def guess_delimiter(header: str) -> str:
    return ";" if header.count(";") > header.count(",") else ","


def read_rows(path: Path, required: Sequence[str]) -> tuple[list[str], Iterator[CsvRow], int]:
    """Header, rows and the number of data lines. Column names are matched case-insensitively."""
    try:
        text = decode(path.read_bytes())
    except OSError as exc:
        raise CsvFileError(f"cannot read {path}: {exc.strerror}") from None
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    first_line = text.split("\n", 1)[0]
    if not first_line.strip():
        raise CsvFileError(f"{path} is empty or has no header row")
    reader = csv.reader(io.StringIO(text), delimiter=guess_delimiter(first_line))
    header = [h.strip().lower() for h in next(reader)]
    missing = [name for name in required if name not in header]
    if missing:
        raise CsvFileError(
            f"{path}: missing column(s) {', '.join(missing)}; the header has {', '.join(header)}"
        )
    total = max(0, sum(1 for line in text.split("\n")[1:] if line.strip()))

    def rows() -> Iterator[CsvRow]:
        for values in reader:
            line = reader.line_num
            if not any(v.strip() for v in values):
                continue
            padded = values + [""] * (len(header) - len(values))
            yield CsvRow(
                line=line, values={h: v.strip() for h, v in zip(header, padded, strict=False)}
            )

    return header, rows(), total


def parse_datetime(value: str) -> datetime | None:
    """ISO dates and times, or Dutch day-month-year; a date alone means midnight UTC."""
    value = value.strip()
    if not value:
        return None
    for fmt in ("%d-%m-%Y", "%d/%m/%Y", "%d-%m-%Y %H:%M", "%d.%m.%Y"):
        try:
            return datetime.strptime(value, fmt).replace(tzinfo=UTC)
        except ValueError:
            continue
    try:
        parsed = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        raise ValueError(f"unknown date {value!r}; use 2026-03-31 or 31-03-2026") from None
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)
