"""Triage by the research desk, and feedback on every status change.

Statuses (seed 004): nieuw → in_behandeling → stimuleren / faciliteren / aanjagen /
actief_ondersteunen → gekoppeld (aan vraag of onderzoek) → afgerond, or niet_opgepakt with a
reason. Every change is queued in the outbox for the reporter and all supporters, each in their
own language and with the reason: providers always hear back.

Withdrawal is the reporter's, not the desk's: ``intrekken`` asks first, then sets the status
``ingetrokken`` with words of its own, so supporters never read it as "the desk declined".
"""

from __future__ import annotations

from handlers.intake import (
    DESK,
    Notice,
    load_visible_signal,
    neutralise,
    notify_followers,
    short,
    status_label,
    words,
)
from handlers.signals import unindex_signal
from kernel.core import Button, Buttons, Form, Input, Reply, Submit, Text
from kernel.i18n import Translator
from storage.domain import CLOSED_SIGNAL_STATUSES, WITHDRAWN_STATUS, Signal
from storage.uow import UnitOfWork
from turn.context import TurnContext
from turn.forms import cleaned, text_errors, validate_submit
from turn.router import Router

REASON_FORM = "triage.reason"
APPROACHES = ("stimuleren", "faciliteren", "aanjagen", "actief_ondersteunen")
TRANSITIONS: dict[str, tuple[str, ...]] = {
    "nieuw": ("in_behandeling", "niet_opgepakt"),
    "in_behandeling": (*APPROACHES, "gekoppeld", "niet_opgepakt"),
    **{a: ("gekoppeld", "afgerond", "niet_opgepakt") for a in APPROACHES},
    "gekoppeld": ("afgerond", "niet_opgepakt"),
    "afgerond": ("in_behandeling",),
    "niet_opgepakt": ("in_behandeling",),
    "samengevoegd": (),
    "ingetrokken": (),
}
REASON_REQUIRED = {"niet_opgepakt"}
WITHDRAWN = WITHDRAWN_STATUS
CLOSED = CLOSED_SIGNAL_STATUSES


async def triage_card(ctx: TurnContext) -> None:
    """``triage S-…``: the signal with one button per next status.

    ``triage S-… STATUS [reden]`` sets the status at once (handy for scripts and the console).
    """
    args = words(ctx)
    async with ctx.uow() as uow:
        signal = await load_visible_signal(ctx, uow, args[0] if args else "")
        if signal is None:
            return
        if len(args) >= 2:
            reason, _ = neutralise(" ".join(args[2:]))
            await set_status(ctx, uow, signal, args[1].lower(), reason)
            return
    t = ctx.t
    options = TRANSITIONS.get(signal.status, ())
    buttons = tuple(
        Button(
            label=status_label(t, status),
            action_id="triage.set",
            value=f"{signal.ref}|{status}",
            style="danger" if status == "niet_opgepakt" else "default",
        )
        for status in options
    )
    blocks: list[Text | Buttons] = [
        Text(
            text=t("intake.triage_title", ref=signal.ref, status=status_label(t, signal.status)),
            style="header",
        ),
        Text(text=signal.text),
    ]
    blocks.append(Buttons(buttons=buttons) if buttons else Text(text=t("intake.triage_final")))
    await ctx.reply(Reply(blocks=tuple(blocks)))


async def choose_status(ctx: TurnContext) -> None:
    """A status button: ask for the reason (required when the signal is not taken up)."""
    value = str(getattr(ctx.event, "value", ""))
    ref, _, status = value.partition("|")
    async with ctx.uow() as uow:
        signal = await load_visible_signal(ctx, uow, ref)
        if signal is None:
            return
        if not await _allowed(ctx, signal, status):
            return
    await ctx.reply(Reply(blocks=(reason_form(ctx.t, signal.ref, status),)))


