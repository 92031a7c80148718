""" "Ik zie dit ook": recognising a signal, and merging two signals by the research desk.

Supporters are counted and their organisation types shown; names are never shown, so a provider
sees that three colleagues elsewhere recognise the signal, not who they are.
"""

from __future__ import annotations

from handlers.intake import (
    DESK,
    Notice,
    first_word,
    load_visible_signal,
    neutralise,
    words,
)
from handlers.signals import (
    clear_pending,
    index_signal,
    pending_values,
    unindex_signal,
)
from kernel.core import Action, Button, Buttons, FieldItem, Fields, Form, Input, Reply, Submit, Text
from kernel.i18n import Translator
from storage.domain import CLOSED_SIGNAL_STATUSES, Signal
from storage.uow import UnitOfWork
from turn.context import TurnContext
from turn.forms import cleaned, validate_submit
from turn.index_sync import signal_document
from turn.index_writes import analyse
from turn.router import Router

SUPPORT_FORM = "signal.support"


def support_form(ctx: TurnContext, ref: str, initial: str = "") -> Form:
    t = ctx.t
    return Form(
        form_id=SUPPORT_FORM,
        title=t("intake.support_title", ref=ref),
        submit_label=t("intake.support_submit"),
        inputs=(
            Input(
                name="context",
                label=t("intake.support_context_label"),
                hint=t("intake.support_context_hint"),
                kind="multiline",
                required=False,
                max_length=1000,
                initial=initial,
            ),
        ),
        context=ref,
    )


async def start_support(ctx: TurnContext) -> None:
    """Button "ik zie dit ook" or ``herken S-…``: an optional extra-context form."""
    args = [w for w in words(ctx) if w.lower() not in {"ook", "too"}]
    ref = args[0] if args else first_word(ctx)
    async with ctx.uow() as uow:
        signal = await load_visible_signal(ctx, uow, ref)
        if signal is None:
            return
        if not await _may_support(ctx, uow, signal):
            return
    await ctx.reply(Reply(blocks=(support_form(ctx, signal.ref),)))


async def _may_support(ctx: TurnContext, uow: UnitOfWork, signal: Signal) -> bool:
    """Whether this person may recognise ``signal``; says why not before anything is typed."""
    if signal.merged_into_id is not None:
        survivor = await uow.signals.get(signal.merged_into_id)
        await ctx.say(
            "intake.support_merged", ref=signal.ref, survivor=survivor.ref if survivor else "-"
        )
        return False
    if signal.status == "ingetrokken":
        await ctx.say("intake.withdraw.support_closed", ref=signal.ref)
        return False
    if signal.reporter_id == ctx.actor.person_id:
        await ctx.say("intake.support_own", ref=signal.ref)
        return False
    if await _supports_already(uow, signal, ctx.actor.person_id):
        await ctx.say("intake.support_already", ref=signal.ref)
        return False
    return True


async def _supports_already(uow: UnitOfWork, signal: Signal, person_id: int | None) -> bool:
    return any(s.person_id == person_id for s in await uow.signals.supports(signal.id))


async def submit_support(ctx: TurnContext) -> None:
    assert isinstance(ctx.event, Submit)
    values = cleaned(ctx.event.values)
    errors = await validate_submit(ctx, support_form(ctx, ctx.event.context))
    if errors:
        await ctx.reply(Reply(errors=errors))
        return
    context = values.get("context", "")
    context, _ = neutralise(context)
    await add_support(ctx, ctx.event.context, context)


async def support_from_match(ctx: TurnContext) -> None:
    """ "Ik zie dit ook" on a suggestion: the text already typed becomes the extra context.

    When the suggestion is the person's own signal, or one they recognise already, the typed
    text is kept (the pending signal stays) and they choose: add it to their own signal as an
    addition, or store it as a new signal after all.
    """
    assert isinstance(ctx.event, Action)
    async with ctx.uow() as uow:
        values = await pending_values(ctx, uow)
        if values is None:
            await ctx.say("signals.nothing_pending")
            return
        signal = await load_visible_signal(ctx, uow, ctx.event.value)
        if signal is None:
            return
        own = signal.reporter_id == ctx.actor.person_id and signal.merged_into_id is None
        already = not own and await _supports_already(uow, signal, ctx.actor.person_id)
    if own or already:
        await _keep_typed_text(ctx, signal, own=own)
        return
    if await add_support(ctx, ctx.event.value, values.get("text", "")):
        async with ctx.uow() as uow:
            await clear_pending(ctx, uow)
            await uow.commit()


async def _keep_typed_text(ctx: TurnContext, signal: Signal, *, own: bool) -> None:
    t = ctx.t
    key = "intake.support_kept.own" if own else "intake.support_kept.already"
    buttons = [
        Button(
            label=t("intake.support_kept.button_new"),
            action_id="signal.match.new",
        )
    ]
    if own and signal.status not in CLOSED_SIGNAL_STATUSES:
        buttons.insert(
            0,
            Button(
                label=t("intake.support_kept.button_add", ref=signal.ref),
                action_id="signal.match.add_to_own",
                value=signal.ref,
                style="primary",
            ),
        )
    await ctx.reply(
        Reply(blocks=(Text(text=t(key, ref=signal.ref)), Buttons(buttons=tuple(buttons))))
    )


