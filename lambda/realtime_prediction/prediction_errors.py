"""The failures of a prediction: ``PredictionError`` subclasses, and ``STATUS_CODES`` mapping each to its
HTTP status in one place."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, ClassVar


class PredictionError(Exception):
    """A failure reported to the caller as ``{"error": <its error name>, "message": ..., **details}``."""

    error: ClassVar[str] = "InternalError"

    def __init__(self, message: str, **details: Any) -> None:
        super().__init__(message)
        self.message = message
        self.details = details

    def body(self) -> dict[str, Any]:
        return {"error": self.error, "message": self.message, **self.details}


class InvalidRequestError(PredictionError):
    """No usable entity_id in the event (missing, empty, wrong type, or a body that is not a JSON object)."""

    error = "InvalidRequest"


class RecordNotFoundError(PredictionError):
    """The online store has no record for the entity."""

    error = "RecordNotFound"


class IncompleteFeaturesError(PredictionError):
    """The record lacks some model features; ``missing`` lists them."""

    error = "IncompleteFeatures"


class UnsupportedFeatureValueError(PredictionError):
    """Some model features hold a list (collection type), which a CSV row cannot carry; ``features``."""

    error = "UnsupportedFeatureValue"


class FeatureStoreUnavailableError(PredictionError):
    """The online store could not be read: access denied, throttled after retries, or a service error."""

    error = "FeatureStoreUnavailable"


class EndpointError(PredictionError):
    """InvokeEndpoint failed (ModelError, ValidationError such as an unknown endpoint, ...); ``code``."""

    error = "EndpointError"


class BadModelResponseError(PredictionError):
    """The endpoint answered, but not with exactly one finite number."""

    error = "BadModelResponse"


# The one place that decides what each failure means over HTTP.
STATUS_CODES: Mapping[type[PredictionError], int] = {
    InvalidRequestError: 400,
    RecordNotFoundError: 404,
    IncompleteFeaturesError: 422,
    UnsupportedFeatureValueError: 422,
    EndpointError: 502,
    BadModelResponseError: 502,
    FeatureStoreUnavailableError: 503,
}
INTERNAL_ERROR_STATUS = 500


def error_response(error: PredictionError) -> tuple[int, dict[str, Any]]:
    return STATUS_CODES.get(type(error), INTERNAL_ERROR_STATUS), error.body()
