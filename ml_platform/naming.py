"""One naming helper for every physical name the platform gives a resource.

Plain Python (no CDK import) so that config validation can use the same rules to reject
a config whose names would not fit the AWS limits, before any construct is built.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache

BUCKET_NAME_MAX = 63
ROLE_NAME_MAX = 64
STACK_NAME_MAX = 128

# Bucket purposes used by the stages; the longest one bounds the config's name lengths.
LONGEST_BUCKET_PURPOSE = "access-logs"

_BUCKET_RE = re.compile(r"^[a-z0-9][a-z0-9-]{1,61}[a-z0-9]$")


class NameTooLongError(ValueError):
    """A generated name exceeds the limit of the AWS resource it names."""


@dataclass(frozen=True)
class Naming:
    """Builds deterministic names: ``<prefix>-<slug>-<purpose>[-<account>-<region>]``.

    ``prefix`` is the organisation short name, ``slug`` the account role (``shared``,
    ``datalake``, ``test``, ``prod``, or the data science team name). Names never contain
    timestamps or random parts, so a synth is reproducible and a reviewer sees real names.
    """

    prefix: str
    slug: str
    account: str
    region: str

    def resource(self, purpose: str, max_length: int = ROLE_NAME_MAX) -> str:
        """Name for an account-scoped resource (role, topic, pipeline...)."""
        return _fit(f"{self.prefix}-{self.slug}-{purpose}", max_length)

    def bucket(self, purpose: str) -> str:
        """Globally unique bucket name; account and region make it unique across orgs."""
        name = f"{self.prefix}-{self.slug}-{purpose}-{self.account}-{self.region}".lower()
        _fit(name, BUCKET_NAME_MAX)
        if not _BUCKET_RE.match(name) or "--" in name:
            raise ValueError(f"'{name}' is not a valid S3 bucket name")
        return name

    def alias(self, purpose: str) -> str:
        """KMS alias name (``alias/`` prefix included)."""
        return f"alias/{self.prefix}/{self.slug}/{purpose}"

    def stack(self, stack_id: str) -> str:
        """CloudFormation stack name, e.g. ``openaq-prod-data``."""
        return _fit(f"{self.prefix}-{self.slug}-{stack_id.lower()}", STACK_NAME_MAX)


def _fit(name: str, max_length: int) -> str:
    if len(name) > max_length:
        raise NameTooLongError(f"'{name}' is {len(name)} characters; the limit is {max_length}")
    return name


# Each partition the config's region pattern admits: its regions, ARN partition and DNS suffix, as the
# AWS SDKs' shared partition metadata has them (botocore data/partitions.json: regionRegex, id,
# outputs.dnsSuffix; tests/unit/test_naming.py checks this table against it). The first match wins.
_PARTITIONS = (
    (re.compile(r"^us-gov-\w+-\d+$"), "aws-us-gov", "amazonaws.com"),
    (re.compile(r"^us-iso-\w+-\d+$"), "aws-iso", "c2s.ic.gov"),
    (re.compile(r"^us-isob-\w+-\d+$"), "aws-iso-b", "sc2s.sgov.gov"),
    (re.compile(r"^eu-isoe-\w+-\d+$"), "aws-iso-e", "cloud.adc-e.uk"),
    (re.compile(r"^us-isof-\w+-\d+$"), "aws-iso-f", "csp.hci.ic.gov"),
    (re.compile(r"^cn-\w+-\d+$"), "aws-cn", "amazonaws.com.cn"),
)


@cache  # the rehearsal asks for ~100,000 references' partitions (issue #23)
def _partition(region: str) -> tuple[str, str]:
    for pattern, partition, dns_suffix in _PARTITIONS:
        if pattern.match(region):
            return partition, dns_suffix
    return "aws", "amazonaws.com"


def partition_for(region: str) -> str:
    """The ARN partition of a region, as a literal (cdk-nag findings then name real ARNs)."""
    return _partition(region)[0]


def url_suffix_for(region: str) -> str:
    """The domain suffix of a region's service endpoints (CloudFormation's ``AWS::URLSuffix``)."""
    return _partition(region)[1]
