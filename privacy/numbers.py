"""Detectors for personal data that is a number or an address-like code: BSN (with the
elfproef), IBAN (mod 97), phone numbers, e-mail addresses, postcodes and case numbers.

Each detector yields candidate findings; :mod:`privacy.scanner` resolves overlaps.
"""

from __future__ import annotations

from collections.abc import Iterator

from privacy import patterns as p
from privacy.findings import Finding
from privacy.words import WordLists


def elfproef(digits: str) -> bool:
    """Return True if ``digits`` (8 or 9 digits, other characters ignored) passes the BSN 11-test.

    9*d1 + 8*d2 + ... + 2*d8 - 1*d9 must be divisible by 11 (and the number not all zeros).
    An 8-digit number is checked as a BSN with its leading zero omitted.
    """
    only = "".join(ch for ch in digits if ch.isdigit())
    if len(only) == 8:
        only = "0" + only
    if len(only) != 9 or only == "0" * 9:
        return False
    total = sum(int(d) * w for d, w in zip(only[:8], range(9, 1, -1), strict=True))
    total -= int(only[8])
    return total % 11 == 0


def iban_ok(candidate: str) -> bool:
    """A Dutch IBAN by its layout; any other by the mod-97 check."""
    compact = "".join(candidate.split()).upper()
    if not 15 <= len(compact) <= 34 or not compact[:2].isalpha():
        return False
    if compact.startswith("NL"):
        # The Dutch layout is specific enough: a typo in the check digits is still an IBAN.
        return len(compact) == 18 and compact[4:8].isalpha() and compact[8:].isdigit()
    rearranged = compact[4:] + compact[:4]
    number = "".join(str(int(ch, 36)) for ch in rearranged)
    return int(number) % 97 == 1


def word_after(text: str, pos: int) -> str:
    m = p.WORD_AFTER.match(text, pos)
    return m.group(1).lower() if m else ""


def emails(text: str, words: WordLists) -> Iterator[Finding]:
    for pattern in (p.EMAIL, p.EMAIL_OBFUSCATED):
        for m in pattern.finditer(text):
            yield Finding("email", m.start(), m.end())


def ibans(text: str, words: WordLists) -> Iterator[Finding]:
    for m in p.IBAN.finditer(text):
        if iban_ok(m.group("number")):
            yield Finding("iban", m.start(), m.end())


def bsns_labelled(text: str, words: WordLists) -> Iterator[Finding]:
    for m in p.BSN_LABELLED.finditer(text):
        yield Finding("bsn", m.start("number"), m.end("number"))


def bsns(text: str, words: WordLists) -> Iterator[Finding]:
    for m in p.BSN.finditer(text):
        before = text[max(0, m.start() - 2) : m.start()]
        if "€" in before or not elfproef(m.group("number")):
            continue
        yield Finding("bsn", m.start(), m.end())


def phones(text: str, words: WordLists) -> Iterator[Finding]:
    for m in p.PHONE.finditer(text):
        number = m.group("number")
        if p.DATE_LIKE.fullmatch(number.strip()) or p.DATE_LIKE.match(number):
            continue  # "01-02-2010 12" is a date followed by a number
        if p.PUBLIC_PHONE.match(number):
            continue  # 0800-8020: a public service number
        yield Finding("phone", m.start(), m.end())


def postcodes(text: str, words: WordLists) -> Iterator[Finding]:
    for m in p.POSTCODE.finditer(text):
        postcode = m.group("postcode")
        digits, letters = int(postcode[:4]), postcode[-2:]
        if 1900 <= digits <= 2099 and " " in postcode and letters in p.YEAR_WORDS:
            continue  # "2024 EN 2025": a year and a shouted word
        if m.group("house"):
            yield Finding("address", m.start(), m.end())
        else:
            yield Finding("postcode", m.start(), m.start("postcode") + len(postcode))


def case_numbers(text: str, words: WordLists) -> Iterator[Finding]:
    for m in p.CASE.finditer(text):
        ident = m.group("id")
        if sum(ch.isdigit() for ch in ident) < 4 or p.YEAR_OR_RANGE.fullmatch(ident):
            continue
        if p.OWN_REF.fullmatch(ident):
            continue
        if word_after(text, m.end()) in words.count_words:
            continue
        yield Finding("case_number", m.start("id"), m.end("id"))
    for m in p.CASE_BARE.finditer(text):
        if p.OWN_REF.fullmatch(m.group()):
            continue
        yield Finding("case_number", m.start(), m.end())


__all__ = [
    "bsns",
    "bsns_labelled",
    "case_numbers",
    "elfproef",
    "emails",
    "iban_ok",
    "ibans",
    "phones",
    "postcodes",
    "word_after",
]
