"""The JSON body of what we send to the Bot Connector, without msrest's reflection.

Why: msrest's ``Serializer.body`` walks every node of an outgoing activity through its type
reflection, and an Adaptive Card is an untyped ``object`` of a few hundred nodes: about 1 ms
of CPU per reply on a 2-core host, the largest single cost of a Teams answer after the
database (issue 14: 200 answers within 2 s). Our models are plain data: each attribute map
says the JSON key, and the values are strings, numbers, booleans, enums, dates, lists, dicts
and other models. The body is the same JSON (``tests/unit/adapters/test_teams_wire.py``
compares it with msrest's for every kind of reply we send); anything that is not a model is
left to msrest.
"""

from __future__ import annotations

from datetime import datetime
from enum import Enum
from typing import Any

from botframework.connector.aio import ConnectorClient
from botframework.connector.aio.operations_async import ConversationsOperations
from msrest.serialization import Model, Serializer
from typing_extensions import override


def plain(value: Any) -> Any:
    """``value`` as JSON data, as msrest would write it."""
    if isinstance(value, Model):
        return {
            spec["key"]: plain(item)
            for name, spec in value._attribute_map.items()
            if (item := getattr(value, name, None)) is not None
        }
    if isinstance(value, dict):
        return {str(key): plain(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [plain(item) for item in value]
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, datetime):
        return Serializer.serialize_iso(value)  # type: ignore[no-untyped-call]
    return value


class PlainSerializer(Serializer):
    """msrest's serializer with :func:`plain` for a model's body (URLs, headers: msrest's)."""

    def __init__(self, classes: dict[str, type]) -> None:
        super().__init__(classes)  # type: ignore[no-untyped-call]

    @override
    def body(self, data: Any, data_type: str, **kwargs: Any) -> Any:
        if isinstance(data, Model):
            return plain(data)
        return super().body(data, data_type, **kwargs)  # type: ignore[no-untyped-call]


class PlainConnectorClient(ConnectorClient):  # type: ignore[misc]
    """A ``ConnectorClient`` whose conversation calls (replies, updates, proactive messages)
    write their bodies with :class:`PlainSerializer`."""

    def __init__(self, credentials: Any, base_url: str) -> None:
        super().__init__(credentials, base_url=base_url)
        self.conversations = ConversationsOperations(
            self._client,
            self.config,
            PlainSerializer(self._serialize.dependencies),
            self._deserialize,
        )