async def add_to_own(ctx: TurnContext) -> None:
    """The typed text becomes an addition at the end of the person's own signal."""
    assert isinstance(ctx.event, Action)
    async with ctx.uow() as uow:
        values = await pending_values(ctx, uow)
        if values is None:
            await ctx.say("signals.nothing_pending")
            return
        signal = await load_visible_signal(ctx, uow, ctx.event.value)
        if signal is None:
            return
        if signal.reporter_id != ctx.actor.person_id:
            await ctx.say("intake.not_yours", ref=signal.ref)
            return
        if signal.status in CLOSED_SIGNAL_STATUSES:
            await ctx.say("intake.withdraw_closed", ref=signal.ref)
            return
        addition = ctx.t(
            "intake.support_kept.addition",
            date=ctx.t.date(ctx.now().date()),
            text=values.get("text", ""),
        )
        text = f"{signal.text}\n\n{addition}"
        # The whole text is known only here, after reading the signal: analysed in the
        # transaction (a rare step; a signal's report is analysed before its own).
        analysed = analyse(ctx.services.matcher, signal_document(signal.ref, text))
        updated = await uow.signals.set_text(signal.id, text, ctx.now(), analysis=analysed.stored)
        await uow.audit.record(
            actor_id=ctx.actor.person_id,
            action="signal.addition",
            entity="signal",
            entity_id=signal.ref,
            now=ctx.now(),
        )
        await clear_pending(ctx, uow)
        await uow.commit()
    index_signal(ctx, updated.ref, analysed)  # replaces the indexed text
    await ctx.say("intake.support_kept.added", ref=signal.ref)


async def add_support(ctx: TurnContext, ref: str, context: str) -> bool:
    async with ctx.uow() as uow:
        signal = await load_visible_signal(ctx, uow, ref)
        if signal is None or not await _may_support(ctx, uow, signal):
            return False
        added = await uow.signals.add_support(
            signal.id, ctx.actor.person_id, ctx.actor.org_type.value, context, ctx.now()
        )
        if added:
            await uow.audit.record(
                actor_id=ctx.actor.person_id,
                action="signal.support",
                entity="signal",
                entity_id=signal.ref,
                now=ctx.now(),
                details={"with_context": bool(context)},
            )
        counts = await uow.intake.support_org_types(signal.id)
        await uow.commit()
    t = ctx.t
    key = "intake.support_added" if added else "intake.support_already"
    await ctx.reply(
        Reply(
            blocks=(
                Text(text=t(key, ref=signal.ref)),
                Fields(
                    items=(
                        FieldItem(
                            label=t("intake.field_support"), value=support_summary(t, counts)
                        ),
                    )
                ),
            )
        )
    )
    return True


def support_summary(t: Translator, counts: dict[str, int]) -> str:
    """ "door 3 mensen (2 van de gemeente, 1 van een aanbieder)": counts only, never names."""
    total = sum(counts.values())
    if not total:
        return t("intake.support_none")
    parts = ", ".join(t(f"intake.support_from.{org}", count=n) for org, n in sorted(counts.items()))
    return t("intake.support_count", count=total, org_types=parts)


def support_button(t: Translator, ref: str) -> Buttons:
    return Buttons(
        buttons=(Button(label=t("intake.button_support"), action_id="signal.support", value=ref),)
    )


async def merge(ctx: TurnContext) -> None:
    """``samenvoegen S-A S-B``: A goes into B; supports and reporter move, A points to B."""
    args = words(ctx)
    if len(args) != 2:
        await ctx.say("intake.merge_usage")
        return
    async with ctx.uow() as uow:
        source = await load_visible_signal(ctx, uow, args[0])
        if source is None:
            return
        target = await load_visible_signal(ctx, uow, args[1])
        if target is None:
            return
        if source.id == target.id:
            await ctx.say("intake.merge_same")
            return
        if source.merged_into_id is not None or target.merged_into_id is not None:
            merged = source if source.merged_into_id is not None else target
            await ctx.say("intake.merge_already", ref=merged.ref)
            return
        followers_before = await uow.intake.followers(source.id)
        moved = await uow.intake.merge(source.id, target.id, ctx.now())
        await uow.audit.record(
            actor_id=ctx.actor.person_id,
            action="signal.merge",
            entity="signal",
            entity_id=source.ref,
            now=ctx.now(),
            details={"into": target.ref, "moved": moved},
        )
        # The followers of the merged signal now follow the survivor: tell them where it went.
        merged_signal = await uow.signals.get(source.id)
        assert merged_signal is not None
        notice = Notice(
            key="intake.notice_merged",
            params={"ref": source.ref, "survivor": target.ref},
        )
        stamp = ctx.now().isoformat()
        for person_id in followers_before:
            await _direct(
                ctx, uow, person_id, merged_signal, notice, f"signal-merged:{source.ref}:{stamp}"
            )
        await uow.commit()
    unindex_signal(ctx, source.ref)
    await ctx.say("intake.merge_done", ref=source.ref, survivor=target.ref, count=moved)


async def _direct(
    ctx: TurnContext, uow: UnitOfWork, person_id: int, signal: Signal, notice: Notice, key: str
) -> None:
    person = await uow.people.get(person_id)
    if person is None or person.erased:
        return
    t = ctx.services.translator(person.locale, person.timezone)
    reply = Reply(
        blocks=(
            Text(text=t(notice.key, **notice.params)),
            Text(
                text=t("intake.notice_follow", ref=notice.params.get("survivor", signal.ref)),
                style="muted",
            ),
        )
    )
    await uow.outbox.enqueue(
        key=f"{key}:{person_id}"[:200],
        person_id=person_id,
        payload=reply.model_dump(mode="json"),
        now=ctx.now(),
        office_hours_only=False,  # a notice about their own report: at once
    )


def register(router: Router) -> None:
    router.action("signal.support")(start_support)
    router.command("support")(start_support)
    router.submit(SUPPORT_FORM)(submit_support)
    router.action("signal.match.support")(support_from_match)
    router.action("signal.match.add_to_own")(add_to_own)
    router.command("merge", roles=DESK)(merge)
