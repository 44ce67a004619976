"""The state machines of the shared services release stack, as their definitions read (tokens as TOKEN)."""

from __future__ import annotations

import json
from typing import Any

from ..helpers import resources_of_type


def machine_definition(template: dict[str, Any], name_part: str) -> dict[str, Any]:
    """The parsed definition of the one state machine whose name contains ``name_part`` (tokens as TOKEN)."""
    machines = [
        m["Properties"]
        for m in resources_of_type(template, "AWS::StepFunctions::StateMachine").values()
        if name_part in json.dumps(m["Properties"]["StateMachineName"])
    ]
    assert len(machines) == 1, name_part
    parts = machines[0]["DefinitionString"]["Fn::Join"][1]
    definition: dict[str, Any] = json.loads("".join(p if isinstance(p, str) else "TOKEN" for p in parts))
    return definition
