"""Studio lifecycle configurations of JupyterLab and Code Editor apps (issue #22).

The script (assets/studio_lifecycle/platform_defaults.sh) sets the platform's defaults: pip and
conda point at the team's private index or stay offline, never at public repositories. Idle
shutdown is SageMaker's native AppLifecycleManagement on the domain, user profiles and spaces
(https://docs.aws.amazon.com/sagemaker/latest/dg/studio-updated-idle-shutdown.html), so the
script carries no auto-stop of its own: it would only duplicate the native setting, which
SageMaker enforces with a maximum users cannot lengthen (docs/studio-spaces.md).
"""

from __future__ import annotations

import hashlib

import aws_cdk as cdk
from aws_cdk import aws_sagemaker as sagemaker
from constructs import Construct

from ..context import PROJECT_ROOT

SCRIPT = PROJECT_ROOT / "assets" / "studio_lifecycle" / "platform_defaults.sh"
MAX_SCRIPT_CHARS = 16384  # StudioLifecycleConfigContent, base64 (schema maxLength)
APP_TYPES = ("JupyterLab", "CodeEditor")


def defaults_script(pip_index_url: str | None) -> str:
    script = SCRIPT.read_text(encoding="utf-8").replace("__PIP_INDEX_URL__", pip_index_url or "")
    if len(script) * 4 // 3 + 4 > MAX_SCRIPT_CHARS:
        raise ValueError(f"lifecycle script is {len(script)} characters; base64 must fit {MAX_SCRIPT_CHARS}")
    return script


class StudioLifecycle(Construct):
    """One lifecycle configuration per app type (SageMaker ties each to one type).

    Props: ``name_prefix`` (physical names ``<prefix>-jupyterlab-<hash>`` / ``<prefix>-codeeditor-<hash>``,
    the hash of the script: at most 44 characters for SageMaker's 63), ``pip_index_url`` (the team's
    private index, or None: offline).
    ``arns`` maps the app type (``JupyterLab``, ``CodeEditor``) to its configuration's ARN.
    """

    def __init__(self, scope: Construct, construct_id: str, *, name_prefix: str, pip_index_url: str | None) -> None:
        super().__init__(scope, construct_id)
        script = defaults_script(pip_index_url)
        content = cdk.Fn.base64(script)  # readable in the template for reviewers
        # The content (and the name) are create-only: an edited script replaces the configuration, and
        # CloudFormation cannot replace a resource under the same custom name. A short hash of the script
        # in the name gives each version its own; the domain then points at the new one.
        version = hashlib.sha256(script.encode()).hexdigest()[:6]
        self.configs = {
            app: sagemaker.CfnStudioLifecycleConfig(
                self,
                app,
                studio_lifecycle_config_name=f"{name_prefix}-{app.lower()}-{version}",
                studio_lifecycle_config_app_type=app,
                studio_lifecycle_config_content=content,
            )
            for app in APP_TYPES
        }
        self.arns = {app: c.attr_studio_lifecycle_config_arn for app, c in self.configs.items()}
