"""The guard itself: run every detector, keep the best non-overlapping findings.

Why a class: the word lists are data (``config/privacy_words.toml``), so a guard is built from
them once and shared; there is no module-level state to patch in tests.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator

from privacy import numbers, people, places
from privacy.findings import Finding
from privacy.words import WordLists, default_words

Detector = Callable[[str, WordLists], Iterator[Finding]]

# Detectors in order of priority: on overlap the earlier (then the longer) one wins.
DETECTORS: tuple[Detector, ...] = (
    numbers.emails,
    numbers.ibans,
    numbers.bsns_labelled,
    numbers.case_numbers,
    people.birth_dates,
    numbers.bsns,
    numbers.phones,
    numbers.postcodes,
    places.addresses,
    people.names,
)


class Guard:
    """Finds client personal data in a text before it is stored."""

    def __init__(self, words: WordLists | None = None) -> None:
        self.words = words if words is not None else default_words()

    def scan(self, text: str, *, allow: Iterable[str] = ()) -> list[Finding]:
        """The personal data in ``text``: sorted by start, non-overlapping.

        ``allow`` names kinds that are not refused here (a field that holds a colleague's name
        allows ``name``); overlaps are resolved first, so an allowed name never hides a BSN.
        """
        candidates: list[tuple[int, int, Finding]] = []
        for priority, detector in enumerate(DETECTORS):
            for finding in detector(text, self.words):
                if finding.end > finding.start:
                    candidates.append((priority, finding.start - finding.end, finding))
        candidates.sort(key=lambda item: (item[0], item[1], item[2].start))
        taken: list[Finding] = []
        for _, _, finding in candidates:
            if all(finding.end <= t.start or finding.start >= t.end for t in taken):
                taken.append(finding)
        allowed = frozenset(allow)
        return sorted((f for f in taken if f.kind not in allowed), key=lambda f: f.start)
