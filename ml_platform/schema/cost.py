"""Cost guardrails (book ch10, ch13) and the stack layout that keeps large configs deployable (issue #13)."""

from __future__ import annotations

from pydantic import Field, field_validator

from .base import Slug, StrictModel


class BudgetsConfig(StrictModel):
    """One COST budget per account; ``monthly_usd`` overrides the default per account slug."""

    default_monthly_usd: float = Field(default=500.0, gt=0, description="Monthly limit of any other account.")
    monthly_usd: dict[Slug, float] = Field(
        default={}, description="Per account: shared, datalake, test, prod or a team name -> USD."
    )
    thresholds_percent: tuple[int, ...] = Field(
        default=(80, 100), min_length=1, description="Actual-spend alerts, percent of the limit."
    )
    forecast_alert: bool = Field(default=True, description="Also alert when the forecast exceeds the limit.")

    @field_validator("monthly_usd")
    @classmethod
    def _positive(cls, limits: dict[str, float]) -> dict[str, float]:
        bad = [k for k, v in limits.items() if v <= 0]
        if bad:
            raise ValueError(f"limits must be greater than 0 ({', '.join(bad)})")
        return limits

    @field_validator("thresholds_percent")
    @classmethod
    def _thresholds(cls, thresholds: tuple[int, ...]) -> tuple[int, ...]:
        if any(t <= 0 or t > 1000 for t in thresholds) or len(set(thresholds)) != len(thresholds):
            raise ValueError("thresholds are distinct percentages between 1 and 1000")
        return tuple(sorted(thresholds))

    def limit_for(self, slug: str) -> float:
        return self.monthly_usd.get(slug, self.default_monthly_usd)


class LayoutConfig(StrictModel):
    """How many stacks hold each hosting account's endpoints (issue #13, docs/scale.md).

    An endpoint's stack is a hash of its name modulo this number: adding endpoints never moves
    others, but changing the number does. Set it before the first deploy (about 30 endpoints per
    stack keep every template well inside CloudFormation's limits).
    """

    test_hosting_stacks: int = Field(default=1, ge=1, le=50, description="Stacks for test's endpoints.")
    prod_hosting_stacks: int = Field(default=1, ge=1, le=50, description="Stacks for prod's endpoints.")

    def hosting_stacks(self, environment: str) -> int:
        return self.test_hosting_stacks if environment == "test" else self.prod_hosting_stacks
