"""Masking: a safe version of a text that never reveals a found value.

Why masked text is offered back rather than the original: the person edits what they typed
instead of retyping it, and nothing the guard refused is echoed into a chat history, a draft
or a log.
"""

from __future__ import annotations

from collections.abc import Sequence

from privacy.findings import Finding

LABELS = {
    "bsn": "[BSN]",
    "email": "[E-MAIL]",
    "phone": "[TELEFOON]",
    "postcode": "[POSTCODE]",
    "address": "[ADRES]",
    "birth_date": "[GEBOORTEDATUM]",
    "case_number": "[DOSSIERNUMMER]",
    "iban": "[IBAN]",
}


def _masked(kind: str, value: str) -> str:
    if kind == "name":
        first = value.lstrip()[:1]
        return f"{first}•••" if first.isalpha() and len(value.strip()) > 1 else "•••"
    return LABELS.get(kind, "[•••]")


def mask(text: str, findings: Sequence[Finding]) -> str:
    """Replace each finding in ``text`` by a masked form that never reveals the value.

    Names keep their first letter ("mevrouw J•••"); other kinds become a label such as
    "[BSN]". Findings may be unsorted; overlapping ones are merged into one masked region.
    """
    spans = sorted(
        (max(0, f.start), min(len(text), f.end), f.kind) for f in findings if f.end > f.start
    )
    merged: list[tuple[int, int, str]] = []
    for start, end, kind in spans:
        if merged and start < merged[-1][1]:
            prev_start, prev_end, prev_kind = merged[-1]
            kind_out = prev_kind if prev_kind == kind else "mixed"
            merged[-1] = (prev_start, max(prev_end, end), kind_out)
        elif start < end:
            merged.append((start, end, kind))
    parts: list[str] = []
    cursor = 0
    for start, end, kind in merged:
        parts.append(text[cursor:start])
        parts.append(_masked(kind, text[start:end]))
        cursor = end
    parts.append(text[cursor:])
    return "".join(parts)
