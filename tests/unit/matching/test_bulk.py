"""Bulk loading (matching.bulk): the same index as adding one by one, vectors included."""

from __future__ import annotations

import hashlib
from collections.abc import Sequence

import numpy as np
from numpy.typing import NDArray

from matching import Document, MatchIndex, add_stored, to_blob
from matching.encoder import normalise

TEXTS = [
    "Jongeren in Woensel wachten maanden op jeugdhulp",
    "Ouderen in Stratum zijn eenzaam sinds het buurthuis dicht is",
    "Statushouders vinden de weg naar de schuldhulpverlening niet",
    "Mantelzorgers van mensen met dementie raken overbelast",
    "Gezinnen met kinderen raken in de schulden door de energierekening",
    "Laaggeletterde bewoners begrijpen de brieven van de gemeente niet",
]


class TinyEncoder:
    """Deterministic vectors from a hash of the words: enough to exercise the vector path."""

    name = "tiny"
    dim = 16

    def encode(self, texts: Sequence[str], *, query: bool = False) -> NDArray[np.float32]:
        rows = np.zeros((len(texts), self.dim), dtype=np.float32)
        for i, text in enumerate(texts):
            for word in text.lower().split():
                rows[i, hashlib.blake2b(word.encode()).digest()[0] % self.dim] += 1.0
        return normalise(rows)


def docs() -> list[Document]:
    return [
        Document("signal", f"S-{i}", text[:40], text)
        for i, text in enumerate(TEXTS * 5)  # the same texts under other refs
    ]


def test_bulk_load_equals_adding_one_by_one_with_vectors() -> None:
    encoder = TinyEncoder()
    one_by_one = MatchIndex(encoder=encoder)
    bulk = MatchIndex(encoder=encoder)
    items = []
    for doc in docs():
        vector = to_blob(encoder.encode([doc.text])[0])
        one_by_one.add(doc, vector)
        items.append((doc, bulk.pack(doc, bulk.prepare(doc)), vector))
    # a stale analysis (made for another text) and a ref twice in one batch
    stale = Document("signal", "S-0", "anders", "Buurtbewoners klagen over zwerfafval")
    items.append((stale, items[1][1], None))
    one_by_one.add(stale)
    fresh = add_stored(bulk, items)
    assert [doc.ref for doc, _ in fresh] == ["S-0"]
    assert len(bulk) == len(one_by_one) and bulk.vector_count() == one_by_one.vector_count()
    for query in [*TEXTS, "zwerfafval", "jeugdzorg wachtlijst", "eenzame ouderen"]:
        assert bulk.search(query, limit=8) == one_by_one.search(query, limit=8), query
