"""Shared services image registry: one ECR repository per configured image (XA-1, XA-4b)."""

from __future__ import annotations

from collections.abc import Sequence

from constructs import Construct

from ..constructs.image_repository import ImageRepository
from ..constructs.platform_key import PlatformKey
from ..schema.model_build import ArtifactsConfig
from .base import PlatformStack, StackContext


def _construct_id(repository: str) -> str:
    return "Repo" + "".join(p.capitalize() for p in repository.replace(".", "-").replace("_", "-").split("-"))


class ImageRegistryStack(PlatformStack):
    """Stateful: repositories and their images are retained; the key is their own."""

    STATEFUL = True
    DESCRIPTION = "ECR repositories of training, processing and inference images (retained)."

    def __init__(
        self,
        scope: Construct,
        construct_id: str,
        context: StackContext,
        *,
        artifacts: ArtifactsConfig,
        repository_names: Sequence[str],
        pull_accounts: Sequence[str],
    ) -> None:
        super().__init__(scope, construct_id, context)
        self.key = PlatformKey(
            self, "ImagesKey", alias=self.naming.alias("images"), description="Encrypts the platform's ECR images."
        )
        self.repositories = {
            short: ImageRepository(
                self,
                _construct_id(short),
                repository_name=full,
                encryption_key=self.key.key,
                pull_accounts=pull_accounts,
                untagged_image_days=artifacts.untagged_image_days,
                keep_dev_images=artifacts.keep_dev_images,
                organization_id=context.organization_id,
            )
            for short, full in zip(artifacts.repositories, repository_names, strict=True)
        }
