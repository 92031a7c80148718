"""All table models. Importing this package registers every table on ``Base.metadata``."""

from storage.models.base import Base, UtcDateTime
from storage.models.catalogue import StudyRow, ThemeRow
from storage.models.cycle import CycleStageOwnerRow, CycleStageRow, LearningCycleRow
from storage.models.infra import (
    AuditEventRow,
    ConversationStateRow,
    OutboxRow,
    ProcessedEventRow,
)
from storage.models.people import OrganisationRow, PersonIdentityRow, PersonRoleRow, PersonRow
from storage.models.signals import (
    ResearchQuestionRow,
    SignalRow,
    SignalSupportRow,
    question_signal,
    question_study,
)

__all__ = [
    "AuditEventRow",
    "Base",
    "ConversationStateRow",
    "CycleStageOwnerRow",
    "CycleStageRow",
    "LearningCycleRow",
    "OrganisationRow",
    "OutboxRow",
    "PersonIdentityRow",
    "PersonRoleRow",
    "PersonRow",
    "ProcessedEventRow",
    "ResearchQuestionRow",
    "SignalRow",
    "SignalSupportRow",
    "StudyRow",
    "ThemeRow",
    "UtcDateTime",
    "question_signal",
    "question_study",
]
