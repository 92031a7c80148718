"""Scoring a query against one candidate document, calibrated to 0..100.

Candidate generation (in :mod:`matching.index`) only ranks by summed IDF. Here the few best
candidates are scored properly with three signals:

* **weighted Dice** over terms, each term weighted by its BM25 IDF and by its analyzer weight.
  Dice is symmetric and length-aware, so two short signals that say the same get close to 1, and
  a short query that mentions one word of a long text does not;
* **coverage** of the shorter side: the share of the smaller text's weight that the other one
  explains. It rescues a short query ("bijstand laaggeletterd") against a longer signal;
* **fuzzy** similarity (rapidfuzz ``token_sort_ratio`` on stemmed content words), which catches
  typos and word-order variants that term matching misses.

The mix is a weighted sum, so the result is in 0..100 and one duplicate threshold works for all
queries. Weights were chosen on the *dev* half of the labelled set (see
``benchmarks/matching_quality.py``), never on the test half.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from rapidfuzz import fuzz


@dataclass(frozen=True, slots=True)
class ScoringConfig:
    """Weights of the final score; they should sum to 1 so the score stays in 0..100."""

    dice: float = 0.55
    coverage: float = 0.2
    fuzzy: float = 0.25
    #: How many candidates from the inverted index are re-ranked.
    pool: int = 40
    #: Candidates whose summed IDF is below this share of the best candidate's are not
    #: re-ranked: they cannot reach a useful score, and skipping them keeps small indexes fast.
    min_candidate_ratio: float = 0.1
    #: Postings read per query before rarer-first candidate generation stops reading
    #: common terms (they still count when scoring the pool). Bounds latency at 100k signals.
    posting_budget: int = 25_000


def idf(df: int, n: int) -> float:
    """BM25 inverse document frequency (always positive)."""
    return math.log(1.0 + (n - df + 0.5) / (df + 0.5))


def total_weight(terms: dict[str, float], idfs: dict[str, float], default_idf: float) -> float:
    """Sum of IDF x analyzer weight over a text's terms (the denominator of Dice/coverage)."""
    total = 0.0
    for term, weight in terms.items():
        total += idfs.get(term, default_idf) * weight
    return total


def combine(
    query: dict[str, float],
    doc: dict[str, float],
    query_fuzzy: str,
    doc_fuzzy: str,
    idfs: dict[str, float],
    default_idf: float,
    config: ScoringConfig,
    doc_total: float | None = None,
) -> float:
    """Score one query/document pair in 0..100 (not rounded).

    ``idfs`` holds the IDF of known terms; terms missing from it get ``default_idf`` (the IDF of
    a term seen in no document: the rarest possible). ``doc_total`` may pass the document's
    precomputed weight (:func:`total_weight`) to save work.
    """
    shared = 0.0
    total_q = 0.0
    for term, qw in query.items():
        weight = idfs.get(term, default_idf)
        total_q += weight * qw
        dw = doc.get(term)
        if dw is not None:
            shared += weight * (qw if qw < dw else dw)
    total_d = doc_total if doc_total is not None else total_weight(doc, idfs, default_idf)
    if total_q <= 0.0 or total_d <= 0.0:
        return 0.0
    dice = 2.0 * shared / (total_q + total_d)
    coverage = shared / min(total_q, total_d)
    fuzzy = fuzz.token_sort_ratio(query_fuzzy, doc_fuzzy) / 100.0
    score = config.dice * dice + config.coverage * min(coverage, 1.0) + config.fuzzy * fuzzy
    return max(0.0, min(100.0, 100.0 * score))
