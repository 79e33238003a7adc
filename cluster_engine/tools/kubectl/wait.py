"""``kubectl wait --for=...``: block until objects reach a condition, are created or are gone.

``--for`` takes ``condition=TYPE[=STATUS]`` (a ``status.conditions`` entry, compared without
regard to case, STATUS defaulting to ``True``), ``jsonpath='{...}'[=VALUE]``, ``create`` or
``delete``. The objects are looked up once; each is then waited for in turn, each with the whole
``--timeout``, as kubectl does. Every look is one short transaction and the waiting between
looks goes through ``ctx.sleep``, so the clock (and Ctrl-C) behave as for any waiting command.
"""

from __future__ import annotations

from dataclasses import dataclass

from ...printers.jsonpath import JsonPath, JsonPathExecError, JsonPathParseError
from .app import KubectlError, connect, implement, namespace_of
from .cobra import Invocation
from .logs import duration_seconds
from .mutations import Target, check_target_args, find_targets

POLL_SECONDS = 1.0
#: What kubectl waits for when ``--timeout`` is negative ("wait for a week").
A_WEEK = 7 * 24 * 3600.0
_UNEXPECTED_PATH = ("unexpected path string, expected a 'name1.name2' or '.name1.name2' or "
                    "'{name1.name2}' or '{.name1.name2}'")


@dataclass(frozen=True)
class Condition:
    """What ``--for`` asks of an object; ``kind`` is condition, jsonpath, create or delete
    (``create`` is waited for by looking the objects up, not by ``met``)."""

    kind: str
    name: str = ""
    value: str | None = None

    def met(self, target: Target, current: dict | None) -> bool:
        if self.kind == "delete":
            return current is None or current["metadata"]["uid"] != target.obj["metadata"]["uid"]
        if current is None:
            return False
        if self.kind == "condition":
            wanted = (self.value or "True").lower()
            return any(str(condition.get("type", "")).lower() == self.name.lower()
                       and str(condition.get("status", "")).lower() == wanted
                       for condition in (current.get("status") or {}).get("conditions") or [])
        try:
            found = JsonPath(self.name).find(current)
        except JsonPathExecError:
            return False
        if self.value is None:
            return bool(found)
        return len(found) == 1 and _as_text(found[0]) == self.value


def _as_text(value) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    return "" if value is None else str(value)


def parse_condition(text: str) -> Condition:
    """``--for``'s value, refused in kubectl's words."""
    if text in ("delete", "create"):
        return Condition(text)
    if text.startswith("condition="):
        name, _equals, value = text[len("condition="):].partition("=")
        return Condition("condition", name, value if _equals else None)
    if text.startswith("jsonpath="):
        expression, _equals, value = text[len("jsonpath="):].partition("}=")
        expression += "}" if _equals else ""
        if expression.startswith("{") != expression.endswith("}"):
            raise KubectlError(_UNEXPECTED_PATH)
        if not expression.startswith("{"):
            expression = "{" + expression + "}"
        try:
            JsonPath(expression)
        except JsonPathParseError:
            raise KubectlError(_UNEXPECTED_PATH) from None
        return Condition("jsonpath", expression, value if _equals else None)
    raise KubectlError(f'unrecognized condition: "{text}"')


def _wait_for(invocation: Invocation, target: Target, condition: Condition,
              timeout: float) -> bool:
    meta = target.obj["metadata"]
    waited = 0.0
    while True:
        with invocation.ctx.sandbox.transaction() as cluster:
            current = cluster.store.find(target.rt, meta.get("namespace"), meta["name"])
            if condition.met(target, current):
                return True
        if waited >= timeout:
            return False
        step = min(POLL_SECONDS, timeout - waited)
        invocation.ctx.sleep(step)
        waited += step


def _wait_for_creation(invocation: Invocation, timeout: float) -> int:
    """``--for=create``: look the objects up again until every one exists."""
    flags = invocation.flags
    waited = 0.0
    while True:
        errors: list[str] = []
        with invocation.ctx.sandbox.transaction() as cluster:
            connect(invocation, cluster)
            targets = find_targets(cluster, invocation.args, namespace_of(invocation),
                                   flags.get("selector") or "", bool(flags.get("all")), errors)
        if targets and not errors:
            invocation.stdout.write("".join(f"{target.rt.kind_prefix}/"
                                            f"{target.obj['metadata']['name']} condition met\n"
                                            for target in targets))
            return 0
        if waited >= timeout:
            raise KubectlError("timed out waiting for the condition")
        step = min(POLL_SECONDS, timeout - waited)
        invocation.ctx.sleep(step)
        waited += step


@implement("wait")
def run_wait(invocation: Invocation) -> int:
    flags = invocation.flags
    condition = parse_condition(flags.get("for") or "")
    timeout = duration_seconds(flags.get("timeout") or "30s")
    if timeout < 0:
        timeout = A_WEEK
    selector, select_all = flags.get("selector") or "", bool(flags.get("all"))
    check_target_args(invocation.args, selector, select_all)
    if condition.kind == "create":
        return _wait_for_creation(invocation, timeout)
    errors: list[str] = []
    with invocation.ctx.sandbox.transaction() as cluster:
        connect(invocation, cluster)
        targets = find_targets(cluster, invocation.args, namespace_of(invocation), selector,
                               select_all, errors)
    if condition.kind == "delete":
        errors.clear()
    if errors:
        invocation.stderr.write("".join(error + "\n" for error in errors))
        return 1
    if not targets and condition.kind != "delete":
        raise KubectlError("no matching resources found")
    for target in targets:
        name = target.obj["metadata"]["name"]
        if not _wait_for(invocation, target, condition, timeout):
            raise KubectlError(f"timed out waiting for the condition on "
                               f"{target.rt.plural}/{name}")
        invocation.stdout.write(f"{target.rt.kind_prefix}/{name} condition met\n")
        invocation.stdout.flush()
    return 0
