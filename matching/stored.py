"""The analysis of a document in a stored form, so start-up reads it instead of re-analysing.

Why: analysing a text (tokens, abbreviations, stems, compounds, concepts) is what made building
the index from 100,000 stored signals take 15-20 s. The result of :meth:`Analyzer.analyze`
depends only on the text and on the analyser (its code and the lexicon), so the caller stores
it next to the text and hands it back when the index is built.

Why it cannot give wrong results: every stored analysis starts with

* the analyser's **fingerprint** (:func:`fingerprint`): a hash of the lexicon, the compound
  parts, the analyser's weights and the source code of every module the analysis runs through;
  a changed lexicon, a new stemmer or other weights give another fingerprint;
* a **digest of the title and text** it was made from (:func:`source_of`), so a text changed by any writer (an edit, a script)
  no longer matches.

:func:`unpack` returns None when either differs, and the caller analyses the text again (and
may store the new form). The stored form is plain UTF-8 with control characters as separators
(``\\x1e`` between fields, ``\\x1f`` between items), about 200-400 bytes per signal, and it
decodes with a few ``str.split`` calls.
"""

from __future__ import annotations

import hashlib
import sys
from dataclasses import dataclass
from inspect import getsource

import matching.analyzer
import matching.compounds
import matching.lexicon
import matching.normalize
import matching.stemming
import matching.stopwords
import matching.typos
from matching.analyzer import Analysis, Analyzer
from matching.models import Document

#: The modules whose code decides what an analysis is; their source is part of the fingerprint
#: (this module too: it decides how an analysis is packed).
ANALYSIS_MODULES = (
    matching.analyzer,
    matching.compounds,
    matching.lexicon,
    matching.normalize,
    matching.stemming,
    matching.stopwords,
    matching.typos,
    sys.modules[__name__],
)
HEAD = 16  # 8 bytes fingerprint + 8 bytes text digest
_FIELD = "\x1e"
_ITEM = "\x1f"
_SEPARATORS = frozenset(_FIELD + _ITEM)


@dataclass(frozen=True, slots=True)
class Prepared:
    """What the index keeps of a document's analysis.

    ``weights``: term → weight; ``repeated``: terms that occur more than once (posted twice);
    ``fuzzy``: the stemmed content words for rapidfuzz; ``words``: the document's distinct
    words (spelling-correction targets and the explanation of a match).
    """

    weights: dict[str, float]
    repeated: tuple[str, ...]
    fuzzy: str
    words: tuple[str, ...]

    @classmethod
    def of(cls, analysis: Analysis) -> Prepared:
        seen: set[str] = set()
        repeated: list[str] = []
        for term in analysis.terms:
            if term in seen:
                if term not in repeated:
                    repeated.append(term)
            else:
                seen.add(term)
        words = tuple(sorted({w for w in analysis.normalized.split() if w.isalpha()}))
        return cls(analysis.weights, tuple(repeated), analysis.fuzzy, words)


def fingerprint(analyzer: Analyzer) -> bytes:
    """8 bytes that change whenever the analysis of some text could change."""
    h = hashlib.blake2b(digest_size=8)
    lexicon = analyzer.lexicon
    parts: list[str] = [
        repr((analyzer.part_weight, analyzer.concept_weight, analyzer.covered_weight)),
        repr(sorted((g.concept, g.terms) for g in lexicon.groups)),
        repr(sorted(lexicon.abbreviations.items())),
        repr(sorted(lexicon.compound_parts)),
        repr(sorted(lexicon.corpus_parts)),
    ]
    for module in ANALYSIS_MODULES:
        parts.append(getsource(module))
    for part in parts:
        h.update(part.encode("utf-8", "surrogatepass"))
        h.update(b"\x00")
    return h.digest()


def source_of(doc: Document) -> str:
    """What a document's analysis is made from, as the digest sees it: title and text."""
    return f"{doc.title}{_ITEM}{doc.text}"


def text_digest(text: str) -> bytes:
    return hashlib.blake2b(text.encode("utf-8", "surrogatepass"), digest_size=8).digest()


def pack(prepared: Prepared, key: bytes, text: str) -> bytes | None:
    """The stored form, or None when a term holds a separator (then it is not stored)."""
    terms = list(prepared.weights)
    table: list[float] = []
    codes: list[str] = []
    for term in terms:
        weight = prepared.weights[term]
        if weight not in table:
            table.append(weight)
        codes.append(chr(table.index(weight)))
    fields = (
        prepared.fuzzy,
        " ".join(prepared.words),
        _ITEM.join(terms),
        _ITEM.join(repr(w) for w in table),
        "".join(codes),
        _ITEM.join(prepared.repeated),
    )
    raw = (prepared.fuzzy, fields[1], *terms)
    if len(table) >= 28 or any(not _SEPARATORS.isdisjoint(f) for f in raw):
        return None
    return key + text_digest(text) + _FIELD.join(fields).encode("utf-8", "surrogatepass")


def payload_of(blob: bytes, key: bytes, text: str) -> str | None:
    """The stored analysis without its head; None when made for another analyser or text."""
    if len(blob) < HEAD or blob[:8] != key or blob[8:HEAD] != text_digest(text):
        return None
    try:
        payload = blob[HEAD:].decode("utf-8", "surrogatepass")
    except UnicodeDecodeError:
        return None
    return payload if payload.count(_FIELD) == 5 else None


def unpack(blob: bytes, key: bytes, text: str) -> Prepared | None:
    """The analysis stored by :func:`pack`; None when made for another analyser or text."""
    payload = payload_of(blob, key, text)
    if payload is None:
        return None
    try:
        return decode(payload)
    except (ValueError, IndexError):
        return None


def decode(payload: str) -> Prepared:
    """The :class:`Prepared` of a payload (:func:`payload_of`); raises ValueError when corrupt."""
    fuzzy, words, terms, table, codes, repeated = payload.split(_FIELD)
    weights_table = [float(w) for w in table.split(_ITEM)] if table else []
    weights = dict(
        zip(
            terms.split(_ITEM) if terms else (),
            map(weights_table.__getitem__, codes.encode("ascii")),
            strict=True,
        )
    )
    return Prepared(
        weights=weights,
        repeated=tuple(repeated.split(_ITEM)) if repeated else (),
        fuzzy=fuzzy,
        words=tuple(words.split(" ")) if words else (),
    )


def postings_of(payload: str) -> tuple[list[str], list[str], list[str]]:
    """(terms, repeated terms, words) of a payload: what building the postings needs."""
    _fuzzy, words, terms, _table, _codes, repeated = payload.split(_FIELD)
    return (
        terms.split(_ITEM) if terms else [],
        repeated.split(_ITEM) if repeated else [],
        words.split(" ") if words else [],
    )
