"""Intake queries beyond the foundation's repositories: merge, overview, areas, AVG data."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import delete, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from storage.domain import ResearchQuestion, Signal
from storage.models import (
    AreaRow,
    ConversationStateRow,
    PersonIdentityRow,
    ResearchQuestionRow,
    SignalRow,
    SignalSupportRow,
    question_signal,
)
from storage.repositories.signals import SignalFilter, filtered, to_question, to_signal


@dataclass(frozen=True, slots=True)
class AreaOverride:
    key: str
    name: str
    active: bool


class IntakeRepository:
    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    # --- overview ------------------------------------------------------------------------

    async def overview(
        self, filters: SignalFilter, *, offset: int = 0, limit: int = 10
    ) -> tuple[list[Signal], int]:
        """One page of signals (newest first) and how many match in total."""
        total = await self._session.scalar(
            filtered(select(func.count(SignalRow.id)), filters, theme_or_subdomain=True)
        )
        rows = await self._session.scalars(
            filtered(select(SignalRow), filters, theme_or_subdomain=True)
            .order_by(SignalRow.created_at.desc(), SignalRow.id.desc())
            .offset(offset)
            .limit(limit)
        )
        return [to_signal(r) for r in rows], int(total or 0)

    async def shared_signals(self, limit: int = 20) -> list[Signal]:
        rows = await self._session.scalars(
            select(SignalRow)
            .where(SignalRow.shared_with_providers.is_(True), SignalRow.merged_into_id.is_(None))
            .order_by(SignalRow.created_at.desc())
            .limit(limit)
        )
        return [to_signal(r) for r in rows]

    async def supported_by(self, person_id: int, limit: int = 20) -> list[Signal]:
        rows = await self._session.scalars(
            select(SignalRow)
            .join(SignalSupportRow, SignalSupportRow.signal_id == SignalRow.id)
            .where(SignalSupportRow.person_id == person_id)
            .order_by(SignalRow.created_at.desc())
            .limit(limit)
        )
        return [to_signal(r) for r in rows]

    # --- signals -------------------------------------------------------------------------

    async def followers(self, signal_id: int) -> list[int]:
        """Reporter and supporters of a signal: who hears of every status change."""
        row = await self._session.get(SignalRow, signal_id)
        ids: list[int] = [row.reporter_id] if row and row.reporter_id else []
        ids += [
            pid
            for pid in await self._session.scalars(
                select(SignalSupportRow.person_id).where(SignalSupportRow.signal_id == signal_id)
            )
            if pid is not None
        ]
        return list(dict.fromkeys(ids))

    async def merge(self, source_id: int, target_id: int, now: datetime) -> int:
        """Merge ``source`` into ``target``: supports and the reporter move along.

        The source keeps its text and points to the survivor; its reporter becomes a supporter
        of the survivor so they keep hearing of it. Returns how many supports moved.
        """
        source = await self._session.get(SignalRow, source_id)
        target = await self._session.get(SignalRow, target_id)
        if source is None or target is None:
            raise LookupError(source_id if source is None else target_id)
        present = {
            pid
            for pid in await self._session.scalars(
                select(SignalSupportRow.person_id).where(SignalSupportRow.signal_id == target_id)
            )
        }
        present.add(target.reporter_id)
        moved = 0
        for support in list(
            await self._session.scalars(
                select(SignalSupportRow).where(SignalSupportRow.signal_id == source_id)
            )
        ):
            if support.person_id is not None and support.person_id in present:
                await self._session.delete(support)
                continue
            support.signal_id = target_id
            present.add(support.person_id)
            moved += 1
        if source.reporter_id is not None and source.reporter_id not in present:
            self._session.add(
                SignalSupportRow(
                    signal_id=target_id,
                    person_id=source.reporter_id,
                    org_type=source.org_type,
                    context="",
                    created_at=now,
                )
            )
            moved += 1
        source.merged_into_id = target_id
        source.status = "samengevoegd"
        source.updated_at = now
        target.updated_at = now
        await self._session.flush()
        return moved

    async def set_shared(self, signal_id: int, shared: bool, now: datetime) -> None:
        row = await self._session.get(SignalRow, signal_id)
        if row is None:
            raise LookupError(signal_id)
        row.shared_with_providers, row.updated_at = shared, now
        await self._session.flush()

    async def questions_for_signal(self, signal_id: int) -> list[str]:
        rows = await self._session.scalars(
            select(ResearchQuestionRow.ref)
            .join(question_signal, question_signal.c.question_id == ResearchQuestionRow.id)
            .where(question_signal.c.signal_id == signal_id)
        )
        return list(rows)

    async def signals_by_ids(self, ids: Sequence[int]) -> list[Signal]:
        if not ids:
            return []
        rows = await self._session.scalars(select(SignalRow).where(SignalRow.id.in_(ids)))
        return [to_signal(r) for r in rows]

    async def all_signals(self) -> list[Signal]:
        rows = await self._session.scalars(select(SignalRow).order_by(SignalRow.id))
        return [to_signal(r) for r in rows]

    async def all_questions(self) -> list[ResearchQuestion]:
        rows = await self._session.scalars(
            select(ResearchQuestionRow).order_by(ResearchQuestionRow.id)
        )
        out = []
        for row in rows:
            sids = await self._session.scalars(
                select(question_signal.c.signal_id).where(question_signal.c.question_id == row.id)
            )
            out.append(to_question(row, list(sids)))
        return out

    async def support_org_types(self, signal_id: int) -> dict[str, int]:
        rows = await self._session.execute(
            select(SignalSupportRow.org_type, func.count(SignalSupportRow.id))
            .where(SignalSupportRow.signal_id == signal_id)
            .group_by(SignalSupportRow.org_type)
        )
        return {org or "other": int(n) for org, n in rows}

    # --- areas ---------------------------------------------------------------------------

    async def area_overrides(self) -> list[AreaOverride]:
        rows = await self._session.scalars(select(AreaRow).order_by(AreaRow.id))
        return [AreaOverride(key=r.key, name=r.name, active=r.active) for r in rows]

    async def put_area(self, key: str, name: str, active: bool, now: datetime) -> None:
        row = await self._session.scalar(select(AreaRow).where(AreaRow.key == key))
        if row is None:
            row = AreaRow(key=key, name=name, active=active, updated_at=now)
            self._session.add(row)
        else:
            row.name, row.active, row.updated_at = name or row.name, active, now
        await self._session.flush()

    # --- AVG -----------------------------------------------------------------------------

    async def person_data(self, person_id: int) -> dict[str, Any]:
        """Everything stored on a person, for an AVG access request (JSON-ready)."""
        signals = await self._session.scalars(
            select(SignalRow).where(SignalRow.reporter_id == person_id).order_by(SignalRow.id)
        )
        supports = await self._session.execute(
            select(SignalRow.ref, SignalSupportRow.context, SignalSupportRow.created_at)
            .join(SignalRow, SignalRow.id == SignalSupportRow.signal_id)
            .where(SignalSupportRow.person_id == person_id)
        )
        questions = await self._session.scalars(
            select(ResearchQuestionRow)
            .where(ResearchQuestionRow.requester_id == person_id)
            .order_by(ResearchQuestionRow.id)
        )
        identities = list(
            await self._session.scalars(
                select(PersonIdentityRow).where(PersonIdentityRow.person_id == person_id)
            )
        )
        states: list[ConversationStateRow] = []
        for identity in identities:
            states.extend(
                await self._session.scalars(
                    select(ConversationStateRow).where(
                        ConversationStateRow.platform == identity.platform,
                        ConversationStateRow.user_id == identity.user_id,
                    )
                )
            )
        return {
            "signals": [
                {
                    "ref": s.ref,
                    "text": s.text,
                    "status": s.status,
                    "created_at": s.created_at.isoformat(),
                }
                for s in signals
            ],
            "supports": [
                {"signal": ref, "context": ctx, "created_at": at.isoformat()}
                for ref, ctx, at in supports
            ],
            "questions": [
                {"ref": q.ref, "question": q.question, "why": q.why, "status": q.status}
                for q in questions
            ],
            "conversation_state": [{"flow": s.flow, "data": s.data} for s in states],
        }

    async def forget_conversations(self, identities: Sequence[tuple[str, str]]) -> None:
        for platform, user_id in identities:
            await self._session.execute(
                delete(ConversationStateRow).where(
                    ConversationStateRow.platform == platform,
                    ConversationStateRow.user_id == user_id,
                )
            )
