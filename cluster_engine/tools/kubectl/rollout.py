"""``kubectl rollout status|history|undo|pause|resume|restart`` for Deployments.

``status`` is kubectl's watch loop: it prints a line for each change of the Deployment it sees
until the rollout is complete, the progress deadline has passed, or ``--timeout`` runs out. Here
each look is one short transaction and the waiting between looks goes through ``ctx.sleep``.
``history`` reads the revisions off the Deployment's ReplicaSets; ``undo`` is
``workloads.rollback``; the others change the Deployment's spec the way kubectl patches it.
"""

from __future__ import annotations

import copy
import re

from ...clock import rfc3339
from ...printers.describe_workloads import write_pod_template
from ...workloads import (DEPLOYMENTS, REPLICASETS, RESTARTED_AT, REVISION, RollbackError,
                          controller_ref, revision_of, rollback)
from .app import KubectlError, connect, implement, namespace_of
from .cobra import Invocation
from .mutations import CHANGE_CAUSE, find_targets, output_of, report, subcommand, update

for _name in ("history", "pause", "restart", "resume", "status", "undo"):
    subcommand(f"rollout {_name}")
subcommand("rollout", grouping=True)

TIMED_OUT = "ProgressDeadlineExceeded"
#: How often ``rollout status`` looks again; controllers move in whole seconds here.
POLL_SECONDS = 1.0
_DURATION_PART = re.compile(r"([0-9.]+)(ns|us|µs|ms|s|m|h)")
_UNIT_SECONDS = {"ns": 1e-9, "us": 1e-6, "µs": 1e-6, "ms": 1e-3, "s": 1, "m": 60, "h": 3600}


def _seconds(duration: str) -> float:
    return sum(float(number) * _UNIT_SECONDS[unit]
               for number, unit in _DURATION_PART.findall(duration or "0s"))


def _require_resource(invocation: Invocation) -> None:
    if not invocation.args:
        raise KubectlError("required resource not specified")


def _group_kind(rt) -> str:
    return f"{rt.kind}.{rt.group}" if rt.group else rt.kind


_UNSUPPORTED = {
    "status": lambda rt: f"no status viewer has been implemented for {_group_kind(rt)}",
    "history": lambda rt: f'no history viewer has been implemented for "{_group_kind(rt)}"',
    "undo": lambda rt: f'no rollbacker has been implemented for "{_group_kind(rt)}"',
}


def _deployments(invocation: Invocation, cluster) -> list:
    """The objects named; a type alone means all of that type, as the rollout commands read it.
    Only Deployments have rollouts here (no DaemonSets or StatefulSets in this cluster)."""
    args, selector = invocation.args, invocation.flags.get("selector") or ""
    named = len(args) > 1 or any("/" in arg for arg in args)
    targets = find_targets(cluster, args, namespace_of(invocation), selector,
                           select_all=not named and not selector)
    unsupported = _UNSUPPORTED.get(invocation.command.name)
    for target in targets:
        if target.rt.kind != "Deployment" and unsupported is not None:
            raise KubectlError(unsupported(target.rt))
    return targets


# -- status ----------------------------------------------------------------------------------
def status_line(deployment: dict, revision: int = 0) -> tuple[str, bool]:
    """What kubectl's deployment status viewer says, and whether the rollout is done."""
    name = deployment["metadata"]["name"]
    status = deployment.get("status", {})
    if deployment["metadata"].get("generation", 0) > status.get("observedGeneration", 0):
        return "Waiting for deployment spec update to be observed...\n", False
    running = revision_of(deployment)
    if revision and running != revision:
        raise KubectlError(f"desired revision ({revision}) is different from the running "
                           f"revision ({running})")
    progressing = next((c for c in status.get("conditions", []) if c["type"] == "Progressing"),
                       None)
    if progressing is not None and progressing.get("reason") == TIMED_OUT:
        raise KubectlError(f'deployment "{name}" exceeded its progress deadline')
    wanted = deployment["spec"].get("replicas", 1)
    updated = status.get("updatedReplicas", 0)
    waiting = f'Waiting for deployment "{name}" rollout to finish: '
    if updated < wanted:
        return f"{waiting}{updated} out of {wanted} new replicas have been updated...\n", False
    if status.get("replicas", 0) > updated:
        return (f"{waiting}{status.get('replicas', 0) - updated} old replicas are pending "
                "termination...\n"), False
    if status.get("availableReplicas", 0) < updated:
        return (f"{waiting}{status.get('availableReplicas', 0)} of {updated} updated replicas "
                "are available...\n"), False
    return f'deployment "{name}" successfully rolled out\n', True


