"""Reporting a signal: the full form, the privacy guard, the duplicate check and confirmation.

Flow: ``signaal`` opens the form (prefilled from a saved draft, so a half-filled form survives
a restart) → submit → form checks and the privacy guard (nothing is stored while personal data
is in it) → when a matcher is configured, similar signals and studies are offered with one click
("ik zie dit ook", "dit beantwoordt mijn vraag", "nee, dit is nieuw") → stored with reference
S-YYYY-NNNN and told what happens next.
"""

from __future__ import annotations

import asyncio
from typing import Any

from handlers.intake import area_name, neutralise, themes
from handlers.signal_form import SIGNAL_FORM, TEXT_MAX_LENGTH, TEXT_MIN_LENGTH, signal_form
from kernel.core import (
    Button,
    Buttons,
    Command,
    FieldItem,
    Fields,
    Reply,
    Submit,
    Text,
)
from kernel.logging import get_logger
from storage.domain import NewSignal, Signal
from storage.uow import UnitOfWork
from turn import visibility
from turn.context import TurnContext
from turn.forms import cleaned, safe_text, validate_submit
from turn.index_sync import signal_document
from turn.index_writes import Analysed, analyse, index_written
from turn.router import Router
from turn.state import draft_flow

log = get_logger("signaalbot.signals")

PENDING_FLOW = "signal.pending"
STORED = "stored"  # in the pending flow once its signal is stored: the ref
# Free text: Slack/HTML markup is neutralised before it is stored.
FREE_TEXT = ("text", "affected")


async def start_report(ctx: TurnContext) -> None:
    """``signaal [text]``: the form with the draft, an unanswered lookalike report, or the text."""
    typed = ctx.event.text if isinstance(ctx.event, Command) else ""
    async with ctx.uow() as uow:
        draft = await uow.conversations.get(
            ctx.actor.platform.value, ctx.actor.user_id, draft_flow(SIGNAL_FORM)
        )
        waiting = None if draft else await pending_values(ctx, uow)
        initial = {k: str(v) for k, v in (draft or waiting or {}).items()}
        masked = False
        if typed.strip():
            # A form prefilled from a message never carries (or stores) the raw text.
            prefill = typed.strip()[:TEXT_MAX_LENGTH]
            initial["text"] = safe_text(prefill)
            masked = initial["text"] != prefill
        form = await signal_form(ctx, uow, initial)
        # Claims the delivery key in this transaction: no second one only for the key.
        await uow.commit()
    notice = (Text(text=ctx.t("signals.prefill_masked"), style="warning"),) if masked else ()
    back = (Text(text=ctx.t("signals.pending_resumed")),) if waiting and not typed.strip() else ()
    await ctx.reply(Reply(blocks=(*notice, *back, form)))


async def submit_report(ctx: TurnContext) -> None:
    assert isinstance(ctx.event, Submit)
    async with ctx.services.uow(read_only=True) as uow:
        form = await signal_form(ctx, uow)
    errors = await validate_submit(ctx, form)
    values = cleaned(ctx.event.values)
    if errors:
        await ctx.reply(Reply(errors=errors))
        return
    markup_removed = False
    for name in FREE_TEXT:
        values[name], changed = neutralise(values.get(name, ""))
        markup_removed = markup_removed or changed
    if len(values["text"]) < TEXT_MIN_LENGTH:
        await ctx.reply(Reply(errors={"text": ctx.t("core.field_too_short", min=TEXT_MIN_LENGTH)}))
        return
    keep = {i.name: values.get(i.name, "") for i in form.inputs}
    keep["markup_removed"] = "1" if markup_removed else ""
    if await offer_matches(ctx, keep):
        return
    await store_signal(ctx, keep)


