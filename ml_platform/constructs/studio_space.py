"""A Studio space: a user's private JupyterLab space or a team's shared space (issue #22).

A space holds one app (JupyterLab or Code Editor) and an EBS volume that outlives the app: the
app stops when idle, the volume stays (https://docs.aws.amazon.com/sagemaker/latest/dg/domain-space.html).
Idle shutdown comes from the domain: the Space schema CloudFormation validates against
(cfn-lint's bundled AWS::SageMaker::Space) has no AppLifecycleManagement in its app settings.
"""

from __future__ import annotations

import aws_cdk as cdk
from aws_cdk import aws_sagemaker as sagemaker
from constructs import Construct, IDependable

S = sagemaker.CfnSpace
APP_TYPES = {"jupyterlab": "JupyterLab", "code_editor": "CodeEditor"}


class StudioSpace(Construct):
    """Props:
    domain_id, space_name: where and what.
    app: ``jupyterlab`` or ``code_editor``.
    ebs_gb: size of the space's volume (5..16384).
    owner: the owning user profile: the user of a private space; of a shared space, the user
        SageMaker records as its creator (Studio's own shared spaces always have one).
    shared: ``SpaceSharingType: Shared`` (every user of the domain) or ``Private`` (the owner).
    depends_on: the user profile resources: the space is created after and deleted before them.
    instance_type: default instance of the space's app (None: the owner's / domain's default).
    retain: keep the space (its volume holds the users' work) when it leaves the stack.
    """

    def __init__(
        self,
        scope: Construct,
        construct_id: str,
        *,
        domain_id: str,
        space_name: str,
        app: str,
        ebs_gb: int,
        owner: str,
        shared: bool,
        depends_on: list[IDependable],
        instance_type: str | None = None,
        retain: bool = True,
    ) -> None:
        super().__init__(scope, construct_id)
        app_type = APP_TYPES[app]
        # The platform's lifecycle configuration is the domain's built-in one: it runs in every space.
        spec = S.ResourceSpecProperty(instance_type=instance_type) if instance_type else None
        apps: dict[str, object] = {}
        if spec is not None and app_type == "JupyterLab":
            apps["jupyter_lab_app_settings"] = S.SpaceJupyterLabAppSettingsProperty(default_resource_spec=spec)
        elif spec is not None:
            apps["code_editor_app_settings"] = S.SpaceCodeEditorAppSettingsProperty(default_resource_spec=spec)
        self.space = S(
            self,
            "Space",
            domain_id=domain_id,
            space_name=space_name,
            ownership_settings=S.OwnershipSettingsProperty(owner_user_profile_name=owner),
            space_sharing_settings=S.SpaceSharingSettingsProperty(sharing_type="Shared" if shared else "Private"),
            space_settings=S.SpaceSettingsProperty(
                app_type=app_type,
                space_storage_settings=S.SpaceStorageSettingsProperty(
                    ebs_storage_settings=S.EbsStorageSettingsProperty(ebs_volume_size_in_gb=ebs_gb)
                ),
                **apps,  # type: ignore[arg-type]
            ),
        )
        for dependency in depends_on:
            self.space.node.add_dependency(dependency)
        self.space.apply_removal_policy(cdk.RemovalPolicy.RETAIN if retain else cdk.RemovalPolicy.DESTROY)
