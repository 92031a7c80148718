"""The semantic layer: the shipped encoder, stored vectors, the int8 store and the fusion."""

from __future__ import annotations

import numpy as np
import pytest

from matching import Analyzer, Document, E5Encoder, Encoder, MatchIndex, from_blob, to_blob
from matching.vectors import VectorStore


@pytest.fixture(scope="module")
def encoder() -> E5Encoder:
    return E5Encoder()


@pytest.fixture(scope="module")
def analyzer() -> Analyzer:
    return Analyzer()


def sig(ref: str, text: str) -> Document:
    return Document("signal", ref, text[:80], text)


def test_encoder_is_the_port_and_gives_unit_rows(encoder: E5Encoder) -> None:
    assert isinstance(encoder, Encoder)
    rows = encoder.encode(["Jongeren wachten op jeugdhulp", "x" * 20_000, ""])
    assert rows.shape == (3, encoder.dim) and rows.dtype == np.float32
    assert np.allclose(np.linalg.norm(rows[:2], axis=1), 1.0, atol=1e-4)
    assert encoder.encode([]).shape == (0, encoder.dim)


def test_meaning_beats_unrelated_across_languages(encoder: E5Encoder) -> None:
    q = encoder.encode(["Gezinnen wachten maanden op hulp voor hun kind"], query=True)[0]
    docs = encoder.encode(
        [
            "Families wait months for help for their child",
            "De gemeente plant nieuwe bomen in het park",
        ]
    )
    same, other = docs @ q
    assert same > other + 0.05


def test_blob_round_trip_is_compact_and_close(encoder: E5Encoder) -> None:
    vec = encoder.encode(["Schulden bij de zorgverzekeraar"])[0]
    blob = to_blob(vec)
    assert len(blob) == 4 + encoder.dim
    parsed = from_blob(blob, encoder.dim)
    assert parsed is not None
    scale, values = parsed
    assert float(np.abs(values.astype(np.float32) * scale - vec).max()) < 0.005
    assert from_blob(blob[:-1], encoder.dim) is None


def test_vector_store_top_discard_and_compact() -> None:
    rng = np.random.default_rng(1)
    vectors = rng.standard_normal((3000, 16)).astype(np.float32)
    vectors /= np.linalg.norm(vectors, axis=1, keepdims=True)
    store = VectorStore(16)
    for i, v in enumerate(vectors):
        assert store.put(i, v)
    assert not store.put(99_999, np.zeros(8, dtype=np.float32))
    best = store.top(vectors[7], 3)
    assert best[0][0] == 7 and best[0][1] == pytest.approx(1.0, abs=0.01)
    for i in range(0, 2500):
        store.discard(i)
    assert len(store) == 500
    ids = [d for d, _ in store.top(vectors[2900], 600)]
    assert ids[0] == 2900 and len(ids) == 500 and min(ids) >= 2500
    assert store.cosine(3, vectors[3]) is None


def test_fused_finds_a_paraphrase_in_english_that_shares_no_word(
    encoder: E5Encoder, analyzer: Analyzer
) -> None:
    texts = {
        "a": "Ouderen in de wijk zitten de hele dag alleen thuis en zien niemand",
        "b": "Steeds meer jongeren hebben schulden bij de zorgverzekeraar",
        "c": "De wachtlijst voor schuldhulpverlening wordt steeds langer",
    }
    query = "Older people in the area sit at home alone all day"
    lexical = MatchIndex(analyzer)
    fused = MatchIndex(analyzer, encoder=encoder)
    vectors = encoder.encode(list(texts.values()))
    for (ref, text), vec in zip(texts.items(), vectors, strict=True):
        lexical.add(sig(ref, text))
        fused.add(sig(ref, text), vec)
    by_words = {m.ref: m.score for m in lexical.search(query, "signal")}
    best = fused.search(query, "signal")[0]
    assert best.ref == "a"
    assert best.semantic is not None and best.semantic > best.lexical
    assert best.score > by_words.get("a", 0.0)  # meaning lifts what the words barely find
    assert fused.vector_count() == 3


def test_a_document_without_vector_keeps_its_lexical_score(
    encoder: E5Encoder, analyzer: Analyzer
) -> None:
    index = MatchIndex(analyzer, encoder=encoder)
    text = "Mensen in de bijstand die slecht lezen begrijpen de brieven niet"
    index.add(sig("new", text))
    index.add(sig("old", "Jongeren vallen uit op het mbo"), encoder.encode(["Jongeren"])[0])
    hit = index.search(text, "signal")[0]
    assert hit.ref == "new" and hit.semantic is None
    assert hit.score == hit.lexical
    assert hit.duplicate == (hit.score >= index.threshold_for("signal"))
    assert not index.has_vector("signal", "new")
    assert index.set_vector("signal", "new", encoder.encode([text])[0])
    again = index.search(text, "signal")[0]
    assert again.semantic is not None and again.duplicate
    assert not index.set_vector("signal", "gone", encoder.encode([text])[0])


def test_a_match_says_which_words_it_shares(analyzer: Analyzer) -> None:
    index = MatchIndex(analyzer)
    index.add(sig("s1", "Lange wachtlijst voor schuldhulpverlening in Woensel"))
    hit = index.search("De wachtlijst bij de schuldhulp is lang", "signal")[0]
    assert "wachtlijst" in hit.shared


def test_a_study_title_inside_the_text_always_shows(analyzer: Analyzer) -> None:
    index = MatchIndex(analyzer)
    index.add(
        Document(
            "study",
            "ehv-armoede",
            "Armoedesignalen in Eindhoven",
            "Armoedesignalen in Eindhoven. Een verkenning van signalen over geldzorgen bij "
            "inwoners, verzameld bij wijkteams, scholen en de voedselbank.",
        )
    )
    text = "Armoedesignalen in Eindhoven nemen toe: meer gezinnen melden zich bij het wijkteam"
    hit = index.search(text, "study")[0]
    assert hit.duplicate and index.worth_showing(hit)
    unrelated = index.search("Armoede bij ouderen in Stratum", "study")
    assert not unrelated or not unrelated[0].duplicate


@pytest.mark.parametrize("text", ["", "   ", "🙂🙂🙂", "!!! ???"])
def test_queries_without_words_find_nothing(
    text: str, encoder: E5Encoder, analyzer: Analyzer
) -> None:
    index = MatchIndex(analyzer, encoder=encoder)
    index.add(sig("s1", "Ouderen zijn eenzaam"), encoder.encode(["Ouderen zijn eenzaam"])[0])
    assert index.search(text) == []
