"""Session fixtures: the example platform is synthesized once and shared by every test."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from ml_platform.config import PlatformConfig, load_config
from ml_platform.context import prefer_venv_node

prefer_venv_node()  # before helpers import aws_cdk: jsii must start Node 24, not the machine's 20

from .helpers import EXAMPLE, Synth, start_checkov, synthesize  # noqa: E402


@pytest.fixture(scope="session")
def example_config() -> PlatformConfig:
    return load_config(EXAMPLE)


@pytest.fixture(scope="session")
def synth(example_config: PlatformConfig, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Synth]:
    """The whole example app, rule packs registered exactly as in app.py (findings fail synth).

    checkov starts on the templates right away, in the background: it uses the second core while
    the other tests run, and tests/infra/test_checkov.py collects its report."""
    result = synthesize(example_config, tmp_path_factory.mktemp("cdk.out"))
    result.checkov = start_checkov(result.outdir)
    yield result
    if result.checkov is not None and result.checkov.poll() is None:
        result.checkov.kill()
