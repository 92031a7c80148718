"""The duplicate flag: a signal hit needs its score and the same directions on both sides."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pytest
from numpy.typing import NDArray

from matching import Analyzer, Document, MatchIndex
from matching.flag import Directions, agrees

TABLE = {"negation": ["niet", "geen"], "fewer": ["minder", "daalt"], "better": ["Tevreden"]}


@pytest.fixture(scope="module")
def analyzer() -> Analyzer:
    return Analyzer()


def sig(ref: str, text: str) -> Document:
    return Document("signal", ref, text[:80], text)


class SameVector:
    """An encoder that finds every text alike, so only the lexical part and the rule differ."""

    name = "same"
    dim = 4

    def encode(self, texts: Sequence[str], *, query: bool = False) -> NDArray[np.float32]:
        return np.tile(np.array([1, 0, 0, 0], dtype=np.float32), (len(texts), 1))


def test_directions_of_a_text() -> None:
    d = Directions.from_table(TABLE)
    assert d.of("Ouders komen NIET rond") == {"negation"}
    assert d.of("De uitval daalt; cliënten zijn tevreden") == {"fewer", "better"}
    assert d.of("Jongeren wachten op jeugdhulp") == frozenset()
    assert d.of("") == frozenset()


def test_only_signals_need_the_same_directions() -> None:
    assert agrees("signal", frozenset(), frozenset())
    assert agrees("signal", frozenset({"fewer"}), frozenset({"fewer"}))
    assert not agrees("signal", frozenset({"fewer"}), frozenset())
    assert agrees("study", frozenset({"negation"}), frozenset())


TEXTS = {
    "up": "Meer jongeren in Woensel verlaten het mbo zonder diploma",
    "same": "In Woensel verlaten meer jongeren het mbo zonder diploma",
    "down": "In Woensel verlaten minder jongeren het mbo, de uitval daalt",
}
QUERY = "Meer jongeren in Woensel stoppen zonder diploma"


def test_opposite_trend_is_shown_but_not_flagged(analyzer: Analyzer) -> None:
    encoder = SameVector()
    index = MatchIndex(analyzer, encoder=encoder, fused_thresholds={"signal": 1.0})
    for ref, text in TEXTS.items():
        index.add(sig(ref, text), encoder.encode([text])[0])
    hits = {h.ref: h for h in index.search(QUERY)}
    assert hits["up"].duplicate and hits["same"].duplicate
    down = hits["down"]
    assert down.semantic is not None and down.score >= 1.0
    assert not down.same_direction and not down.duplicate


def test_the_lexical_fallback_flags_by_score_alone(analyzer: Analyzer) -> None:
    index = MatchIndex(analyzer, duplicate_threshold=1.0)
    for ref, text in TEXTS.items():
        index.add(sig(ref, text))
    down = next(h for h in index.search(QUERY) if h.ref == "down")
    assert down.semantic is None and not down.same_direction and down.duplicate


def test_studies_are_flagged_by_score_alone(analyzer: Analyzer) -> None:
    index = MatchIndex(analyzer, kind_thresholds={"study": 1.0})
    index.add(Document("study", "s", "Armoede in Eindhoven", "Hoeveel gezinnen leven in armoede"))
    hit = index.search("Gezinnen komen niet rond in Eindhoven", "study")[0]
    assert hit.duplicate and hit.same_direction
