"""Phase two of the rehearsal: what each release changes, and who does it (issue #18).

A release of a package group writes the approved package to the group's ``latest`` parameter
of each hosting account (the old latest to ``previous``) and updates the hosting stacks, as
the group's state machine in shared services does with the deployer role of the account. An
image-based model is released by hand: a person writes its image URI to the model's parameter
and deploys the hosting stack again (docs/model-release.md), with the CDK deploy role.
"""

from __future__ import annotations

import copy
from collections.abc import Mapping
from dataclasses import dataclass, replace

from ..assembly.cloud_assembly import CloudAssembly, StackInstance
from ..config import PlatformConfig
from ..flows.catalogue.definitions import state_machines
from ..flows.catalogue.release import STACK, STAGE, request, tasks
from ..flows.model import Role
from ..flows.platform import Platform
from ..naming import partition_for
from ..release import DEPLOYER_ROLE_PURPOSE, ReleasedGroup, hosting_stack_id, model_ssm_parameter, released_groups
from ..topology import AccountKind, account_roles
from .bootstrap import deploy_role_arn
from .world import World

Values = Mapping[tuple[str, str], str]  # (account, SSM parameter name) -> value


@dataclass(frozen=True)
class Release:
    title: str
    values: Values  # every released-model parameter as it stands after this release
    updates: tuple[tuple[str, str, str], ...]  # (stack name, account, role that updates it)
    artefacts: frozenset[str]  # packages and images that exist by now
    group: ReleasedGroup | None = None  # released by its state machine; None: by hand

    def calls(self, world: World, config: PlatformConfig) -> list[tuple[str, Role, str, str]]:
        """Every call of the group's state machine that touches this group: (where, who,
        action, resource). The engine must allow each."""
        if self.group is None:
            return []
        platform = Platform(config, world.assembly)
        names = {t.latest for t in self.group.targets}
        found = []
        for machine in state_machines(platform, STAGE, STACK):
            machine_tasks = list(tasks(machine))
            if not any(t.parameters.get("Name") in names for t in machine_tasks):
                continue
            for task in machine_tasks:
                action, resource, _ = request(platform, task)
                found.append((f"{STAGE}/{STACK} {machine.name}/{task.state}", Role(task.role), action, resource))
                if task.role != machine.role_arn:
                    who = f"{STAGE}/{STACK} {machine.name} assumes"
                    found.append((who, Role(machine.role_arn), "sts:AssumeRole", task.role))
        return found


def prerequisites(config: PlatformConfig) -> frozenset[str]:
    """Packages the config pins (``models[].model_package_arn``): the platform engineer states
    they exist before the first deploy; everything else must come from the deploy or a release."""
    return frozenset(m.model_package_arn for m in config.models if m.model_package_arn is not None)


def release_plan(config: PlatformConfig) -> list[Release]:
    """Two approvals of every released group (v1, then v2: previous and latest both set),
    then every image-based model released by hand."""
    region, partition = config.organisation.region, partition_for(config.organisation.region)
    hosting = {r.slug: r for r in account_roles(config) if r.kind in (AccountKind.TEST, AccountKind.PROD)}
    values: dict[tuple[str, str], str] = {}
    artefacts: set[str] = set(prerequisites(config))
    plan = []
    for version in (1, 2):
        for group in released_groups(config):
            package = (
                f"arn:{partition}:sagemaker:{region}:{group.account}:model-package/{group.group.lower()}/{version}"
            )
            artefacts.add(package)
            updates = []
            for target in group.targets:
                if (target.account, target.latest) in values:
                    values[(target.account, target.previous)] = values[(target.account, target.latest)]
                values[(target.account, target.latest)] = package
                naming = config.naming(target.environment, target.account)
                deployer = f"arn:{partition}:iam::{target.account}:role/{naming.resource(DEPLOYER_ROLE_PURPOSE)}"
                updates += [(s.stack_name, target.account, deployer) for s in target.stacks]
            title = f"release {group.group} v{version}"
            plan.append(Release(title, dict(values), tuple(updates), frozenset(artefacts), group))
    for model in (m for m in config.models if m.image_uri is not None):
        artefacts.add(model.image_uri or "")
        # Released by hand once the image is pushed and the artefacts are uploaded (docs/model-release.md).
        artefacts.add(model.model_data_url or "")
        updates = []
        for environment, role in hosting.items():
            stacks = {
                hosting_stack_id(config, environment, e.name)
                for e in config.endpoints
                if e.account.value == environment and model.name in e.models
            }
            if stacks:
                values[(role.account_id, model_ssm_parameter(model.name))] = model.image_uri or ""
                naming = config.naming(environment, role.account_id)
                reader = deploy_role_arn(role.account_id, region)
                updates += [(naming.stack(s), role.account_id, reader) for s in sorted(stacks)]
        if updates:
            plan.append(Release(f"release {model.name} by hand", dict(values), tuple(updates), frozenset(artefacts)))
    return plan


def with_parameters(assembly: CloudAssembly, values: Values) -> CloudAssembly:
    """``assembly`` with the SSM parameters named in ``values`` holding those values."""
    if not values:
        return assembly
    stacks: list[StackInstance] = []
    for stack in assembly.stacks:
        template = None
        for logical_id, resource in stack.resources.items():
            name = resource.get("Properties", {}).get("Name")
            if resource["Type"] == "AWS::SSM::Parameter" and isinstance(name, str) and (stack.account, name) in values:
                template = template or copy.deepcopy(dict(stack.template))
                template["Resources"][logical_id]["Properties"]["Value"] = values[(stack.account, name)]
        stacks.append(stack if template is None else replace(stack, template=template))
    return CloudAssembly(assembly.root, stacks)
