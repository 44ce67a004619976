"""Cross-reference checks of the hosting sections (issue #8): endpoints against models and accounts.

Messages start with the field path, like every config error.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from .schema.hosting import ShadowVariantConfig, VariantConfig

if TYPE_CHECKING:
    from .config import PlatformConfig

# Instance families with NVMe instance storage: SageMaker encrypts it itself and refuses a
# KmsKeyId in the endpoint config, which the platform always sets (XC-4).
_LOCAL_STORAGE = re.compile(r"^ml\.([a-z]+\d+[a-z]*d[a-z]*|g5|g6|g6e|p4de|p5|p5e|inf1|inf2|trn1)\.")


def check_endpoints(config: PlatformConfig) -> None:
    models = {m.name: m for m in config.models}
    for i, endpoint in enumerate(config.endpoints):
        path = f"endpoints[{i}]"
        placed: list[tuple[str, VariantConfig | ShadowVariantConfig]] = [
            *((f"variants[{j}]", v) for j, v in enumerate(endpoint.variants)),
            *((f"shadow_variants[{j}]", s) for j, s in enumerate(endpoint.shadow_variants)),
        ]
        for where, variant in placed:
            if variant.model is not None and variant.model not in models:
                raise ValueError(f"{path}.{where}.model: '{variant.model}' is not in 'models'")
            instance = variant.instance_type
            if instance is not None and _LOCAL_STORAGE.match(instance):
                raise ValueError(
                    f"{path}.{where}.instance_type: {instance} has NVMe instance storage, which cannot "
                    "take the platform's KMS key; choose an EBS-backed type (e.g. ml.m5, ml.c5, ml.p3)"
                )
        serverless = any(v.serverless is not None for v in endpoint.variants)
        capture = endpoint.data_capture
        if endpoint.account.value == "prod" and not serverless and capture is not None and not capture.enabled:
            # The PlatformSageMaker rule SM-ProdDataCapture would refuse the template (book ch11).
            raise ValueError(
                f"{path}.data_capture.enabled: prod real-time endpoints capture data for Model Monitor "
                "(book ch11); turn capture off in test only"
            )
        for j, variant in enumerate(endpoint.variants):
            where = f"{path}.variants[{j}]"
            if variant.serverless is not None:
                if endpoint.account.value == "prod":
                    raise ValueError(
                        f"{where}.serverless: serverless endpoints run outside the VPC; prod stays VPC-only "
                        "(use serverless in test)"
                    )
                if variant.model is not None and models[variant.model].multi_model:
                    raise ValueError(f"{where}.serverless: multi-model containers need instances, not serverless")
            elif (
                endpoint.account.value == "prod" and variant.instance_count < 2 and not endpoint.single_instance_reason
            ):
                raise ValueError(
                    f"{where}.initial_instance_count: prod real-time variants run on 2+ instances across AZs "
                    "(Security Hub SageMaker.4); or give 'single_instance_reason'"
                )
