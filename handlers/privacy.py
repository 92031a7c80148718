"""PLACEHOLDER privacy guard, written by the intake branch only so it can run on its own.

The privacy engineer's real ``handlers/privacy.py`` replaces this file at merge; the API here
is exactly theirs: ``scan(text) -> list[Finding(kind, start, end)]``, ``mask(text, findings)``
and ``contains_personal_data(text)``. This stand-in only detects BSN (nine digits passing the
elfproef) and e-mail addresses; detection quality is not its job.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

_EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
_NINE_DIGITS = re.compile(r"(?<!\d)(\d{9}|\d{4}\.\d{2}\.\d{3}|\d{3}[ .-]\d{3}[ .-]\d{3})(?!\d)")


@dataclass(frozen=True, slots=True)
class Finding:
    """Personal data found in a text: its kind and where it is (``text[start:end]``)."""

    kind: str
    start: int
    end: int


def elfproef(digits: str) -> bool:
    """True when nine digits pass the Dutch BSN eleven test."""
    if len(digits) != 9 or not digits.isdigit():
        return False
    total = sum(int(d) * w for d, w in zip(digits[:8], range(9, 1, -1), strict=True))
    return (total - int(digits[8])) % 11 == 0 and digits != "000000000"


def scan(text: str) -> list[Finding]:
    findings = [Finding("email", m.start(), m.end()) for m in _EMAIL.finditer(text)]
    for m in _NINE_DIGITS.finditer(text):
        if elfproef(re.sub(r"\D", "", m.group(0))):
            findings.append(Finding("bsn", m.start(), m.end()))
    return sorted(findings, key=lambda f: (f.start, f.end))


def mask(text: str, findings: Sequence[Finding]) -> str:
    """Replace every finding by ``[kind]``."""
    out, pos = [], 0
    for f in sorted(findings, key=lambda f: f.start):
        if f.start < pos:
            continue
        out.append(text[pos : f.start])
        out.append(f"[{f.kind}]")
        pos = f.end
    out.append(text[pos:])
    return "".join(out)


def contains_personal_data(text: str) -> bool:
    return bool(scan(text))
