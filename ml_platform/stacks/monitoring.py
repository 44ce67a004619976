"""Account-wide monitoring of a hosting account: the endpoint dashboard and the retraining
trigger (book ch9, ch11, ch12). Monitors and alarms live with their endpoints (``HostingStack``)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from aws_cdk import aws_kms as kms
from constructs import Construct

from ..constructs.account_dashboard import AccountDashboard
from ..constructs.retraining_trigger import RetrainingTrigger
from ..retraining import FUNCTION_PURPOSE, RetrainingTarget
from .base import PlatformStack, StackContext


class MonitoringStack(PlatformStack):
    """Stateless. Neither part lists endpoints one by one except retrained ones, so adding an
    endpoint leaves this stack unchanged (issue #13)."""

    STATEFUL = False
    DESCRIPTION = "Endpoint dashboard and retraining trigger of the {slug} account."

    def __init__(
        self,
        scope: Construct,
        construct_id: str,
        context: StackContext,
        *,
        retraining: Sequence[RetrainingTarget],
        schedules: Mapping[str, str],
        alarms: Mapping[str, str],
        key: kms.IKey,
        alerts_key: kms.IKey,
        logs_key: kms.IKey,
    ) -> None:
        super().__init__(scope, construct_id, context)
        naming = self.naming
        self.dashboard = AccountDashboard(
            self, "Dashboard", dashboard_name=naming.resource("endpoints", 200), accounts=[("Endpoints", None)]
        )
        if retraining:
            self.retraining = RetrainingTrigger(
                self,
                "Retraining",
                function_name=naming.resource(FUNCTION_PURPOSE),
                retraining_targets=retraining,
                schedules=schedules,
                alarms=alarms,
                key=key,
                alerts_key=alerts_key,
                logs_key=logs_key,
            )
