"""Detectors for data about a person: names (after a title, a family word, before an age, or a
known first name) and birth dates (a date in birth or person context).
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from privacy import patterns as p
from privacy.findings import Finding
from privacy.words import WordLists

_TV_ONLY = re.compile(p.TV)
_RELATIVE_ONLY = re.compile(p.RELATIVE)
_TITLE_ONLY = re.compile(p.TITLE)
_TOKEN = re.compile(r"\S+")


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
        if year is None or len(year) != 4:
            continue  # person context needs a full dd-mm-yyyy date
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


def names(text: str, words: WordLists) -> Iterator[Finding]:
    for m in p.NAME_AFTER_TITLE.finditer(text):
        yield from _name_spans(m, words)
    for m in p.NAME_AFTER_RELATIVE.finditer(text):
        # "haar zoon Kevin", "Gezin Verhoeven woont ...": a possessive or the start of a
        # sentence before the family word; otherwise only a known first name counts
        # ("Partner Medewerker" in a table heading is no name).
        if (
            m.group("name").split()[0] in words.first_names
            or p.DETERMINER_BEFORE.search(text, max(0, m.start() - 12), m.start())
            or p.CLAUSE_START_BEFORE.search(text, max(0, m.start() - 4), m.start())
            or m.start() == 0
        ):
            yield from _name_spans(m, words)
    for m in p.NAME_WITH_AGE.finditer(text):
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
    for m in p.NAME_SEQUENCE.finditer(text):
        if m.group("name").split()[0] not in words.first_names:
            continue
        after = p.INSTITUTION_AFTER.match(text, m.end())
        if after is not None and p.INSTITUTION.search(after.group(1)):
            continue  # "Jeroen Bosch Ziekenhuis"
        if p.SAINT_BEFORE.search(text, max(0, m.start() - 5), m.start()):
            continue  # "de Sint Jan", "St. Anna"
        yield from _name_spans(m, words)