@implement("rollout status")
def run_rollout_status(invocation: Invocation) -> int:
    revision = invocation.flags.get("revision") or 0
    _require_resource(invocation)
    if revision < 0:
        raise KubectlError(f"revision must be a positive integer: {revision}")
    with invocation.ctx.sandbox.transaction() as cluster:
        connect(invocation, cluster)
        targets = _deployments(invocation, cluster)
    if not targets:
        invocation.stderr.write(f"No resources found in {namespace_of(invocation)} namespace.\n")
    for target in targets:
        _watch_rollout(invocation, target.obj, revision)
    return 0


def _watch_rollout(invocation: Invocation, watched: dict, revision: int) -> None:
    """One status line per change of the deployment, until it is done (or ``--watch=false``)."""
    flags = invocation.flags
    timeout = _seconds(flags.get("timeout"))
    meta = watched["metadata"]
    started, last_version = None, None
    while True:
        with invocation.ctx.sandbox.transaction() as cluster:
            deployment = cluster.store.find(DEPLOYMENTS, meta["namespace"], meta["name"])
            now = cluster.now
        started = now if started is None else started
        if deployment is None or deployment["metadata"]["uid"] != meta["uid"]:
            raise KubectlError("object has been deleted")
        if deployment["metadata"]["resourceVersion"] != last_version:
            last_version = deployment["metadata"]["resourceVersion"]
            line, done = status_line(deployment, revision)
            invocation.stdout.write(line)
            invocation.stdout.flush()
            if done or not flags.get("watch"):
                return
        if timeout and now - started >= timeout:
            raise KubectlError("timed out waiting for the condition")
        invocation.ctx.sleep(POLL_SECONDS)


# -- history ---------------------------------------------------------------------------------
def _owned_replica_sets(cluster, deployment: dict) -> list[dict]:
    uid = deployment["metadata"]["uid"]
    return [rs for rs in cluster.store.list(REPLICASETS, deployment["metadata"]["namespace"])
            if (controller_ref(rs) or {}).get("uid") == uid]


class _UnalignedWriter:
    """kubectl's prefix writer straight onto a buffer, as ``rollout history --revision`` uses
    it: the describe lines keep their raw tabs."""

    def __init__(self):
        self._parts: list[str] = []

    def write(self, level: int, text: str) -> None:
        self._parts.append("  " * level + text)

    def text(self) -> str:
        return "".join(self._parts)


def history_text(replica_sets: list[dict], revision: int) -> str:
    """What kubectl's deployment history viewer returns: the table, or one revision's template."""
    history = {}
    for rs in replica_sets:
        annotations = rs["metadata"].get("annotations") or {}
        if REVISION in annotations:
            history[revision_of(rs)] = rs
    if not history:
        return "No rollout history found."
    if revision:
        if revision not in history:
            raise KubectlError("unable to find the specified revision")
        template = copy.deepcopy(history[revision]["spec"]["template"])
        cause = (history[revision]["metadata"].get("annotations") or {}).get(CHANGE_CAUSE)
        if cause:
            template.setdefault("metadata", {}).setdefault("annotations", {})[CHANGE_CAUSE] = cause
        writer = _UnalignedWriter()
        write_pod_template(writer, template)
        return writer.text()
    rows = [("REVISION", "CHANGE-CAUSE")]
    for number in sorted(history):
        cause = (history[number]["metadata"].get("annotations") or {}).get(CHANGE_CAUSE)
        rows.append((str(number), cause or "<none>"))
    width = max(len(number) for number, _cause in rows) + 2
    return "".join(number.ljust(width) + cause + "\n" for number, cause in rows)


