"""The Ground Truth task input for one data object of a text classification job (custom labeling workflow).

Ground Truth's pre-annotation request carries the data object as the input manifest line: either
``{"source": "<text>"}`` (the text itself) or ``{"source-ref": "s3://bucket/key"}`` (a file in S3). The
worker task template receives ``taskInput`` as ``task.input``: ``taskObject`` is the text or the S3 URI
(the liquid template reads the file with ``| grant_read_access``), ``labels`` the label categories.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from platform_runtime.env_settings import ConfigurationError, label_categories

__all__ = ["ConfigurationError", "Settings", "data_object_of", "task_input"]

ENV_LABEL_CATEGORIES = "LABEL_CATEGORIES"
SOURCE, SOURCE_REF = "source", "source-ref"
# Bucket names (3-63 lowercase letters, digits, dots, hyphens), then a non-empty key.
S3_URI = re.compile(r"s3://[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]/\S.*", re.ASCII | re.DOTALL)


@dataclass(frozen=True)
class Settings:
    label_categories: tuple[str, ...]

    @classmethod
    def from_env(cls, environ: Mapping[str, str]) -> Settings:
        """LABEL_CATEGORIES: a non-empty JSON list of unique, non-blank strings, e.g. '["haze", "smoke"]'."""
        return cls(label_categories=label_categories(environ, ENV_LABEL_CATEGORIES))


def data_object_of(event: Any) -> tuple[str, str]:
    """(kind, value) of the request's data object: kind is "source" or "source-ref"; ValueError if malformed."""
    if not isinstance(event, dict):
        raise ValueError(f"The pre-annotation request must be a JSON object, got {type(event).__name__}")
    data_object = event.get("dataObject")
    if data_object is None:
        raise ValueError("The pre-annotation request has no dataObject")
    if not isinstance(data_object, dict):
        raise ValueError(f"dataObject must be a JSON object, got {type(data_object).__name__}")
    present = [key for key in (SOURCE, SOURCE_REF) if key in data_object]
    if not present:
        raise ValueError(f'dataObject has neither "{SOURCE}" nor "{SOURCE_REF}" (keys: {sorted(data_object)})')
    if len(present) > 1:
        raise ValueError(f'dataObject has both "{SOURCE}" and "{SOURCE_REF}": which one to label is ambiguous')
    kind = present[0]
    value = data_object[kind]
    if not isinstance(value, str):
        raise ValueError(f'dataObject["{kind}"] must be a string, got {type(value).__name__}')
    if not value.strip():
        raise ValueError(f'dataObject["{kind}"] is empty')
    if kind == SOURCE_REF and not S3_URI.fullmatch(value):
        raise ValueError(f'dataObject["{SOURCE_REF}"] must be an S3 URI s3://<bucket>/<key>, got {value!r}')
    return kind, value


def task_input(event: Any, settings: Settings) -> tuple[str, dict[str, Any]]:
    """The data object's kind and the ``taskInput`` for the worker template; ValueError if it is malformed."""
    kind, value = data_object_of(event)
    return kind, {"taskObject": value, "labels": list(settings.label_categories)}
