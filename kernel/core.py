"""The platform-neutral vocabulary that handlers speak.

Why: conversation logic lives once, in ``handlers/`` and ``cycle/``. Adapters translate a
Slack payload, a Teams activity or a console line into one of the inbound events below, and
render the outbound :class:`Reply` back into Block Kit, an Adaptive Card or plain text.
Everything here is a pydantic model so a reply can be stored in the outbox as JSON and sent
later, after a restart, by whichever adapter reaches the recipient.
"""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field


class Platform(StrEnum):
    SLACK = "slack"
    TEAMS = "teams"
    CONSOLE = "console"


class Role(StrEnum):
    """What a person may do. A person can hold several roles."""

    PROFESSIONAL = "professional"
    PROVIDER = "provider"
    POLICY_OFFICER = "policy_officer"
    RESEARCH_DESK = "research_desk"
    PROGRAMME_LEADER = "programme_leader"
    ADMIN = "admin"


class OrgType(StrEnum):
    MUNICIPALITY = "municipality"
    PROVIDER = "provider"
    OTHER = "other"


class _Frozen(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class Identity(_Frozen):
    """Who is talking, as the platform tells it (before we look the person up).

    ``user_id`` is unique within ``platform``: Slack ``team:user``, Teams ``tenant:aad-object-id``,
    console the name typed after ``--as``.
    """

    platform: Platform
    user_id: str
    display_name: str = ""
    locale: str | None = None
    tenant: str | None = None
    email_domain: str | None = None
    # What the platform says about the account (``turn.admission`` decides on it): a guest
    # (Slack restricted / ultra-restricted, Teams userRole "guest"), or someone from another
    # organisation (Slack Connect). None: the platform was not asked or did not answer.
    guest: bool | None = None
    external: bool | None = None


class Actor(_Frozen):
    """A resolved person: identity plus what we know of them in our database."""

    platform: Platform
    user_id: str
    person_id: int
    name: str = ""
    locale: str = "nl"
    timezone: str = "Europe/Amsterdam"
    roles: frozenset[Role] = frozenset({Role.PROFESSIONAL})
    org_type: OrgType = OrgType.MUNICIPALITY

    def has(self, *roles: Role) -> bool:
        """True when the actor holds any of ``roles`` (admins hold every role)."""
        return Role.ADMIN in self.roles or any(role in self.roles for role in roles)


# --- inbound events -------------------------------------------------------------------------


class Command(_Frozen):
    """A command with its argument text: ``/signaal …`` on Slack, ``signaal …`` elsewhere."""

    kind: Literal["command"] = "command"
    name: str
    text: str = ""
    idempotency_key: str | None = None


class Message(_Frozen):
    """Free text typed to the bot that is not a command."""

    kind: Literal["message"] = "message"
    text: str
    idempotency_key: str | None = None


class Action(_Frozen):
    """A button click or a choice from a list."""

    kind: Literal["action"] = "action"
    action_id: str
    value: str = ""
    idempotency_key: str | None = None


class Submit(_Frozen):
    """A filled-in form."""

    kind: Literal["submit"] = "submit"
    form_id: str
    values: dict[str, str] = Field(default_factory=dict)
    context: str = ""
    idempotency_key: str | None = None


Event = Annotated[Command | Message | Action | Submit, Field(discriminator="kind")]


# --- outbound blocks ------------------------------------------------------------------------


class Text(_Frozen):
    type: Literal["text"] = "text"
    text: str
    style: Literal["plain", "header", "muted", "warning"] = "plain"


class FieldItem(_Frozen):
    label: str
    value: str


class Fields(_Frozen):
    type: Literal["fields"] = "fields"
    items: tuple[FieldItem, ...]


class Button(_Frozen):
    label: str
    action_id: str
    value: str = ""
    style: Literal["default", "primary", "danger"] = "default"


class Buttons(_Frozen):
    type: Literal["buttons"] = "buttons"
    buttons: tuple[Button, ...]


class Option(_Frozen):
    label: str
    value: str


class Choice(_Frozen):
    """Pick one of several options; clicking sends an :class:`Action` with the option value."""

    type: Literal["choice"] = "choice"
    label: str
    action_id: str
    options: tuple[Option, ...]


#: What a free-text input holds. Every text and multi-line input is scanned for client personal
#: data before a handler sees it (``turn.forms.validate_form``); ``staff_name`` marks a field for
#: a colleague's name (a researcher, a stage owner): names are allowed there, a BSN, an address
#: or a client's case number still is not.
Holds = Literal["client_text", "staff_name"]
#: What a typed answer must look like, checked as it is answered (``turn.forms.check_input``):
#: every platform shows a plain text box, so the rule travels with the input, not the widget.
Expects = Literal["text", "url", "year"]


class Input(_Frozen):
    name: str
    label: str
    kind: Literal["text", "multiline", "select", "date"] = "text"
    holds: Holds = "client_text"
    expects: Expects = "text"
    required: bool = True
    options: tuple[Option, ...] = ()
    initial: str = ""
    hint: str = ""
    min_length: int = 0
    max_length: int = 3000


class Form(_Frozen):
    """A form: a Slack modal, an Adaptive Card with inputs, step-by-step prompts on the console.

    Submitting sends a :class:`Submit` with ``form_id``, the values by input name and
    ``context`` unchanged (e.g. the signal the form is about).
    """

    type: Literal["form"] = "form"
    form_id: str
    title: str
    submit_label: str
    inputs: tuple[Input, ...]
    context: str = ""


class Image(_Frozen):
    type: Literal["image"] = "image"
    alt: str
    url: str | None = None
    path: str | None = None


class Attachment(_Frozen):
    """A file that goes with the message, such as a session's .ics invitation.

    Slack uploads it into the conversation, Teams shows a button that opens a download link,
    the console shows where it was saved. ``label`` says what it is, in the reader's language.
    ``valid_until``: until when the file matters (a session's .ics: until just after the
    session), so a link made for it can expire then. ``url`` is that link, set by the adapter
    that needs one (``bot.adapters.file_links``), never by a handler.
    """

    type: Literal["attachment"] = "attachment"
    label: str
    name: str  # file name shown to the person, e.g. "sessie-12.ics"
    path: str  # where the file is on this machine
    media_type: str = "application/octet-stream"
    valid_until: datetime | None = None
    url: str | None = None


Block = Annotated[
    Text | Fields | Buttons | Choice | Form | Image | Attachment, Field(discriminator="type")
]


class Reply(_Frozen):
    """One message back to the person, made of neutral blocks.

    ``errors`` answers a :class:`Submit` whose values do not pass: the adapter shows the messages
    next to the inputs (Slack ``response_action: errors``) and keeps what was typed.
    ``update_key`` lets an adapter update an earlier message in place instead of posting anew.
    """

    blocks: tuple[Block, ...] = ()
    errors: dict[str, str] = Field(default_factory=dict)
    update_key: str | None = None

    @property
    def plain_text(self) -> str:
        """All text of the reply, for notifications and logs in tests."""
        parts: list[str] = []
        for block in self.blocks:
            if isinstance(block, Text):
                parts.append(block.text)
            elif isinstance(block, Fields):
                parts.extend(f"{item.label}: {item.value}" for item in block.items)
            elif isinstance(block, Form):
                parts.append(block.title)
            elif isinstance(block, Attachment):
                parts.append(f"{block.label}: {block.name}")
        parts.extend(self.errors.values())
        return "\n".join(parts)

    @property
    def form(self) -> Form | None:
        return next((b for b in self.blocks if isinstance(b, Form)), None)


def text_reply(*lines: str) -> Reply:
    """A reply of plain text paragraphs."""
    return Reply(blocks=tuple(Text(text=line) for line in lines))
