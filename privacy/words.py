"""The guard's word lists, kept in ``config/privacy_words.toml`` next to the lexicon.

Why a file and not code: a first name the guard misses or a street-like word it flags wrongly is
fixed by editing a list, not a regular expression. The lists are read once per process
(:func:`default_words`) and passed to the detectors, so a test can scan with its own lists.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any

WORDS_FILE = "privacy_words.toml"
_LISTS = ("first_names", "not_names", "not_streets", "bare_streets", "count_words")


class WordListError(ValueError):
    """The word list file is malformed; the message says where."""


@dataclass(frozen=True, slots=True)
class WordLists:
    """``first_names`` is case-sensitive; the other lists hold lower-case words."""

    first_names: frozenset[str] = frozenset()
    not_names: frozenset[str] = frozenset()
    not_streets: frozenset[str] = frozenset()
    bare_streets: frozenset[str] = frozenset()
    count_words: frozenset[str] = frozenset()


def parse_words(data: dict[str, Any]) -> WordLists:
    """Build :class:`WordLists` from parsed TOML: each key a string of words."""
    lists: dict[str, frozenset[str]] = {}
    for key in _LISTS:
        value = data.get(key, "")
        if not isinstance(value, str):
            raise WordListError(f"{key}: expected a string of words, got {type(value).__name__}")
        words = value.split()
        lists[key] = frozenset(words if key == "first_names" else (w.lower() for w in words))
    unknown = sorted(set(data) - set(_LISTS))
    if unknown:
        raise WordListError(f"unknown word lists: {', '.join(unknown)}")
    return WordLists(**lists)


def load_words(path: str | Path | None = None) -> WordLists:
    """The packaged lists (``config/privacy_words.toml``) or the file at ``path``."""
    if path is not None:
        text = Path(path).read_text(encoding="utf-8")
    else:
        text = resources.files("config").joinpath(WORDS_FILE).read_text(encoding="utf-8")
    try:
        return parse_words(tomllib.loads(text))
    except tomllib.TOMLDecodeError as exc:
        raise WordListError(f"{WORDS_FILE} is not valid TOML: {exc}") from exc


@cache
def default_words() -> WordLists:
    """The packaged lists, read once: they do not change while the bot runs."""
    return load_words()
