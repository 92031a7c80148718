"""Detectors for data about a person: names (after a title, a family word, before an age, or a
known first name) and birth dates (a date in birth or person context).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator

from privacy import patterns as p
from privacy.findings import Finding
from privacy.words import WordLists

_TV_ONLY = re.compile(p.TV)
_RELATIVE_ONLY = re.compile(p.RELATIVE)
_TITLE_ONLY = re.compile(p.TITLE)
_TOKEN = re.compile(r"\S+")
_ALPHA = re.compile(r"[^\W\d_]+")
_WORD_START = re.compile(r"(?<![\w'’-])[^\W\d_]+(?:-[^\W\d_]+)*")


def sentence_initial(text: str, pos: int) -> bool:
    """True if ``pos`` starts the text, a sentence, a line or a list item."""
    before = text[max(0, pos - 8) : pos].rstrip(" \t")
    return not before or before[-1] in ".!?:;\n(•*-|"


def birth_dates(text: str, words: WordLists) -> Iterator[Finding]:
    for m in p.DATE.finditer(text):
        window = text[max(0, m.start() - 60) : m.start()]
        if p.BIRTH_BEFORE.search(window):
            yield Finding("birth_date", m.start(), m.end())
            continue
        if p.BIRTH_AFTER.match(text, m.end()):
            yield Finding("birth_date", m.start(), m.end())
            continue
        year = m.group("year")
        if not (year is not None and len(year) == 4) and m.group("iso") is None:
            continue  # person context needs a full numeric date (dd-mm-yyyy, yyyy-mm-dd)
        person = p.PERSON_BEFORE.search(window)
        if person is None:
            continue
        word = person.group("word")
        if word is not None and word not in words.first_names:
            # A capitalised word: only a proper noun (mid-sentence) before "(":
            # "Jansen (12-05-2009)" but not "Overleg (12-05-2024)" or "Evaluatie, 12-05-2024".
            word_start = m.start() - len(window) + person.start("word")
            if (
                word.lower() in words.not_names
                or not person.group().rstrip().endswith("(")
                or sentence_initial(text, word_start)
            ):
                continue
        yield Finding("birth_date", m.start(), m.end())


def _name_spans(m: re.Match[str], words: WordLists) -> list[Finding]:
    """The full name and, as a fallback, its first part ("De Boer" of "De Boer op Karel").

    Names have the lowest priority; when the full span collides with an address or a
    date, the shorter fallback can still be kept.
    """
    base = m.start("name")
    tokens = list(_TOKEN.finditer(m.group("name")))
    # Drop trailing ordinary words ("mevrouw Jansen Vorige") and trailing particles.
    while tokens and (
        tokens[-1].group().lower() in words.not_names or _TV_ONLY.fullmatch(tokens[-1].group())
    ):
        tokens.pop()
    surname_at = [
        i
        for i, w in enumerate(tokens)
        if w.group()[0].isupper()
        and not w.group().endswith(".")
        and not _TV_ONLY.fullmatch(w.group())
    ]
    if not surname_at or tokens[surname_at[0]].group().lower() in words.not_names:
        return []
    if any(p.INSTITUTION.search(w.group()) for w in tokens[1:]):
        return []
    spans = [Finding("name", base + tokens[0].start(), base + tokens[-1].end())]
    first_end = base + tokens[surname_at[0]].end()
    if first_end < spans[0].end:
        spans.append(Finding("name", spans[0].start, first_end))
    return spans


def _anchored(
    pattern: re.Pattern[str], text: str, starts: Iterable[int]
) -> Iterator[re.Match[str]]:
    """``pattern`` tried only where a word from a short list starts (a set look-up per word is
    far cheaper than an alternation of 100 words at every position)."""
    for start in starts:
        m = pattern.match(text, start)
        if m is not None:
            yield m


def names(text: str, words: WordLists) -> Iterator[Finding]:
    tokens = [(m.start(), m.group()) for m in _WORD_START.finditer(text)]
    titles = [i for i, w in tokens if w.lower() in p.TITLE_WORDS]
    relatives = [i for i, w in tokens if w.lower() in p.RELATIVE_WORDS]
    for m in _anchored(p.NAME_AFTER_TITLE, text, titles):
        yield from _name_spans(m, words)
    for m in _anchored(p.NAME_AFTER_RELATIVE, text, relatives):
        # "haar zoon Kevin", "Gezin Verhoeven woont ...": a possessive or the start of a
        # sentence before the family word; otherwise only a known first name counts
        # ("Partner Medewerker" in a table heading is no name). A capitalised family word
        # inside a sentence is part of a proper noun: "the Child Helpline".
        if m.group("title")[0].isupper() and not sentence_initial(text, m.start()):
            continue
        if (
            m.group("name").split()[0] in words.first_names
            or p.DETERMINER_BEFORE.search(text, max(0, m.start() - 12), m.start())
            or p.CLAUSE_START_BEFORE.search(text, max(0, m.start() - 4), m.start())
            or m.start() == 0
        ):
            yield from _name_spans(m, words)
    ages = p.AGE_HINT.search(text) is not None
    for m in p.NAME_WITH_AGE.finditer(text) if ages else ():
        first_word = m.group("name").split()[0]
        if _RELATIVE_ONLY.fullmatch(first_word) or _TITLE_ONLY.fullmatch(first_word):
            continue  # "Moeder (29)", "Vrouw (34)": a role, not a name
        if (
            first_word not in words.first_names
            and sentence_initial(text, m.start())
            and first_word.lower().endswith(p.NOUN_ENDINGS)
        ):
            continue  # "Aanmeldingen (45) stijgen": a capitalised noun with a count
        yield from _name_spans(m, words)
    for m in p.NAME_INITIALS.finditer(text) if p.INITIAL_HINT.search(text) else ():
        surname = m.group("name").split()[-1]
        if surname.lower() in words.not_names or p.SAINT_BEFORE.search(m.group("name")[:4]):
            continue
        yield from _name_spans(m, words)
    known = [i for i, w in tokens if w in words.first_names]
    for m in _anchored(p.NAME_SEQUENCE, text, known):
        after = p.INSTITUTION_AFTER.match(text, m.end())
        if after is not None and p.INSTITUTION.search(after.group(1)):
            continue  # "Jeroen Bosch Ziekenhuis"
        if p.SAINT_BEFORE.search(text, max(0, m.start() - 5), m.start()):
            continue  # "de Sint Jan", "St. Anna"
        yield from _name_spans(m, words)


def name_before(text: str, end: int, words: WordLists) -> Finding | None:
    """A first name and surname right before other personal data that starts at ``end``
    ("Wilma Verhoeven, Kastanjelaan 14"): a person described by their data."""
    start = max(0, end - 80)
    m = p.NAME_BEFORE_DATA.search(text, start, end)
    if m is None:
        return None
    tokens = [t for t in _TOKEN.finditer(m.group("name"))]
    # Leading ordinary words ("Gisteren Piet Jansen") are not part of the name.
    while tokens and tokens[0].group().lower() in words.not_names:
        tokens.pop(0)
    capitalised = [t for t in tokens if not _TV_ONLY.fullmatch(t.group())]
    if len(capitalised) < 2 or any(
        t.group().lower() in words.not_names or p.INSTITUTION.search(t.group()) for t in capitalised
    ):
        return None
    base = m.start("name")
    return Finding("name", base + tokens[0].start(), base + tokens[-1].end())


def names_in_email(text: str, emails: list[Finding], words: WordLists) -> Iterator[Finding]:
    """Capitalised words that also make up an e-mail address found in the text: the address
    "kasia.nowak84@…" names "Nowak" elsewhere in the text."""
    parts: set[str] = set()
    for found in emails:
        local = text[found.start : found.end].split("@")[0].split("(")[0]
        parts.update(w.lower() for w in _ALPHA.findall(local) if len(w) >= 3)
    if not parts:
        return
    for m in p.NAME_SEQUENCE.finditer(text):
        tokens = list(_TOKEN.finditer(m.group("name")))
        if any(t.group().lower() in parts for t in tokens) and not any(
            t.group().lower() in words.not_names for t in tokens
        ):
            yield Finding("name", m.start("name"), m.end("name"))
