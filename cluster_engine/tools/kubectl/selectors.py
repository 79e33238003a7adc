"""Label and field selectors (``-l app=x``, ``--field-selector status.phase=Pending``).

Label selectors take the full syntax the API server accepts: ``k=v``, ``k==v``, ``k!=v``,
``k``, ``!k``, ``k in (a,b)``, ``k notin (a,b)``, joined by commas. Field selectors take
``=``, ``==`` and ``!=`` on the fields the server supports for the type.
"""

from __future__ import annotations

import functools

import re
from dataclasses import dataclass

from ...errors import ApiError


class SelectorError(Exception):
    """A selector the server cannot parse; the message is the server's."""


class BadRequest(ApiError):
    code = 400
    reason = "BadRequest"


@dataclass(frozen=True)
class Requirement:
    key: str
    operator: str
    values: tuple[str, ...] = ()

    def matches(self, labels: dict) -> bool:
        present = self.key in labels
        value = labels.get(self.key)
        if self.operator in ("=", "=="):
            return present and value == self.values[0]
        if self.operator == "!=":
            return not present or value != self.values[0]
        if self.operator == "in":
            return present and value in self.values
        if self.operator == "notin":
            return not present or value not in self.values
        if self.operator == "exists":
            return present
        return not present


_SET = re.compile(r"^\s*(!?)\s*([A-Za-z0-9./_-]+)\s+(in|notin)\s*\(([^)]*)\)\s*$")
_EQUALITY = re.compile(r"^\s*([A-Za-z0-9./_-]+)\s*(==|=|!=)\s*([A-Za-z0-9._-]*)\s*$")
_EXISTS = re.compile(r"^\s*(!?)\s*([A-Za-z0-9./_-]+)\s*$")


def _split_terms(text: str) -> list[str]:
    terms, depth, current = [], 0, ""
    for char in text:
        if char == "(":
            depth += 1
        elif char == ")":
            depth -= 1
        if char == "," and depth == 0:
            terms.append(current)
            current = ""
        else:
            current += char
    terms.append(current)
    return terms


def parse_label_selector(text: str | None) -> list[Requirement]:
    if not text or not text.strip():
        return []
    requirements = []
    for term in _split_terms(text):
        if match := _SET.match(term):
            if match.group(1):
                raise SelectorError(f"unable to parse requirement: {term.strip()}")
            values = tuple(value.strip() for value in match.group(4).split(",") if value.strip())
            requirements.append(Requirement(match.group(2), match.group(3), values))
        elif match := _EQUALITY.match(term):
            requirements.append(Requirement(match.group(1), match.group(2), (match.group(3),)))
        elif match := _EXISTS.match(term):
            requirements.append(Requirement(match.group(2),
                                            "notexists" if match.group(1) else "exists"))
        else:
            raise SelectorError(f"unable to parse requirement: {term.strip()!r}")
    return requirements


def matches_labels(requirements: list[Requirement], obj: dict) -> bool:
    labels = obj.get("metadata", {}).get("labels") or {}
    return all(requirement.matches(labels) for requirement in requirements)


#: Fields each kind can be selected on, beyond metadata.name and metadata.namespace.
SELECTABLE_FIELDS = {
    "Pod": ("spec.nodeName", "spec.restartPolicy", "spec.schedulerName",
            "spec.serviceAccountName", "spec.hostNetwork", "status.phase", "status.podIP",
            "status.nominatedNodeName"),
    "Node": ("spec.unschedulable",),
    "Event": ("involvedObject.kind", "involvedObject.namespace", "involvedObject.name",
              "involvedObject.uid", "involvedObject.apiVersion", "involvedObject.resourceVersion",
              "involvedObject.fieldPath", "reason", "reportingComponent", "source", "type"),
    "Namespace": ("status.phase",),
    "Secret": ("type",),
    "ReplicaSet": ("status.replicas",),
}


@dataclass(frozen=True)
class FieldRequirement:
    path: str
    operator: str
    value: str

    @functools.cached_property
    def _parts(self) -> tuple[str, ...]:
        return tuple(self.path.split("."))

    def matches(self, obj: dict) -> bool:
        current = obj
        for part in self._parts:
            current = current.get(part) if isinstance(current, dict) else None
        if isinstance(current, bool):
            current = "true" if current else "false"
        text = "" if current is None else str(current)
        return text == self.value if self.operator != "!=" else text != self.value


def parse_field_selector(text: str | None, resource_type, label_selector: str = "") -> list:
    if not text or not text.strip():
        return []
    allowed = {"metadata.name", "metadata.namespace",
               *SELECTABLE_FIELDS.get(resource_type.kind, ())}
    requirements = []
    for term in text.split(","):
        match = re.match(r"^\s*([^!=\s]+)\s*(==|=|!=)\s*(.*?)\s*$", term)
        if not match:
            raise SelectorError(f"invalid selector: '{text}'; can't understand '{term}'")
        path, operator, value = match.groups()
        if path not in allowed:
            group_version = f"{resource_type.group}/{resource_type.version}"
            raise BadRequest(
                f'Unable to find "{group_version}, Resource={resource_type.plural}" that match '
                f'label selector "{label_selector}", field selector "{text}": '
                f"field label not supported: {path}")
        requirements.append(FieldRequirement(path, operator, value))
    return requirements
