"""Long-running processes take their start-up heap out of the garbage collector's way.

Why: CPython's full collection walks every tracked object, on the event loop, at a moment set
by allocation counts, and every request in flight waits for it. After start-up ``serve``
tracks about 200,000 objects (modules, botbuilder's models, the catalogue, the lexicon, the
match index; many more with a large index): a full collection took 68 ms on an idle core and
stalled paced Teams requests by 170-220 ms on the loaded benchmark machine
(``benchmarks/hostile_load.py --pace``), with nothing hostile in flight. Those objects live as
long as the process, so walking them is wasted work. :func:`gc.freeze` moves them into a
permanent generation that collections skip; what the process makes later (turns, new index
entries) is collected as before.
"""

from __future__ import annotations

import gc


def freeze_startup_heap() -> int:
    """Collect once, then exempt every surviving object from later collections.

    Call it when start-up is done (database ready, index loaded, app built), right before
    the process starts serving. Returns how many objects were frozen.
    """
    gc.collect()
    gc.freeze()
    return gc.get_freeze_count()
