"""Text normalisation and tokenisation for Dutch.

Everything downstream (stemming, lexicon look-up, fuzzy comparison) works on the output of
:func:`normalize`, so that "Cliënten", "clienten" and "CLIËNTEN!" are the same string. Accents are
stripped because professionals type quickly and inconsistently (ë/e, é/e), and punctuation is
dropped because it carries no meaning for similarity. Digits are kept as their own tokens (ages
such as "18" and "23" do distinguish signals); a hyphen splits words ("niet-aangeboren",
"18-jarigen"), which also matches how people write them without a hyphen after compound
splitting.
"""

from __future__ import annotations

import re
import unicodedata

#: Longer input is cut off before analysis. Signals are short; this only protects latency and
#: memory against a pasted document (a 10,000-character message must not stall the bot).
MAX_CHARS = 4000

_APOSTROPHES = re.compile(r"['’‘`´]")
_NON_ALNUM = re.compile(r"[^0-9a-z]+")
_DIGIT_LETTER = re.compile(r"(?<=[0-9])(?=[a-z])|(?<=[a-z])(?=[0-9])")


def strip_accents(text: str) -> str:
    """Remove diacritics (ë→e, é→e, ĳ→ij) by Unicode decomposition."""
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


def normalize(text: str, max_chars: int = MAX_CHARS) -> str:
    """Return lowercase, accent-free text with single spaces between alphanumeric tokens.

    Apostrophes are removed without a space ("baby's" → "babys", "cliënt's" → "clients") so that
    Dutch plural/genitive forms stay one word. Anything else that is not a letter or digit
    (punctuation, emoji, symbols) becomes a separator. Digits glued to letters are separated
    ("18jarigen" → "18 jarigen").
    """
    text = strip_accents(text[:max_chars]).lower()
    text = _APOSTROPHES.sub("", text)
    text = _NON_ALNUM.sub(" ", text)
    text = _DIGIT_LETTER.sub(" ", text)
    return " ".join(text.split())


def tokenize(text: str, max_chars: int = MAX_CHARS) -> list[str]:
    """Split text into normalised tokens (see :func:`normalize`)."""
    return normalize(text, max_chars).split()
