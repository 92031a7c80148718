"""Detector for street + house number (``Kerkstraat 12``, ``Jan van Goyenlaan 3a``).

Why separate from postcodes: a street is recognised by its suffix and the words before it,
which needs the word lists (``-weg`` in "snelweg" is no street; "Markt 12" is one).
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from privacy import patterns as p
from privacy.findings import Finding
from privacy.numbers import word_after
from privacy.words import WordLists

_SUFFIX_ONLY = re.compile(rf"(?:{p.SAFE_SUFFIX}|{p.RISKY_SUFFIX})")
_ENDS_RISKY = re.compile(rf"(?:{p.RISKY_SUFFIX})$")
_ENDS_SAFE = re.compile(rf"(?:{p.SAFE_SUFFIX})$")


def _extend_street_left(text: str, start: int, words: WordLists) -> int:
    """Include preceding name parts: "Jan van Goyenlaan", "Oude Markt", "Van Abbelaan"."""
    best = start
    pos = start
    particles = 0
    for _ in range(6):
        m = p.WORD_BEFORE.search(text, max(0, pos - 40), pos)
        if m is None or m.end() != pos:
            break
        word = m.group(1)
        if word.lower() in p.STREET_PARTICLES and particles < 3:
            particles += 1
            pos = m.start()
            continue
        if word[0].isupper() and word.lower() not in words.not_names and word.isalpha():
            best = pos = m.start()
            particles = 0
            continue
        break
    return best


# A word followed by a number on the same line: the only places a street + number can start.
# At most 61 letters (the street pattern's bound) and never inside a word after "x'": linear
# on runs like "a'a'a'…".
_BEFORE_NUMBER = re.compile(r"(?<![\w-])(?<!\w['’])[^\W\d_][\w'’-]{0,60}(?=[ \t]+(?:nr\.?[ ]?)?\d)")


def addresses(text: str, words: WordLists) -> Iterator[Finding]:
    for candidate in _BEFORE_NUMBER.finditer(text):
        m = p.STREET.match(text, candidate.start())
        if m is None:
            continue
        street = m.group("street")
        lower = street.lower()
        if lower in words.not_streets or lower.endswith(("snelweg", "onderweg", "ering")):
            continue  # "Vroegsignalering 24" is a nominalisation, not a -ring road
        suffix_only = _SUFFIX_ONLY.fullmatch(lower) is not None
        risky = _ENDS_RISKY.search(lower) is not None and not _ENDS_SAFE.search(lower)
        if (suffix_only or risky) and not street[0].isupper():
            continue
        house = m.group("house")
        digits = "".join(ch for ch in house if ch.isdigit())
        if not digits or int(digits[:4]) == 0 or p.YEAR_OR_RANGE.fullmatch(house):
            continue
        if word_after(text, m.end()) in words.count_words:
            continue
        start = _extend_street_left(text, m.start(), words)
        # A bare "Berg 12" is only a street with a name part before it ("Kleine Berg 12").
        if suffix_only and lower not in words.bare_streets and start == m.start():
            continue
        yield Finding("address", start, m.end())
