"""Session fixtures of the runtime flows: the example assembly as AWS sees it, and every flow's
outcome from one run of the IAM policy engine (issue #17)."""

from __future__ import annotations

import pytest

from ml_platform.config import PlatformConfig
from ml_platform.flows.catalogue import all_flows
from ml_platform.flows.platform import Platform, load_platform
from ml_platform.flows.simulate import Outcome, Simulator, evaluate

from ..helpers import Synth


@pytest.fixture(scope="session")
def platform(synth: Synth, example_config: PlatformConfig) -> Platform:
    return load_platform(example_config, synth.outdir)


def simulator_for(platform: Platform) -> Simulator:
    return Simulator(platform.documents, platform.organization_id, [r.account_id for r in platform.roles])


@pytest.fixture(scope="session")
def outcomes(platform: Platform) -> list[Outcome]:
    """Every flow of the catalogue, evaluated once per session."""
    return evaluate(all_flows(platform), simulator_for(platform))
