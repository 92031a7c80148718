"""Filling the index from storage in bulk: stored analyses are posted without decoding them.

Why a path of its own: at start-up every stored signal is added at once. Adding them one by one
decodes each analysis into dictionaries and updates the spelling corrector word by word; here a
document whose stored analysis is valid (:func:`matching.stored.payload_of`) keeps that payload
as it is (:class:`matching.shard.Entry` decodes it only when a query re-ranks it), its terms go
straight into the postings, and the words are counted once for the whole batch. A document
without a valid stored analysis (new, edited, or analysed by another lexicon) is analysed as
:meth:`MatchIndex.add` would, and returned so that the caller can store the new analysis.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from typing import TYPE_CHECKING

from matching.encoder import Vector
from matching.models import Document
from matching.shard import Entry
from matching.stored import Prepared, payload_of, source_of

if TYPE_CHECKING:
    from matching.index import MatchIndex


def add_stored(
    index: MatchIndex, items: Iterable[tuple[Document, bytes | None, Vector | bytes | None]]
) -> list[tuple[Document, Prepared]]:
    """Index ``items``; returns the documents that had to be analysed, with their analysis.

    The index ends up exactly as if every document had been given to :meth:`MatchIndex.add`.
    """
    key = index.analysis_key
    fresh: list[tuple[Document, Prepared]] = []
    posted: dict[str, list[tuple[int, Entry]]] = {}
    batch_refs: set[tuple[str, str]] = set()
    vectors: list[tuple[str, int, Vector | bytes]] = []
    words: Counter[str] = Counter()

    def flush() -> None:
        for kind, entries in posted.items():
            index._shard(kind).add_stored(entries, words, index.directions.of_words)
        posted.clear()
        batch_refs.clear()
        for kind in {kind for kind, _, _ in vectors}:
            shard = index._shard(kind)
            store = index._vector_store(shard)
            if store is None:
                break
            blobs = [(d, v) for k, d, v in vectors if k == kind and isinstance(v, bytes)]
            store.put_many(blobs)
            for k, doc_id, vector in vectors:
                if k == kind and not isinstance(vector, bytes):
                    store.put(doc_id, vector)
        vectors.clear()

    for doc, blob, vector in items:
        payload = payload_of(blob, key, source_of(doc)) if blob else None
        if (doc.kind, doc.ref) in batch_refs:
            flush()  # the same document twice: the later one replaces the earlier, as in add
        if payload is None:
            prepared = index.prepare(doc)
            fresh.append((doc, prepared))
            index.add(doc, vector, prepared)
            continue
        if doc.ref in index._shard(doc.kind).by_ref:
            index.remove(doc.kind, doc.ref)
        doc_id = index._take_id()
        posted.setdefault(doc.kind, []).append((doc_id, Entry(doc, payload, index.title_key(doc))))
        batch_refs.add((doc.kind, doc.ref))
        if vector is not None:
            vectors.append((doc.kind, doc_id, vector))
    flush()
    for word, count in words.items():
        index._speller.add(word, count)
    return fresh