def reason_form(t: Translator, ref: str, status: str) -> Form:
    """Why the status changes: required when the signal is not taken up."""
    return Form(
        form_id=REASON_FORM,
        title=t("intake.triage_reason_title", ref=ref, status=status_label(t, status)),
        submit_label=t("intake.triage_reason_submit"),
        inputs=(
            Input(
                name="reason",
                label=t("intake.triage_reason_label"),
                hint=t("intake.triage_reason_hint"),
                kind="multiline",
                required=status in REASON_REQUIRED,
                max_length=1000,
            ),
        ),
        context=f"{ref}|{status}",
    )


async def submit_reason(ctx: TurnContext) -> None:
    assert isinstance(ctx.event, Submit)
    ref, _, status = ctx.event.context.partition("|")
    values = cleaned(ctx.event.values)
    reason = values.get("reason", "")
    if status in REASON_REQUIRED and not reason:
        await ctx.reply(Reply(errors={"reason": ctx.t("intake.triage_reason_required")}))
        return
    errors = await validate_submit(ctx, reason_form(ctx.t, ref, status))
    if errors:
        await ctx.reply(Reply(errors=errors))
        return
    reason, _ = neutralise(reason)
    async with ctx.uow() as uow:
        signal = await load_visible_signal(ctx, uow, ref)
        if signal is None:
            return
        await set_status(ctx, uow, signal, status, reason)


async def _allowed(ctx: TurnContext, signal: Signal, status: str) -> bool:
    if status not in TRANSITIONS:
        await ctx.say("intake.triage_unknown_status", status=short(status))
        return False
    if status not in TRANSITIONS.get(signal.status, ()):
        t = ctx.t
        await ctx.say(
            "intake.triage_not_now",
            ref=signal.ref,
            current=status_label(t, signal.status),
            wanted=status_label(t, status),
        )
        return False
    return True


async def set_status(
    ctx: TurnContext,
    uow: UnitOfWork,
    signal: Signal,
    status: str,
    reason: str,
    *,
    check: bool = True,
    reply: bool = True,
) -> Signal | None:
    """Change the status, write the audit entry and tell every follower; commits."""
    if check and not await _allowed(ctx, signal, status):
        return None
    if status in REASON_REQUIRED and not reason:
        await ctx.say("intake.triage_reason_required")
        return None
    refused = text_errors(ctx.t, {"reason": reason})
    if refused:
        await ctx.reply(Reply(errors=refused))
        return None
    updated = await uow.signals.set_status(signal.id, status, reason, ctx.now())
    await uow.audit.record(
        actor_id=ctx.actor.person_id,
        action="signal.status",
        entity="signal",
        entity_id=signal.ref,
        now=ctx.now(),
        details={"from": signal.status, "to": status, "with_reason": bool(reason)},
    )
    queued = await notify_followers(
        ctx,
        uow,
        updated,
        Notice(
            key="intake.notice_status",
            params={"ref": signal.ref, "status": f"t:signals.status.{status}"},
            reason=reason,
        ),
        event_key=f"signal-status:{signal.ref}:{status}:{ctx.now().isoformat()}",
        skip=[ctx.actor.person_id],
    )
    await uow.commit()
    if reply:
        t = ctx.t
        await ctx.say(
            "intake.triage_done", ref=signal.ref, status=status_label(t, status), count=queued
        )
    return updated


async def share(ctx: TurnContext) -> None:
    """``delen S-…``: providers (guests) may see this signal from now on."""
    args = words(ctx)
    async with ctx.uow() as uow:
        signal = await load_visible_signal(ctx, uow, args[0] if args else "")
        if signal is None:
            return
        await uow.intake.set_shared(signal.id, True, ctx.now())
        await uow.audit.record(
            actor_id=ctx.actor.person_id,
            action="signal.share",
            entity="signal",
            entity_id=signal.ref,
            now=ctx.now(),
        )
        await uow.commit()
    await ctx.say("intake.shared", ref=signal.ref)


