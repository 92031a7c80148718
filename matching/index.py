"""In-memory search index over signals and studies.

Design, and why:

* One **shard per kind** ("signal", "study"): IDF is computed per kind, because study titles and
  signals use words differently, and a kind filter then costs nothing.
* **Inverted lists** map each term (stem, compound part or ``@concept``) to a compact
  ``array('l')`` of internal document ids (4–8 bytes per posting instead of a dict entry), so
  100,000 signals fit in well under 100 MB. A term that occurs more than once in a document is
  posted twice (term frequency saturates at 2).
* **Candidate generation** sums IDF × weight over the posting lists, rarest term first; once
  ``posting_budget`` postings have been read, the remaining (very common) terms are skipped, which
  bounds the worst case. The ``pool`` best candidates are then **re-ranked** by
  :func:`matching.scorer.combine` (weighted Dice + coverage + rapidfuzz), giving a 0..100 score.
* **Removal** is lazy: the document disappears from the document table and document frequencies
  at once; its stale postings are skipped and compacted away when they exceed a quarter of all
  postings.
* **Typos**: a :class:`matching.typos.Speller` over the lexicon and every indexed word corrects
  unknown query words; documents are corrected against the lexicon only, so the index does not
  depend on the order documents arrive in.

Concurrency: the index is not thread-safe and takes no locks. It is meant to be used from one
asyncio event loop, where ``search`` and ``add``/``remove`` never interleave because none of them
awaits. Do not call it from several threads (e.g. ``run_in_executor``) without a lock.
"""

from __future__ import annotations

import heapq
from array import array
from collections import Counter
from collections.abc import Collection, Iterable, Mapping
from dataclasses import dataclass
from operator import itemgetter
from types import MappingProxyType

from matching.analyzer import Analysis, Analyzer
from matching.models import Document, Match
from matching.scorer import ScoringConfig, combine, idf, total_weight
from matching.typos import Speller

#: Default duplicate threshold, calibrated on the dev half of tests/data/matching
#: (see benchmarks/README.md, section Matching).
DEFAULT_DUPLICATE_THRESHOLD = 55.0
#: Per-kind thresholds that override ``duplicate_threshold``. For studies "duplicate" means
#: "probably answers the question"; a question and a study title share fewer words than two
#: signals, so the bar is lower. 40 lies well above the best score of any unanswerable dev
#: question (14) and flags 65% of answerable dev questions.
DEFAULT_KIND_THRESHOLDS: Mapping[str, float] = MappingProxyType({"study": 40.0})


@dataclass(slots=True)
class _Entry:
    doc: Document
    weights: dict[str, float]
    fuzzy: str
    words: tuple[str, ...]
    #: Cached total term weight and the shard generation it was computed for.
    total: float = 0.0
    total_gen: int = -1


class _Shard:
    """The inverted index of one kind of document."""

    def __init__(self) -> None:
        self.postings: dict[str, array[int]] = {}
        self.df: Counter[str] = Counter()
        self.entries: dict[int, _Entry] = {}
        self.by_ref: dict[str, int] = {}
        self.total_postings = 0
        self.stale_postings = 0
        #: Bumped on every change; IDF-dependent caches are valid for one generation.
        self.generation = 0

    def __len__(self) -> int:
        return len(self.entries)

    def add(self, doc_id: int, entry: _Entry, analysis: Analysis) -> None:
        self.generation += 1
        self.entries[doc_id] = entry
        self.by_ref[entry.doc.ref] = doc_id
        tf = Counter(analysis.terms)
        for term in entry.weights:
            self.df[term] += 1
            plist = self.postings.get(term)
            if plist is None:
                plist = self.postings[term] = array("l")
            plist.append(doc_id)
            self.total_postings += 1
            if tf[term] > 1:
                plist.append(doc_id)
                self.total_postings += 1

    def remove(self, ref: str) -> _Entry | None:
        doc_id = self.by_ref.pop(ref, None)
        if doc_id is None:
            return None
        entry = self.entries.pop(doc_id)
        self.generation += 1
        for term in entry.weights:
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
            kept = array("l", (d for d in plist if d in live))
            if kept:
                fresh[term] = kept
                total += len(kept)
        self.postings = fresh
        self.total_postings = total
        self.stale_postings = 0

    def search(
        self,
        analysis: Analysis,
        config: ScoringConfig,
        exclude: Collection[str],
    ) -> list[tuple[float, _Entry]]:
        n = len(self.entries)
        if n == 0:
            return []
        query = analysis.weights
        df = self.df
        idfs = {t: idf(df[t], n) for t in query if t in df}
        default_idf = idf(0, n)
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
        scored: list[tuple[float, _Entry]] = []
        floor = best[0][1] * config.min_candidate_ratio if best else 0.0
        for doc_id, acc_score in best:
            if acc_score < floor:
                break
            entry = self.entries.get(doc_id)
            if entry is None or entry.doc.ref in exclude:
                continue
            if entry.total_gen != self.generation:
                for term in entry.weights:
                    if term not in idfs:
                        idfs[term] = idf(df[term], n)
                entry.total = total_weight(entry.weights, idfs, default_idf)
                entry.total_gen = self.generation
            score = combine(
                query,
                entry.weights,
                analysis.fuzzy,
                entry.fuzzy,
                idfs,
                default_idf,
                config,
                entry.total,
            )
            scored.append((score, entry))
            if len(scored) >= config.pool:
                break
        return scored


