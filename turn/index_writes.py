"""A document the bot writes carries its analysis into storage, in the writer's transaction.

Why: the index needs each text's analysis (``matching.stored``). Before, a signal reported in
the chat was analysed for this instance's index only; storage got the analysis from the next
start (or from every other instance, each analysing it again). Now the handler analyses once,
the repository stores the result in the same ``INSERT`` or ``UPDATE`` as the text (so it
commits, or rolls back, with the signal), and after the commit this instance indexes the same
analysis. Another instance's follower and the next start read the stored form: nobody analyses
that text again.

The vector is not made here: a new or changed text has no vector (an edit clears it in the
same ``UPDATE``), which is how a row is queued for :func:`turn.embedding.embed_pending`, the
index job's next round. A merge writes no text, so it needs no analysis: the merged signal
leaves the index, the survivor's stored analysis stays valid.

Where a handler knows the text before it opens its unit of work, it analyses first, so the
analysis (a few milliseconds for a long text) never lengthens a transaction that holds
SQLite's write lock.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

from matching import Document, MatchIndex, Prepared


@dataclass(frozen=True, slots=True)
class Analysed:
    """``doc`` with its analysis, and the stored form of it (None: cannot be stored)."""

    doc: Document
    prepared: Prepared
    stored: bytes | None


def analyse(index: MatchIndex, doc: Document) -> Analysed:
    """The analysis of ``doc`` by ``index``'s analyser; its ref does not enter the analysis.

    So a new signal can be analysed before its reference is numbered, and named afterwards in
    :func:`index_written`.
    """
    prepared = index.prepare(doc)
    return Analysed(doc, prepared, index.pack(doc, prepared))


def index_written(index: MatchIndex, analysed: Analysed, ref: str) -> None:
    """Index the committed document as ``ref`` with the analysis already made (none again).

    Its vector comes later, from the change log, once the index job has made it.
    """
    index.add(replace(analysed.doc, ref=ref), None, analysed.prepared)
