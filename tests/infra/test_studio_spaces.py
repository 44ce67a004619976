"""Studio spaces of today (issue #22, capability 5): persona app defaults, the platform's
lifecycle configurations, private and shared spaces, and their delete order."""

from __future__ import annotations

import base64
import json
from pathlib import Path
from typing import Any

from ml_platform.constructs.studio_lifecycle import defaults_script

from ..helpers import Synth, config_from, example_data, resources_of_type, synthesize_stage

PRODUCT, RESEARCH = "DataScience-weatherproduct", "DataScience-weatherresearch"


def _lcc_arn(app: str) -> dict[str, object]:
    logical = {"JupyterLab": "AppLifecycleJupyterLab21CB7166", "CodeEditor": "AppLifecycleCodeEditorD9F6F2CE"}[app]
    return {"Fn::GetAtt": [logical, "StudioLifecycleConfigArn"]}


def _by_name(resources: dict[str, dict[str, Any]], prefix: str) -> dict[str, Any]:
    [found] = [r for k, r in resources.items() if k.startswith(prefix)]
    return found


def test_lifecycle_configs_per_app_type_are_default_and_only_allowed(synth: Synth) -> None:
    template = synth.template(PRODUCT, "Studio")
    configs = resources_of_type(template, "AWS::SageMaker::StudioLifecycleConfig")
    assert sorted(c["Properties"]["StudioLifecycleConfigAppType"] for c in configs.values()) == [
        "CodeEditor",
        "JupyterLab",
    ]
    for config in configs.values():
        assert config["Properties"]["StudioLifecycleConfigContent"] == {"Fn::Base64": defaults_script(None)}
    [domain] = resources_of_type(template, "AWS::SageMaker::Domain").values()
    user = domain["Properties"]["DefaultUserSettings"]
    for key in ("JupyterLabAppSettings", "CodeEditorAppSettings"):
        app = "JupyterLab" if key.startswith("Jupyter") else "CodeEditor"
        # Built in: runs at every start; the only one allowed: no user script (docs/studio-spaces.md).
        assert user[key]["BuiltInLifecycleConfigArn"] == _lcc_arn(app)
        assert user[key]["LifecycleConfigArns"] == [_lcc_arn(app)]
        assert "DefaultResourceSpec" not in user[key], "a default LCC as well would run the script twice"
        assert user[key]["AppLifecycleManagement"]["IdleSettings"]["LifecycleManagement"] == "ENABLED"


def test_the_script_keeps_pip_and_conda_off_public_repositories() -> None:
    offline = defaults_script(None)
    assert "no-index = true" in offline and "offline: true" in offline
    assert "index-url = %s" in defaults_script("https://example.d.codeartifact.us-east-1.amazonaws.com/pypi/r/simple/")
    assert len(base64.b64encode(offline.encode())) < 16384


def test_profiles_get_their_persona_defaults(synth: Synth) -> None:
    profiles = resources_of_type(synth.template(PRODUCT, "Studio"), "AWS::SageMaker::UserProfile")
    ben = _by_name(profiles, "Userbenengineer")["Properties"]["UserSettings"]
    assert ben["JupyterLabAppSettings"]["DefaultResourceSpec"] == {"InstanceType": "ml.m5.large"}
    assert ben["JupyterLabAppSettings"]["BuiltInLifecycleConfigArn"] == _lcc_arn("JupyterLab")
    assert ben["CodeEditorAppSettings"]["DefaultResourceSpec"]["InstanceType"] == "ml.m5.large"
    storage = ben["SpaceStorageSettings"]["DefaultEbsStorageSettings"]
    assert storage == {"DefaultEbsVolumeSizeInGb": 10, "MaximumEbsVolumeSizeInGb": 100}


def test_private_space_per_user_and_a_shared_team_space(synth: Synth) -> None:
    template = synth.template(PRODUCT, "Studio")
    spaces = resources_of_type(template, "AWS::SageMaker::Space")
    assert len(spaces) == 4  # three users and weather-team
    private = [s for s in spaces.values() if s["Properties"]["SpaceSharingSettings"]["SharingType"] == "Private"]
    assert sorted(s["Properties"]["SpaceName"] for s in private) == [
        "private-ana-scientist",
        "private-ben-engineer",
        "private-carla-admin",
    ]
    for space in private:
        owner = space["Properties"]["OwnershipSettings"]["OwnerUserProfileName"]
        assert space["Properties"]["SpaceName"] == f"private-{owner}"
        assert len(space["DependsOn"]) == 1 and space["DeletionPolicy"] == "Retain"
    team = _by_name(spaces, "SharedSpaceweatherteam")
    props = team["Properties"]
    assert props["SpaceSharingSettings"] == {"SharingType": "Shared"}
    assert props["SpaceSettings"]["AppType"] == "JupyterLab"
    assert props["SpaceSettings"]["SpaceStorageSettings"] == {"EbsStorageSettings": {"EbsVolumeSizeInGb": 10}}
    assert "JupyterLabAppSettings" not in props["SpaceSettings"]  # the domain's built-in LCC and defaults
    assert len(team["DependsOn"]) == 3  # after every profile, deleted before them


def test_research_has_defaults_but_no_spaces(synth: Synth) -> None:
    template = synth.template(RESEARCH, "Studio")
    assert resources_of_type(template, "AWS::SageMaker::Space") == {}
    [profile] = resources_of_type(template, "AWS::SageMaker::UserProfile").values()
    storage = profile["Properties"]["UserSettings"]["SpaceStorageSettings"]["DefaultEbsStorageSettings"]
    assert storage["MaximumEbsVolumeSizeInGb"] == 30


def test_teardown_goes_before_the_spaces_when_the_domain_is_deleted(tmp_path: Path) -> None:
    data = example_data()
    studio = data["accounts"]["data_science"][1]["studio"]
    studio["private_spaces"] = True
    studio["shared_spaces"] = [{"name": "research-code", "app": "code_editor", "ebs_gb": 5}]
    template = synthesize_stage(config_from(data), tmp_path, RESEARCH)["Studio"]
    spaces = resources_of_type(template, "AWS::SageMaker::Space")
    assert all(s["DeletionPolicy"] == "Delete" for s in spaces.values())
    [teardown] = resources_of_type(template, "Custom::StudioTeardown").values()
    assert set(spaces) <= set(teardown["DependsOn"])  # deleted first: it removes the spaces' apps
    code = _by_name(spaces, "SharedSpaceresearchcode")["Properties"]["SpaceSettings"]
    assert code["AppType"] == "CodeEditor"
    assert "CodeEditorAppSettings" not in code
    assert json.dumps(template).count("AWS::SageMaker::StudioLifecycleConfig") == 2


def test_an_edited_script_gets_a_configuration_of_its_own(synth: Synth) -> None:
    """Content and name are create-only (the resource schema): an edit replaces the configuration, which
    CloudFormation cannot do under the same custom name, so the name carries the script's hash."""
    import hashlib

    template = synth.template(PRODUCT, "Studio")
    configs = resources_of_type(template, "AWS::SageMaker::StudioLifecycleConfig").values()
    version = hashlib.sha256(defaults_script(None).encode()).hexdigest()[:6]
    names = sorted(c["Properties"]["StudioLifecycleConfigName"] for c in configs)
    assert names == [f"openaq-weatherproduct-studio-defaults-{app}-{version}" for app in ("codeeditor", "jupyterlab")]
    assert all(len(name) <= 63 for name in names)
    assert defaults_script("https://pypi.example.com/simple") != defaults_script(None)  # another index: another name
