"""Text in Teams: what people typed must show as typed, never as a link, a mention or markup.

Why: Teams renders a subset of Markdown in message text, in ``TextBlock`` and in ``FactSet``
titles and values. A signal ``[klik hier](https://evil.example)`` would otherwise become a link
with a false label in every card that shows it (status, triage, the notices to followers). Slack
escapes its own link syntax; this is the Teams counterpart, applied by the card renderer to every
piece of text it did not write itself.

How: every character Markdown gives a meaning to is backslash-escaped (CommonMark's escape,
which Teams' renderer honours), and so are the markers that start a heading, a quote or a list
at the beginning of a line. Bare URLs stay visible as they are: Teams may link them, but the
label is then the address itself, so nothing is disguised. Our own links are elements we build
(``Image``, ``Action.OpenUrl``), not text, and are untouched.
"""

from __future__ import annotations

import re

# Characters with an inline meaning in CommonMark (and Teams): emphasis, code, links, HTML,
# entities. Escaped, each shows as itself.
_INLINE = re.compile(r"([\\`*_\[\]~<>&])")
# Indentation would make a code block; a line's leading blanks carry no meaning in a card.
_INDENT = re.compile(r"^[ \t]+", re.MULTILINE)
# Markers that start a heading, list or rule at the beginning of a line (``>`` is inline above).
_BLOCK = re.compile(r"^([#+=-])", re.MULTILINE)
_ORDERED = re.compile(r"^(\d{1,9})([.)])", re.MULTILINE)


def escape(text: str) -> str:
    """``text`` so that Teams shows it literally (the same characters, no markup)."""
    out = _INLINE.sub(r"\\\1", text)
    out = _INDENT.sub("", out)
    out = _BLOCK.sub(r"\\\1", out)
    return _ORDERED.sub(r"\1\\\2", out)
