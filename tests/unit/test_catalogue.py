"""The Dutch and English catalogues must agree: same keys, same placeholders, in every file."""

from __future__ import annotations

import tomllib
from importlib import resources
from pathlib import Path

import pytest

from kernel.i18n import _flatten, placeholders

MESSAGES = Path(str(resources.files("config") / "messages"))
FILES = sorted(p.name for p in (MESSAGES / "nl").glob("*.toml"))


def _load(locale: str, name: str) -> dict[str, str]:
    out: dict[str, str] = {}
    _flatten(
        name.removesuffix(".toml"),
        tomllib.loads((MESSAGES / locale / name).read_text("utf-8")),
        out,
    )
    return out


def test_every_file_exists_in_both_languages() -> None:
    assert FILES, "no catalogue files found"
    assert sorted(p.name for p in (MESSAGES / "en").glob("*.toml")) == FILES


@pytest.mark.parametrize("name", FILES)
def test_same_keys_and_placeholders(name: str) -> None:
    nl, en = _load("nl", name), _load("en", name)
    assert sorted(set(nl) ^ set(en)) == [], f"keys only in one language in {name}"
    differ = {
        k: (placeholders(nl[k]), placeholders(en[k]))
        for k in nl
        if placeholders(nl[k]) != placeholders(en[k])
    }
    assert differ == {}, f"placeholders differ in {name}"


@pytest.mark.parametrize("name", FILES)
def test_no_empty_texts(name: str) -> None:
    for locale in ("nl", "en"):
        empty = [k for k, v in _load(locale, name).items() if not v.strip()]
        assert empty == [], f"{locale}/{name}"
