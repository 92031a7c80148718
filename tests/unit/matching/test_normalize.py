"""Normalisation, stop words, stemming and compound splitting."""

from __future__ import annotations

import pytest

from matching.compounds import CompoundSplitter
from matching.normalize import normalize, strip_accents, tokenize
from matching.stemming import stem
from matching.stopwords import STOPWORDS


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("Cliënten", "clienten"),
        ("CLIËNTEN!", "clienten"),
        ("geïsoleerd, één café", "geisoleerd een cafe"),
        ("niet-aangeboren hersenletsel", "niet aangeboren hersenletsel"),
        ("baby's en zzp'ers", "babys en zzpers"),
        ("18-jarigen (18+)", "18 jarigen 18"),
        ("18jarigen", "18 jarigen"),
        ("  veel   spaties\tn\u00e9\n", "veel spaties ne"),
        ("ĳs", "ijs"),
        ("😀 emoji 🚀", "emoji"),
        ("", ""),
    ],
)
def test_normalize(raw: str, expected: str) -> None:
    assert normalize(raw) == expected


def test_strip_accents_keeps_base_letters() -> None:
    assert strip_accents("ëéèêïöü") == "eeeeiou"


def test_tokenize_caps_length() -> None:
    assert len(tokenize("woord " * 5000)) < 1000


def test_stopwords_are_normalised() -> None:
    assert "de" in STOPWORDS and "met" in STOPWORDS
    assert all(w == normalize(w) for w in STOPWORDS)


def test_stem_folds_inflection_and_caches() -> None:
    assert stem("uitkeringen") == stem("uitkering")
    assert stem("jongeren") == stem("jongere")
    assert stem("2020") == "2020"
    assert stem.cache_info().currsize > 0


SPLITTER = CompoundSplitter(
    [
        "jeugd",
        "hulp",
        "verlening",
        "schuld",
        "mantel",
        "zorg",
        "ondersteuning",
        "wijk",
        "team",
        "bijstand",
        "uitkering",
        "kind",
        "eren",
        "taal",
        "les",
    ]
)


@pytest.mark.parametrize(
    ("word", "parts"),
    [
        ("jeugdhulpverlening", {"jeugd", "hulp", "verlening"}),
        ("schuldhulpverlening", {"schuld", "hulp", "verlening"}),
        ("mantelzorgondersteuning", {"mantel", "zorg", "ondersteuning"}),
        ("wijkteam", {"wijk", "team"}),
        ("wijkteams", {"wijk", "team"}),
        ("bijstandsuitkering", {"bijstand", "uitkering"}),
        ("taallessen", {"taal", "les"}),
    ],
)
def test_compound_split(word: str, parts: set[str]) -> None:
    assert parts <= set(SPLITTER.split(word))


@pytest.mark.parametrize("word", ["kinderen", "ondersteuning", "jeugd", "xyzxyzxyz", "a"])
def test_no_false_split(word: str) -> None:
    assert SPLITTER.split(word) == ()


def test_default_splitter_knows_domain_compounds() -> None:
    from matching import Analyzer

    split = Analyzer().splitter.split
    assert {"jeugd", "hulp", "verlening"} <= set(split("jeugdhulpverlening"))
    assert {"schuld", "hulp"} <= set(split("schuldhulpverlening"))
    assert {"mantelzorg", "ondersteuning"} <= set(split("mantelzorgondersteuning"))
    assert split("kinderen") == ()
