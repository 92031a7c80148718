"""Each encoder uses its own number of OpenMP threads, whichever was made first in the process.

libgomp reads ``OMP_NUM_THREADS`` once, when the engine loads; before, a second encoder with
another count (the import's, next to the bot's) silently ran with the first one's.
"""

from __future__ import annotations

import ctypes
import os
import threading
from concurrent.futures import ThreadPoolExecutor

from matching import E5Encoder
from matching.encoder import BACKGROUND_NICE


def omp_threads_after(encoder: E5Encoder) -> int:
    """The calling thread's OpenMP team size right after an ``encode`` call in it."""
    encoder.encode(["Jongeren wachten op jeugdhulp", "Ouderen zijn eenzaam"])
    engine: ctypes.CDLL = encoder._model._lib
    return int(engine.omp_get_max_threads())


def test_two_encoders_in_one_process_keep_their_own_thread_counts() -> None:
    one = E5Encoder(threads=1)
    two = E5Encoder(threads=2)
    assert (one.threads, two.threads) == (1, 2)
    assert omp_threads_after(two) == 2
    assert omp_threads_after(one) == 1
    with ThreadPoolExecutor(1) as worker:  # as the bot and the import call it: asyncio.to_thread
        assert worker.submit(omp_threads_after, two).result() == 2
        assert worker.submit(omp_threads_after, one).result() == 1
    assert os.environ["OMP_WAIT_POLICY"] == "PASSIVE"


def test_the_vectors_do_not_depend_on_the_thread_count() -> None:
    texts = ["Jongeren wachten op jeugdhulp", "Ouderen zijn eenzaam", "Schulden bij gezinnen"]
    one, two = E5Encoder(threads=1).encode(texts), E5Encoder(threads=2).encode(texts)
    assert abs(one - two).max() < 1e-5


def test_a_background_encoder_lowers_only_the_threads_that_encode() -> None:
    """The bulk job yields its cores to a bot on the same machine; the caller's thread is
    untouched, and a thread is lowered once, however many batches it encodes."""

    def nice_after(encoder: E5Encoder, batches: int) -> int:
        for _ in range(batches):
            encoder.encode(["Jongeren wachten op jeugdhulp"])
        return os.getpriority(os.PRIO_PROCESS, threading.get_native_id())

    main_before = os.getpriority(os.PRIO_PROCESS, threading.get_native_id())
    with ThreadPoolExecutor(1) as worker:
        start = worker.submit(os.getpriority, os.PRIO_PROCESS, 0).result()
        assert worker.submit(nice_after, E5Encoder(threads=1), 1).result() == start
        background = E5Encoder(threads=2, background=True)
        assert worker.submit(nice_after, background, 3).result() == min(start + BACKGROUND_NICE, 19)
    assert os.getpriority(os.PRIO_PROCESS, threading.get_native_id()) == main_before
