"""Everyday config edits must not move or replace stateful resources (issue #12).

Each edit (``logical_id_edits.py``) is synthesized and compared with the example: every stateful
resource keeps its logical ID and no change requires its replacement. The edits are synthesized in
the background from the session start (``tests/edit_synths.py``, on the second core), without the
rule packs or CDK's CloudFormation validation: the example they are compared with has both (issue #23).
"""

from __future__ import annotations

from typing import Any

import pytest

from ml_platform.review.template_diff import STATEFUL_TYPES, diff_assemblies

from ..helpers import EditSynths, Synth
from .logical_id_edits import BREAKING, EDITS


def _stateful_ids(templates: dict[str, dict[str, Any]]) -> set[tuple[str, str]]:
    return {
        (stack, logical_id)
        for stack, template in templates.items()
        for logical_id, resource in template.get("Resources", {}).items()
        if resource["Type"] in STATEFUL_TYPES
    }


@pytest.mark.parametrize("edit", sorted(EDITS))
def test_edit_keeps_every_stateful_logical_id(synth: Synth, edit_synths: EditSynths, edit: str) -> None:
    edited = edit_synths()[edit]
    missing = _stateful_ids(synth.templates) - _stateful_ids(edited)
    assert not missing, f"'{edit}' moved or removed stateful resources: {sorted(missing)}"
    warnings = [w for d in diff_assemblies(synth.templates, edited) for w in d.warnings()]
    assert not warnings, f"'{edit}' would replace: {warnings}"


def test_the_check_catches_a_breaking_edit(synth: Synth, edit_synths: EditSynths) -> None:
    """Renaming a team renames its stage: every resource in it would be replaced."""
    edited = edit_synths()[BREAKING]
    missing = _stateful_ids(synth.templates) - _stateful_ids(edited)
    assert (
        "DataScience-weatherresearch/Studio",
        next(
            i
            for i, r in synth.template("DataScience-weatherresearch", "Studio")["Resources"].items()
            if r["Type"] == "AWS::SageMaker::Domain"
        ),
    ) in missing
