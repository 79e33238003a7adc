"""Whether a lesson step is done: declarative checks evaluated against a sandbox.

A lesson step says what must be true once the learner has done it — an object exists, a field
has a value, so many Pods are Ready, a command was typed — and never how to find out: no lesson
runs code. The checks are read here, in the engine, so the web server (after each command a
learner runs) and ``manage.py lessons check`` (which plays every module) judge the same way.

A check is a mapping with exactly one of these keys, plus its options:

- ``exists: TYPE/NAME`` / ``absent: TYPE/NAME`` (``namespace:`` optional, default ``default``);
- ``field: TYPE/NAME`` with ``path:`` (kubectl's JSONPath, e.g. ``{.status.readyReplicas}``) and
  one of ``equals:`` (text), ``matches:`` (a regular expression the whole text must match) or
  ``at_least:`` (a number);
- ``ready_pods: SELECTOR`` (a label selector, as ``kubectl get -l`` takes) with ``count:``: at
  least that many matching Pods are Ready and not terminating;
- ``ran: PATTERN``: a regular expression found in one of the command lines the learner ran.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Iterable

from .printers.jsonpath import JsonPath, JsonPathExecError, JsonPathParseError
from .resources import resolve
from .tools.kubectl.selectors import SelectorError, matches_labels, parse_label_selector
from .workloads import is_ready

if TYPE_CHECKING:
    from .cluster import Cluster

CHECK_KINDS = ("exists", "absent", "field", "ready_pods", "ran")
FIELD_TESTS = ("equals", "matches", "at_least")


class CheckError(ValueError):
    """A check that can never be evaluated (an unknown type, a bad selector or path)."""


def validate(check: dict) -> None:
    """Raise CheckError unless ``check`` is well formed (lesson files are validated with this)."""
    kinds = [kind for kind in CHECK_KINDS if kind in check]
    if len(kinds) != 1:
        raise CheckError(f"a check needs exactly one of {', '.join(CHECK_KINDS)}")
    kind = kinds[0]
    if kind in ("exists", "absent", "field"):
        _reference(check[kind])
    if kind == "field":
        tests = [test for test in FIELD_TESTS if check.get(test) is not None]
        if "path" not in check or len(tests) != 1:
            raise CheckError(f"a field check needs path and exactly one of {', '.join(FIELD_TESTS)}")
        try:
            JsonPath(check["path"])
        except JsonPathParseError as error:
            raise CheckError(f"path: {error}") from error
        if tests[0] == "matches":
            _pattern(check["matches"])
    if kind == "ready_pods":
        try:
            parse_label_selector(check["ready_pods"])
        except SelectorError as error:
            raise CheckError(f"ready_pods: {error}") from error
    if kind == "ran":
        _pattern(check["ran"])


def passed(check: dict, cluster: "Cluster", commands: Iterable[str]) -> bool:
    """Whether ``check`` holds in ``cluster`` (read only) given the command lines run so far."""
    if "ran" in check:
        pattern = _pattern(check["ran"])
        return any(pattern.search(line) for line in commands)
    if "ready_pods" in check:
        selector = parse_label_selector(check["ready_pods"])
        ready = [pod for pod in cluster.store.iter_stored(resolve("pods"),
                                                          check.get("namespace") or "default")
                 if matches_labels(selector, pod) and is_ready(pod)
                 and not pod["metadata"].get("deletionTimestamp")]
        return len(ready) >= check.get("count", 1)
    kind = next(kind for kind in ("exists", "absent", "field") if kind in check)
    resource_type, name = _reference(check[kind])
    namespace = (check.get("namespace") or "default") if resource_type.namespaced else None
    obj = cluster.store.find(resource_type, namespace, name)
    if kind != "field":
        return (obj is not None) == (kind == "exists")
    if obj is None:
        return False
    try:
        text = JsonPath(check["path"]).render(obj)
    except JsonPathExecError:
        return False
    if check.get("equals") is not None:
        return text == str(check["equals"])
    if check.get("matches") is not None:
        return _pattern(check["matches"]).fullmatch(text) is not None
    try:
        return float(text) >= float(check["at_least"])
    except ValueError:
        return False


def describe(check: dict) -> str:
    """One line naming the check, for error messages."""
    kind = next(kind for kind in CHECK_KINDS if kind in check)
    details = " ".join(f"{key}={value!r}" for key, value in check.items() if key != kind)
    return f"{kind} {check[kind]}" + (f" ({details})" if details else "")


def _reference(text: str):
    type_name, slash, name = str(text).partition("/")
    if not slash or not name:
        raise CheckError(f"{text!r}: write the object as TYPE/NAME, e.g. deployment/web")
    resource_type = resolve(type_name)
    if resource_type is None:
        raise CheckError(f"{type_name!r} is not a resource type the cluster knows")
    return resource_type, name


def _pattern(text: str) -> re.Pattern:
    try:
        return re.compile(str(text))
    except re.error as error:
        raise CheckError(f"{text!r} is not a valid regular expression: {error}") from error
