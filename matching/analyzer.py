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
#: Stop words that are kept inside lexicon phrases, because they carry the meaning of the phrase
#: ("geen werk", "kan niet lezen", "zonder diploma").
NEGATIONS = frozenset({"niet", "geen", "zonder"})

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
    ``concept_weight`` the weight of a lexicon concept found in the text itself;
    ``covered_weight`` the weight of a word's own stem when the word (or a phrase it is part of)
    already maps to a concept: the concept carries the meaning, and the surface stem should not
    make "bijstand" and "Participatiewet" look less alike than two texts that both say "bijstand".
    """

    def __init__(
        self,
        lexicon: Lexicon | None = None,
        *,
        part_weight: float = 0.5,
        concept_weight: float = 1.0,
        covered_weight: float = 0.5,
    ) -> None:
        self.lexicon = lexicon if lexicon is not None else load_lexicon()
        self.part_weight = part_weight
        self.concept_weight = concept_weight
        self.covered_weight = covered_weight
        self._abbreviations: dict[str, tuple[str, ...]] = {
            normalize(k): tuple(tokenize(v)) for k, v in self.lexicon.abbreviations.items()
        }
        self._single: dict[str, set[str]] = {}
        self._surface: dict[str, set[str]] = {}
        self._phrases: dict[str, list[tuple[tuple[str, ...], str]]] = {}
        vocabulary: set[str] = set()
        for group in self.lexicon.groups:
            concept = CONCEPT_PREFIX + group.concept
            for term in group.terms:
                words = tokenize(term)
                vocabulary.update(w for w in words if w.isalpha())
                stems = tuple(stem(w) for w in words if w not in STOPWORDS or w in NEGATIONS)
                content = [w for w in words if w not in STOPWORDS]
                if not content:
                    continue
                if len(words) == 1:
                    self._single.setdefault(stems[0], set()).add(concept)
                    self._surface.setdefault(words[0], set()).add(concept)
                elif len(stems) > 1:
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
        return [t for t, _ in self._tokens(text)]

    def _tokens(self, text: str) -> list[tuple[str, bool]]:
        """Tokens with a flag telling whether they come from an abbreviation expansion."""
        out: list[tuple[str, bool]] = []
        for token in tokenize(text, MAX_CHARS):
            out.append((token, False))
            expansion = self._abbreviations.get(token)
            if expansion:
                out.extend((t, True) for t in expansion)
        return out

    def concepts_for(self, word: str) -> set[str]:
        """Concept terms that a single (normalised) word maps to.

        The word's own form wins over its stem: the stemmer folds "ouders" (parents) and
        "oudere" (older person) onto "ouder", but the lexicon knows them apart.
        """
        exact = self._surface.get(word)
        if exact is not None:
            return exact
        return self._single.get(stem(word), set())

    def analyze(self, text: str, correct: Corrector | None = None) -> Analysis:
        """Analyse ``text``; ``correct`` may map unknown tokens to known words (typos)."""
        tokens = self._tokens(text)
        if correct is not None:
            fixed: list[tuple[str, bool]] = []
            for token, expanded in tokens:
                better = None if expanded or token in STOPWORDS else correct(token)
                if better is None:
                    fixed.append((token, expanded))
                else:
                    fixed.extend(self._tokens(better))
            tokens = fixed
        # Phrases are matched on content words plus negations; terms come from content words.
        seq = [(t, e) for t, e in tokens if t not in STOPWORDS or t in NEGATIONS]
        weights: dict[str, float] = {}
        terms: list[str] = []

        def add(term: str, weight: float) -> None:
            terms.append(term)
            if weights.get(term, 0.0) < weight:
                weights[term] = weight

        # Words from an abbreviation expansion only help to find phrase concepts ("lvb" ->
        # "licht verstandelijke beperking" -> @lvb); their own stems would count the abbreviation
        # several times over.
        seq_stems = [stem(t) for t, _ in seq]
        covered = [bool(self.concepts_for(t)) for t, _ in seq]
        in_phrase = [False] * len(seq)
        for i, s in enumerate(seq_stems):
            for phrase, concept in self._phrases.get(s, ()):
                if tuple(seq_stems[i : i + len(phrase)]) == phrase:
                    add(concept, self.concept_weight)
                    for j in range(i, i + len(phrase)):
                        covered[j] = in_phrase[j] = True
        fuzzy: list[str] = []
        for (token, expanded), s, is_covered, phrased in zip(
            seq, seq_stems, covered, in_phrase, strict=True
        ):
            if token in STOPWORDS:
                continue
            if expanded:
                if not phrased:
                    for concept in self.concepts_for(token):
                        add(concept, self.concept_weight)
                continue
            fuzzy.append(s)
            add(s, self.covered_weight if is_covered else 1.0)
            for concept in self.concepts_for(token):
                add(concept, self.concept_weight)
            for part in self._splitter.split(token):
                ps = stem(part)
                if ps in STOPWORDS:
                    continue
                add(ps, self.part_weight * (self.covered_weight if is_covered else 1.0))
                for concept in self.concepts_for(part):
                    add(concept, self.part_weight * self.concept_weight)
        return Analysis(
            terms=tuple(terms),
            weights=weights,
            normalized=" ".join(t for t, _ in tokens),
            fuzzy=" ".join(fuzzy),
        )
