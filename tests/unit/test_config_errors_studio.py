"""Invalid Studio spaces settings (issue #22, capability 5): one line, field and reason."""

from __future__ import annotations

from typing import Any

import pytest

from .test_config_errors import Mutation, _both, _set, check_bad_config

STUDIO = "accounts.data_science.0.studio"
PATH = "accounts.data_science[0].studio"
DS = f"{STUDIO}.persona_defaults.data_scientist"


def _users(users: list[dict[str, Any]]) -> Mutation:
    return _set(f"{STUDIO}.users", users)


CASES: list[tuple[str, Mutation, str, str]] = [
    (
        "instance type not for JupyterLab / Code Editor",
        _set(f"{DS}.instance_type", "ml.geospatial.interactive"),
        f"{PATH}.persona_defaults.data_scientist.instance_type",
        "not an instance type of JupyterLab / Code Editor apps",
    ),
    (
        "unknown instance type",
        _set(f"{DS}.instance_type", "ml.x9.huge"),
        f"{PATH}.persona_defaults.data_scientist.instance_type",
        "AppInstanceType",
    ),
    (
        "ebs below AWS's minimum",
        _set(f"{DS}.ebs_gb", 4),
        f"{PATH}.persona_defaults.data_scientist.ebs_gb",
        "greater than or equal to 5",
    ),
    (
        "max ebs above AWS's maximum",
        _set(f"{DS}.max_ebs_gb", 16385),
        f"{PATH}.persona_defaults.data_scientist.max_ebs_gb",
        "less than or equal to 16384",
    ),
    (
        "default ebs larger than max",
        _both(_set(f"{DS}.ebs_gb", 60), _set(f"{DS}.max_ebs_gb", 50)),
        f"{PATH}.persona_defaults.data_scientist",
        "ebs_gb 60 is larger than max_ebs_gb 50",
    ),
    (
        "unknown persona",
        _set(f"{STUDIO}.persona_defaults", {"intern": {}}),
        f"{PATH}.persona_defaults.intern (key)",
        "data_scientist",
    ),
    (
        "shared space app unknown",
        _set(f"{STUDIO}.shared_spaces.0.app", "rstudio"),
        f"{PATH}.shared_spaces[0].app",
        "jupyterlab",
    ),
    (
        "shared space ebs too small",
        _set(f"{STUDIO}.shared_spaces.0.ebs_gb", 1),
        f"{PATH}.shared_spaces[0].ebs_gb",
        "greater than or equal to 5",
    ),
    (
        "duplicate shared space",
        _set(f"{STUDIO}.shared_spaces", [{"name": "team"}, {"name": "team"}]),
        f"{PATH}.shared_spaces",
        "duplicate space name(s): team",
    ),
    (
        "shared space named like a private space",
        _set(f"{STUDIO}.shared_spaces.0.name", "private-ana-scientist"),
        f"{PATH}.shared_spaces[0].name",
        "is a user's private space name",
    ),
    (
        "private space name too long",
        _users([{"name": "u" * 60, "persona": "data_scientist"}]),
        f"{PATH}.users[0].name",
        "longer than 63 characters",
    ),
    (
        "shared space without any user to own it",
        _both(_users([]), _set(f"{STUDIO}.private_spaces", False)),
        f"{PATH}.shared_spaces",
        "needs an owner",
    ),
    (
        "pip index over plain http",
        _set(f"{STUDIO}.pip_index_url", "http://pypi.internal/simple"),
        f"{PATH}.pip_index_url",
        "https://",
    ),
    (
        "spaces in a region without AWS::SageMaker::Space",
        _both(
            _set("organisation.region", "ap-south-2"),
            _set("organisation.availability_zones", ["ap-south-2a", "ap-south-2b"]),
        ),
        f"{PATH}.private_spaces",
        "region ap-south-2 has no AWS::SageMaker::Space in CloudFormation",
    ),
]


@pytest.mark.parametrize(("mutate", "path", "reason"), [c[1:] for c in CASES], ids=[c[0] for c in CASES])
def test_bad_studio_config_fails_in_one_line(mutate: Mutation, path: str, reason: str) -> None:
    check_bad_config(mutate, path, reason)
