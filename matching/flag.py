"""When a hit counts as "the same signal": the score, and agreement about direction.

Why more than a score: on the independent labelled set the hard negatives (same district,
same target group, same topic, another problem or the opposite trend: "meer jongeren verlaten
het mbo zonder diploma" against "minder uitval uit het mbo") score as high as true paraphrases
under the lexical score, the e5 cosine (either prefix, with place and group words masked or
not) and any mix of them that we tried on the dev halves. What did separate them a little on
dev: whether the two texts name the same *directions*: a negation ("niet", "geen", "zonder"),
fewer, more, better (the word lists are ``[direction]`` in ``config/lexicon.toml``). Paraphrases
name the same ones more often than hard negatives do; on the dev halves, five-fold
cross-validated, requiring it doubled the flagged share at the same false-alarm rate (see
docs/matching.md). It only gates the flag of a *fused* hit; as a ranking penalty it made the
ranking worse. The lexical fallback (no encoder, or a document without its vector yet) keeps its
earlier rule, a threshold alone: with the gate its dev thresholds did worse on the test halves.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

from matching.normalize import tokenize

#: Kinds whose duplicate flag needs the same directions on both sides. Not studies: a
#: question and a study's title and summary are not paraphrases of each other.
DIRECTION_KINDS = frozenset({"signal"})


@dataclass(frozen=True, slots=True)
class Directions:
    """Which directions a text names, from the lexicon's ``[direction]`` word lists."""

    words: Mapping[str, frozenset[str]]
    #: Every distinct result once: at most 2**len(words) sets, shared by all documents, so
    #: 100,000 indexed signals do not hold 100,000 small sets.
    _known: dict[frozenset[str], frozenset[str]] = field(default_factory=dict, compare=False)

    @classmethod
    def from_table(cls, table: Mapping[str, Iterable[str]]) -> Directions:
        """Normalise the configured words the way texts are (case and accents folded)."""
        return cls(
            {name: frozenset(t for w in ws for t in tokenize(w)) for name, ws in table.items()}
        )

    def of(self, text: str) -> frozenset[str]:
        """The names of the directions ``text`` uses."""
        return self.of_words(tokenize(text))

    def of_words(self, words: Iterable[str]) -> frozenset[str]:
        """The same for normalised words; the index passes the analysed words (abbreviations
        expanded on both sides, so "NAH" and "niet-aangeboren hersenletsel" agree)."""
        seen = set(words)
        found = frozenset(name for name, ws in self.words.items() if not seen.isdisjoint(ws))
        return self._known.setdefault(found, found)


def agrees(kind: str, query: frozenset[str], doc: frozenset[str]) -> bool:
    """Whether both texts name the same directions, or ``kind`` does not ask for it."""
    return kind not in DIRECTION_KINDS or query == doc