async def offer_matches(ctx: TurnContext, values: dict[str, str]) -> bool:
    """Show similar signals and studies; True when there were any (the signal then waits)."""
    matcher = ctx.services.matcher
    text = values["text"]
    # The encoder runs in a worker thread, so other people's turns go on meanwhile.
    vector = await asyncio.to_thread(matcher.encode_query, text)
    hits: list[Any] = [
        hit
        for hit in (
            *matcher.search(text, kind="signal", limit=3, vector=vector),
            *matcher.search(text, kind="study", limit=2, vector=vector),
        )
        if matcher.worth_showing(hit)
    ]
    if not hits:
        return False
    async with ctx.uow() as uow:
        hits = await visible_hits(ctx, uow, hits)
        if not hits:
            return False
        await uow.conversations.put(
            ctx.actor.platform.value, ctx.actor.user_id, PENDING_FLOW, dict(values), ctx.now()
        )
        # Answered before the commit, which keeps the answer with the delivery key: a crash
        # right after it still shows the redelivery the choice the signal waits for.
        await ctx.reply(similar_reply(ctx, hits))
        await uow.commit()
    return True


def similar_reply(ctx: TurnContext, hits: list[Any]) -> Reply:
    t = ctx.t
    blocks: list[Any] = [Text(text=t("signals.similar_intro"), style="header")]
    for hit in hits:
        label_key = "signals.similar_signal" if hit.kind == "signal" else "signals.similar_study"
        line = t(label_key, ref=hit.ref, title=hit.title, score=round(float(hit.score)))
        if getattr(hit, "duplicate", False):
            line += " " + t("signals.similar_duplicate")
        blocks.append(Text(text=line))
        if hit.kind == "signal":
            button = Button(
                label=t("signals.button_me_too", ref=hit.ref),
                action_id="signal.match.support",
                value=hit.ref,
            )
        else:
            button = Button(
                label=t("signals.button_answers", ref=hit.ref),
                action_id="signal.match.answered",
                value=hit.ref,
            )
        blocks.append(Buttons(buttons=(button,)))
    blocks.append(
        Buttons(
            buttons=(
                Button(
                    label=t("signals.button_new"),
                    action_id="signal.match.new",
                    style="primary",
                ),
            )
        )
    )
    return Reply(blocks=tuple(blocks))


async def visible_hits(ctx: TurnContext, uow: UnitOfWork, hits: list[Any]) -> list[Any]:
    """Suggestions this person may see: a provider is never shown the text of a signal that
    is not theirs, not shared with providers and not supported by them (the one rule)."""
    viewer = visibility.Viewer.of_actor(ctx.actor)
    if not viewer.guest:
        return hits
    kept: list[Any] = []
    for hit in hits:
        if hit.kind != "signal":
            kept.append(hit)
            continue
        signal = await uow.signals.get_by_ref(hit.ref)
        if signal is not None and await visibility.can_see(uow, viewer, signal):
            kept.append(hit)
    return kept


async def pending_values(ctx: TurnContext, uow: UnitOfWork) -> dict[str, str] | None:
    data = await uow.conversations.get(ctx.actor.platform.value, ctx.actor.user_id, PENDING_FLOW)
    return {k: str(v) for k, v in data.items()} if data and STORED not in data else None


async def clear_pending(ctx: TurnContext, uow: UnitOfWork, stored: str = "") -> None:
    """Nothing waits any more; after ``stored`` (a ref) a second click confirms it again."""
    who = (ctx.actor.platform.value, ctx.actor.user_id)
    if stored:
        await uow.conversations.put(*who, PENDING_FLOW, {STORED: stored}, ctx.now())
    else:
        await uow.conversations.clear(*who, PENDING_FLOW)
    await uow.conversations.clear(*who, draft_flow(SIGNAL_FORM))


async def confirm_new(ctx: TurnContext) -> None:
    """ "Nee, dit is nieuw": store the signal that waited for this answer. Clicked again once it
    is stored (a double click, or Slack after a crash: its clicks are acked before the work,
    so an answer lost in a crash is never redelivered), the same confirmation again."""
    async with ctx.uow() as uow:
        data = await uow.conversations.get(
            ctx.actor.platform.value, ctx.actor.user_id, PENDING_FLOW
        )
        done = await uow.signals.get_by_ref(str(data[STORED])) if data and STORED in data else None
        if done is not None:
            await ctx.reply(saved_reply(ctx, done, await area_name(uow, ctx, done.area), {}))
            return
    if not data or STORED in data:
        await ctx.say("signals.nothing_pending")
        return
    await store_signal(ctx, {k: str(v) for k, v in data.items()})


