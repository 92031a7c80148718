"""The guard's word lists live in config/privacy_words.toml and can be swapped per guard."""

from __future__ import annotations

from pathlib import Path

import pytest

from privacy import Guard, WordLists, load_words
from privacy.words import WordListError, parse_words


def test_packaged_lists_load() -> None:
    words = load_words()
    assert "Fatima" in words.first_names and "fatima" not in words.first_names
    assert "gemeente" in words.not_names and "snelweg" in words.not_streets
    assert len(words.first_names) > 500


def test_a_guard_uses_its_own_lists() -> None:
    text = "Ik sprak Zorro gisteren."
    assert Guard().scan(text) == []
    custom = Guard(WordLists(first_names=frozenset({"Zorro"})))
    assert [(f.kind, text[f.start : f.end]) for f in custom.scan(text)] == [("name", "Zorro")]


def test_bad_lists_are_refused_with_a_clear_message(tmp_path: Path) -> None:
    with pytest.raises(WordListError, match="first_names: expected a string"):
        parse_words({"first_names": ["Anna"]})
    with pytest.raises(WordListError, match="unknown word lists: surnames"):
        parse_words({"surnames": "Jansen"})
    broken = tmp_path / "words.toml"
    broken.write_text('first_names = "Anna', encoding="utf-8")
    with pytest.raises(WordListError, match="not valid TOML"):
        load_words(broken)
