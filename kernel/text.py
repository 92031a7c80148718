"""Text from outside, made safe to store and show: no NUL, no lone surrogates, no control codes.

Why at the edge: PostgreSQL refuses a NUL in a text column, UTF-8 cannot encode a lone surrogate
(``\\ud800``), and both used to surface as a 500 or a hung request deep inside a turn. The
adapters pass every string of an inbound payload (names, ids, texts, form values) through
:func:`clean_tree` once, so nothing behind them has to care. Tabs and newlines stay.
"""

from __future__ import annotations

import re
from typing import Any

# C0 controls except tab, newline and carriage return; DEL; C1 controls; UTF-16 surrogates
# (which a JSON ``\\ud800`` escape produces); and the non-characters U+FFFE and U+FFFF.
_UNSAFE = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff\ufffe\uffff]")
MAX_DEPTH = 64


def clean(value: str) -> str:
    """``value`` without the characters no database, log or chat can carry."""
    return _UNSAFE.sub("", value)


def is_clean(value: str) -> bool:
    return _UNSAFE.search(value) is None


def clean_tree(node: Any, depth: int = 0) -> Any:
    """Every string in a JSON-like structure cleaned (keys too); other values unchanged.

    Nesting deeper than :data:`MAX_DEPTH` is cut off (None): no real payload is that deep, and
    a hostile one must not make the walk itself the problem.
    """
    if depth > MAX_DEPTH:
        return None
    if isinstance(node, str):
        return clean(node)
    if isinstance(node, dict):
        return {clean(str(k)): clean_tree(v, depth + 1) for k, v in node.items()}
    if isinstance(node, list):
        return [clean_tree(v, depth + 1) for v in node]
    return node


def clean_in_place(node: Any, depth: int = 0) -> None:
    """Like :func:`clean_tree`, changing dicts and lists in place (bolt hands them around)."""
    if depth > MAX_DEPTH:
        return
    if isinstance(node, dict):
        for key in list(node):
            value = node.pop(key)
            if isinstance(value, str):
                value = clean(value)
            else:
                clean_in_place(value, depth + 1)
            node[clean(str(key))] = value
    elif isinstance(node, list):
        for index, value in enumerate(node):
            if isinstance(value, str):
                node[index] = clean(value)
            else:
                clean_in_place(value, depth + 1)


# Database ids are 32-bit on PostgreSQL (INTEGER); a larger number cannot name a row.
MAX_ID = 2**31 - 1
_ASCII_DIGITS = re.compile(r"[0-9]{1,10}")


def as_id(text: str) -> int | None:
    """A row id typed or carried in a button, or None for anything that cannot be one
    (not ASCII digits, zero, or beyond :data:`MAX_ID`): the caller answers "not found"."""
    value = text.strip()
    if not _ASCII_DIGITS.fullmatch(value):
        return None
    number = int(value)
    return number if 0 < number <= MAX_ID else None


def stdin_lines(stream: Any) -> list[str]:
    """Lines of a text stream read as UTF-8 with bytes that are not UTF-8 replaced (never a
    crash on a stray byte), cleaned like every other input."""
    raw = stream.buffer.read() if hasattr(stream, "buffer") else stream.read()
    data = raw if isinstance(raw, bytes) else str(raw).encode("utf-8", "surrogateescape")
    lines = data.decode("utf-8", "replace").split("\n")
    if lines and lines[-1] == "":
        lines.pop()
    return [clean(line.rstrip("\r")) for line in lines]
