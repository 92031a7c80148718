"""Building the shared similarity index from storage.

Why here: ``matching`` must not import the database, and handlers should not know how the index
is filled. The app builds it once at start; handlers update it on every new or merged signal.
"""

from __future__ import annotations

from matching import Document, MatchIndex
from storage.domain import Study
from storage.uow import UnitOfWork

TITLE_LENGTH = 80


def signal_document(ref: str, text: str) -> Document:
    title = text if len(text) <= TITLE_LENGTH else text[: TITLE_LENGTH - 1].rstrip() + "…"
    return Document(kind="signal", ref=ref, title=title, text=text)


def study_document(study: Study) -> Document:
    return Document(
        kind="study",
        ref=study.ref,
        title=study.title,
        text=f"{study.title}. {study.summary}".strip(),
    )


def new_index(threshold: float) -> MatchIndex:
    """An empty index; ``threshold`` 0 keeps the matcher's calibrated default."""
    return MatchIndex(duplicate_threshold=threshold) if threshold > 0 else MatchIndex()


async def load_index(uow: UnitOfWork, threshold: float = 0.0) -> MatchIndex:
    index = new_index(threshold)
    index.add_many(signal_document(ref, text) for ref, text in await uow.signals.active_for_index())
    index.add_many(study_document(study) for study in await uow.studies.all())
    return index
