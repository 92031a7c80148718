"""Making the stored vectors: rows without a vector of the current encoder get one, in batches.

Why apart from the request path: embedding costs ~20 ms per signal on two cores, so the bot
stores a new signal at once and answers with the lexical score; this job fills the vector a
second later, and the change-log triggers bring it into every instance's index. The encoder
runs in a worker thread (it releases the GIL), so the event loop keeps answering meanwhile.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable

from matching import Encoder, to_blob
from turn.index_sync import UowFactory

BATCH = 32

Progress = Callable[[int], None]


async def embed_pending(
    uow: UowFactory,
    encoder: Encoder,
    *,
    limit: int | None = None,
    batch: int = BATCH,
    progress: Progress | None = None,
    stop: Callable[[], bool] | None = None,
) -> int:
    """Embed up to ``limit`` rows (all when None) that lack a vector; returns how many.

    ``stop`` is asked before each batch (each batch commits on its own). Signals come newest
    first, and each batch reads on below the last one's ids; a signal that loses its vector
    meanwhile (an edited text) above that point is left to the next call (the index job's
    next round).
    """
    done = 0
    below: int | None = None
    while (limit is None or done < limit) and not (stop is not None and stop()):
        size = batch if limit is None else min(batch, limit - done)
        async with uow() as session:
            rows = await session.matching.unembedded(encoder.name, size, below=below)
        if not rows:
            break
        signal_ids = [r.id for r in rows if r.kind == "signal"]
        if signal_ids:
            below = min(signal_ids)
        vectors = await asyncio.to_thread(encoder.encode, [r.text for r in rows])
        by_kind: dict[str, list[tuple[int, bytes]]] = {}
        for row, vector in zip(rows, vectors, strict=True):
            by_kind.setdefault(row.kind, []).append((row.id, to_blob(vector)))
        async with uow() as session:
            for kind, items in by_kind.items():
                await session.matching.store_vectors(kind, items, encoder.name)
            await session.commit()
        done += len(rows)
        if progress is not None:
            progress(len(rows))
    return done
