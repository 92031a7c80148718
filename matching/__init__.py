"""Dutch-aware similarity search for signals and studies (no platform or database imports).

Public API::

    from matching import MatchIndex, Document, Match, Analyzer, load_lexicon, E5Encoder

See :mod:`matching.index` for the design and the concurrency contract.
"""

from matching.analyzer import Analysis, Analyzer
from matching.bulk import add_stored
from matching.encoder import E5Encoder, Encoder, from_blob, to_blob
from matching.fusion import FusionConfig
from matching.index import (
    DEFAULT_DUPLICATE_THRESHOLD,
    DEFAULT_FUSED_THRESHOLDS,
    DEFAULT_KIND_THRESHOLDS,
    MatchIndex,
)
from matching.lexicon import Lexicon, LexiconError, SynonymGroup, load_lexicon
from matching.models import SIGNAL, STUDY, Document, Match
from matching.scorer import ScoringConfig
from matching.stored import Prepared

__all__ = [
    "DEFAULT_DUPLICATE_THRESHOLD",
    "DEFAULT_FUSED_THRESHOLDS",
    "DEFAULT_KIND_THRESHOLDS",
    "SIGNAL",
    "STUDY",
    "Analysis",
    "Analyzer",
    "Document",
    "E5Encoder",
    "Encoder",
    "FusionConfig",
    "Lexicon",
    "LexiconError",
    "Match",
    "MatchIndex",
    "Prepared",
    "ScoringConfig",
    "SynonymGroup",
    "add_stored",
    "from_blob",
    "load_lexicon",
    "to_blob",
]
