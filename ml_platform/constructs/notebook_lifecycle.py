"""Notebook lifecycle configuration that stops idle notebook instances (book ch13, WA-COST-7)."""

from __future__ import annotations

import aws_cdk as cdk
from aws_cdk import aws_sagemaker as sagemaker
from constructs import Construct

from ..context import PROJECT_ROOT

ASSETS = PROJECT_ROOT / "assets" / "notebook_autostop"
MAX_SCRIPT_CHARS = 16384  # SageMaker's limit for one lifecycle script


def on_start_script(idle_minutes: int) -> str:
    """The OnStart script with the auto-stop checker embedded (no download at boot: no internet)."""
    template = (ASSETS / "on_start.sh").read_text(encoding="utf-8")
    checker = (ASSETS / "autostop.py").read_text(encoding="utf-8").rstrip("\n")
    script = template.replace("__IDLE_MINUTES__", str(idle_minutes)).replace("__AUTOSTOP_PY__", checker)
    if len(script) > MAX_SCRIPT_CHARS:
        raise ValueError(f"lifecycle script is {len(script)} characters; SageMaker allows {MAX_SCRIPT_CHARS}")
    return script


class NotebookIdleStop(Construct):
    """Lifecycle configuration (versioned in the repo, WA-SEC-6) that installs a cron check
    stopping the instance after ``idle_minutes`` without kernel activity.

    Props: ``config_name`` (physical name, referenced by notebook instances and the Service
    Catalog notebook product), ``idle_minutes`` (5..1440).
    """

    def __init__(self, scope: Construct, construct_id: str, *, config_name: str, idle_minutes: int = 60) -> None:
        super().__init__(scope, construct_id)
        if not 5 <= idle_minutes <= 1440:
            raise ValueError(f"idle_minutes must be 5..1440, got {idle_minutes}")
        self.config_name = config_name
        self.lifecycle = sagemaker.CfnNotebookInstanceLifecycleConfig(
            self,
            "Config",
            notebook_instance_lifecycle_config_name=config_name,
            on_start=[
                sagemaker.CfnNotebookInstanceLifecycleConfig.NotebookInstanceLifecycleHookProperty(
                    # Fn::Base64 keeps the script readable in the template for reviewers.
                    content=cdk.Fn.base64(on_start_script(idle_minutes)),
                )
            ],
        )
