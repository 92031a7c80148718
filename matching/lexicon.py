"""The editable domain lexicon: synonym groups, abbreviations and compound parts.

Professionals describe the same thing in different words: "bijstand", "Participatiewet" and
"uitkering"; "statushouder" and "vergunninghouder"; "laaggeletterd" and "slecht lezen". No stemmer
or fuzzy matcher can know that, so a municipality keeps a lexicon in ``config/lexicon.toml``. Each
group maps its terms (words or phrases) to one canonical concept token that the analyzer adds to a
text's terms. Abbreviations are expanded before analysis. The file is plain TOML so policy staff
can edit it without touching code.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import Any

LEXICON_FILE = "lexicon.toml"
PARTS_FILE = "compound_parts.txt"


class LexiconError(ValueError):
    """The lexicon file is malformed; the message says where."""


@dataclass(frozen=True, slots=True)
class SynonymGroup:
    """Terms that mean the same for matching, with the concept they map to."""

    concept: str
    terms: tuple[str, ...]
    theme: str = ""


@dataclass(frozen=True, slots=True)
class Lexicon:
    """Everything the analyzer needs from configuration.

    ``corpus_parts`` are compound parts derived from a corpus (``config/compound_parts.txt``);
    they are kept apart from the curated ``compound_parts`` because they are noisier.
    """

    groups: tuple[SynonymGroup, ...] = ()
    abbreviations: dict[str, str] = field(default_factory=dict)
    compound_parts: frozenset[str] = frozenset()
    corpus_parts: frozenset[str] = frozenset()
    #: ``[direction]``: name -> words that say which way a text points ("niet", "minder",
    #: "meer", "tevreden"). Two signals are only flagged duplicates when they agree on which
    #: directions they name (see :mod:`matching.flag`).
    direction: dict[str, frozenset[str]] = field(default_factory=dict)


def _read_default(name: str) -> str | None:
    try:
        return resources.files("config").joinpath(name).read_text(encoding="utf-8")
    except (FileNotFoundError, ModuleNotFoundError):
        return None


def parse_lexicon(data: dict[str, Any], corpus_parts: frozenset[str] = frozenset()) -> Lexicon:
    """Build a :class:`Lexicon` from parsed TOML, validating shapes with clear messages."""
    groups: list[SynonymGroup] = []
    raw_groups = data.get("group", [])
    if not isinstance(raw_groups, list):
        raise LexiconError("'group' must be an array of tables ([[group]])")
    for i, raw in enumerate(raw_groups):
        if not isinstance(raw, dict):
            raise LexiconError(f"group #{i + 1} is not a table")
        concept = raw.get("concept")
        terms = raw.get("terms")
        if not isinstance(concept, str) or not concept.strip():
            raise LexiconError(f"group #{i + 1} needs a non-empty 'concept'")
        if not isinstance(terms, list) or not all(isinstance(t, str) for t in terms):
            raise LexiconError(f"group '{concept}' needs 'terms' as a list of strings")
        theme = raw.get("theme", "")
        groups.append(
            SynonymGroup(
                concept=concept.strip().lower(),
                terms=tuple(t for t in terms if t.strip()),
                theme=theme if isinstance(theme, str) else "",
            )
        )
    abbreviations = data.get("abbreviations", {})
    if not isinstance(abbreviations, dict) or not all(
        isinstance(k, str) and isinstance(v, str) for k, v in abbreviations.items()
    ):
        raise LexiconError("[abbreviations] must map strings to strings")
    compounds = data.get("compounds", {})
    parts = compounds.get("parts", []) if isinstance(compounds, dict) else []
    if not isinstance(parts, list) or not all(isinstance(p, str) for p in parts):
        raise LexiconError("[compounds] parts must be a list of strings")
    direction = data.get("direction", {})
    if not isinstance(direction, dict) or not all(
        isinstance(v, list) and all(isinstance(w, str) for w in v) for v in direction.values()
    ):
        raise LexiconError("[direction] must map names to lists of words")
    return Lexicon(
        groups=tuple(groups),
        abbreviations={k.lower(): v for k, v in abbreviations.items()},
        compound_parts=frozenset(p.lower() for p in parts),
        corpus_parts=corpus_parts,
        direction={k: frozenset(w.lower() for w in v) for k, v in direction.items()},
    )


def _parse_parts(text: str | None) -> frozenset[str]:
    if not text:
        return frozenset()
    return frozenset(
        line.strip().lower()
        for line in text.splitlines()
        if line.strip() and not line.lstrip().startswith("#")
    )


def load_lexicon(path: str | Path | None = None, parts_path: str | Path | None = None) -> Lexicon:
    """Load the lexicon: the packaged ``config/lexicon.toml`` or the file at ``path``.

    ``parts_path`` overrides the corpus-derived compound parts (``config/compound_parts.txt``);
    when ``path`` is given without ``parts_path``, the packaged parts file is still used, because
    it is generic Dutch vocabulary rather than municipal policy.
    """
    if path is not None:
        text: str | None = Path(path).read_text(encoding="utf-8")
    else:
        text = _read_default(LEXICON_FILE)
    if parts_path is not None:
        parts_text: str | None = Path(parts_path).read_text(encoding="utf-8")
    else:
        parts_text = _read_default(PARTS_FILE)
    if text is None:
        return Lexicon(corpus_parts=_parse_parts(parts_text))
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise LexiconError(f"lexicon is not valid TOML: {exc}") from exc
    return parse_lexicon(data, _parse_parts(parts_text))
