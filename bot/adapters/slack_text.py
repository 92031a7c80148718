"""Slack text within Block Kit's limits: escaping, shortening, mrkdwn, reading Slack markup."""

from __future__ import annotations

import re
from typing import Any

# Block Kit limits (https://api.slack.com/reference/block-kit)


MAX_TEXT = 3000  # section / mrkdwn text
MAX_FIELDS = 10  # fields per section
MAX_HEADER = 150
MAX_PLAIN_LABEL = 75  # button text, option text, message titles
MAX_MODAL_TITLE = 24  # modal title, submit and close labels
MAX_MESSAGE_BLOCKS = 50
MAX_VIEW_BLOCKS = 100
MAX_OPTIONS = 100
MAX_OPTION_VALUE = 150
MAX_BUTTON_VALUE = 2000
MAX_ACTION_ID = 255
MAX_ACTIONS_PER_BLOCK = 25
MAX_INITIAL_VALUE = 2000
MAX_INPUT_LENGTH = 3000
MAX_HINT = 2000
MAX_METADATA = 3000
MAX_FALLBACK_TEXT = 3000
MAX_UPLOAD = 20 * 1024 * 1024  # bytes; Slack takes up to 1 GB, a chart is tens of kilobytes
MAX_ALT_TEXT = 1000  # files.getUploadURLExternal alt_txt

ELLIPSIS = "…"
INPUT_ACTION = "value"  # action_id of the element inside each input block
FORM_CALLBACK_PREFIX = "sb-form:"
OPEN_FORM_ACTION = "slack.open_form"  # button that opens a form stashed for a message
COMMAND_ACTION = "slack.command"  # button whose value is a command (App Home)
_SUFFIX = re.compile(r"#\d+$")


# --- text ----------------------------------------------------------------------------------


def escape(text: str) -> str:
    """Escape the three characters Slack treats as markup in mrkdwn and message text."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def shorten(text: str, limit: int) -> str:
    """At most ``limit`` characters, with an ellipsis when something was cut."""
    if len(text) <= limit:
        return text
    return text[: max(limit - 1, 0)].rstrip() + ELLIPSIS


def escaped_chunks(text: str, limit: int = MAX_TEXT) -> list[str]:
    """Escape ``text`` and cut it into pieces of at most ``limit`` characters.

    Cuts fall on a line break or a space when there is one, and never inside an escape
    sequence such as ``&amp;``.
    """
    chunks: list[str] = []
    current: list[str] = []
    size = 0
    for ch in text:
        piece = escape(ch)
        if size + len(piece) > limit:
            chunk = "".join(current)
            cut = max(chunk.rfind("\n"), chunk.rfind(" "))
            if cut > limit // 2:
                chunks.append(chunk[:cut])
                current, size = [chunk[cut + 1 :]], len(chunk) - cut - 1
            else:
                chunks.append(chunk)
                current, size = [], 0
        current.append(piece)
        size += len(piece)
    if current or not chunks:
        chunks.append("".join(current))
    return chunks


def mrkdwn(text: str, limit: int = MAX_TEXT) -> str:
    """One escaped mrkdwn string of at most ``limit`` characters."""
    chunks = escaped_chunks(text, limit - 1)
    return chunks[0] + (ELLIPSIS if len(chunks) > 1 else "")


def plain(text: str, limit: int) -> dict[str, Any]:
    """A ``plain_text`` object: Slack shows it as typed, so no escaping is needed."""
    return {"type": "plain_text", "text": shorten(text, limit) or " ", "emoji": True}


_LINK = re.compile(r"<([^<>|]+)(?:\|([^<>]*))?>")


def from_slack(text: str) -> str:
    """Slack message markup to plain text: for prefilling a form or parsing a DM.

    ``<@U1>`` becomes ``@U1``, ``<!here>`` ``@here``, ``<#C1|general>`` ``#general``,
    ``<https://x|y>`` ``y (https://x)``; ``&lt;`` and friends become the characters again.
    """

    def replace(match: re.Match[str]) -> str:
        target, label = match.group(1), match.group(2)
        if target.startswith("@"):
            return "@" + (label or target[1:])
        if target.startswith("#"):
            return "#" + (label or target[1:])
        if target.startswith("!"):
            name = target[1:].split("^")[0]
            return label or "@" + name
        if label and label != target:
            return f"{label} ({target})"
        return target

    converted = _LINK.sub(replace, text)
    return converted.replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&")


# --- action ids ----------------------------------------------------------------------------


def neutral_action_id(slack_action_id: str) -> str:
    """Strip the ``#n`` suffix that keeps action ids unique within one message or view."""
    return _SUFFIX.sub("", slack_action_id)


def action_value(action: dict[str, Any]) -> str:
    """The value of a clicked button or a chosen option."""
    if action.get("selected_option"):
        return str(action["selected_option"].get("value", ""))
    if action.get("selected_date"):
        return str(action["selected_date"])
    return str(action.get("value", ""))


# --- rendering -----------------------------------------------------------------------------
