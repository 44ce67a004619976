"""Fixtures of the infrastructure tests shared between files."""

from __future__ import annotations

from types import SimpleNamespace
from typing import Any, ClassVar

import aws_cdk as cdk
import pytest

from ml_platform.compliance import acknowledgements
from ml_platform.config import PlatformConfig
from ml_platform.platform import build_platform

from ..helpers import new_app


class RecordingValidations:
    """Stands in for cdk.Validations: records acknowledgements instead of applying them."""

    recorded: ClassVar[list[tuple[str, str]]] = []

    def __init__(self, scope: Any) -> None:
        self.path = scope.node.path

    @classmethod
    def of(cls, scope: Any) -> RecordingValidations:
        return cls(scope)

    def acknowledge(self, *acks: Any) -> None:
        RecordingValidations.recorded += [(ack.id, self.path) for ack in acks]


@pytest.fixture(scope="session")
def unacknowledged_build(
    example_config: PlatformConfig, tmp_path_factory: pytest.TempPathFactory
) -> tuple[cdk.App, list[tuple[str, str]]]:
    """The example app built with every acknowledgement recorded (rule ID, construct path) instead of
    applied, so the rule packs report what each one would suppress. One build for the nag packs'
    test (test_rule_packs.py) and the platform pack's (test_guardrails.py), issue #23."""
    RecordingValidations.recorded = []
    app = new_app(tmp_path_factory.mktemp("unacknowledged"))
    fake_cdk = SimpleNamespace(Validations=RecordingValidations, Acknowledgment=cdk.Acknowledgment)
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(acknowledgements, "cdk", fake_cdk)
        build_platform(app, example_config, rule_packs=False)
    return app, list(RecordingValidations.recorded)