async def answered_by_study(ctx: TurnContext) -> None:
    """ "Dit beantwoordt mijn vraag": nothing is stored; the study is named for reading."""
    ref = getattr(ctx.event, "value", "")
    async with ctx.uow() as uow:
        values = await pending_values(ctx, uow)
        if values is None:
            await ctx.say("signals.nothing_pending")
            return
        study = await uow.studies.get_by_ref(ref)
        await clear_pending(ctx, uow)
        await uow.audit.record(
            actor_id=ctx.actor.person_id,
            action="signal.answered_by_study",
            entity="study",
            entity_id=ref[:100],
            now=ctx.now(),
        )
        await uow.commit()
    title = study.title if study else ref
    await ctx.say("signals.answered_thanks", ref=ref[:100], title=title)


async def store_signal(ctx: TurnContext, values: dict[str, str]) -> Signal:
    theme, sub = values.get("theme", ""), values.get("subdomain", "")
    # Analysed before the transaction (which holds SQLite's write lock), stored within it.
    analysed = analyse(ctx.services.matcher, signal_document("", values["text"]))
    async with ctx.uow() as uow:
        theme_keys = {th.key for th in await themes(uow, ctx, "theme")}
        sub_keys = {th.key for th in await themes(uow, ctx, "subdomain")}
        signal = await uow.signals.add(
            NewSignal(
                text=values["text"],
                theme_key=theme if theme in theme_keys else None,
                subdomain_key=sub if sub in sub_keys else None,
                affected=values.get("affected", ""),
                area=values.get("area", ""),
                since=values.get("since", ""),
                frequency=values.get("frequency", ""),
                org_type=values.get("org_type") or ctx.actor.org_type.value,
                reporter_id=ctx.actor.person_id,
            ),
            ctx.now(),
            analysis=analysed.stored,
        )
        await uow.audit.record(
            actor_id=ctx.actor.person_id,
            action="signal.create",
            entity="signal",
            entity_id=signal.ref,
            now=ctx.now(),
            details={"fields": sorted(k for k, v in values.items() if v)},
        )
        await clear_pending(ctx, uow, stored=signal.ref)
        where = await area_name(uow, ctx, signal.area)
        # Confirmed before the commit, which keeps the answer with the delivery key.
        await ctx.reply(saved_reply(ctx, signal, where, values))
        await uow.commit()
    index_signal(ctx, signal.ref, analysed)
    log.info("signal_created", signal=signal.ref, person_id=ctx.actor.person_id)
    return signal


def saved_reply(ctx: TurnContext, signal: Signal, where: str, values: dict[str, str]) -> Reply:
    t = ctx.t
    blocks: list[Any] = [
        Text(text=t("signals.saved", ref=signal.ref), style="header"),
        Fields(
            items=(
                FieldItem(
                    label=t("signals.field_theme"),
                    value=ctx.services.domain.theme_name(
                        signal.theme_key or signal.subdomain_key, ctx.actor.locale
                    ),
                ),
                FieldItem(label=t("signals.field_area"), value=where),
            )
        ),
        Text(text=t("signals.next_steps", ref=signal.ref)),
    ]
    if values.get("markup_removed"):
        blocks.append(Text(text=t("signals.markup_removed"), style="muted"))
    return Reply(blocks=tuple(blocks))


def index_signal(ctx: TurnContext, ref: str, analysed: Analysed) -> None:
    """Add a stored signal to this instance's duplicate index, so the next reporter sees it.

    With the analysis that was stored with it (``turn.index_writes``); the other instances read
    that analysis from storage when the change log brings them the signal.
    """
    index_written(ctx.services.matcher, analysed, ref)


def unindex_signal(ctx: TurnContext, ref: str) -> None:
    ctx.services.matcher.remove("signal", ref)


def register(router: Router) -> None:
    router.command("signal")(start_report)
    router.submit(SIGNAL_FORM)(submit_report)
    router.action("signal.match.new")(confirm_new)
    router.action("signal.match.answered")(answered_by_study)
