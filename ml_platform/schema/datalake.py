"""Data lake account: Lake Formation admins and the curated tables shared with teams (book ch14)."""

from __future__ import annotations

from enum import StrEnum
from typing import Annotated

from pydantic import Field, StringConstraints, model_validator

from .base import Slug, StrictModel, item_name, unique_by

GlueName = Annotated[str, StringConstraints(pattern=r"^[a-z0-9_]{1,255}$")]
RoleArn = Annotated[
    str, StringConstraints(pattern=r"^arn:aws[a-z-]*:iam::[0-9]{12}:role/[A-Za-z0-9_+=,.@/-]+$", max_length=2048)
]


class ColumnType(StrEnum):
    STRING = "string"
    DOUBLE = "double"
    BIGINT = "bigint"
    INT = "int"
    BOOLEAN = "boolean"
    TIMESTAMP = "timestamp"
    DATE = "date"


class CuratedTable(StrictModel):
    """A table of the curated zone (Parquet under a prefix of the curated bucket)."""

    name: GlueName = Field(description="Glue table name, e.g. openaq.")
    prefix: str = Field(
        pattern=r"^[a-z0-9][a-z0-9_/.-]*/$", description="S3 prefix in the curated bucket, ending in /."
    )
    columns: dict[GlueName, ColumnType] = Field(min_length=1, description="Column name to Glue type.")
    shared_columns: tuple[GlueName, ...] = Field(
        default=(), description="Columns the teams may SELECT (Lake Formation column grant); default: all."
    )
    share_with: tuple[Slug, ...] | None = Field(default=None, description="Teams to share with (default: all).")

    @model_validator(mode="after")
    def _shared_columns_exist(self) -> CuratedTable:
        unknown = [c for c in self.shared_columns if c not in self.columns]
        if unknown:
            raise ValueError(f"shared_columns: {', '.join(unknown)} not in columns")
        return self


class DataLakeConfig(StrictModel):
    """Lake Formation settings of the data lake account (XA-8)."""

    admins: tuple[RoleArn, ...] = Field(
        default=(), description="Extra Lake Formation admin roles (people) of the data lake account."
    )
    curated_database: GlueName = Field(default="curated", description="Glue database of the curated zone.")
    feature_store_database: GlueName = Field(
        default="feature_store", description="Glue database of the feature groups' offline tables."
    )
    curated_tables: Annotated[tuple[CuratedTable, ...], unique_by(item_name, "duplicate table name(s): {}")] = Field(
        default=(), description="Tables shared with the teams."
    )