@implement("rollout history")
def run_rollout_history(invocation: Invocation) -> int:
    revision = invocation.flags.get("revision") or 0
    _require_resource(invocation)
    if revision < 0:
        raise KubectlError(f"revision must be a positive integer: {revision}")
    with invocation.ctx.sandbox.transaction() as cluster:
        connect(invocation, cluster)
        targets = _deployments(invocation, cluster)
        texts = [(target, history_text(_owned_replica_sets(cluster, target.obj), revision))
                 for target in targets]
    heading = f"with revision #{revision}" if revision else ""
    for target, text in texts:
        invocation.stdout.write(f"{target.rt.kind_prefix}/{target.obj['metadata']['name']} "
                                f"{heading}\n{text}\n")
    return 0


# -- undo, pause, resume, restart ----------------------------------------------------------------
@implement("rollout undo")
def run_rollout_undo(invocation: Invocation) -> int:
    output = output_of(invocation)
    results = []
    _require_resource(invocation)
    with invocation.ctx.sandbox.transaction() as cluster:
        connect(invocation, cluster)
        for target in _deployments(invocation, cluster):
            try:
                message = rollback(cluster, target.obj, invocation.flags.get("to-revision"))
            except RollbackError as error:
                raise KubectlError(error.message) from None
            cluster.reconcile()
            results.append((target, message))
    for target, message in results:
        report(invocation.stdout, target.rt, target.obj, message, output)
    return 0


class Unchanged(Exception):
    """A patch that would change nothing; carries what kubectl says about the object instead."""


class RolloutRefusal(Exception):
    """What kubectl's object restarter says when it will not patch an object."""


class RestartTooSoon(Exception):
    """A second restart within the same second would send an empty patch."""


def _change_spec(invocation: Invocation, change, verb: str) -> int:
    """Patch each deployment with ``change(deployment, now)``. Refusals are collected and
    reported after the others, as kubectl aggregates them."""
    output = output_of(invocation)
    errors = []
    _require_resource(invocation)
    with invocation.ctx.sandbox.transaction() as cluster:
        connect(invocation, cluster)
        for target in _deployments(invocation, cluster):
            name = target.obj["metadata"]["name"]
            try:
                if target.rt.kind != "Deployment":
                    raise RolloutRefusal(f"{verb[:-2]}ing is not supported")
                change(target.obj, cluster.now)
            except Unchanged as unchanged:
                report(invocation.stdout, target.rt, target.obj, str(unchanged), output)
                continue
            except RolloutRefusal as refusal:
                errors.append(f'error: {target.rt.qualified_name} "{name}" {refusal}')
                continue
            except RestartTooSoon:
                errors.append(f"failed to create patch for {name}: if restart has already been "
                              "triggered within the past second, please wait before attempting "
                              "to trigger another")
                continue
            if output.dry_run != "client":
                update(cluster, target.rt, target.obj, output)
            report(invocation.stdout, target.rt, target.obj, verb, output)
    invocation.stdout.flush()
    if errors:
        message = errors[0] if len(errors) == 1 else "[" + ", ".join(errors) + "]"
        invocation.stderr.write(message if message.startswith("error: ") else "error: " + message)
        invocation.stderr.write("\n")
        return 1
    return 0


def _pause(deployment: dict, _now: float) -> None:
    if deployment["spec"].get("paused"):
        raise Unchanged("already paused")
    deployment["spec"]["paused"] = True


def _resume(deployment: dict, _now: float) -> None:
    if not deployment["spec"].get("paused"):
        raise Unchanged("already resumed")
    deployment["spec"].pop("paused")


def _restart(deployment: dict, now: float) -> None:
    if deployment["spec"].get("paused"):
        raise RolloutRefusal("can't restart paused deployment (run rollout resume first)")
    annotations = deployment["spec"]["template"].setdefault("metadata", {}).setdefault(
        "annotations", {})
    if annotations.get(RESTARTED_AT) == rfc3339(now):
        raise RestartTooSoon()
    annotations[RESTARTED_AT] = rfc3339(now)


implement("rollout pause")(lambda invocation: _change_spec(invocation, _pause, "paused"))
implement("rollout resume")(lambda invocation: _change_spec(invocation, _resume, "resumed"))
implement("rollout restart")(lambda invocation: _change_spec(invocation, _restart, "restarted"))