class MatchIndex:
    """Find similar signals and relevant studies while a professional types.

    ``duplicate_threshold`` (0..100) decides when a hit is flagged ``duplicate`` (the same
    signal reported again). ``kind_thresholds`` overrides it per kind; by default studies use
    :data:`DEFAULT_KIND_THRESHOLDS` ("probably answers the question"). Pass ``{}`` to use one
    threshold for everything. See the module docstring for design and the concurrency contract
    (one asyncio loop, no threads).
    """

    def __init__(
        self,
        analyzer: Analyzer | None = None,
        duplicate_threshold: float = DEFAULT_DUPLICATE_THRESHOLD,
        scoring: ScoringConfig | None = None,
        kind_thresholds: Mapping[str, float] | None = None,
    ) -> None:
        self.analyzer = analyzer if analyzer is not None else Analyzer()
        self.duplicate_threshold = duplicate_threshold
        self.kind_thresholds: dict[str, float] = dict(
            DEFAULT_KIND_THRESHOLDS if kind_thresholds is None else kind_thresholds
        )
        self.scoring = scoring if scoring is not None else ScoringConfig()
        self._shards: dict[str, _Shard] = {}
        self._next_id = 0
        self._lexicon_speller = Speller(self.analyzer.vocabulary)
        self._speller = Speller(self.analyzer.vocabulary)

    def __len__(self) -> int:
        return sum(len(s) for s in self._shards.values())

    def __contains__(self, key: object) -> bool:
        if not isinstance(key, tuple) or len(key) != 2:
            return False
        shard = self._shards.get(key[0])
        return shard is not None and key[1] in shard.by_ref

    def threshold_for(self, kind: str) -> float:
        """The duplicate threshold that applies to documents of ``kind``."""
        return self.kind_thresholds.get(kind, self.duplicate_threshold)

    def kinds(self) -> list[str]:
        """Kinds that currently hold documents."""
        return sorted(k for k, s in self._shards.items() if len(s))

    @staticmethod
    def searchable_text(doc: Document) -> str:
        """Title plus text, without repeating a title that is just the start of the text."""
        title = doc.title.strip()
        text = doc.text.strip()
        if not title or title.rstrip(".… ") in text:
            return text
        return f"{title}. {text}" if text else title

    def add(self, doc: Document) -> None:
        """Index ``doc``; a document with the same (kind, ref) is replaced."""
        self.remove(doc.kind, doc.ref)
        analysis = self.analyzer.analyze(
            self.searchable_text(doc), correct=self._lexicon_speller.correct
        )
        words = tuple(sorted({w for w in analysis.normalized.split() if w.isalpha()}))
        for word in words:
            self._speller.add(word)
        shard = self._shards.get(doc.kind)
        if shard is None:
            shard = self._shards[doc.kind] = _Shard()
        entry = _Entry(doc=doc, weights=analysis.weights, fuzzy=analysis.fuzzy, words=words)
        shard.add(self._next_id, entry, analysis)
        self._next_id += 1

    def add_many(self, docs: Iterable[Document]) -> None:
        """Index many documents (same semantics as :meth:`add`)."""
        for doc in docs:
            self.add(doc)

    def remove(self, kind: str, ref: str) -> None:
        """Remove a document; unknown (kind, ref) is ignored."""
        shard = self._shards.get(kind)
        if shard is None:
            return
        entry = shard.remove(ref)
        if entry is not None:
            for word in entry.words:
                self._speller.discard(word)

    def get(self, kind: str, ref: str) -> Document | None:
        """The indexed document for (kind, ref), if any."""
        shard = self._shards.get(kind)
        if shard is None:
            return None
        doc_id = shard.by_ref.get(ref)
        return None if doc_id is None else shard.entries[doc_id].doc

    def search(
        self,
        text: str,
        kind: str | None = None,
        limit: int = 5,
        exclude: Collection[tuple[str, str]] = (),
    ) -> list[Match]:
        """Best matches for ``text``, best first, at most ``limit``.

        ``kind`` restricts to one kind; ``exclude`` lists (kind, ref) pairs to leave out (e.g.
        the signal being edited). An empty or meaningless query returns ``[]``.
        """
        if limit <= 0 or not text or not text.strip():
            return []
        analysis = self.analyzer.analyze(text, correct=self._speller.correct)
        if not analysis.weights:
            return []
        kinds = [kind] if kind is not None else sorted(self._shards)
        found: list[tuple[float, str, str, _Entry]] = []
        for k in kinds:
            shard = self._shards.get(k)
            if shard is None:
                continue
            excluded = {ref for (ek, ref) in exclude if ek == k}
            for score, entry in shard.search(analysis, self.scoring, excluded):
                found.append((-round(score, 1), k, entry.doc.ref, entry))
        found.sort(key=itemgetter(0, 1, 2))
        return [
            Match(
                kind=entry.doc.kind,
                ref=entry.doc.ref,
                title=entry.doc.title,
                score=-neg,
                duplicate=-neg >= self.threshold_for(entry.doc.kind),
            )
            for neg, _, _, entry in found[:limit]
        ]
