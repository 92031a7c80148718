"""Reading CSV files as municipalities make them: UTF-8 or cp1252 (Dutch Excel), `,` or `;`.

Why a module of its own: the import commands for signals and studies share the decoding, the
separator detection and the per-line error reporting, and the rules must not drift apart.

Why so strict: a file is read by people who cannot see what the parser did. A row with more
values than the header has (an unquoted separator inside a text) would lose the end of its text;
a double quote that never closes would swallow every line after it into one value. Both are
reported by line number and the reading goes on at the next line, so one slip costs one row.
"""

from __future__ import annotations

import codecs
import collections
import csv
import io
import itertools
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import IO, Any

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
    stream = _stream(io.StringIO(text, newline="\n"), required, name, encoding, 0)
    return CsvTable(stream.header, stream.delimiter, encoding, list(stream.entries))


@dataclass(frozen=True, slots=True)
class CsvStream:
    """A CSV file read row by row: memory stays bounded whatever the size of the file.

    ``estimated_rows`` counts the line ends (a value spanning lines makes it a little high);
    it is meant for a progress bar.
    """

    header: list[str]
    delimiter: str
    encoding: str
    estimated_rows: int
    entries: Iterator[CsvRow | CsvProblem]


def _stream(
    lines: Iterable[str], required: Sequence[str], name: str, encoding: str, estimate: int
) -> CsvStream:
    source = iter(lines)
    sample = list(itertools.islice(source, _SAMPLE_LINES))
    if not sample or not sample[0].strip():
        raise CsvFileError(f"{name} is empty or has no header row")
    delimiter = detect_delimiter("".join(sample), sample[0], required)
    try:
        header = _split_header(sample[0], delimiter)
    except csv.Error as exc:
        raise CsvFileError(f"{name}: line 1 (the header): {_quote_message(exc)}") from None
    missing = [column for column in required if column not in header]
    if missing:
        raise CsvFileError(
            f"{name}: missing column(s) {', '.join(missing)}; the header has {', '.join(header)}"
        )
    body = _Lines(itertools.chain(sample[1:], source))
    return CsvStream(header, delimiter, encoding, estimate, _entries(body, header, delimiter))


class _Lines:
    """Lines for the csv reader that remembers the lines of the record being read.

    When a record turns out broken (a quote that never closes), the lines after its first one
    are given out again, so one slip costs one row and reading goes on at the next line.
    """

    def __init__(self, source: Iterator[str]) -> None:
        self._source = source
        self._again: collections.deque[str] = collections.deque()
        self.record: list[str] = []

    def __iter__(self) -> _Lines:
        return self

    def __next__(self) -> str:
        line = self._again.popleft() if self._again else next(self._source)
        self.record.append(line)
        return line

    def restart_after_first(self) -> None:
        self._again.extendleft(reversed(self.record[1:]))
        self.record = []


def _entries(lines: _Lines, header: list[str], delimiter: str) -> Iterator[CsvRow | CsvProblem]:
    position = 1  # index of the next line to read; the header is line index 0
    while True:
        reader = _reader(lines, delimiter)
        try:
            for values in reader:
                start, position = position, position + len(lines.record)
                lines.record = []
                if any(v.strip() for v in values):
                    yield _row(start + 1, values, header, delimiter)
            return
        except csv.Error as exc:
            yield CsvProblem(position + 1, _quote_message(exc))
            position += 1  # go on at the next line: one slip costs one row
            lines.restart_after_first()


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
    stream = open_table(path, required)
    return CsvTable(stream.header, stream.delimiter, stream.encoding, list(stream.entries))


def open_table(path: Path, required: Sequence[str]) -> CsvStream:
    """``path`` as a :class:`CsvStream`: the encoding is found in a first pass over the bytes
    (UTF-8, else cp1252), then the rows are read one at a time."""
    encoding, estimate = _sniff(path)
    try:
        handle = path.open(encoding="utf-8-sig" if encoding == "utf-8" else encoding, newline=None)
    except OSError as exc:
        raise CsvFileError(f"cannot read {path}: {exc.strerror}") from None
    try:
        stream = _stream(handle, required, str(path), encoding, estimate)
    except BaseException:
        handle.close()
        raise
    return CsvStream(
        stream.header, stream.delimiter, encoding, estimate, _closing(handle, stream.entries)
    )


def _closing(
    handle: IO[str], entries: Iterator[CsvRow | CsvProblem]
) -> Iterator[CsvRow | CsvProblem]:
    with handle:
        yield from entries


def _sniff(path: Path) -> tuple[str, int]:
    """The encoding (as :func:`decode` would choose it) and the number of line ends."""
    utf8 = codecs.getincrementaldecoder("utf-8")()
    utf8_ok, cp1252_error, lines, offset = True, None, 0, 0
    try:
        with path.open("rb") as f:
            while chunk := f.read(1 << 20):
                lines += chunk.count(b"\n") or chunk.count(b"\r")
                if utf8_ok:
                    try:
                        utf8.decode(chunk)
                    except UnicodeDecodeError:
                        utf8_ok = False
                if cp1252_error is None:
                    try:
                        chunk.decode("cp1252")
                    except UnicodeDecodeError as exc:
                        cp1252_error = offset + exc.start
                offset += len(chunk)
                if not utf8_ok and cp1252_error is not None:
                    break
        if utf8_ok:
            utf8.decode(b"", final=True)
    except UnicodeDecodeError:
        utf8_ok = False
    except OSError as exc:
        raise CsvFileError(f"cannot read {path}: {exc.strerror}") from None
    if utf8_ok:
        return "utf-8", max(lines - 1, 0)
    if cp1252_error is not None:
        raise CsvFileError(
            f"{path}: byte {cp1252_error} is neither UTF-8 nor Windows-1252 (cp1252); "
            "save the file as 'CSV UTF-8' and try again"
        )
    return "cp1252", max(lines - 1, 0)


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
