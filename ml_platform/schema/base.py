"""Shared pieces of the config schema: the strict base model and constrained types."""

from __future__ import annotations

from collections.abc import Callable
from typing import Annotated, Protocol, TypeVar

from pydantic import AfterValidator, BaseModel, BeforeValidator, ConfigDict, Field, StringConstraints


def _quoted_account_id(value: object) -> object:
    if isinstance(value, int) and not isinstance(value, bool):
        raise ValueError(
            "account IDs must be quoted strings in YAML (e.g. '012345678901'); an unquoted number loses leading zeros"
        )
    return value


def _not_aws_prefixed(key: str) -> str:
    if key.lower().startswith("aws:"):
        raise ValueError(f"tag key '{key}' uses the reserved 'aws:' prefix")
    return key


AccountId = Annotated[
    str,
    BeforeValidator(_quoted_account_id),
    StringConstraints(pattern=r"^\d{12}$"),
    Field(description="12-digit AWS account ID, quoted in YAML so leading zeros survive."),
]
# Lowercase slug used inside physical names (buckets forbid uppercase).
Slug = Annotated[str, StringConstraints(pattern=r"^[a-z][a-z0-9]*(-[a-z0-9]+)*$", max_length=20)]
# SageMaker resource names: ^[a-zA-Z0-9](-*[a-zA-Z0-9]){0,62} (UserProfile, Endpoint, Model...).
SageMakerName = Annotated[str, StringConstraints(pattern=r"^[a-zA-Z0-9](-*[a-zA-Z0-9]){0,62}$", max_length=63)]
InstanceType = Annotated[str, StringConstraints(pattern=r"^ml\.[a-z0-9]+\.[a-z0-9]+$")]
TagKey = Annotated[
    str,
    StringConstraints(pattern=r"^[A-Za-z0-9_ .:/=+\-@]+$", min_length=1, max_length=128),
    AfterValidator(_not_aws_prefixed),
]
TagValue = Annotated[str, StringConstraints(pattern=r"^[A-Za-z0-9_ .:/=+\-@]*$", max_length=256)]


class StrictModel(BaseModel):
    """Frozen, unknown keys rejected, no silent coercion of numbers to strings."""

    model_config = ConfigDict(frozen=True, extra="forbid", strict=False, str_strip_whitespace=False)


def check_not_above(model: BaseModel, field: str, bound: str) -> None:
    """Refuses a set ``field`` greater than ``bound``, naming both with their values."""
    value, limit = getattr(model, field), getattr(model, bound)
    if value is not None and value > limit:
        raise ValueError(f"{field} ({value}) exceeds {bound} ({limit})")


def duplicates(values: list[str]) -> list[str]:
    """The values that occur more than once, in first-seen order."""
    seen: set[str] = set()
    dupes: list[str] = []
    for value in values:
        if value in seen and value not in dupes:
            dupes.append(value)
        seen.add(value)
    return dupes


T = TypeVar("T")


class HasName(Protocol):
    @property
    def name(self) -> str: ...


def item_name(item: HasName) -> str:
    return item.name


def unique_by(key: Callable[[T], str], message: str) -> AfterValidator:
    """A validator of a list: ``message`` (``{}`` stands for the duplicates) when ``key`` repeats a value."""

    def check(items: tuple[T, ...]) -> tuple[T, ...]:
        dupes = duplicates([key(item) for item in items])
        if dupes:
            raise ValueError(message.format(", ".join(dupes)))
        return items

    return AfterValidator(check)