async def _own_open_signal(ctx: TurnContext, uow: UnitOfWork, ref: str) -> Signal | None:
    """The signal ``ref`` when this person reported it and it is still open; else says why."""
    signal = await load_visible_signal(ctx, uow, ref)
    if signal is None:
        return None
    if signal.reporter_id != ctx.actor.person_id:
        supporters = {s.person_id for s in await uow.signals.supports(signal.id)}
        # Someone who already recognises it is not told to recognise it.
        key = "not_yours_supported" if ctx.actor.person_id in supporters else "not_yours"
        await ctx.say(f"intake.{key}", ref=signal.ref)
        return None
    if signal.status == WITHDRAWN:
        await ctx.say("intake.withdraw.already", ref=signal.ref)
        return None
    if signal.status in CLOSED:
        await ctx.say("intake.withdraw_closed", ref=signal.ref)
        return None
    return signal


async def withdraw(ctx: TurnContext) -> None:
    """``intrekken S-…``: only the reporter may withdraw their own signal, after a yes."""
    args = words(ctx)
    async with ctx.uow() as uow:
        signal = await _own_open_signal(ctx, uow, args[0] if args else "")
        if signal is None:
            return
        followers = len(await uow.intake.followers(signal.id)) - 1
    t = ctx.t
    await ctx.reply(
        Reply(
            blocks=(
                Text(text=t("intake.withdraw.confirm_title", ref=signal.ref), style="header"),
                Text(text=signal.text),
                Text(
                    text=t("intake.withdraw.confirm_body", count=followers)
                    if followers > 0
                    else t("intake.withdraw.confirm_body_nobody")
                ),
                Buttons(
                    buttons=(
                        Button(
                            label=t("intake.withdraw.button_yes"),
                            action_id="signal.withdraw.yes",
                            value=signal.ref,
                            style="danger",
                        ),
                        Button(
                            label=t("intake.withdraw.button_no"),
                            action_id="signal.withdraw.no",
                            value=signal.ref,
                        ),
                    )
                ),
            )
        )
    )


async def confirm_withdraw(ctx: TurnContext) -> None:
    """ "Ja, intrekken": status ``ingetrokken``; every supporter hears it in their own words."""
    ref = str(getattr(ctx.event, "value", ""))
    async with ctx.uow() as uow:
        signal = await _own_open_signal(ctx, uow, ref)
        if signal is None:
            return
        updated = await uow.signals.set_status(signal.id, WITHDRAWN, "", ctx.now())
        await uow.audit.record(
            actor_id=ctx.actor.person_id,
            action="signal.withdraw",
            entity="signal",
            entity_id=signal.ref,
            now=ctx.now(),
            details={"from": signal.status},
        )
        queued = await notify_followers(
            ctx,
            uow,
            updated,
            Notice(key="intake.withdraw.notice", params={"ref": signal.ref}),
            event_key=f"signal-withdrawn:{signal.ref}",
            skip=[ctx.actor.person_id],
        )
        await uow.commit()
    unindex_signal(ctx, signal.ref)  # nobody should be offered "ik zie dit ook" on it any more
    if queued:
        await ctx.say("intake.withdraw.done", ref=signal.ref, count=queued)
    else:
        await ctx.say("intake.withdraw.done_nobody", ref=signal.ref)


async def keep_signal(ctx: TurnContext) -> None:
    await ctx.say("intake.withdraw.kept", ref=short(str(getattr(ctx.event, "value", ""))))


def register(router: Router) -> None:
    router.command("triage", roles=DESK)(triage_card)
    router.action("triage.set", roles=DESK)(choose_status)
    router.submit(REASON_FORM, roles=DESK)(submit_reason)
    router.command("share", roles=DESK)(share)
    router.command("withdraw")(withdraw)
    router.action("signal.withdraw.yes")(confirm_withdraw)
    router.action("signal.withdraw.no")(keep_signal)
