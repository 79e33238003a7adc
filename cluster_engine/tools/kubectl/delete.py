"""``kubectl delete``: delete objects by name, ``TYPE/NAME``, selector, ``--all`` or ``-f``, then
wait until they are gone.

Each object is deleted as the API server does it: pods gracefully (they stay Terminating until
their kubelet has stopped them), Services with their Endpoints, and everything else at once, its
dependents left to the garbage collector (``background``, the default; ``foreground`` is treated
the same) or kept without their owner reference (``orphan``). kubectl prints one
``<kind> "<name>" deleted`` line per object as it goes and then, with ``--wait`` (the default),
waits until every one of them is gone from the store; after an error it does not wait.
"""

from __future__ import annotations

from ...services import delete_service
from ...workloads import PODS, REPLICASETS, delete_pod, delete_with_dependents
from .app import KubectlError, connect, implement
from .cobra import Invocation
from .from_files import manifests_named, targets_named

FORCE_WARNING = ("Warning: Immediate deletion does not wait for confirmation that the running "
                 "resource has been terminated. The resource may continue to run on the cluster "
                 "indefinitely.\n")
#: How often kubectl's wait looks again (it watches; a poll this fine shows the same moments).
POLL_SECONDS = 1.0


def _grace_period(invocation: Invocation) -> int | None:
    flags = invocation.flags
    grace = flags.get("grace-period")
    if flags.get("now"):
        if grace >= 0:
            raise KubectlError("--now and --grace-period cannot be specified together")
        return 1
    if grace == 0 and not flags.get("force"):
        return 1
    if flags.get("force") and grace < 0:
        return 0
    if flags.get("force") and grace > 0:
        raise KubectlError("--force and --grace-period greater than 0 cannot be specified "
                           "together")
    return grace if grace >= 0 else None


def _orphan_dependents(cluster, owner: dict) -> None:
    """``--cascade=orphan``: what the object owns loses its owner reference and stays."""
    uid = owner["metadata"]["uid"]
    for rt in (REPLICASETS, PODS):
        for dependent in cluster.store.list(rt, owner["metadata"].get("namespace")):
            references = dependent["metadata"].get("ownerReferences") or []
            kept = [reference for reference in references if reference.get("uid") != uid]
            if len(kept) == len(references):
                continue
            if kept:
                dependent["metadata"]["ownerReferences"] = kept
            else:
                del dependent["metadata"]["ownerReferences"]
            cluster.store.update(rt, dependent)


def _delete(cluster, target, grace: int | None, cascade: str) -> None:
    meta = target.obj["metadata"]
    if cascade in ("orphan", "false"):
        _orphan_dependents(cluster, target.obj)
    if target.rt is PODS:
        delete_pod(cluster, target.obj, grace)
        cluster.reconcile()
    elif target.rt.kind == "Service":
        delete_service(cluster, meta["namespace"], meta["name"])
    else:
        delete_with_dependents(cluster, target.rt, meta.get("namespace"), meta["name"])


@implement("delete")
def run_delete(invocation: Invocation) -> int:
    flags = invocation.flags
    stdout, stderr = invocation.stdout, invocation.stderr
    grace = _grace_period(invocation)
    output = flags.get("output") or ""
    if output not in ("", "name"):
        raise KubectlError(f"unexpected -o output mode: {output}. We only support '-o name'")
    cascade = flags.get("cascade") or "background"
    if cascade not in ("background", "foreground", "orphan", "true", "false"):
        raise KubectlError(f'invalid cascade value ({cascade}). Must be "background", '
                           '"foreground", or "orphan".')
    dry_run = flags.get("dry-run") or "none"
    if dry_run not in ("none", "client", "server"):
        raise KubectlError(f'Invalid dry-run value ({dry_run}). Must be "none", "server", or '
                           '"client".')
    if flags.get("force") and grace == 0:
        stderr.write(FORCE_WARNING)
    verb = "force deleted" if grace == 0 else "deleted"
    suffix = {"client": " (dry run)", "server": " (server dry run)"}.get(dry_run, "")
    errors: list[str] = []
    selector, select_all = flags.get("selector") or "", bool(flags.get("all"))
    manifests = manifests_named(invocation, selector, select_all)
    with invocation.ctx.sandbox.transaction() as cluster:
        connect(invocation, cluster)
        targets = targets_named(invocation, cluster, manifests, errors, "deleting", selector,
                                select_all)
        if flags.get("ignore-not-found") or flags.get("selector") or flags.get("all"):
            errors.clear()
        for target in targets:
            if dry_run == "none":
                _delete(cluster, target, grace, cascade)
            name = target.obj["metadata"]["name"]
            stdout.write(f"{target.rt.kind_prefix}/{name}\n" if output == "name" else
                         f'{target.rt.kind_prefix} "{name}" {verb}{suffix}\n')
    stdout.flush()
    if errors:
        stderr.write("".join(error + "\n" for error in errors))
        return 1
    if not targets and (flags.get("selector") or flags.get("all") or manifests == []):
        stdout.write("No resources found\n")
    elif flags.get("wait") and dry_run == "none":
        _wait_until_gone(invocation, targets)
    return 0


def _wait_until_gone(invocation: Invocation, targets) -> None:
    remaining = list(targets)
    while remaining:
        with invocation.ctx.sandbox.transaction() as cluster:
            remaining = [target for target in remaining if _still_there(cluster, target)]
        if remaining:
            invocation.ctx.sleep(POLL_SECONDS)


def _still_there(cluster, target) -> bool:
    meta = target.obj["metadata"]
    stored = cluster.store.find(target.rt, meta.get("namespace"), meta["name"])
    return stored is not None and stored["metadata"]["uid"] == meta["uid"]
