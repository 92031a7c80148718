"""No pattern of the guard backtracks: every detector's worst case at 10,000+ characters.

Each input repeats the prefix a pattern could start on without ever completing (digits and
separators for numbers, capitalised words for names, dots for initials, "@"-less e-mail local
parts ...). A linear scan finishes these in milliseconds; catastrophic backtracking would take
minutes. The bound is deliberately loose (a slow CI machine passes), speed itself is measured
in benchmarks/privacy_speed.py.
"""

from __future__ import annotations

import re
import time

import pytest

from privacy import Guard, patterns

N = 10_000
WORST_CASES = {
    "digits and spaces": "1 " * (N // 2),
    "digit groups": "123 " * (N // 4),
    "dashes": "0-" * (N // 2),
    "plus signs": "+3" * (N // 2),
    "dotted digits": "12." * (N // 3),
    "capitalised words": "Aa " * (N // 3),
    "hyphenated capitals": "Aa-" * (N // 3),
    "initials": "A." * (N // 2),
    "particles": "van de " * (N // 7),
    "e-mail local part": "a." * (N // 2) + "@",
    "e-mail domain": "a@" + "b." * (N // 2),
    "obfuscated e-mail": "a (at) " + "b (dot) " * (N // 8),
    "long word": "x" * N,
    "long street": "straat" * (N // 6) + " 12",
    "spaces": "a" + " " * N + "b",
    "dates": "3 april " * (N // 8),
    "iso dates": "2024-01-" * (N // 8),
    "titles": "mevrouw " * (N // 8),
    "family words": "zoon " * (N // 5),
    "labels": "dossiernummer " * (N // 14),
    "postcodes": "5611 AB " * (N // 8),
    "ibans": "NL91 ABNA " * (N // 10),
    "names with data": "Jan de Vries, 06-12345678, " * (N // 27),
    "brackets": "(" * N,
    "commas and digits": ", 1" * (N // 3),
    "date then spaces": "3 april" + " " * N + "geboren",
    "postcode then spaces": "5611 AB" + " " * N + "12",
    "e-mail then dots": "a@b.nl" + "." * N,
    "comma runs": ", " * (N // 2),
    "apostrophes": "a'" * (N // 2) + "straat 12",
}


@pytest.fixture(scope="module")
def guard() -> Guard:
    return Guard()


@pytest.mark.parametrize("name", sorted(WORST_CASES))
def test_worst_case_is_linear(guard: Guard, name: str) -> None:
    text = WORST_CASES[name]
    assert len(text) >= N - 20
    started = time.perf_counter()
    guard.scan(text)
    assert time.perf_counter() - started < 5.0, name


def test_every_compiled_pattern_on_every_worst_case() -> None:
    """Each compiled pattern of privacy.patterns on each input: finditer must stay linear."""
    compiled = {k: v for k, v in vars(patterns).items() if isinstance(v, re.Pattern)}
    assert len(compiled) >= 20
    slow = []
    for name, text in WORST_CASES.items():
        for pattern_name, pattern in compiled.items():
            started = time.perf_counter()
            for _ in pattern.finditer(text):
                pass
            if time.perf_counter() - started > 5.0:
                slow.append((pattern_name, name))
    assert slow == []
