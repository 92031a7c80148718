"""Reading CSV files as municipalities make them: UTF-8 or cp1252 (Dutch Excel), `,` or `;`.

Why a module of its own: the import commands for signals and studies share the decoding, the
separator detection and the per-line error reporting, and the rules must not drift apart.

Why so strict: a file is read by people who cannot see what the parser did. A row with more
values than the header has (an unquoted separator inside a text) would lose the end of its text;
a double quote that never closes would swallow every line after it into one value. Both are
reported by line number and the reading goes on at the next line, so one slip costs one row.
"""

from __future__ import annotations

import csv
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from kernel.text import clean, is_clean

DELIMITERS = ",;"
_SAMPLE_LINES = 50


class CsvFileError(Exception):
    """The file as a whole cannot be read (missing, empty, no header, required column absent)."""


@dataclass(frozen=True, slots=True)
class CsvRow:
    line: int  # line number in the file where the row starts, 1 = header
    values: dict[str, str]


@dataclass(frozen=True, slots=True)
class CsvProblem:
    """A row that could not be read as a row; it is reported and not imported."""

    line: int
    message: str


@dataclass(frozen=True, slots=True)
class CsvTable:
    header: list[str]
    delimiter: str
    encoding: str
    entries: list[CsvRow | CsvProblem]  # in file order

    @property
    def total(self) -> int:
        return len(self.entries)


def decode(raw: bytes) -> tuple[str, str]:
    """UTF-8 (with or without BOM) first; cp1252, as Dutch Excel writes it, otherwise."""
    try:
        return raw.decode("utf-8-sig"), "utf-8"
    except UnicodeDecodeError:
        pass
    try:
        return raw.decode("cp1252"), "cp1252"
    except UnicodeDecodeError as exc:
        raise CsvFileError(
            f"byte {exc.start} is neither UTF-8 nor Windows-1252 (cp1252); "
            "save the file as 'CSV UTF-8' and try again"
        ) from None


def detect_delimiter(sample: str, header_line: str, required: Sequence[str]) -> str:
    """The separator by the standard library's :class:`csv.Sniffer`, checked against the header.

    The sniffer looks at the first lines; when it cannot decide, or its choice does not give the
    required columns while the other separator does, the header decides.
    """
    try:
        delimiter = csv.Sniffer().sniff(sample, delimiters=DELIMITERS).delimiter
    except csv.Error:
        delimiter = ";" if header_line.count(";") > header_line.count(",") else ","
    if not _has_columns(header_line, delimiter, required):
        for other in DELIMITERS:
            if other != delimiter and _has_columns(header_line, other, required):
                return other
    return delimiter


def _split_header(header_line: str, delimiter: str) -> list[str]:
    fields: list[str] = next(_reader([header_line], delimiter), [])
    return [h.strip().lower() for h in fields]


def _has_columns(header_line: str, delimiter: str, required: Sequence[str]) -> bool:
    try:
        header = _split_header(header_line, delimiter)
    except csv.Error:
        return False
    return all(name in header for name in required)


def _reader(lines: Iterable[str], delimiter: str) -> Any:
    """A strict reader: a quote that does not match raises instead of eating lines.

    Double quotes only: Dutch texts are full of apostrophes ('s avonds, cliënt's).
    """
    return csv.reader(
        lines,
        delimiter=delimiter,
        quotechar='"',
        doublequote=True,
        skipinitialspace=True,
        strict=True,
    )


def _quote_message(exc: csv.Error) -> str:
    if "field larger than field limit" in str(exc):
        return (
            f"a value is longer than {csv.field_size_limit()} characters, more than any text "
            "can be; check for a double quote that never closes"
        )
    if "unexpected end of data" in str(exc):
        return (
            'a double quote (") opens a value here and never closes; close it or remove it '
            "(the lines after it were read on their own)"
        )
    return (
        'the double quotes (") in this row do not match: a quote opens a value and does not '
        'close, or a quote inside a value is not written twice (""); '
        "the lines after it were read on their own"
    )


def parse(
    text: str, required: Sequence[str], *, name: str = "the file", encoding: str = "utf-8"
) -> CsvTable:
    """Header and rows of decoded CSV ``text``; column names are matched case-insensitively."""
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    lines = [line + "\n" for line in text.split("\n")]
    if lines and lines[-1] == "\n":
        lines.pop()
    if not lines or not lines[0].strip():
        raise CsvFileError(f"{name} is empty or has no header row")
    delimiter = detect_delimiter("".join(lines[:_SAMPLE_LINES]), lines[0], required)
    try:
        header = _split_header(lines[0], delimiter)
    except csv.Error as exc:
        raise CsvFileError(f"{name}: line 1 (the header): {_quote_message(exc)}") from None
    missing = [column for column in required if column not in header]
    if missing:
        raise CsvFileError(
            f"{name}: missing column(s) {', '.join(missing)}; the header has {', '.join(header)}"
        )
    entries: list[CsvRow | CsvProblem] = []
    position = 1  # index in ``lines`` where the reader (re)starts
    while position < len(lines):
        reader = _reader(lines[position:], delimiter)
        consumed = 0
        try:
            for values in reader:
                start = position + consumed
                consumed = reader.line_num
                if any(v.strip() for v in values):
                    entries.append(_row(start + 1, values, header, delimiter))
            break
        except csv.Error as exc:
            bad = position + consumed
            entries.append(CsvProblem(bad + 1, _quote_message(exc)))
            position = bad + 1  # go on at the next line: one slip costs one row
    return CsvTable(header=header, delimiter=delimiter, encoding=encoding, entries=entries)


def _row(line: int, values: list[str], header: list[str], delimiter: str) -> CsvRow | CsvProblem:
    while len(values) > len(header) and not values[-1].strip():
        values = values[:-1]  # Excel writes trailing separators for empty columns
    if len(values) > len(header):
        return CsvProblem(
            line,
            f"{len(values)} values, but the header has {len(header)} columns: a value probably "
            f"contains '{delimiter}'; put that value between double quotes (\")",
        )
    if any("\x00" in v for v in values):
        return CsvProblem(
            line, "a value contains a NUL character (a zero byte); save the file again as CSV"
        )
    if not all(is_clean(v) for v in values):
        values = [clean(v) for v in values]  # control codes carry nothing; they are dropped
    padded = values + [""] * (len(header) - len(values))
    return CsvRow(line=line, values={h: v.strip() for h, v in zip(header, padded, strict=True)})


def read_table(path: Path, required: Sequence[str]) -> CsvTable:
    """Read and parse ``path``; every row is either a :class:`CsvRow` or a :class:`CsvProblem`."""
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise CsvFileError(f"cannot read {path}: {exc.strerror}") from None
    try:
        text, encoding = decode(raw)
    except CsvFileError as exc:
        raise CsvFileError(f"{path}: {exc}") from None
    return parse(text, required, name=str(path), encoding=encoding)


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
