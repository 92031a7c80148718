"""Public value types of the matching library.

They are frozen, slotted dataclasses so that callers (bot, CLI, storage loaders) can pass them
around and hash them freely without worrying that the index sees a mutated document later.
"""

from __future__ import annotations

from dataclasses import dataclass

SIGNAL = "signal"
STUDY = "study"


@dataclass(frozen=True, slots=True)
class Document:
    """Something that can be found: a reported signal or a study from the catalogue.

    ``kind`` is ``"signal"`` or ``"study"`` (other kinds are accepted and simply get their own
    sub-index). ``ref`` is the caller's identifier, unique per kind. ``title`` is what is shown to
    the user (for signals the first ~80 characters); ``text`` is the full searchable text.
    """

    kind: str
    ref: str
    title: str
    text: str


@dataclass(frozen=True, slots=True)
class Match:
    """One search hit.

    ``score`` is calibrated to 0..100 (rounded to one decimal) so that a single threshold means
    the same for every query; ``duplicate`` is true when the score reaches the index's duplicate
    threshold, i.e. the bot should ask "is this the same signal?". ``lexical`` is the lexical
    part and ``semantic`` the encoder's part (None when lexical only, or the document has no
    vector yet), both 0..100; ``shared`` names words or concepts both texts mention, so a person
    can see why it matched. ``same_direction`` is false when the two texts name different
    directions (negation, fewer, more, better: :mod:`matching.flag`); such a fused hit is never
    flagged ``duplicate``, whatever its score (a lexical-only hit is flagged by score alone).
    """

    kind: str
    ref: str
    title: str
    score: float
    duplicate: bool
    lexical: float = 0.0
    semantic: float | None = None
    shared: tuple[str, ...] = ()
    same_direction: bool = True
