"""Splitting Dutch compound words into known parts.

Dutch glues words together: "jeugdhulpverlening", "schuldhulpverlening",
"mantelzorgondersteuning", "wijkteam". One professional writes "jeugdhulp", another "hulp aan
jeugd"; without splitting, these share no term at all. We split a word into parts that occur in a
vocabulary of known parts (the lexicon plus words derived from a corpus), allowing the Dutch
linking morphemes *s*, *e* and *en* between parts ("bijstand-s-uitkering", "kind-er-en" is not a
split because "eren" is no part). The split with the fewest parts wins, then every part is split
again, so "jeugdhulpverlening" yields jeugd, hulpverlening, hulp and verlening.

Splitting is dictionary-based rather than statistical so that a municipality can reason about
(and fix, via ``config/lexicon.toml``) why two words match.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from functools import lru_cache

#: Linking morphemes allowed between two parts.
LINKS: tuple[str, ...] = ("s", "e", "en", "n")
#: Inflectional endings allowed after the last part ("jeugdhulpverleners", "wijkteams").
FINAL_SUFFIXES: tuple[str, ...] = ("en", "s", "e", "n", "ers", "er", "eren", "heid", "tje", "tjes")
#: Shortest word we try to split and shortest corpus-derived part.
MIN_WORD = 6
MIN_PART = 3
#: Corpus-derived words that look like parts but are only inflections or affixes.
_BLOCKED = """
    eren ende erde ing ingen heid heden lijk lijke lijkheid isch ische tje tjes baar bare
    loos loze ster sters aard aars ener enen eerd ers end ende ant ante atie aties iteit
    ter ten tel den der dat dan die het een ons gen ste sten nde ende elen eling
"""
_BLOCKED_PARTS = frozenset(_BLOCKED.split())
_WORD = re.compile(r"^[a-z]+$")


class CompoundSplitter:
    """Split compounds against a fixed vocabulary of known parts.

    The vocabulary is fixed at construction so that a document analysed today and a query
    analysed tomorrow are split the same way (the index would otherwise drift).
    """

    def __init__(self, parts: Iterable[str], min_part: int = MIN_PART) -> None:
        self._parts = (
            frozenset(
                p
                for p in (w.strip().lower() for w in parts)
                if len(p) >= min_part and _WORD.match(p)
            )
            - _BLOCKED_PARTS
        )
        self._min_part = min_part
        self._max_part = max((len(p) for p in self._parts), default=0)
        self._cached = lru_cache(maxsize=100_000)(self._split_uncached)

    @property
    def parts(self) -> frozenset[str]:
        """The vocabulary of known parts."""
        return self._parts

    def split(self, word: str) -> tuple[str, ...]:
        """Return all parts of ``word`` at every level, or ``()`` if it is not a known compound.

        The word itself is never included. Parts are returned in reading order of the top-level
        split, followed by sub-parts.
        """
        if len(word) < MIN_WORD or not word.isalpha():
            return ()
        return self._cached(word)

    def _split_uncached(self, word: str) -> tuple[str, ...]:
        top = self._segment(word)
        if top is None:
            return ()
        result: list[str] = []
        for part in top:
            if part not in result:
                result.append(part)
        for part in top:
            for sub in self.split(part):
                if sub not in result and sub != word:
                    result.append(sub)
        return tuple(result)

    def _is_last_part(self, rest: str) -> str | None:
        """Match the final part, tolerating an inflectional ending."""
        if rest in self._parts:
            return rest
        if rest.endswith("en") and len(rest) > 4 and rest[-3] == rest[-4]:
            # doubled consonant before a plural ending: les-sen, bus-sen
            base = rest[:-3]
            if len(base) >= self._min_part and base in self._parts:
                return base
        for suffix in FINAL_SUFFIXES:
            if rest.endswith(suffix):
                base = rest[: -len(suffix)]
                if len(base) >= self._min_part and base in self._parts:
                    return base
        return None

    def _segment(self, word: str) -> tuple[str, ...] | None:
        """Fewest-parts segmentation of ``word`` into >= 2 known parts (dynamic programming)."""
        n = len(word)
        # best[i]: fewest-part segmentation of word[:i] that ends at a part boundary.
        best: list[tuple[str, ...] | None] = [None] * (n + 1)
        best[0] = ()
        for i in range(n):
            prefix = best[i]
            if prefix is None:
                continue
            last = self._is_last_part(word[i:])
            if last is not None and prefix:
                cand = (*prefix, last)
                current = best[n]
                if current is None or len(cand) < len(current):
                    best[n] = cand
            upper = min(n - self._min_part, i + self._max_part)
            for j in range(i + self._min_part, upper + 1):
                part = word[i:j]
                if part not in self._parts:
                    continue
                cand = (*prefix, part)
                for k in (j, *(j + len(link) for link in LINKS if word.startswith(link, j))):
                    if k > n - self._min_part:
                        continue
                    current = best[k]
                    if current is None or len(cand) < len(current):
                        best[k] = cand
        found = best[n]
        if found is None or len(found) < 2:
            return None
        return found
