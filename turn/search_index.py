"""Building the shared similarity index from storage, with or without the semantic layer.

Why here: ``matching`` must not import the database, and handlers should not know how the index
is filled. Start-up builds one :class:`turn.index_sync.IndexSync` per process; a periodic job
calls its ``catch_up`` so that every instance sees every writer's changes.
"""

from __future__ import annotations

from kernel.settings import Settings
from matching import DEFAULT_FUSED_THRESHOLDS, E5Encoder, Encoder, MatchIndex
from turn.index_sync import IndexSync, UowFactory


def new_index(threshold: float, encoder: Encoder | None = None) -> MatchIndex:
    """An empty index; ``threshold`` 0 keeps the matcher's calibrated defaults.

    A threshold set by the municipality (``SIGNAALBOT_DUPLICATE_THRESHOLD``) applies to signals
    on both the lexical and the fused score, like it did before there was a fused score.
    """
    if threshold <= 0:
        return MatchIndex(encoder=encoder)
    return MatchIndex(
        duplicate_threshold=threshold,
        encoder=encoder,
        fused_thresholds={**DEFAULT_FUSED_THRESHOLDS, "signal": threshold},
    )


def encoder_for(settings: Settings, threads: int = 1) -> Encoder | None:
    """The sentence encoder, or None when ``SIGNAALBOT_MATCHING_SEMANTIC`` is false.

    One thread for the bot (see :class:`matching.E5Encoder`); a batch job such as the import
    may ask for more (two threads embedded ~35% more signals per second in
    benchmarks/matching_service.py).
    """
    return E5Encoder(threads=threads) if settings.matching_semantic else None


async def load_index(uow: UowFactory, settings: Settings) -> IndexSync:
    """A loaded index for ``settings``, and the follower that keeps it current."""
    sync = IndexSync(uow, new_index(settings.duplicate_threshold, encoder_for(settings)))
    await sync.load()
    return sync
