"""Spelling correction against a known vocabulary.

Chat messages contain typos ("partcipatiewet", "laaggeletterheid"). A misspelt word shares no
term with anything, so before analysis unknown words are mapped to the nearest known word within
a small edit distance (1 for words up to 7 letters, 2 for longer ones). Candidates are looked up
per word length with rapidfuzz's C implementation, which keeps this well under a millisecond for
a vocabulary of tens of thousands of words.
"""

from __future__ import annotations

from collections.abc import Iterable

from rapidfuzz import process
from rapidfuzz.distance import Levenshtein

#: Words shorter than this are never corrected: too many real words are one edit apart.
MIN_LEN = 5


def max_distance(word: str) -> int:
    """Allowed edit distance for a word of this length."""
    return 1 if len(word) < 8 else 2


class Speller:
    """A counted vocabulary that proposes the closest known word for an unknown one."""

    def __init__(self, words: Iterable[str] = ()) -> None:
        self._counts: dict[str, int] = {}
        self._by_len: dict[int, list[str]] = {}
        self._dirty = False
        for word in words:
            self.add(word)

    def __contains__(self, word: object) -> bool:
        return word in self._counts

    def __len__(self) -> int:
        return len(self._counts)

    def add(self, word: str, count: int = 1) -> None:
        """Count one more occurrence of ``word`` (new words become correction targets)."""
        if len(word) < MIN_LEN - 2 or not word.isalpha():
            return
        if word not in self._counts:
            self._counts[word] = 0
            if not self._dirty:
                self._by_len.setdefault(len(word), []).append(word)
        self._counts[word] += count

    def discard(self, word: str, count: int = 1) -> None:
        """Forget occurrences of ``word``; when none are left it is no longer a target."""
        left = self._counts.get(word)
        if left is None:
            return
        if left <= count:
            del self._counts[word]
            self._dirty = True
        else:
            self._counts[word] = left - count

    def _rebuild(self) -> None:
        self._by_len = {}
        for word in self._counts:
            self._by_len.setdefault(len(word), []).append(word)
        self._dirty = False

    def correct(self, word: str) -> str | None:
        """Return the closest known word for an unknown ``word``, or None.

        Known words, numbers and short words are not corrected. Ties on distance go to the more
        frequent word, then alphabetically, so the result is deterministic.
        """
        if len(word) < MIN_LEN or word in self._counts or not word.isalpha():
            return None
        if self._dirty:
            self._rebuild()
        limit = max_distance(word)
        best: tuple[int, int, str] | None = None
        for length in range(len(word) - limit, len(word) + limit + 1):
            bucket = self._by_len.get(length)
            if not bucket:
                continue
            for cand, dist, _ in process.extract(
                word, bucket, scorer=Levenshtein.distance, score_cutoff=limit, limit=8
            ):
                key = (int(dist), -self._counts.get(cand, 0), cand)
                if best is None or key < best:
                    best = key
        return None if best is None else best[2]
