"""Find Dutch in what an English-speaking person was shown.

The Dutch words looked for are those of the Dutch catalogue that the English catalogue never
uses, so a text left untranslated, a Dutch status or a Dutch command word in a hint is found.
What people typed themselves (a Dutch signal text) is taken out first: that is their content.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from kernel.i18n import Catalogue, Message

# Words both languages share or that are names, not Dutch text.
NOT_DUTCH = frozenset({"signaalbot", "status", "triage", "stop", "help"})
WORD = re.compile(r"[a-zà-ÿ]{4,}")


def _words(message: Message) -> set[str]:
    texts = [message] if isinstance(message, str) else list(message.values())
    return {w for text in texts for w in WORD.findall(text.lower())}


def dutch_only_words(catalogue: Catalogue) -> set[str]:
    nl = {w for k in catalogue.keys("nl") for w in _words(catalogue.message("nl", k) or "")}
    en = {w for k in catalogue.keys("en") for w in _words(catalogue.message("en", k) or "")}
    return nl - en - NOT_DUTCH


def dutch_in(shown: str, catalogue: Catalogue, typed: Iterable[str] = ()) -> list[str]:
    """The Dutch words in ``shown``, after removing what the people typed themselves."""
    for text in sorted(typed, key=len, reverse=True):
        if len(text) >= 12:
            shown = shown.replace(text, "")
    dutch = dutch_only_words(catalogue)
    return sorted({w for w in WORD.findall(shown.lower()) if w in dutch})
