"""Building the shared similarity index from storage, with or without the semantic layer.

Why here: ``matching`` must not import the database, and handlers should not know how the index
is filled. Start-up builds one :class:`turn.index_sync.IndexSync` per process; a periodic job
calls its ``catch_up`` so that every instance sees every writer's changes.
"""

from __future__ import annotations

import os

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


def encoder_for(settings: Settings, *, bulk: bool = False) -> Encoder | None:
    """The sentence encoder, or None when ``SIGNAALBOT_MATCHING_SEMANTIC`` is false.

    The bot's encoder uses ``SIGNAALBOT_MATCHING_ENCODER_THREADS`` cores (1: see
    :class:`matching.E5Encoder`); ``bulk`` is for a job that makes many vectors at once and has
    the machine to itself (``signaalbot import``, ``signaalbot vectors``):
    ``SIGNAALBOT_MATCHING_BULK_THREADS``, every core by default, at a lower priority, so a bot
    on the same machine keeps its cores for its replies (``E5Encoder(background=True)``).
    """
    if not settings.matching_semantic:
        return None
    if bulk:
        return E5Encoder(threads=bulk_threads(settings), background=True)
    return E5Encoder(threads=settings.matching_encoder_threads)


def bulk_threads(settings: Settings) -> int:
    """Cores for a bulk job: the setting, or (0) every core this process may run on."""
    if settings.matching_bulk_threads:
        return settings.matching_bulk_threads
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1


async def load_index(uow: UowFactory, settings: Settings) -> IndexSync:
    """A loaded index for ``settings``, and the follower that keeps it current."""
    sync = IndexSync(uow, new_index(settings.duplicate_threshold, encoder_for(settings)))
    await sync.load()
    return sync
