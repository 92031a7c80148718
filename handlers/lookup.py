"""Finding what a person means by a word: a key, a display name in either language, or the start.

Why: people type what they read. ``thema=armoede`` should find "Armoede en schulden"
(key ``armoede-schulden``), ``org=gemeente`` the key ``municipality``, and ``status=in`` the one
status that starts with "in". When a word fits none, or more than one, the person is told which
choices there are instead of getting an empty list that looks like "no signals".
"""

from __future__ import annotations

import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

MAX_LISTED = 30


@dataclass(frozen=True, slots=True)
class Named:
    """One choice: its key, the names it goes by, and the label shown to this person."""

    key: str
    names: tuple[str, ...]
    label: str


@dataclass(frozen=True, slots=True)
class Found:
    key: str | None  # the one choice meant, or None
    candidates: tuple[Named, ...] = ()  # when None: the choices that fit (empty: none fits)


def normalise(text: str) -> str:
    """Lower case, no accents, ``-`` and ``_`` as spaces: "Cliënt_Ervaring" → "client ervaring"."""
    decomposed = unicodedata.normalize("NFKD", text)
    plain = "".join(c for c in decomposed if not unicodedata.combining(c)).lower()
    return " ".join(plain.replace("-", " ").replace("_", " ").split())


def _starts(name: str, word: str) -> bool:
    return name.startswith(word) or any(part.startswith(word) for part in name.split())


def find(word: str, choices: Sequence[Named]) -> Found:
    """The choice ``word`` names: exactly, or as the unique start of a name or of a word in it."""
    wanted = normalise(word)
    if not wanted:
        return Found(None)
    for test in (
        lambda name: name == wanted,
        lambda name: name.startswith(wanted),
        lambda name: _starts(name, wanted),
    ):
        fitting = _unique(c for c in choices if any(test(normalise(n)) for n in c.names))
        if len(fitting) == 1:
            return Found(fitting[0].key)
        if fitting:
            return Found(None, tuple(fitting))
    return Found(None)


def _unique(choices: Iterable[Named]) -> list[Named]:
    seen: dict[str, Named] = {}
    for choice in choices:
        seen.setdefault(choice.key, choice)
    return list(seen.values())


def listing(choices: Sequence[Named], limit: int = MAX_LISTED) -> str:
    """ "Jeugd, Wmo, Werk en inkomen, …": the labels, cut off after ``limit``."""
    labels = sorted({c.label for c in choices}, key=normalise)
    shown = ", ".join(labels[:limit])
    return shown + (", …" if len(labels) > limit else "")
