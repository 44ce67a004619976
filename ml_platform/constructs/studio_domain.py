"""SageMaker Studio domain: VPC-only, IAM auth, KMS, native idle shutdown (book ch2, ch13)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import aws_cdk as cdk
from aws_cdk import aws_sagemaker as sagemaker
from constructs import Construct

D = sagemaker.CfnDomain

# Tunable only within what the platform allows: users may shorten, never lengthen, idle time.
_MIN_IDLE_MINUTES = 60


def idle_lifecycle(idle_timeout_minutes: int) -> D.AppLifecycleManagementProperty:
    """Native idle shutdown of JupyterLab / Code Editor apps (AppLifecycleManagement)."""
    return D.AppLifecycleManagementProperty(
        idle_settings=D.IdleSettingsProperty(
            lifecycle_management="ENABLED",
            idle_timeout_in_minutes=idle_timeout_minutes,
            min_idle_timeout_in_minutes=_MIN_IDLE_MINUTES,
            max_idle_timeout_in_minutes=idle_timeout_minutes,
        )
    )


def _lifecycle_configs(arn: str | None) -> tuple[str | None, list[str] | None]:
    """The app settings' fields that run ``arn`` at every app start and allow no other script.

    ``BuiltInLifecycleConfigArn``: always runs, resolved from the domain at launch, so a user
    cannot switch it off; ``LifecycleConfigArns``: the only configuration a user may select, so
    no user script runs either. It is not also the default (``DefaultResourceSpec``): it would
    run twice (https://docs.aws.amazon.com/sagemaker/latest/dg/studio-lifecycle-configurations.html).
    """
    return (arn, [arn]) if arn else (None, None)


class StudioDomain(Construct):
    """One domain per account (DS-5) in ``AppNetworkAccessType: VpcOnly`` mode: apps reach AWS
    only through the VPC endpoints, never the internet (WA-SEC-1).

    Props:
        domain_name: physical name.
        vpc_id, subnet_ids, security_group_ids: the private network (``MlVpc``).
        kms_key_arn: customer key for the home EFS and the apps' EBS volumes.
        default_execution_role_arn: role of users and shared spaces without their own.
        sharing_s3_uri, sharing_kms_key_arn: where shared notebooks go (encrypted).
        idle_timeout_minutes: idle JupyterLab / Code Editor apps stop after this (60..525600).
        lifecycle_config_arns: app type (``JupyterLab``, ``CodeEditor``) -> the platform's
            lifecycle configuration, the default and only allowed one of that app type.
        retain: keep the domain (and so its home EFS, apps and spaces) when it leaves the
            template or is replaced. Default True. With False the domain is deleted with the
            stack; pair it with ``StudioTeardown`` so running apps do not block the deletion.
            SageMaker keeps the home EFS either way (DeleteDomain's default retention).
    """

    def __init__(
        self,
        scope: Construct,
        construct_id: str,
        *,
        domain_name: str,
        vpc_id: str,
        subnet_ids: Sequence[str],
        security_group_ids: Sequence[str],
        kms_key_arn: str,
        default_execution_role_arn: str,
        sharing_s3_uri: str,
        sharing_kms_key_arn: str,
        idle_timeout_minutes: int = 60,
        retain: bool = True,
        lifecycle_config_arns: Mapping[str, str] | None = None,
    ) -> None:
        super().__init__(scope, construct_id)
        lifecycle = idle_lifecycle(idle_timeout_minutes)
        lcc = dict(lifecycle_config_arns or {})
        jupyter_built_in, jupyter_allowed = _lifecycle_configs(lcc.get("JupyterLab"))
        editor_built_in, editor_allowed = _lifecycle_configs(lcc.get("CodeEditor"))
        groups = list(security_group_ids)
        self.domain = sagemaker.CfnDomain(
            self,
            "Domain",
            domain_name=domain_name,
            auth_mode="IAM",
            app_network_access_type="VpcOnly",
            vpc_id=vpc_id,
            subnet_ids=list(subnet_ids),
            kms_key_id=kms_key_arn,
            tag_propagation="ENABLED",  # cost-allocation tags reach every app (XC-3)
            domain_settings=D.DomainSettingsProperty(
                security_group_ids=groups,
                docker_settings=D.DockerSettingsProperty(enable_docker_access="DISABLED"),
                # CloudTrail names the person, not only the shared persona role (docs/audit-identity.md).
                execution_role_identity_config="USER_PROFILE_NAME",
            ),
            default_user_settings=D.UserSettingsProperty(
                execution_role=default_execution_role_arn,
                security_groups=groups,
                studio_web_portal="ENABLED",
                default_landing_uri="studio::",
                jupyter_lab_app_settings=D.JupyterLabAppSettingsProperty(
                    app_lifecycle_management=lifecycle,
                    built_in_lifecycle_config_arn=jupyter_built_in,
                    lifecycle_config_arns=jupyter_allowed,
                ),
                code_editor_app_settings=D.CodeEditorAppSettingsProperty(
                    app_lifecycle_management=lifecycle,
                    built_in_lifecycle_config_arn=editor_built_in,
                    lifecycle_config_arns=editor_allowed,
                ),
                sharing_settings=D.SharingSettingsProperty(
                    notebook_output_option="Allowed",
                    s3_output_path=sharing_s3_uri,
                    s3_kms_key_id=sharing_kms_key_arn,
                ),
                space_storage_settings=D.DefaultSpaceStorageSettingsProperty(
                    default_ebs_storage_settings=D.DefaultEbsStorageSettingsProperty(
                        default_ebs_volume_size_in_gb=5, maximum_ebs_volume_size_in_gb=100
                    )
                ),
            ),
            # The Domain schema's DefaultSpaceSettings has no CodeEditorAppSettings (cfn-lint's
            # AWS::SageMaker::Domain schema): the platform's shared Code Editor spaces set their
            # idle shutdown on the space itself (StudioSpace).
            default_space_settings=D.DefaultSpaceSettingsProperty(
                execution_role=default_execution_role_arn,
                security_groups=groups,
                jupyter_lab_app_settings=D.JupyterLabAppSettingsProperty(
                    app_lifecycle_management=lifecycle,
                    built_in_lifecycle_config_arn=jupyter_built_in,
                    lifecycle_config_arns=jupyter_allowed,
                ),
            ),
        )
        policy = cdk.RemovalPolicy.RETAIN if retain else cdk.RemovalPolicy.DESTROY
        self.domain.apply_removal_policy(policy)

    @property
    def domain_id(self) -> str:
        return self.domain.attr_domain_id

    @property
    def domain_arn(self) -> str:
        return self.domain.attr_domain_arn
