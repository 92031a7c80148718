"""Reporting a signal and following it: the simple flow of the foundation.

The full intake (privacy guard, all fields, matching, support, triage) builds on this module.
"""

from __future__ import annotations

from bot.core import Command, FieldItem, Fields, Form, Input, Option, Reply, Submit, Text
from handlers.context import TurnContext
from handlers.forms import cleaned, validate_form
from handlers.registry import Router
from storage.domain import NewSignal, Signal
from storage.repositories.signals import SignalFilter

SIGNAL_FORM = "signal.report"


def signal_form(ctx: TurnContext, initial_text: str = "") -> Form:
    t, locale = ctx.t, ctx.actor.locale
    themes = (*ctx.services.domain.themes, *ctx.services.domain.subdomains)
    return Form(
        form_id=SIGNAL_FORM,
        title=t("signals.form_title"),
        submit_label=t("signals.form_submit"),
        inputs=(
            Input(
                name="text",
                label=t("signals.text_label"),
                kind="multiline",
                hint=t("signals.text_hint"),
                initial=initial_text,
                min_length=20,
                max_length=2000,
            ),
            Input(
                name="theme",
                label=t("signals.theme_label"),
                kind="select",
                options=tuple(Option(label=th.name(locale), value=th.key) for th in themes),
            ),
        ),
    )


async def start_report(ctx: TurnContext) -> None:
    initial = ctx.event.text if isinstance(ctx.event, Command) else ""
    await ctx.reply(Reply(blocks=(signal_form(ctx, initial[:2000]),)))


async def submit_report(ctx: TurnContext) -> None:
    assert isinstance(ctx.event, Submit)
    form = signal_form(ctx)
    errors = validate_form(form, ctx.event.values, ctx.t)
    if errors:
        await ctx.reply(Reply(errors=errors))
        return
    values = cleaned(ctx.event.values)
    theme = values["theme"]
    async with ctx.uow() as uow:
        signal = await uow.signals.add(
            NewSignal(
                text=values["text"],
                theme_key=theme if theme in _theme_keys(ctx, "theme") else None,
                subdomain_key=theme if theme in _theme_keys(ctx, "subdomain") else None,
                org_type=ctx.actor.org_type.value,
                reporter_id=ctx.actor.person_id,
            ),
            ctx.now(),
        )
        await uow.audit.record(
            actor_id=ctx.actor.person_id,
            action="signal.create",
            entity="signal",
            entity_id=signal.ref,
            now=ctx.now(),
        )
        await uow.commit()
    await ctx.say("signals.saved", ref=signal.ref)
    await ctx.say("signals.next_steps", ref=signal.ref)


def _theme_keys(ctx: TurnContext, kind: str) -> set[str]:
    domain = ctx.services.domain
    return {t.key for t in (domain.themes if kind == "theme" else domain.subdomains)}


async def my_signals(ctx: TurnContext) -> None:
    async with ctx.uow() as uow:
        signals = await uow.signals.find(
            SignalFilter(reporter_id=ctx.actor.person_id, include_merged=True), limit=20
        )
    if not signals:
        await ctx.say("signals.mine_empty")
        return
    t = ctx.t
    lines = [
        t(
            "signals.mine_line",
            ref=s.ref,
            status=t(f"signals.status.{s.status}"),
            date=t.date(s.created_at.date()),
        )
        for s in signals
    ]
    await ctx.reply(
        Reply(
            blocks=(
                Text(text=t("signals.mine_title"), style="header"),
                Text(text="\n".join(lines)),
            )
        )
    )


async def status(ctx: TurnContext) -> None:
    ref = (
        ctx.event.text.strip().split()[0]
        if isinstance(ctx.event, Command) and ctx.event.text.strip()
        else ""
    )
    if not ref:
        await ctx.say("signals.status_missing_ref")
        return
    async with ctx.uow() as uow:
        signal = await uow.signals.get_by_ref(ref)
    if signal is None or not _may_see(ctx, signal):
        await ctx.say("signals.not_found", ref=ref[:40])
        return
    await ctx.reply(status_card(ctx, signal))


def _may_see(ctx: TurnContext, signal: Signal) -> bool:
    """Providers are guests: they see their own signals and what was shared with them."""
    from bot.core import Role

    if ctx.actor.has(
        Role.PROFESSIONAL, Role.POLICY_OFFICER, Role.RESEARCH_DESK, Role.PROGRAMME_LEADER
    ):
        return True
    return signal.reporter_id == ctx.actor.person_id or signal.shared_with_providers


def status_card(ctx: TurnContext, signal: Signal) -> Reply:
    t = ctx.t
    items = [
        FieldItem(label=t("signals.field_status"), value=t(f"signals.status.{signal.status}")),
        FieldItem(
            label=t("signals.field_theme"),
            value=ctx.services.domain.theme_name(
                signal.theme_key or signal.subdomain_key, ctx.actor.locale
            ),
        ),
        FieldItem(label=t("signals.field_reported"), value=t.date(signal.created_at.date())),
    ]
    if signal.status_reason:
        items.append(FieldItem(label=t("signals.field_reason"), value=signal.status_reason))
    return Reply(
        blocks=(
            Text(text=t("signals.status_title", ref=signal.ref), style="header"),
            Text(text=signal.text),
            Fields(items=tuple(items)),
        )
    )


def register(router: Router) -> None:
    router.command("signaal", "signal", "meld")(start_report)
    router.submit(SIGNAL_FORM)(submit_report)
    router.command("mijn signalen", "my signals")(my_signals)
    router.command("status")(status)
