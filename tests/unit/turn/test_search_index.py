"""Which encoder a job gets: the bot one thread, a bulk job every core, both configurable."""

from __future__ import annotations

import os

from matching import E5Encoder
from tests.conftest import make_settings
from turn.search_index import bulk_threads, encoder_for

URL = "sqlite:///:memory:"


def test_the_bot_uses_one_thread_and_a_bulk_job_every_core() -> None:
    settings = make_settings(URL)
    bot, bulk = encoder_for(settings), encoder_for(settings, bulk=True)
    assert isinstance(bot, E5Encoder) and isinstance(bulk, E5Encoder)
    assert bot.threads == 1
    assert bulk.threads == len(os.sched_getaffinity(0)) == bulk_threads(settings)


def test_both_counts_come_from_the_settings() -> None:
    settings = make_settings(URL, matching_encoder_threads=2, matching_bulk_threads=1)
    bot, bulk = encoder_for(settings), encoder_for(settings, bulk=True)
    assert isinstance(bot, E5Encoder) and isinstance(bulk, E5Encoder)
    assert (bot.threads, bulk.threads) == (2, 1)


def test_no_encoder_without_the_semantic_layer() -> None:
    settings = make_settings(URL, matching_semantic=False)
    assert encoder_for(settings) is None and encoder_for(settings, bulk=True) is None
