"""The guard itself: run every detector, keep the best non-overlapping findings.

Why a class: the word lists are data (``config/privacy_words.toml``), so a guard is built from
them once and shared; there is no module-level state to patch in tests.
"""

from __future__ import annotations

import bisect
import re
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


# Detectors that only find something where a digit is (a cheap check first keeps the guard
# well under a millisecond for a typical text).
NEED_DIGITS = frozenset(
    {
        numbers.ibans,
        numbers.bsns_labelled,
        numbers.case_numbers,
        people.birth_dates,
        numbers.bsns,
        numbers.phones,
        numbers.postcodes,
        places.addresses,
    }
)
_DIGIT = re.compile(r"\d")
_EMAIL_HINT = re.compile(r"@|[(\[]\s?(?i:at|apenstaartje)\s?[)\]]")


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
        has_digit = _DIGIT.search(text) is not None
        for priority, detector in enumerate(DETECTORS):
            if detector in NEED_DIGITS and not has_digit:
                continue  # most texts have no digit: skip what is built of numbers
            if detector is numbers.emails and not _EMAIL_HINT.search(text):
                continue
            for finding in detector(text, self.words):
                if finding.end > finding.start:
                    candidates.append((priority, finding.start - finding.end, finding))
        taken = _resolve(candidates)
        # Names found through other data: a name right before it, a name in an e-mail address.
        extra = [
            found
            for f in taken
            if f.kind != "name"
            and (found := people.name_before(text, f.start, self.words)) is not None
        ]
        extra += people.names_in_email(text, [f for f in taken if f.kind == "email"], self.words)
        if extra:
            names = len(DETECTORS)
            candidates += [(names, f.start - f.end, f) for f in extra]
            taken = _resolve(candidates)
        allowed = frozenset(allow)
        return sorted((f for f in taken if f.kind not in allowed), key=lambda f: f.start)


def _resolve(candidates: list[tuple[int, int, Finding]]) -> list[Finding]:
    """Keep the best non-overlapping findings: by priority, then the longer one."""
    candidates.sort(key=lambda item: (item[0], item[1], item[2].start))
    taken: list[Finding] = []
    spans: list[tuple[int, int]] = []  # taken spans, sorted by start; they never overlap
    for _, _, finding in candidates:
        at = bisect.bisect_left(spans, (finding.start, finding.end))
        if at > 0 and spans[at - 1][1] > finding.start:
            continue  # overlaps the span before it
        if at < len(spans) and spans[at][0] < finding.end:
            continue  # overlaps the span after it
        spans.insert(at, (finding.start, finding.end))
        taken.append(finding)
    return taken
