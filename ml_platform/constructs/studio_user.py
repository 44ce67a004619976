"""A Studio user profile in a domain, with its own execution role (book ch2, DS-4)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from aws_cdk import aws_sagemaker as sagemaker
from constructs import Construct

U = sagemaker.CfnUserProfile


@dataclass(frozen=True)
class AppDefaults:
    """What the user's JupyterLab and Code Editor apps and spaces start with (issue #22).

    instance_type: default instance of both apps; ebs_gb / max_ebs_gb: default and largest EBS
    volume of the user's spaces; lifecycle_config_arns: app type -> the platform's lifecycle configuration.
    """

    instance_type: str
    ebs_gb: int
    max_ebs_gb: int
    lifecycle_config_arns: Mapping[str, str] = field(default_factory=dict)

    def _spec(self) -> U.ResourceSpecProperty:
        return U.ResourceSpecProperty(instance_type=self.instance_type)

    def _allowed(self, app: str) -> list[str] | None:
        arn = self.lifecycle_config_arns.get(app)
        return None if arn is None else [arn]

    # No AppLifecycleManagement here: the UserProfile schema CloudFormation validates against
    # (cfn-lint's bundled AWS::SageMaker::UserProfile) has none in these app settings, so the
    # domain's DefaultUserSettings idle shutdown applies to the user's apps.

    def settings(self) -> dict[str, object]:
        """The ``UserSettings`` fields for these defaults."""
        return {
            "jupyter_lab_app_settings": U.JupyterLabAppSettingsProperty(
                default_resource_spec=self._spec(),
                built_in_lifecycle_config_arn=self.lifecycle_config_arns.get("JupyterLab"),
                lifecycle_config_arns=self._allowed("JupyterLab"),
            ),
            "code_editor_app_settings": U.CodeEditorAppSettingsProperty(
                default_resource_spec=self._spec(),
                built_in_lifecycle_config_arn=self.lifecycle_config_arns.get("CodeEditor"),
                lifecycle_config_arns=self._allowed("CodeEditor"),
            ),
            "space_storage_settings": U.DefaultSpaceStorageSettingsProperty(
                default_ebs_storage_settings=U.DefaultEbsStorageSettingsProperty(
                    default_ebs_volume_size_in_gb=self.ebs_gb, maximum_ebs_volume_size_in_gb=self.max_ebs_gb
                )
            ),
        }


class StudioUser(Construct):
    """Props: ``domain_id``, ``user_name`` (profile name), ``execution_role_arn`` (the user's
    persona role), ``security_group_ids`` and ``apps`` (the persona's app defaults, or None: the
    domain's). Tags come from the stage (Environment, Team)."""

    def __init__(
        self,
        scope: Construct,
        construct_id: str,
        *,
        domain_id: str,
        user_name: str,
        execution_role_arn: str,
        security_group_ids: Sequence[str],
        apps: AppDefaults | None = None,
    ) -> None:
        super().__init__(scope, construct_id)
        self.user_name = user_name
        self.profile = sagemaker.CfnUserProfile(
            self,
            "Profile",
            domain_id=domain_id,
            user_profile_name=user_name,
            user_settings=U.UserSettingsProperty(
                execution_role=execution_role_arn,
                security_groups=list(security_group_ids),
                **(apps.settings() if apps else {}),  # type: ignore[arg-type]
            ),
        )
