"""Session fixtures of the deploy rehearsal (issue #18): the session's synth of the example as
the rehearsal reads it. Tests that change a template copy what they change (the fixtures are
shared by every test of the session)."""

from __future__ import annotations

import pytest

from ml_platform.assembly.cloud_assembly import CloudAssembly, load_assembly
from ml_platform.config import PlatformConfig
from ml_platform.flows.platform import Platform, load_platform

from ..helpers import Synth


@pytest.fixture(scope="session")
def assembly(synth: Synth) -> CloudAssembly:
    """The example's stacks (no product launches, no bootstrap stacks)."""
    return load_assembly(synth.outdir)


@pytest.fixture(scope="session")
def platform(synth: Synth, example_config: PlatformConfig) -> Platform:
    """The example's stacks plus every offered product version launched in every account the
    portfolio is shared with (``load_platform``), with its resolver and IAM documents."""
    return load_platform(example_config, synth.outdir)
