"""Generated configs (issue #18): every valid combination of optional sections loads and
synthesizes clean under every rule pack, the way app.py synthesizes it.

``make test`` runs a few derandomized examples (each synth costs seconds); ``make fuzz`` sets
``CONFIG_FUZZ_EXAMPLES`` to run many random ones. A failure prints the generated config (as
Hypothesis's falsifying example) and the lines app.py would print.
"""

from __future__ import annotations

import os
import tempfile
import time
from pathlib import Path
from typing import Any

import yaml
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis.database import DirectoryBasedExampleDatabase

from ml_platform.config import PlatformConfig, config_warnings, load_config

from .config_strategy import platform_configs
from .synth import synth_failures

# Examples per run: few in `make test`, many in `make fuzz`. Measured: ~2 s per synth (0.8-5.6 s over 150
# random configs, jsii warm, lightly loaded 2 cores); two to three times that on a busy machine.
FUZZ_EXAMPLES = int(os.environ.get("CONFIG_FUZZ_EXAMPLES", "0"))
SYNTH_EXAMPLES = FUZZ_EXAMPLES or 3
LOAD_EXAMPLES = max(FUZZ_EXAMPLES * 10, 60)
_SLOW = [HealthCheck.too_slow, HealthCheck.data_too_large, HealthCheck.large_base_example]


# No shrinking of synth failures: each attempt is a synth, and Hypothesis gives up only after
# five minutes. The failing config and its printed lines are enough to find the construct.
_NO_SHRINK = (Phase.explicit, Phase.reuse, Phase.generate)


def _settings(examples: int, *, shrink: bool = True) -> settings:
    """Derandomized (the same examples every run, no example database) unless fuzzing."""
    phases = tuple(Phase) if shrink else _NO_SHRINK
    common = settings(max_examples=examples, deadline=None, suppress_health_check=_SLOW, phases=phases)
    if FUZZ_EXAMPLES:  # failures are replayed first on the next run (outside the working tree)
        database = DirectoryBasedExampleDatabase(Path(tempfile.gettempdir()) / "ml-platform-hypothesis")
        return settings(common, print_blob=True, database=database)
    return settings(common, derandomize=True, database=None)


def _load(data: dict[str, Any], folder: Path) -> PlatformConfig:
    """Through a YAML file and ``load_config``, exactly as app.py reads a config."""
    path = folder / "generated.yaml"
    path.write_text(yaml.safe_dump(data, sort_keys=False), encoding="utf-8")
    return load_config(path)


@_settings(LOAD_EXAMPLES)
@given(platform_configs())
def test_generated_configs_are_valid(data: dict[str, Any]) -> None:
    with tempfile.TemporaryDirectory(prefix="generated-config-") as folder:
        config = _load(data, Path(folder))
    assert 1 <= len(config.accounts.data_science) <= 3
    assert config_warnings(config) == []


@_settings(SYNTH_EXAMPLES, shrink=False)
@given(platform_configs())
def test_generated_configs_synthesize_clean(data: dict[str, Any]) -> None:
    with tempfile.TemporaryDirectory(prefix="generated-cdk-") as folder:
        config = _load(data, Path(folder))
        started = time.perf_counter()
        failures = synth_failures(config, Path(folder) / "cdk.out")
        seconds = time.perf_counter() - started
    if os.environ.get("CONFIG_FUZZ_TIMINGS"):
        print(f"generated config synth: {seconds:.1f} s, {len(config.accounts.data_science)} team(s)")
    assert not failures, "\n".join(failures)
