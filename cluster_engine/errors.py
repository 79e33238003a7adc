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

    def __init__(self, message: str, details: dict | None = None):
        super().__init__(message)
        self.details = details

    @classmethod
    def of(cls, kind: str, group: str, name: str, field_errors: list[str]) -> "Invalid":
        """The API server's refusal of an object for its field errors (each ``field: what``):
        its message lists them as an aggregate does (one alone, several in brackets), and its
        details carry kind, name and one cause per error, from which kubectl writes
        ``The Deployment "web" is invalid: ...``."""
        listed = field_errors[0] if len(field_errors) == 1 else f"[{', '.join(field_errors)}]"
        qualified = f"{kind}.{group}" if group else kind
        causes = []
        for error in field_errors:
            field, _, what = error.partition(": ")
            causes.append({"reason": _CAUSE_REASONS.get(what.split(":")[0], "FieldValueInvalid"),
                           "message": what, "field": field})
        return cls(f'{qualified} "{name}" is invalid: {listed}',
                   {"name": name, "group": group, "kind": kind, "causes": causes})

    def status(self) -> dict:
        status = super().status()
        if self.details is not None:
            status["details"] = self.details
        return status


#: metav1.CauseType of a field error, by how its message begins.
_CAUSE_REASONS = {"Required value": "FieldValueRequired", "Invalid value": "FieldValueInvalid",
                  "Unsupported value": "FieldValueNotSupported",
                  "Forbidden": "FieldValueForbidden", "Duplicate value": "FieldValueDuplicate"}


class QuotaExceeded(ApiError):
    code = 403
    reason = "Forbidden"
