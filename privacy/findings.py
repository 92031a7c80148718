"""What the guard reports: a :class:`Finding` per piece of personal data, of one of :data:`KINDS`.

Offsets are Python ``str`` indices (Unicode code points), end exclusive.
"""

from __future__ import annotations

from dataclasses import dataclass

KINDS: tuple[str, ...] = (
    "bsn",
    "email",
    "phone",
    "postcode",
    "address",
    "birth_date",
    "case_number",
    "name",
    "iban",
)


@dataclass(frozen=True, slots=True)
class Finding:
    """One piece of personal data: ``text[start:end]`` is of kind ``kind``."""

    kind: str
    start: int
    end: int
