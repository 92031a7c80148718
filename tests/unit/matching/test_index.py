"""MatchIndex behaviour: add/replace/remove, filters, threshold and robustness."""

from __future__ import annotations

import dataclasses

import pytest

from matching import DEFAULT_DUPLICATE_THRESHOLD, Analyzer, Document, Match, MatchIndex


@pytest.fixture(scope="module")
def analyzer() -> Analyzer:
    return Analyzer()


def sig(ref: str, text: str) -> Document:
    return Document("signal", ref, text[:80], text)


@pytest.fixture
def index(analyzer: Analyzer) -> MatchIndex:
    ix = MatchIndex(analyzer)
    ix.add_many(
        [
            sig("s1", "Mensen in de Participatiewet die slecht lezen"),
            sig("s2", "Steeds meer jongeren met schulden bij de zorgverzekeraar"),
            sig("s3", "Ouderen in de wijk zijn eenzaam sinds de coronacrisis"),
            sig("s4", "Lange wachtlijsten bij de jeugd-ggz"),
            Document(
                "study",
                "udc-bijstand-2018",
                "Profielen bijstand en instroom Eindhoven",
                "Profielen van inwoners die in de bijstand instromen.",
            ),
        ]
    )
    return ix


def test_public_api_shapes() -> None:
    assert dataclasses.fields(Document)[0].name == "kind"
    doc = Document("signal", "r", "t", "x")
    with pytest.raises(dataclasses.FrozenInstanceError):
        doc.ref = "y"  # type: ignore[misc]
    assert [f.name for f in dataclasses.fields(Match)] == [
        "kind",
        "ref",
        "title",
        "score",
        "duplicate",
        "lexical",
        "semantic",
        "shared",
        "same_direction",
    ]


def test_example_bijstand_laaggeletterd(index: MatchIndex) -> None:
    hits = index.search("cliënten in de bijstand met laaggeletterdheid", kind="signal")
    assert hits[0].ref == "s1"


def test_scores_sorted_rounded_and_bounded(index: MatchIndex) -> None:
    hits = index.search("jongeren met schulden en eenzame ouderen", limit=10)
    scores = [h.score for h in hits]
    assert scores == sorted(scores, reverse=True)
    assert all(0 <= s <= 100 and round(s, 1) == s for s in scores)


def test_identical_text_is_duplicate(index: MatchIndex) -> None:
    hit = index.search("Lange wachtlijsten bij de jeugd-ggz")[0]
    assert hit.ref == "s4" and hit.duplicate and hit.score >= 95


def test_len_add_replace_remove(index: MatchIndex) -> None:
    assert len(index) == 5
    index.add(sig("s2", "Statushouders vinden geen werk"))
    assert len(index) == 5
    old = index.search("jongeren schulden zorgverzekeraar", kind="signal")
    assert all(h.ref != "s2" or h.score < 40 for h in old)
    assert index.search("vergunninghouders zonder baan", kind="signal")[0].ref == "s2"
    index.remove("signal", "s2")
    assert len(index) == 4
    assert all(h.ref != "s2" for h in index.search("statushouders werk", limit=10))
    index.remove("signal", "does-not-exist")
    index.remove("nokind", "x")
    assert len(index) == 4


def test_kind_filter(index: MatchIndex) -> None:
    assert {h.kind for h in index.search("bijstand", kind="study")} == {"study"}
    assert {h.kind for h in index.search("bijstand", kind="signal")} == {"signal"}
    assert {h.kind for h in index.search("bijstand", limit=10)} == {"signal", "study"}
    assert index.search("bijstand", kind="unknown") == []


def test_exclude(index: MatchIndex) -> None:
    text = "Lange wachtlijsten bij de jeugd-ggz"
    hits = index.search(text, exclude=[("signal", "s4")], limit=10)
    assert all(h.ref != "s4" for h in hits)
    # excluding a study ref with the same name does not hide the signal
    assert index.search(text, exclude=[("study", "s4")])[0].ref == "s4"


def test_limit(index: MatchIndex) -> None:
    assert len(index.search("bijstand jongeren ouderen", limit=1)) <= 1
    assert index.search("bijstand", limit=0) == []


def test_threshold(analyzer: Analyzer) -> None:
    strict = MatchIndex(analyzer, duplicate_threshold=101)
    lax = MatchIndex(analyzer, duplicate_threshold=0)
    for ix in (strict, lax):
        ix.add(sig("a", "Ouderen zijn eenzaam"))
    assert not strict.search("Ouderen zijn eenzaam")[0].duplicate
    assert lax.search("iets over eenzame senioren")[0].duplicate


@pytest.mark.parametrize("query", ["", "   ", "de het een", "!!!", "🙂🙃🚀", "\x00\x01"])
def test_empty_or_meaningless_query(index: MatchIndex, query: str) -> None:
    assert index.search(query) == []


def test_long_and_emoji_input_does_not_crash(index: MatchIndex) -> None:
    long_text = ("jongeren met schulden 🙂 " * 600)[:10_000]
    assert len(long_text) == 10_000
    assert index.search(long_text)[0].ref == "s2"
    index.add(sig("long", long_text))
    assert ("signal", "long") in index
    assert index.search("🙂 ouderen eenzaam 🙂")[0].ref == "s3"
    assert isinstance(index.search("x" * 10_000), list)
    assert isinstance(index.search("schuldhulpverlening " * 700), list)


def test_typo_is_corrected(index: MatchIndex) -> None:
    assert index.search("partcipatiewet slecht lezen")[0].ref == "s1"
    assert index.search("wachtlijsten jeugdggz")[0].ref == "s4"


def test_empty_index(analyzer: Analyzer) -> None:
    assert MatchIndex(analyzer).search("bijstand") == []
    assert len(MatchIndex(analyzer)) == 0


def test_many_removals_compact(analyzer: Analyzer) -> None:
    ix = MatchIndex(analyzer)
    ix.add_many(sig(f"r{i}", f"jongeren met schulden in wijk {i}") for i in range(300))
    for i in range(290):
        ix.remove("signal", f"r{i}")
    assert len(ix) == 10
    hits = ix.search("jongeren met schulden", limit=20)
    assert {h.ref for h in hits} == {f"r{i}" for i in range(290, 300)}


def test_kind_thresholds(analyzer: Analyzer) -> None:
    ix = MatchIndex(analyzer, duplicate_threshold=90, kind_thresholds={"study": 10})
    assert ix.threshold_for("study") == 10 and ix.threshold_for("signal") == 90
    default = MatchIndex(analyzer, kind_thresholds={}).threshold_for("study")
    assert default == DEFAULT_DUPLICATE_THRESHOLD
    ix.add(Document("study", "x", "Armoede in Eindhoven", "Analyse van armoede"))
    ix.add(sig("y", "Armoede in de wijk neemt toe bij gezinnen met kinderen"))
    hits = {h.kind: h for h in ix.search("armoede bij gezinnen", limit=5)}
    assert hits["study"].duplicate and not hits["signal"].duplicate
