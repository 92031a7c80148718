"""Each encoder uses its own number of OpenMP threads, whichever was made first in the process.

libgomp reads ``OMP_NUM_THREADS`` once, when the engine loads; before, a second encoder with
another count (the import's, next to the bot's) silently ran with the first one's.
"""

from __future__ import annotations

import ctypes
import os
from concurrent.futures import ThreadPoolExecutor

from matching import E5Encoder


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
