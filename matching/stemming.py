"""Dutch stemming with a cache.

The Snowball Dutch stemmer folds inflections ("uitkeringen"/"uitkering", "jongeren"/"jongere")
onto one stem so that BM25 sees them as the same term. Stemming is pure and called for every
token of every document and query, so results are memoised.
"""

from __future__ import annotations

from functools import lru_cache

import snowballstemmer

_STEMMER = snowballstemmer.stemmer("dutch")


@lru_cache(maxsize=200_000)
def stem(token: str) -> str:
    """Return the Snowball Dutch stem of a normalised token (digits are returned unchanged)."""
    if token.isdigit() or len(token) < 3:
        return token
    result: str = _STEMMER.stemWord(token)
    return result or token
