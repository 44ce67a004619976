"""What the rehearsal reports: one broken link, named for the step that should have made it."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


class LinkKind(StrEnum):
    MISSING_PARAMETER = "missing SSM parameter"
    UNREADABLE_PARAMETER = "unreadable SSM parameter"
    MISSING_OUTPUT = "missing output"
    DANGLING_NAME = "dangling name"
    RUNTIME_ARTEFACT = "runtime artefact"
    REJECTED = "rejected by AWS"
    LAUNCH_PERMISSION = "launch role lacks a permission"
    EXECUTION_PERMISSION = "execution role lacks a permission"


@dataclass(frozen=True)
class Finding:
    """``where``: the stack (``<stage>/<stack>``) or product version; ``message``: what is
    missing, and which earlier step should have made it."""

    where: str
    kind: LinkKind
    message: str

    def line(self) -> str:
        return f"{self.where}: {self.kind}: {self.message}"
