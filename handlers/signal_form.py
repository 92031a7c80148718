"""The signal form: what a reporter is asked, in the reporter's language, with its choices.

Kept apart from the reporting flow (``handlers.signals``): the form is data the flow, the
import (the same text length) and the privacy walk over every form share; the flow is the
conversation around it.
"""

from __future__ import annotations

from handlers.intake import WHOLE_MUNICIPALITY, areas, themes
from kernel.core import Form, Input, Option, OrgType
from storage.uow import UnitOfWork
from turn.context import TurnContext

SIGNAL_FORM = "signal.report"
SINCE = ("lt3m", "3to12m", "gt1y")
FREQUENCY = ("once", "monthly", "weekly", "daily")
# The length a signal's text must have, in the chat and in a CSV import alike.
TEXT_MIN_LENGTH = 20
TEXT_MAX_LENGTH = 2000


async def signal_form(
    ctx: TurnContext, uow: UnitOfWork, initial: dict[str, str] | None = None
) -> Form:
    t, locale = ctx.t, ctx.actor.locale
    init = initial or {}
    theme_opts = tuple(
        Option(label=th.name(locale), value=th.key) for th in await themes(uow, ctx, "theme")
    )
    sub_opts = tuple(
        Option(label=th.name(locale), value=th.key) for th in await themes(uow, ctx, "subdomain")
    )
    area_opts = (
        Option(label=t("signals.area_whole"), value=WHOLE_MUNICIPALITY),
        *(Option(label=a.name, value=a.key) for a in await areas(uow, ctx)),
    )

    def opts(group: str, keys: tuple[str, ...]) -> tuple[Option, ...]:
        return tuple(Option(label=t(f"signals.{group}.{k}"), value=k) for k in keys)

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
                initial=init.get("text", ""),
                min_length=TEXT_MIN_LENGTH,
                max_length=TEXT_MAX_LENGTH,
            ),
            Input(
                name="theme",
                label=t("signals.theme_label"),
                kind="select",
                options=theme_opts,
                initial=init.get("theme", ""),
            ),
            Input(
                name="subdomain",
                label=t("signals.subdomain_label"),
                kind="select",
                options=sub_opts,
                initial=init.get("subdomain", ""),
                required=False,
            ),
            Input(
                name="affected",
                label=t("signals.affected_label"),
                hint=t("signals.affected_hint"),
                initial=init.get("affected", ""),
                required=False,
                max_length=300,
            ),
            Input(
                name="area",
                label=t("signals.area_label"),
                kind="select",
                options=area_opts,
                initial=init.get("area", ""),
            ),
            Input(
                name="since",
                label=t("signals.since_label"),
                kind="select",
                options=opts("since", SINCE),
                initial=init.get("since", ""),
            ),
            Input(
                name="frequency",
                label=t("signals.frequency_label"),
                kind="select",
                options=opts("frequency", FREQUENCY),
                initial=init.get("frequency", ""),
                required=False,
            ),
            Input(
                name="org_type",
                label=t("signals.org_type_label"),
                kind="select",
                options=tuple(
                    Option(label=t(f"signals.org_type.{o.value}"), value=o.value) for o in OrgType
                ),
                initial=init.get("org_type", ctx.actor.org_type.value),
            ),
        ),
    )
