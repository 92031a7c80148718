"""Fusing the lexical score with the encoder's cosine, both on the 0..100 scale.

Why a linear mix of calibrated scores and not rank fusion (RRF): the duplicate flag needs a
score that means the same for every query, and a rank does not. The cosine of e5 models lives in
a narrow band (unrelated Dutch texts ~0.75, paraphrases ~0.88), so it is first stretched
linearly from ``[floor, ceiling]`` to 0..100; then ``lexical_weight`` of the lexical score is
added to the rest of the stretched cosine. Every number here was chosen on the *dev* halves of
both labelled sets (``benchmarks/matching_quality.py --calibrate``), never on a test half.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class FusionConfig:
    """How the semantic score is made and mixed in; ``lexical_weight`` 0 = semantic only."""

    lexical_weight: float = 0.55
    floor: float = 0.75
    ceiling: float = 0.96
    #: Semantic candidates added to the lexical pool per query (the scan's top k).
    pool: int = 40

    def semantic(self, cosine: float) -> float:
        """The cosine stretched to 0..100."""
        span = self.ceiling - self.floor
        value = (cosine - self.floor) / span if span > 0 else 0.0
        return 100.0 * min(1.0, max(0.0, value))

    def fuse(self, lexical: float, cosine: float) -> float:
        w = self.lexical_weight
        return w * lexical + (1.0 - w) * self.semantic(cosine)
