"""Closing the study loop: a new study is told, once, to the people it may help.

Seed 000: the programme leader tells colleagues of new studies. Here the bot does it for every
study that enters the catalogue, whoever added it (``signaalbot import studies``, a script, or
``onderzoek toevoegen`` in the chat, ``handlers.studies``): ``study.announced_at`` is NULL for
a new study, and each running instance looks for such studies once its index holds them
(``turn.index_sync`` brings them in).

Who is told, in their own language, with the study's title and link:

- the reporter and the supporters of every open signal the study is likely relevant to: the
  study's text searched against the signals, kept when the score reaches the *study* threshold
  (the same bar the intake uses to call a study relevant);
- whoever asked an open research question for which the new study is a flagged study hit.

Each message has the outbox key ``study-news:<study ref>:<person id>``, so a person hears of a
study once, even when two instances announce at the same moment or an announcement is retried.
"""

from __future__ import annotations

import asyncio
from datetime import datetime

from cycle.sessions import CLOSED_QUESTION_STATUSES
from kernel.core import Reply, Text
from matching import MatchIndex
from storage.domain import CLOSED_SIGNAL_STATUSES, Study
from storage.uow import UnitOfWork
from turn.context import Services

KEY_PREFIX = "study-news"
#: Signals looked at per new study; the scores of those further down are far under the bar.
SIGNAL_HITS = 50


def news_key(study_ref: str, person_id: int | None = None) -> str:
    """The outbox key of one person's message; without ``person_id``, the prefix of all."""
    base = f"{KEY_PREFIX}:{study_ref}:"
    return base if person_id is None else f"{base}{person_id}"[:200]


async def announce_new_studies(services: Services, now: datetime) -> int:
    """Tell the people of every new study that this instance's index holds; returns messages."""
    index = services.matcher
    if index is None:
        return 0
    queued = 0
    async with services.uow() as uow:
        for study in await uow.studies.unannounced():
            if ("study", study.ref) not in index:
                continue  # this instance has not caught up with it yet; the next round will
            queued += await _announce(uow, services, index, study, now)
            await uow.studies.mark_announced(study.id, now)
        await uow.commit()
    return queued


async def _announce(
    uow: UnitOfWork, services: Services, index: MatchIndex, study: Study, now: datetime
) -> int:
    people: dict[int, None] = {}
    text = f"{study.title}. {study.summary}".strip()
    vector = await asyncio.to_thread(index.encode_query, text)
    for hit in index.search(text, kind="signal", limit=SIGNAL_HITS, vector=vector):
        if hit.score < index.threshold_for("study", fused=hit.semantic is not None):
            continue
        signal = await uow.signals.get_by_ref(hit.ref)
        if signal is None or signal.status in CLOSED_SIGNAL_STATUSES:
            continue
        people.update(dict.fromkeys(await uow.intake.followers(signal.id)))
    for question in await uow.questions.find(limit=1000):
        if question.status in CLOSED_QUESTION_STATUSES or question.requester_id is None:
            continue
        qvec = await asyncio.to_thread(index.encode_query, question.question)
        hits = index.search(question.question, kind="study", limit=5, vector=qvec)
        if any(h.ref == study.ref and h.duplicate for h in hits):
            people[question.requester_id] = None
    queued = 0
    for person_id in people:
        person = await uow.people.get(person_id)
        if person is None or person.erased:
            continue
        t = services.translator(person.locale, person.timezone)
        blocks = [Text(text=t("matching.study_news", title=study.title))]
        if study.url:
            blocks.append(Text(text=t("matching.study_news_link", url=study.url)))
        blocks.append(Text(text=t("matching.study_news_why", ref=study.ref), style="muted"))
        queued += await uow.outbox.enqueue(
            key=news_key(study.ref, person_id),
            person_id=person_id,
            payload=Reply(blocks=tuple(blocks)).model_dump(mode="json"),
            now=now,
        )
    return queued
