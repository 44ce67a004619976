"""The synthesized platform as CloudFormation will see it: stacks with their account, region,
physical name and template, plus every Service Catalog product version as it is launched.

Plain Python over the files in ``cdk.out`` (no CDK import): the IAM size guard runs on it at
synth, and the runtime-flow and deploy-rehearsal tests read the same model.
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .physical_ids import generated_id

Template = Mapping[str, Any]


@dataclass(frozen=True)
class StackInstance:
    """One template deployed as one stack in one account and region."""

    stage: str  # "Production", "App" for stacks outside the stages, "Products" for product launches
    stack_id: str  # construct ID (e.g. "Hosting") or the product file stem
    stack_name: str  # physical CloudFormation stack name
    account: str
    region: str
    template: Template
    source: str = ""  # file the template came from, for messages
    # Values CloudFormation gets for the template's parameters (product launches, releases);
    # parameters without one resolve from their default or, for SSM types, from the account.
    parameter_values: Mapping[str, str] = field(default_factory=dict)
    dependencies: tuple[str, ...] = ()  # stack names this stack is deployed after

    @property
    def key(self) -> str:
        return f"{self.stage}/{self.stack_id}"

    @property
    def resources(self) -> Mapping[str, Mapping[str, Any]]:
        resources: Mapping[str, Mapping[str, Any]] = self.template.get("Resources", {})
        return resources

    def path_of(self, logical_id: str) -> str:
        """The construct path of a resource (``aws:cdk:path``), or its logical ID; for a product
        launch, prefixed by the product version (``Notebook985EE735@release-1.0``)."""
        metadata = self.resources[logical_id].get("Metadata", {})
        path = str(metadata.get("aws:cdk:path", f"{self.key}/{logical_id}"))
        return f"{self.stack_id} {path}" if self.stage == "Products" else path


@dataclass
class CloudAssembly:
    """Every stack of a synthesized app, in manifest (deploy) order."""

    root: Path
    stacks: list[StackInstance]

    def by_name(self, stack_name: str, region: str | None = None, account: str | None = None) -> StackInstance:
        for stack in self.stacks:
            if (
                stack.stack_name == stack_name
                and (region is None or stack.region == region)
                and (account is None or stack.account == account)
            ):
                return stack
        raise KeyError(f"no stack named {stack_name!r} in the assembly")

    def by_key(self, key: str) -> StackInstance:
        for stack in self.stacks:
            if stack.key == key:
                return stack
        raise KeyError(f"no stack {key!r} in the assembly")

    def in_account(self, account: str) -> Iterator[StackInstance]:
        return (s for s in self.stacks if s.account == account)

    def accounts(self) -> list[str]:
        return sorted({s.account for s in self.stacks})

    def with_stacks(self, extra: Sequence[StackInstance]) -> CloudAssembly:
        return CloudAssembly(self.root, [*self.stacks, *extra])


def _environment(artifact: Mapping[str, Any]) -> tuple[str, str]:
    env = str(artifact.get("environment", "aws://unknown-account/unknown-region"))
    account, region = env.removeprefix("aws://").split("/", 1)
    return account, region


def _stacks_of(root: Path, directory: Path, stage: str) -> Iterator[StackInstance]:
    manifest = json.loads((directory / "manifest.json").read_text(encoding="utf-8"))
    artifacts: Mapping[str, Mapping[str, Any]] = manifest.get("artifacts", {})
    names = {
        artifact_id: a.get("properties", {}).get("stackName", artifact_id)
        for artifact_id, a in artifacts.items()
        if a.get("type") == "aws:cloudformation:stack"
    }
    for artifact_id, artifact in artifacts.items():
        if artifact.get("type") == "cdk:cloud-assembly":
            nested = artifact["properties"]["directoryName"]
            yield from _stacks_of(root, directory / nested, artifact["properties"].get("displayName", nested))
        elif artifact.get("type") == "aws:cloudformation:stack":
            properties = artifact["properties"]
            account, region = _environment(artifact)
            display = str(artifact.get("displayName", artifact_id))
            template_file = directory / properties["templateFile"]
            yield StackInstance(
                stage=stage,
                stack_id=display.split("/")[-1],
                stack_name=names[artifact_id],
                account=account,
                region=region,
                template=json.loads(template_file.read_text(encoding="utf-8")),
                source=str(template_file.relative_to(root)),
                dependencies=tuple(names[d] for d in artifact.get("dependencies", []) if d in names),
            )


def load_assembly(outdir: Path) -> CloudAssembly:
    """The stacks of the cloud assembly at ``outdir`` (the app's ``cdk.out``)."""
    return CloudAssembly(outdir, list(_stacks_of(outdir, outdir, "App")))


# What a data scientist types for the product parameters without a default (realistic lengths).
END_USER_VALUES: dict[str, str] = {
    "UserProfileName": "dana-forecaster",
    "NotebookInstanceType": "ml.t3.large",
    "SageMakerProjectName": "aq-forecast",
    "SageMakerProjectId": "p-abc123def456",
}


def product_launch(
    template: Template, *, name: str, account: str, region: str, launch_id: str = "pp-a1b2c3d4e5f6g", source: str = ""
) -> StackInstance:
    """A product template as Service Catalog launches it in ``account``: the stack is named
    ``SC-<account>-<provisioned product ID>`` (so unnamed resources get names that long)."""
    return StackInstance(
        stage="Products",
        stack_id=name,
        stack_name=f"SC-{account}-{launch_id}",
        account=account,
        region=region,
        template=template,
        source=source or name,
        parameter_values={k: v for k, v in END_USER_VALUES.items() if k in template.get("Parameters", {})},
    )


@dataclass(frozen=True)
class ProductVersion:
    """One version of a Service Catalog product as the hub offers it."""

    product: str  # logical ID of the product in the hub template
    version: str  # provisioning artifact name, e.g. release-1.1
    template: Template
    file: str  # where its template is in the assembly


def product_versions(assembly: CloudAssembly) -> list[ProductVersion]:
    """Every version every hub portfolio offers, read from the hub templates: each version's
    ``LoadTemplateFromURL`` names an asset, and the stack's asset manifest names its file."""
    found: list[ProductVersion] = []
    for stack in assembly.stacks:
        products = {
            k: r for k, r in stack.resources.items() if r["Type"] == "AWS::ServiceCatalog::CloudFormationProduct"
        }
        if not products:
            continue
        template_file = assembly.root / stack.source
        manifest = json.loads(
            template_file.with_name(template_file.name.replace(".template.json", ".assets.json")).read_text()
        )
        files = {asset_hash: template_file.parent / f["source"]["path"] for asset_hash, f in manifest["files"].items()}
        for logical_id, resource in products.items():
            for artifact in resource["Properties"]["ProvisioningArtifactParameters"]:
                url = json.dumps(artifact["Info"]["LoadTemplateFromURL"])
                [asset_hash] = [h for h in files if h in url]
                path = files[asset_hash].resolve()
                found.append(
                    ProductVersion(
                        logical_id,
                        artifact["Name"],
                        json.loads(path.read_text()),
                        str(path.relative_to(assembly.root.resolve())),
                    )
                )
    return found


def portfolio_share_accounts(assembly: CloudAssembly) -> list[str]:
    """The accounts the hub shares its portfolio with: where products are launched."""
    return sorted(
        {
            str(r["Properties"]["AccountId"])
            for stack in assembly.stacks
            for r in stack.resources.values()
            if r["Type"] == "AWS::ServiceCatalog::PortfolioShare" and isinstance(r["Properties"].get("AccountId"), str)
        }
    )


def product_launches(assembly: CloudAssembly) -> list[StackInstance]:
    """Every offered product version launched in every account the portfolio is shared with."""
    region = assembly.stacks[0].region if assembly.stacks else "us-east-1"
    return [
        product_launch(
            v.template,
            name=f"{v.product}@{v.version}",
            account=account,
            region=region,
            launch_id="pp-" + generated_id("alnum13", v.product, v.version),
            source=v.file,
        )
        for v in product_versions(assembly)
        for account in portfolio_share_accounts(assembly)
    ]
