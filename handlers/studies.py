"""The research desk adds a study to the catalogue from the chat.

Seed 000: the programme leader tells colleagues of new studies. Until now a study could only
enter the catalogue with ``signaalbot import studies``; ``onderzoek toevoegen`` gives the
research desk and the programme leader a form for one study. What happens after the save is the
same for both ways in: the database's change log brings the study into every instance's index
(``turn.index_sync``), and ``cycle.study_news`` tells the reporters, supporters and askers it
matches, once each, in their own language. The intake then shows the study to the next reporter.

A study gets a reference ``O-YYYY-NNNN`` (O for *onderzoek*) from the same atomic counter as
signals and questions. A second study with the same title is refused on the title field, with
the reference of the first, so the desk's typing is kept and nothing is stored twice.
"""

from __future__ import annotations

from handlers.intake import neutralise
from kernel.core import Form, Input, Option, Reply, Role, Submit, Text
from turn.context import TurnContext
from turn.forms import cleaned, validate_submit
from turn.index_sync import study_document
from turn.index_writes import analyse, index_written
from turn.router import Router
from turn.state import draft_flow

STUDY_FORM = "study.new"
#: Who keeps the catalogue: the research desk, and the programme leader who tells colleagues.
KEEPERS = (Role.RESEARCH_DESK, Role.PROGRAMME_LEADER)
STATUSES = ("finished", "running")
#: Free text shown to others later: Slack/HTML markup is neutralised before it is stored.
FREE_TEXT = ("title", "summary", "source")


def study_form(ctx: TurnContext, initial: dict[str, str]) -> Form:
    t = ctx.t
    return Form(
        form_id=STUDY_FORM,
        title=t("studies.form_title"),
        submit_label=t("studies.form_submit"),
        inputs=(
            Input(
                name="title",
                label=t("studies.title_label"),
                hint=t("studies.title_hint"),
                min_length=5,
                max_length=300,
                initial=initial.get("title", ""),
            ),
            Input(
                name="summary",
                label=t("studies.summary_label"),
                hint=t("studies.summary_hint"),
                kind="multiline",
                required=False,
                max_length=2000,
                initial=initial.get("summary", ""),
            ),
            Input(
                name="url",
                label=t("studies.url_label"),
                hint=t("studies.url_hint"),
                expects="url",
                required=False,
                max_length=500,
                initial=initial.get("url", ""),
            ),
            Input(
                name="year",
                label=t("studies.year_label"),
                expects="year",
                required=False,
                # Room for a sentence typed in the wrong field: it is scanned for personal data
                # like any other text, and anything but a year gets the year's own message.
                max_length=100,
                initial=initial.get("year", ""),
            ),
            Input(
                name="source",
                label=t("studies.source_label"),
                hint=t("studies.source_hint"),
                holds="staff_name",
                required=False,
                max_length=200,
                initial=initial.get("source", ""),
            ),
            Input(
                name="status",
                label=t("studies.status_label"),
                kind="select",
                options=tuple(Option(label=t(f"studies.status.{s}"), value=s) for s in STATUSES),
                initial=initial.get("status", "finished"),
            ),
        ),
    )


async def start_study(ctx: TurnContext) -> None:
    """``onderzoek toevoegen``: the study form, with what was typed before if it was closed."""
    async with ctx.uow() as uow:
        draft = await uow.conversations.get(
            ctx.actor.platform.value, ctx.actor.user_id, draft_flow(STUDY_FORM)
        )
    await ctx.reply(Reply(blocks=(study_form(ctx, {k: str(v) for k, v in (draft or {}).items()}),)))


async def submit_study(ctx: TurnContext) -> None:
    assert isinstance(ctx.event, Submit)
    t = ctx.t
    form = study_form(ctx, {})
    async with ctx.uow() as uow:
        errors = await validate_submit(ctx, form, uow)
        values = cleaned(ctx.event.values)
        for name in FREE_TEXT:
            values[name], _ = neutralise(values.get(name, ""))
        if "title" not in errors:
            same = await uow.studies.find_by_title(values["title"])
            if same is not None:
                errors["title"] = t("studies.title_exists", ref=same.ref)
        if errors:
            await ctx.reply(Reply(errors=errors))
            return
        year = values.get("year", "")
        summary = values.get("summary", "")
        analysed = analyse(ctx.services.matcher, study_document("", values["title"], summary))
        study = await uow.studies.add(
            title=values["title"],
            summary=summary,
            url=values.get("url", ""),
            year=int(year) if year else None,
            source=values.get("source", ""),
            status=values.get("status") or "finished",
            now=ctx.now(),
            analysis=analysed.stored,
        )
        await uow.audit.record(
            actor_id=ctx.actor.person_id,
            action="study.create",
            entity="study",
            entity_id=study.ref,
            now=ctx.now(),
        )
        await uow.conversations.clear(
            ctx.actor.platform.value, ctx.actor.user_id, draft_flow(STUDY_FORM)
        )
        await uow.commit()
    # This instance searches it at once; the others pick it up from the change log and read
    # the analysis stored with it.
    index_written(ctx.services.matcher, analysed, study.ref)
    await ctx.reply(
        Reply(
            blocks=(
                Text(text=t("studies.saved", ref=study.ref, title=study.title), style="header"),
                Text(text=t("studies.saved_next")),
            )
        )
    )


def register(router: Router) -> None:
    router.command("study_add", roles=KEEPERS)(start_study)
    router.submit(STUDY_FORM, roles=KEEPERS)(submit_study)
