"""One kind's inverted index (and vectors): the data structure behind :class:`MatchIndex`.

See :mod:`matching.index` for the design; this module holds the per-kind parts so that the index
module stays about searching and fusing.
"""

from __future__ import annotations

import heapq
from array import array
from collections import Counter
from collections.abc import Callable, Collection, Iterable
from dataclasses import dataclass
from operator import itemgetter

from matching.analyzer import Analysis
from matching.models import Document
from matching.scorer import ScoringConfig, combine, idf, total_weight
from matching.stored import Prepared, decode, postings_of
from matching.vectors import VectorStore


@dataclass(slots=True)
class Entry:
    """One indexed document. ``data`` is its analysis, or the stored form of it.

    Why the stored form (a str of ~300 bytes) and not the decoded dicts: a term dictionary, its
    term strings and the word tuple cost ~1.7 kB per document, the stored form a fifth of that;
    only the few candidates a query re-ranks are decoded (a few microseconds each).
    """

    doc: Document
    data: Prepared | str
    #: The normalised title between spaces, for studies with a title of two words or more: a
    #: query that contains it names the study ("Armoedesignalen in Eindhoven nemen toe").
    title_key: str = ""
    #: The directions the text names (:class:`matching.flag.Directions`), for the flag.
    direction: frozenset[str] = frozenset()
    #: Cached total term weight and the shard generation it was computed for.
    total: float = 0.0
    total_gen: int = -1

    @property
    def prepared(self) -> Prepared:
        data = self.data
        return decode(data) if isinstance(data, str) else data

    @property
    def weights(self) -> dict[str, float]:
        return self.prepared.weights

    @property
    def fuzzy(self) -> str:
        return self.prepared.fuzzy

    @property
    def words(self) -> tuple[str, ...]:
        return self.prepared.words


class Shard:
    """The inverted index of one kind of document."""

    def __init__(self) -> None:
        #: Vectors of the entries that have one (created when the first one arrives).
        self.vectors: VectorStore | None = None
        self.postings: dict[str, array[int]] = {}
        self.df: Counter[str] = Counter()
        self.entries: dict[int, Entry] = {}
        self.by_ref: dict[str, int] = {}
        self.total_postings = 0
        self.stale_postings = 0
        #: Bumped on every change; IDF-dependent caches are valid for one generation.
        self.generation = 0

    def __len__(self) -> int:
        return len(self.entries)

    def add(self, doc_id: int, entry: Entry, repeated: Collection[str] = ()) -> None:
        """Post ``entry``; terms in ``repeated`` occur more than once and are posted twice."""
        self.generation += 1
        self.entries[doc_id] = entry
        self.by_ref[entry.doc.ref] = doc_id
        for term in entry.prepared.weights:
            self.df[term] += 1
            plist = self.postings.get(term)
            if plist is None:
                plist = self.postings[term] = array("i")
            plist.append(doc_id)
            self.total_postings += 1
            if term in repeated:
                plist.append(doc_id)
                self.total_postings += 1

    def add_stored(
        self,
        items: Iterable[tuple[int, Entry]],
        words: Counter[str],
        direction_of: Callable[[list[str]], frozenset[str]],
    ) -> None:
        """Post many entries whose ``data`` is a stored payload; their words go to ``words``,
        and ``direction_of`` their words gives each entry its ``direction``.

        The same postings as :meth:`add` one by one, without decoding a term dictionary; the
        counts are made once per call, over every document's terms at once.
        """
        self.generation += 1
        postings = self.postings
        entries = self.entries
        by_ref = self.by_ref
        all_terms: list[str] = []
        all_words: list[str] = []
        extra = 0
        for doc_id, entry in items:
            assert isinstance(entry.data, str)
            terms, repeated, doc_words = postings_of(entry.data)
            entries[doc_id] = entry
            by_ref[entry.doc.ref] = doc_id
            entry.direction = direction_of(doc_words)
            all_terms += terms
            all_words += doc_words
            for term in terms:
                plist = postings.get(term)
                if plist is None:
                    plist = postings[term] = array("i")
                plist.append(doc_id)
            if repeated:
                extra += len(repeated)
                for term in repeated:
                    postings[term].append(doc_id)
        self.df.update(all_terms)
        words.update(all_words)
        self.total_postings += len(all_terms) + extra

    def remove(self, ref: str) -> Entry | None:
        doc_id = self.by_ref.pop(ref, None)
        if doc_id is None:
            return None
        entry = self.entries.pop(doc_id)
        if self.vectors is not None:
            self.vectors.discard(doc_id)
        self.generation += 1
        for term in entry.prepared.weights:
            left = self.df[term] - 1
            if left <= 0:
                del self.df[term]
            else:
                self.df[term] = left
            self.stale_postings += 1
        if self.stale_postings > 1000 and self.stale_postings * 4 > self.total_postings:
            self._compact()
        return entry

    def _compact(self) -> None:
        live = self.entries
        fresh: dict[str, array[int]] = {}
        total = 0
        for term, plist in self.postings.items():
            kept = array("i", (d for d in plist if d in live))
            if kept:
                fresh[term] = kept
                total += len(kept)
        self.postings = fresh
        self.total_postings = total
        self.stale_postings = 0

    def idfs(self, analysis: Analysis) -> tuple[dict[str, float], float]:
        """IDF of the query's known terms, and the IDF of an unseen term."""
        n = len(self.entries)
        df = self.df
        return {t: idf(df[t], n) for t in analysis.weights if t in df}, idf(0, n)

    def score(
        self,
        analysis: Analysis,
        entry: Entry,
        idfs: dict[str, float],
        default_idf: float,
        config: ScoringConfig,
    ) -> float:
        """The lexical score (0..100) of one entry; ``idfs`` is extended as a cache."""
        prepared = entry.prepared
        weights = prepared.weights
        if entry.total_gen != self.generation:
            n = len(self.entries)
            for term in weights:
                if term not in idfs:
                    idfs[term] = idf(self.df[term], n)
            entry.total = total_weight(weights, idfs, default_idf)
            entry.total_gen = self.generation
        return combine(
            analysis.weights,
            weights,
            analysis.fuzzy,
            prepared.fuzzy,
            idfs,
            default_idf,
            config,
            entry.total,
        )

    def search(
        self,
        analysis: Analysis,
        config: ScoringConfig,
        exclude: Collection[str],
        idfs: dict[str, float],
        default_idf: float,
    ) -> list[tuple[float, int, Entry]]:
        """The lexical pool: (score, doc id, entry) of the best candidates, unordered."""
        if not self.entries:
            return []
        query = analysis.weights
        acc: dict[int, float] = {}
        read = 0
        for term in sorted(idfs, key=idfs.__getitem__, reverse=True):
            plist = self.postings.get(term)
            if plist is None:
                continue
            if read and read + len(plist) > config.posting_budget:
                break
            read += len(plist)
            w = idfs[term] * query[term]
            get = acc.get
            for d in plist:
                acc[d] = get(d, 0.0) + w
        want = config.pool + len(exclude)
        best = heapq.nlargest(want + 8, acc.items(), key=itemgetter(1))
        scored: list[tuple[float, int, Entry]] = []
        floor = best[0][1] * config.min_candidate_ratio if best else 0.0
        for doc_id, acc_score in best:
            if acc_score < floor:
                break
            entry = self.entries.get(doc_id)
            if entry is None or entry.doc.ref in exclude:
                continue
            scored.append((self.score(analysis, entry, idfs, default_idf, config), doc_id, entry))
            if len(scored) >= config.pool:
                break
        return scored
