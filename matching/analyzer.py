"""Text analysis: from a Dutch signal to the terms the index scores on.

Pipeline (each step in its own module): normalise and tokenise → expand abbreviations → optional
spelling correction → drop stop words → stem → split compounds → add lexicon concepts (single
words, compound parts and multi-word phrases). The result carries

* ``weights``: term → weight. Stems and concepts weigh 1; compound parts and concepts found only
  through a compound part weigh less, because "schuldhulp" is evidence for "schulden" but weaker
  than the word itself;
* ``terms``: the terms in order with repetition (term frequency);
* ``normalized``: the normalised text, and ``fuzzy``: the stemmed content words, which the scorer
  compares with rapidfuzz.

Concept terms start with ``@`` so they can never collide with a stem.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from matching.compounds import CompoundSplitter
from matching.lexicon import Lexicon, load_lexicon
from matching.normalize import MAX_CHARS, normalize, tokenize
from matching.stemming import stem
from matching.stopwords import STOPWORDS

CONCEPT_PREFIX = "@"

Corrector = Callable[[str], "str | None"]


@dataclass(frozen=True, slots=True)
class Analysis:
    """The analysed form of one text (see module docstring)."""

    terms: tuple[str, ...]
    weights: dict[str, float]
    normalized: str
    fuzzy: str


class Analyzer:
    """Turns text into weighted terms; immutable after construction, safe to share.

    ``part_weight`` is the weight of compound parts (and of concepts reached through a part);
    ``concept_weight`` the weight of a lexicon concept found in the text itself.
    """

    def __init__(
        self,
        lexicon: Lexicon | None = None,
        *,
        part_weight: float = 0.5,
        concept_weight: float = 1.0,
    ) -> None:
        self.lexicon = lexicon if lexicon is not None else load_lexicon()
        self.part_weight = part_weight
        self.concept_weight = concept_weight
        self._abbreviations: dict[str, tuple[str, ...]] = {
            normalize(k): tuple(tokenize(v)) for k, v in self.lexicon.abbreviations.items()
        }
        self._single: dict[str, set[str]] = {}
        self._phrases: dict[str, list[tuple[tuple[str, ...], str]]] = {}
        vocabulary: set[str] = set()
        for group in self.lexicon.groups:
            concept = CONCEPT_PREFIX + group.concept
            for term in group.terms:
                words = [w for w in tokenize(term) if w not in STOPWORDS]
                vocabulary.update(w for w in tokenize(term) if w.isalpha())
                stems = tuple(stem(w) for w in words)
                if not stems:
                    continue
                if len(stems) == 1:
                    self._single.setdefault(stems[0], set()).add(concept)
                else:
                    self._phrases.setdefault(stems[0], []).append((stems, concept))
        for entries in self._phrases.values():
            entries.sort(key=lambda e: -len(e[0]))
        for expansion in self._abbreviations.values():
            vocabulary.update(expansion)
        curated = self.lexicon.compound_parts | {w for w in vocabulary if len(w) >= 4}
        self._splitter = CompoundSplitter(curated | self.lexicon.corpus_parts)
        #: Words the lexicon knows; the index uses them as spelling-correction targets.
        self.vocabulary: frozenset[str] = frozenset(vocabulary | self.lexicon.compound_parts)

    @property
    def splitter(self) -> CompoundSplitter:
        """The compound splitter built from the lexicon and corpus parts."""
        return self._splitter

    def tokens(self, text: str) -> list[str]:
        """Normalised tokens with abbreviations expanded (the abbreviation itself is kept)."""
        out: list[str] = []
        for token in tokenize(text, MAX_CHARS):
            out.append(token)
            expansion = self._abbreviations.get(token)
            if expansion:
                out.extend(expansion)
        return out

    def concepts_for(self, word: str) -> set[str]:
        """Concept terms that a single (normalised) word maps to."""
        return self._single.get(stem(word), set())

    def analyze(self, text: str, correct: Corrector | None = None) -> Analysis:
        """Analyse ``text``; ``correct`` may map unknown tokens to known words (typos)."""
        tokens = self.tokens(text)
        if correct is not None:
            fixed: list[str] = []
            for token in tokens:
                better = correct(token) if token not in STOPWORDS else None
                if better is None:
                    fixed.append(token)
                else:
                    fixed.extend(self.tokens(better))
            tokens = fixed
        content = [t for t in tokens if t not in STOPWORDS]
        weights: dict[str, float] = {}
        terms: list[str] = []

        def add(term: str, weight: float) -> None:
            terms.append(term)
            if weights.get(term, 0.0) < weight:
                weights[term] = weight

        stems: list[str] = []
        for token in content:
            s = stem(token)
            stems.append(s)
            add(s, 1.0)
            for concept in self._single.get(s, ()):
                add(concept, self.concept_weight)
            for part in self._splitter.split(token):
                ps = stem(part)
                if ps not in STOPWORDS:
                    add(ps, self.part_weight)
                for concept in self._single.get(ps, ()):
                    add(concept, self.part_weight * self.concept_weight)
        for i, s in enumerate(stems):
            for phrase, concept in self._phrases.get(s, ()):
                if tuple(stems[i : i + len(phrase)]) == phrase:
                    add(concept, self.concept_weight)
        return Analysis(
            terms=tuple(terms),
            weights=weights,
            normalized=" ".join(tokens),
            fuzzy=" ".join(stems),
        )
