"""API errors in the shape the real API server returns them (``metav1.Status``).

Tools turn these into kubectl's own wording (``Error from server (NotFound): ...``); the REST
façade sends them as JSON with the matching HTTP code.
"""

from __future__ import annotations


class ApiError(Exception):
    code = 500
    reason = "InternalError"

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message

    def status(self) -> dict:
        return {"kind": "Status", "apiVersion": "v1", "metadata": {}, "status": "Failure",
                "message": self.message, "reason": self.reason, "code": self.code}


class NotFound(ApiError):
    code = 404
    reason = "NotFound"

    def __init__(self, resource: str, name: str):
        super().__init__(f'{resource} "{name}" not found')
        self.resource, self.name = resource, name


class AlreadyExists(ApiError):
    code = 409
    reason = "AlreadyExists"

    def __init__(self, resource: str, name: str):
        super().__init__(f'{resource} "{name}" already exists')
        self.resource, self.name = resource, name


class Conflict(ApiError):
    code = 409
    reason = "Conflict"

    def __init__(self, resource: str, name: str):
        super().__init__(
            f'Operation cannot be fulfilled on {resource} "{name}": the object has been modified; '
            "please apply your changes to the latest version and try again")


class BadRequest(ApiError):
    code = 400
    reason = "BadRequest"


class Invalid(ApiError):
    code = 422
    reason = "Invalid"


class QuotaExceeded(ApiError):
    code = 403
    reason = "Forbidden"
