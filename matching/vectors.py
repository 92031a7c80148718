"""The vectors of one shard, kept as int8 rows for a brute-force cosine scan.

Why brute force: at the sizes of a municipality (up to ~100k signals) a scan over int8 rows
takes ~3 ms at 20k and ~17 ms at 100k on two cores (benchmarks/README.md), needs no extra
library, and is exact. Why int8 with a per-row scale: a quarter of float32's memory (38 MB at
100k x 384) and a cosine error below 0.002, far under any threshold step. The scan converts
blocks of 1024 rows to float32 in a reused buffer, which keeps them in cache.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import NDArray

from matching.encoder import Vector, from_blob, to_blob

_BLOCK = 1024


class VectorStore:
    """Rows of int8 vectors keyed by the index's internal document id."""

    def __init__(self, dim: int) -> None:
        self.dim = dim
        self._mat: NDArray[np.int8] = np.zeros((64, dim), dtype=np.int8)
        self._scale: NDArray[np.float32] = np.zeros(64, dtype=np.float32)
        self._ids: NDArray[np.int64] = np.full(64, -1, dtype=np.int64)
        self._rows: dict[int, int] = {}
        self._n = 0
        self._dead = 0
        self._buf: NDArray[np.float32] = np.empty((_BLOCK, dim), dtype=np.float32)

    def __len__(self) -> int:
        return len(self._rows)

    def __contains__(self, doc_id: object) -> bool:
        return doc_id in self._rows

    def put(self, doc_id: int, vector: Vector | bytes) -> bool:
        """Store (or replace) the vector of ``doc_id``; False when it has the wrong size."""
        blob = vector if isinstance(vector, bytes) else to_blob(vector)
        parsed = from_blob(blob, self.dim)
        if parsed is None:
            return False
        self.discard(doc_id)
        if self._n == len(self._ids):
            self._grow()
        row = self._n
        self._scale[row], self._mat[row] = parsed
        self._ids[row] = doc_id
        self._rows[doc_id] = row
        self._n += 1
        return True

    def put_many(self, items: list[tuple[int, bytes]]) -> int:
        """:meth:`put` for many stored blobs at once (one copy into the matrix); returns how
        many were stored (a blob of the wrong size is left out, as :meth:`put` does)."""
        size = 4 + self.dim
        good = [(doc_id, blob) for doc_id, blob in items if len(blob) == size]
        for doc_id, _ in good:
            if doc_id in self._rows:
                self.discard(doc_id)
        n = len(good)
        if not n:
            return 0
        self.reserve(self._n + n)
        raw = np.frombuffer(b"".join(blob for _, blob in good), dtype=np.uint8).reshape(n, size)
        start, stop = self._n, self._n + n
        self._scale[start:stop] = np.ascontiguousarray(raw[:, :4]).view(np.float32).reshape(n)
        self._mat[start:stop] = raw[:, 4:].view(np.int8)
        ids = [doc_id for doc_id, _ in good]
        self._ids[start:stop] = ids
        self._rows.update(zip(ids, range(start, stop), strict=True))
        self._n = stop
        return n

    def discard(self, doc_id: int) -> None:
        row = self._rows.pop(doc_id, None)
        if row is None:
            return
        self._ids[row] = -1
        self._scale[row] = 0.0
        self._dead += 1
        if self._dead > 1000 and self._dead * 4 > self._n:
            self._compact()

    def cosine(self, doc_id: int, query: Vector) -> float | None:
        row = self._rows.get(doc_id)
        if row is None:
            return None
        dot = float(self._mat[row].astype(np.float32) @ query)
        return dot * float(self._scale[row])

    def top(self, query: Vector, k: int) -> list[tuple[int, float]]:
        """The ``k`` doc ids with the highest cosine to ``query`` (unit length), best first."""
        n = self._n
        if n == 0 or k <= 0 or not self._rows:
            return []
        sims = np.empty(n, dtype=np.float32)
        q = np.asarray(query, dtype=np.float32)
        for start in range(0, n, _BLOCK):
            stop = min(start + _BLOCK, n)
            block = self._buf[: stop - start]
            np.copyto(block, self._mat[start:stop], casting="unsafe")
            np.matmul(block, q, out=sims[start:stop])
        sims *= self._scale[:n]
        sims[self._ids[:n] < 0] = -2.0
        k = min(k, n)
        best = np.argpartition(-sims, k - 1)[:k]
        best = best[np.argsort(-sims[best])]
        return [(int(self._ids[r]), float(sims[r])) for r in best if self._ids[r] >= 0]

    def reserve(self, rows: int) -> None:
        """Room for ``rows`` vectors in all (a bulk load knows how many are coming)."""
        if rows > len(self._ids):
            self._grow(rows)

    def _grow(self, size: int = 0) -> None:
        """Grow the capacity (double by default) in place: ``ndarray.resize`` reallocates
        (``mremap`` for large blocks), so old and new matrix are not both resident."""
        size = size or len(self._ids) * 2
        self._mat.resize((size, self.dim), refcheck=False)
        self._scale.resize(size, refcheck=False)
        old = len(self._ids)
        self._ids.resize(size, refcheck=False)
        self._ids[old:] = -1

    def _compact(self) -> None:
        keep = np.nonzero(self._ids[: self._n] >= 0)[0]
        n = len(keep)
        self._mat[:n] = self._mat[keep]
        self._scale[:n] = self._scale[keep]
        self._ids[:n] = self._ids[keep]
        self._ids[n:] = -1
        self._n = n
        self._dead = 0
        self._rows = {int(self._ids[r]): r for r in range(n)}
