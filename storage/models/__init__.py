"""All table models. Importing this package registers every table on ``Base.metadata``."""

from storage.models.base import Base, UtcDateTime
from storage.models.catalogue import StudyRow, ThemeRow
from storage.models.cycle import CycleStageOwnerRow, CycleStageRow, LearningCycleRow
from storage.models.infra import (
    AuditEventRow,
    ConsoleMessageRow,
    ConversationStateRow,
    IndexChangeRow,
    OutboxRow,
    ProcessedEventRow,
    RefCounterRow,
    SharedFileRow,
)
from storage.models.intake import AreaRow
from storage.models.people import OrganisationRow, PersonIdentityRow, PersonRoleRow, PersonRow
from storage.models.sessions import (
    AgendaSessionRow,
    SessionAgendaItemRow,
    SessionRsvpRow,
    SessionVoteRow,
)
from storage.models.signals import (
    ResearchQuestionRow,
    SignalRow,
    SignalSupportRow,
    question_signal,
    question_study,
)
from storage.models.slack import SlackInstallationRow, SlackOAuthStateRow

__all__ = [
    "AgendaSessionRow",
    "AreaRow",
    "AuditEventRow",
    "Base",
    "ConsoleMessageRow",
    "ConversationStateRow",
    "CycleStageOwnerRow",
    "CycleStageRow",
    "IndexChangeRow",
    "LearningCycleRow",
    "OrganisationRow",
    "OutboxRow",
    "PersonIdentityRow",
    "PersonRoleRow",
    "PersonRow",
    "ProcessedEventRow",
    "RefCounterRow",
    "ResearchQuestionRow",
    "SessionAgendaItemRow",
    "SessionRsvpRow",
    "SessionVoteRow",
    "SharedFileRow",
    "SignalRow",
    "SignalSupportRow",
    "SlackInstallationRow",
    "SlackOAuthStateRow",
    "StudyRow",
    "ThemeRow",
    "UtcDateTime",
    "question_signal",
    "question_study",
]
