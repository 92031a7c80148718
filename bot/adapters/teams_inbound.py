"""What Teams sends us, read into neutral events: card submissions, and message text without
mentions or HTML. Every pass is linear (one forward scan), whatever the input."""

from __future__ import annotations

import re
from collections.abc import Mapping
from html import unescape
from typing import Any

from bot.adapters.teams_cards import FORM_CONTEXT, FORM_META_KEYS, META_KEYS
from kernel.core import (
    Action,
    Submit,
)


def event_from_data(
    data: Mapping[str, Any] | None, idempotency_key: str | None, verb: str | None = None
) -> Action | Submit | None:
    """Turn the data of a card submit into a neutral event; None when it is not ours."""
    if not isinstance(data, Mapping):
        data = {}
    if data.get("form_id"):
        current = FORM_CONTEXT in data
        meta = FORM_META_KEYS if current else META_KEYS
        values = {str(k): _as_text(v) for k, v in data.items() if k not in meta and v is not None}
        return Submit(
            form_id=str(data["form_id"]),
            values=values,
            context=_as_text(data.get(FORM_CONTEXT if current else "context", "")),
            idempotency_key=idempotency_key,
        )
    action_id = data.get("action_id") or verb
    if not action_id:
        return None
    choice_input = data.get("choice_input")
    value = data.get(choice_input) if isinstance(choice_input, str) else data.get("value", "")
    return Action(action_id=str(action_id), value=_as_text(value), idempotency_key=idempotency_key)


def _as_text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


# ``[^<>]`` and not ``[^>]``: with ``[^>]`` every ``<`` of "<<<<…" scans to the end of the text
# (quadratic); a tag cannot contain ``<``, so each scan now stops at the next one.
_TAG = re.compile(r"<[^<>]+>")
_BREAK = re.compile(r"<\s*(br|/p|/div)\s*/?>", re.IGNORECASE)


def html_to_text(html: str) -> str:
    """The text of a Teams message body (HTML), for prefilling a form."""
    text = _BREAK.sub("\n", html)
    text = _TAG.sub("", text)
    lines = [" ".join(line.split()) for line in unescape(text).splitlines()]
    return "\n".join(line for line in lines if line).strip()


_MENTION_OPEN = re.compile(r"<at", re.IGNORECASE)
_MENTION_CLOSE = re.compile(r"</at>", re.IGNORECASE)


def _without_mentions(text: str) -> str:
    """``text`` with every ``<at …>…</at>`` replaced by a space, in one pass.

    Why not ``re.sub(r"<at[^>]*>.*?</at>")``: on "<at><at><at>…" without a closing tag every
    opening scans to the end of the text, which is quadratic (a 400 KB message blocked the
    server for minutes). Here each search continues where the previous one stopped; when no
    ``>`` or ``</at>`` follows an opening, none follows a later one either, so we stop.
    """
    parts: list[str] = []
    pos = 0
    while (opening := _MENTION_OPEN.search(text, pos)) is not None:
        tag_end = text.find(">", opening.end())
        closing = _MENTION_CLOSE.search(text, tag_end + 1) if tag_end >= 0 else None
        if closing is None:
            break
        parts.extend((text[pos : opening.start()], " "))
        pos = closing.end()
    parts.append(text[pos:])
    return "".join(parts)


def strip_mentions(text: str, names: tuple[str, ...] = ()) -> str:
    """Remove ``<at>Bot</at>`` mentions (and plain leading bot names) from a message."""
    text = _without_mentions(text)
    lines = [" ".join(line.split()) for line in text.replace("\r", "").split("\n")]
    stripped = "\n".join(lines).strip()
    for name in names:
        if name and stripped.lower().startswith(name.lower()):
            stripped = stripped[len(name) :].lstrip(" :,")
    return stripped.strip()
