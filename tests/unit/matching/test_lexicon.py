"""Lexicon loading and concept mapping (synonyms, abbreviations, phrases)."""

from __future__ import annotations

from pathlib import Path

import pytest

from matching import Analyzer, LexiconError, load_lexicon


@pytest.fixture(scope="module")
def analyzer() -> Analyzer:
    return Analyzer()


def test_default_lexicon_is_rich() -> None:
    lex = load_lexicon()
    assert len(lex.groups) >= 60
    themes = {g.theme for g in lex.groups}
    for theme in [
        "Jeugd",
        "Wmo",
        "Werk en inkomen",
        "Onderwijs",
        "Armoede en schulden",
        "Maatschappelijke opvang",
        "Veiligheid",
        "Wonen",
    ]:
        assert theme in themes
    assert lex.abbreviations["lvb"] == "licht verstandelijke beperking"
    assert lex.corpus_parts


def concepts(analyzer: Analyzer, text: str) -> set[str]:
    return {t for t in analyzer.analyze(text).weights if t.startswith("@")}


@pytest.mark.parametrize(
    ("a", "b", "concept"),
    [
        ("bijstand", "Participatiewet", "@bijstand"),
        ("een uitkering", "bijstandsuitkering", "@bijstand"),
        ("statushouders", "vergunninghouder", "@statushouder"),
        ("laaggeletterdheid", "moeite met het lezen", "@laaggeletterd"),
        ("laaggeletterd", "slecht lezen", "@laaggeletterd"),
        ("LVB", "licht verstandelijke beperking", "@lvb"),
        ("NAH", "niet-aangeboren hersenletsel", "@nah"),
        ("GGZ", "psychische problemen", "@ggz"),
        ("Wmo", "maatschappelijke ondersteuning", "@wmo"),
        ("schuldhulp", "schuldhulpverlening", "@schuldhulp"),
        ("mantelzorger", "informele zorg", "@mantelzorg"),
        ("jongeren", "tieners", "@jongeren"),
        ("eenzaam", "geïsoleerd", "@eenzaamheid"),
        ("dakloos", "maatschappelijke opvang", "@dakloos"),
        ("thuislozen", "daklozen", "@dakloos"),
    ],
)
def test_synonyms_share_concept(analyzer: Analyzer, a: str, b: str, concept: str) -> None:
    assert concept in concepts(analyzer, a)
    assert concept in concepts(analyzer, b)


def test_phrase_needs_all_words_in_order(analyzer: Analyzer) -> None:
    assert "@laaggeletterd" not in concepts(analyzer, "lezen gaat slecht")
    assert "@laaggeletterd" not in concepts(analyzer, "slecht weer")


def test_compound_part_maps_to_concept_with_lower_weight(analyzer: Analyzer) -> None:
    weights = analyzer.analyze("schuldenproblematiek").weights
    assert 0 < weights["@schulden"] < 1


def test_custom_lexicon_path(tmp_path: Path) -> None:
    path = tmp_path / "lex.toml"
    path.write_text(
        '[[group]]\nconcept = "fiets"\nterms = ["fiets", "rijwiel", "stalen ros"]\n'
        '[abbreviations]\nfts = "fiets"\n',
        encoding="utf-8",
    )
    custom = Analyzer(load_lexicon(path))
    assert "@fiets" in concepts(custom, "een rijwiel")
    assert "@fiets" in concepts(custom, "mijn stalen ros")
    assert "@fiets" in concepts(custom, "FTS")
    assert "@bijstand" not in concepts(custom, "bijstand")


@pytest.mark.parametrize(
    "content",
    [
        "[[group]]\nterms = ['a']\n",
        "[[group]]\nconcept = 'x'\nterms = 'a'\n",
        "not toml [",
        "[direction]\nfewer = 'minder'\n",
    ],
)
def test_bad_lexicon_raises(tmp_path: Path, content: str) -> None:
    path = tmp_path / "bad.toml"
    path.write_text(content, encoding="utf-8")
    with pytest.raises(LexiconError):
        load_lexicon(path)


def test_direction_words_are_configured() -> None:
    direction = load_lexicon().direction
    assert {"negation", "fewer", "more", "better"} <= set(direction)
    assert "minder" in direction["fewer"] and "niet" in direction["negation"]
