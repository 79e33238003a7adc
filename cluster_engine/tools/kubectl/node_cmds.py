"""``kubectl cordon``, ``uncordon``, ``drain`` and ``taint``: node maintenance.

Cordoning sets ``spec.unschedulable`` (the node lifecycle controller then adds the
``node.kubernetes.io/unschedulable:NoSchedule`` taint, done here in the same write), so the
scheduler leaves the node alone and ``get nodes`` shows ``Ready,SchedulingDisabled``.

``drain`` cordons, then sorts the node's pods through kubectl's drain filters in their order
(deleted long ago → skipped, DaemonSet-managed → refused without ``--ignore-daemonsets``, mirror
pods of static manifests → skipped silently, emptyDir → refused without
``--delete-emptydir-data``, no controller → refused without ``--force``), evicts the rest and
waits, in short transactions, until each is gone. Its refusals and warnings carry the drain
library's words, including v1.32's doubled ``cannot delete cannot delete``.

``taint`` parses ``key[=value]:effect`` and ``key[:effect]-`` as kubectl's taint utilities do and
reports ``tainted``, ``untainted`` or ``modified``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from ...errors import NotFound
from ...resources import resolve
from ...workloads import controller_ref, delete_pod
from .app import KubectlError, connect, format_api_error, implement
from .cobra import Invocation
from .label import _LABEL_VALUE, _LABEL_VALUE_RULE
from .mutations import Output, output_of, report, usage_error
from .selectors import SelectorError, matches_labels, parse_label_selector

NODES = resolve("nodes")
PODS = resolve("pods")
DAEMON_SETS = resolve("daemonsets")
UNSCHEDULABLE_TAINT = {"key": "node.kubernetes.io/unschedulable", "effect": "NoSchedule"}
MIRROR_ANNOTATION = "kubernetes.io/config.mirror"
TAINT_EFFECTS = ("NoSchedule", "PreferNoSchedule", "NoExecute")
#: How often drain looks again whether the evicted pods are gone.
POLL_SECONDS = 1.0

DAEMON_SET_FATAL = "DaemonSet-managed Pods (use --ignore-daemonsets to ignore)"
DAEMON_SET_WARNING = "ignoring DaemonSet-managed Pods"
LOCAL_STORAGE_FATAL = "Pods with local storage (use --delete-emptydir-data to override)"
LOCAL_STORAGE_WARNING = "deleting Pods with local storage"
UNMANAGED_FATAL = "cannot delete Pods that declare no controller (use --force to override)"
UNMANAGED_WARNING = "deleting Pods that declare no controller"

_NAME_PART = re.compile(r"([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]\Z")
_NAME_PART_RULE = (
    "name part must consist of alphanumeric characters, '-', '_' or '.', and must start and end "
    "with an alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc', regex used "
    "for validation is '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]')")
_SUBDOMAIN = re.compile(r"[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*\Z")
_SUBDOMAIN_RULE = (
    "prefix part a lowercase RFC 1123 subdomain must consist of lower case alphanumeric "
    "characters, '-' or '.', and must start and end with an alphanumeric character (e.g. "
    "'example.com', regex used for validation is "
    "'[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')")


def _selected_nodes(invocation: Invocation, cluster, names: list[str]) -> list[dict]:
    """The nodes named on the line, or chosen by ``-l``; the first missing one is an error."""
    selector = invocation.flags.get("selector") or ""
    try:
        requirements = parse_label_selector(selector)
    except SelectorError as error:
        raise KubectlError(str(error)) from None
    if selector and not names:
        return [node for node in cluster.store.list(NODES) if matches_labels(requirements, node)]
    nodes = []
    for name in names:
        node = cluster.store.find(NODES, None, name.split("/", 1)[-1])
        if node is None:
            raise NotFound(NODES.qualified_name, name.split("/", 1)[-1])
        nodes.append(node)
    return nodes


def set_schedulable(cluster, node: dict, unschedulable: bool) -> bool:
    """Cordon or uncordon ``node``; False when it already was."""
    if bool(node.get("spec", {}).get("unschedulable")) == unschedulable:
        return False
    spec = node.setdefault("spec", {})
    taints = [taint for taint in spec.get("taints") or []
              if taint.get("key") != UNSCHEDULABLE_TAINT["key"]]
    if unschedulable:
        spec["unschedulable"] = True
        taints.append(dict(UNSCHEDULABLE_TAINT))
    else:
        spec.pop("unschedulable", None)
    if taints:
        spec["taints"] = taints
    else:
        spec.pop("taints", None)
    cluster.store.update(NODES, node)
    cluster.reconcile()
    return True


def _cordon_line(node: dict, changed: bool, verb: str, suffix: str) -> str:
    return f"node/{node['metadata']['name']} {'' if changed else 'already '}{verb}{suffix}\n"


def _cordon_command(invocation: Invocation, unschedulable: bool) -> int:
    name = "cordon" if unschedulable else "uncordon"
    if not invocation.args and not invocation.flags.get("selector"):
        return usage_error(invocation, f"USAGE: {name} NODE [flags]")
    output = output_of(invocation)
    lines = []
    with invocation.ctx.sandbox.transaction() as cluster:
        connect(invocation, cluster, discovery_attempts=4)
        for node in _selected_nodes(invocation, cluster, invocation.args):
            if output.dry_run == "client":
                changed = bool(node.get("spec", {}).get("unschedulable")) != unschedulable
            else:
                changed = (set_schedulable(cluster, node, unschedulable) if output.writes
                           else bool(node.get("spec", {}).get("unschedulable")) != unschedulable)
            lines.append(_cordon_line(node, changed, f"{name}ed", output.suffix))
    invocation.stdout.write("".join(lines))
    return 0


@implement("cordon")
def run_cordon(invocation: Invocation) -> int:
    return _cordon_command(invocation, True)


@implement("uncordon")
def run_uncordon(invocation: Invocation) -> int:
    return _cordon_command(invocation, False)


# -- drain ---------------------------------------------------------------------------------------
@dataclass
class PodVerdict:
    """What drain decided for one pod: evict it or not, and the warning or error it raised."""

    pod: dict
    delete: bool
    warning: str = ""
    error: str = ""


def drain_verdict(cluster, pod: dict, force: bool, ignore_daemon_sets: bool,
                  delete_empty_dir: bool) -> PodVerdict:
    """kubectl's drain filters, in their order; the first that keeps the pod decides."""
    phase = pod.get("status", {}).get("phase")
    finished = phase in ("Succeeded", "Failed")
    owner = controller_ref(pod)
    verdict = PodVerdict(pod, True)
    if owner is not None and owner.get("kind") == "DaemonSet" and not finished:
        if cluster.store.find(DAEMON_SETS, pod["metadata"]["namespace"], owner["name"]) is None:
            message = format_api_error(NotFound(DAEMON_SETS.qualified_name, owner["name"]))
            message = message.split(": ", 1)[1]
            return PodVerdict(pod, True, warning=message) if force else \
                PodVerdict(pod, False, error=message)
        if not ignore_daemon_sets:
            return PodVerdict(pod, False, error=DAEMON_SET_FATAL)
        return PodVerdict(pod, False, warning=DAEMON_SET_WARNING)
    if MIRROR_ANNOTATION in (pod["metadata"].get("annotations") or {}):
        return PodVerdict(pod, False)
    if any("emptyDir" in volume for volume in pod.get("spec", {}).get("volumes") or []) \
            and not finished:
        if not delete_empty_dir:
            return PodVerdict(pod, False, error=LOCAL_STORAGE_FATAL)
        verdict = PodVerdict(pod, True, warning=LOCAL_STORAGE_WARNING)
    if owner is None and not finished:
        if not force:
            return PodVerdict(pod, False, error=UNMANAGED_FATAL)
        verdict = PodVerdict(pod, True, warning=UNMANAGED_WARNING)
    return verdict


def _grouped(verdicts: list[PodVerdict], attribute: str) -> list[tuple[str, list[str]]]:
    groups: dict[str, list[str]] = {}
    for verdict in verdicts:
        message = getattr(verdict, attribute)
        if message:
            meta = verdict.pod["metadata"]
            groups.setdefault(message, []).append(f"{meta['namespace']}/{meta['name']}")
    return list(groups.items())


def _aggregate(errors: list[str]) -> str:
    return errors[0] if len(errors) == 1 else "[" + ", ".join(errors) + "]"


def _pods_on(cluster, node_name: str, pod_selector: str) -> list[dict]:
    try:
        requirements = parse_label_selector(pod_selector)
    except SelectorError as error:
        raise KubectlError(str(error)) from None
    return [pod for pod in cluster.store.list(PODS)
            if pod.get("spec", {}).get("nodeName") == node_name
            and matches_labels(requirements, pod)]


@implement("drain")
def run_drain(invocation: Invocation) -> int:
    flags, stdout, stderr = invocation.flags, invocation.stdout, invocation.stderr
    if not invocation.args and not flags.get("selector"):
        return usage_error(invocation, "USAGE: drain NODE [flags]")
    output = output_of(invocation)
    grace = flags.get("grace-period")
    with invocation.ctx.sandbox.transaction() as cluster:
        connect(invocation, cluster, discovery_attempts=4)
        nodes = _selected_nodes(invocation, cluster, invocation.args)
    drained = []
    for node in nodes:
        name = node["metadata"]["name"]
        with invocation.ctx.sandbox.transaction() as cluster:
            node = cluster.store.find(NODES, None, name)
            if output.writes:
                changed = set_schedulable(cluster, node, True)
            else:
                changed = not node.get("spec", {}).get("unschedulable")
            stdout.write(_cordon_line(node, changed, "cordoned", output.suffix))
            verdicts = [drain_verdict(cluster, pod, bool(flags.get("force")),
                                      bool(flags.get("ignore-daemonsets")),
                                      bool(flags.get("delete-emptydir-data")))
                        for pod in _pods_on(cluster, name, flags.get("pod-selector") or "")]
            errors = [f"cannot delete {message}: {', '.join(pods)}"
                      for message, pods in _grouped(verdicts, "error")]
            if errors:
                stdout.flush()
                stderr.write(f'error: unable to drain node "{name}" due to error: '
                             f"{_aggregate(errors)}, continuing command...\n"
                             "There are pending nodes to be drained:\n")
                stderr.write("".join(f" {pending['metadata']['name']}\n" for pending in nodes
                                     if pending["metadata"]["name"] not in drained))
                stderr.write("".join(error + "\n" for error in errors))
                return 1
            warnings = "; ".join(f"{message}: {', '.join(pods)}"
                                 for message, pods in _grouped(verdicts, "warning"))
            if warnings:
                stdout.flush()
                stderr.write(f"Warning: {warnings}\n")
                stderr.flush()
            evicted = [verdict.pod for verdict in verdicts if verdict.delete]
            for pod in evicted:
                meta = pod["metadata"]
                stdout.write(f"evicting pod {meta['namespace']}/{meta['name']}{output.suffix}\n")
                if output.writes:
                    delete_pod(cluster, pod, grace if grace >= 0 else None)
            if output.writes:
                cluster.reconcile()
        stdout.flush()
        if output.writes:
            _wait_for_evictions(invocation, evicted)
        drained.append(name)
        stdout.write(f"node/{name} drained{output.suffix}\n")
    return 0


def _wait_for_evictions(invocation: Invocation, pods: list[dict]) -> None:
    """Print ``pod/NAME evicted`` for each pod as it disappears, until none is left."""
    remaining = list(pods)
    while remaining:
        with invocation.ctx.sandbox.transaction() as cluster:
            gone = [pod for pod in remaining if not _still_there(cluster, pod)]
        for pod in gone:
            invocation.stdout.write(f"pod/{pod['metadata']['name']} evicted\n")
            remaining.remove(pod)
        invocation.stdout.flush()
        if remaining:
            invocation.ctx.sleep(POLL_SECONDS)


def _still_there(cluster, pod: dict) -> bool:
    meta = pod["metadata"]
    stored = cluster.store.find(PODS, meta["namespace"], meta["name"])
    return stored is not None and stored["metadata"]["uid"] == meta["uid"]


# -- taint ---------------------------------------------------------------------------------------
def taint_text(taint: dict) -> str:
    """``Taint.ToString``: ``key=value:effect``, dropping what is empty."""
    text = taint["key"] + (f"={taint['value']}" if taint.get("value") else "")
    if taint.get("effect"):
        return f"{text}:{taint['effect']}"
    return text + ("" if not taint.get("value") else ":")


class _UsageError(Exception):
    """A taint spec error, which kubectl follows with the ``See 'kubectl taint -h'`` line."""


def _check_effect(effect: str) -> None:
    if effect not in TAINT_EFFECTS:
        raise _UsageError(f"invalid taint effect: {effect}, unsupported taint effect")


def _qualified_name_problems(key: str) -> list[str]:
    prefix, _, name = key.rpartition("/")
    problems = []
    if "/" in key and not prefix:
        problems.append("prefix part must be non-empty")
    elif prefix and not (_SUBDOMAIN.match(prefix) and len(prefix) <= 253):
        problems.append(_SUBDOMAIN_RULE)
    if not name:
        problems.append("name part must be non-empty")
    elif len(name) > 63:
        problems.append("name part must be no more than 63 characters")
    if not _NAME_PART.match(name):
        problems.append(_NAME_PART_RULE)
    return problems


def parse_taint(spec: str) -> dict:
    parts = spec.split(":")
    taint: dict = {}
    if len(parts) == 1:
        key = parts[0]
    elif len(parts) == 2:
        _check_effect(parts[1])
        taint["effect"] = parts[1]
        key_value = parts[0].split("=")
        if len(key_value) > 2:
            raise _UsageError(f"invalid taint spec: {spec}")
        key = key_value[0]
        if len(key_value) == 2:
            if not _LABEL_VALUE.match(key_value[1]) or len(key_value[1]) > 63:
                raise _UsageError(f"invalid taint spec: {spec}, {_LABEL_VALUE_RULE}")
            taint["value"] = key_value[1]
    else:
        raise _UsageError(f"invalid taint spec: {spec}")
    problems = _qualified_name_problems(key)
    if problems:
        raise _UsageError(f"invalid taint spec: {spec}, {'; '.join(problems)}")
    return {"key": key, **taint}


def parse_taint_changes(specs: list[str]) -> tuple[list[dict], list[dict]]:
    added, removed = [], []
    for spec in specs:
        if spec.endswith("-"):
            key, _, effect = spec[:-1].partition(":")
            if effect:
                _check_effect(effect)
            removed.append({"key": key, **({"effect": effect} if effect else {})})
            continue
        taint = parse_taint(spec)
        if any(other["key"] == taint["key"] and other.get("effect") == taint.get("effect")
               for other in added):
            value = taint.get("value", "")
            raise _UsageError("duplicated taints with the same key and effect: "
                              f"{{{taint['key']} {value} {taint.get('effect', '')} <nil>}}")
        added.append(taint)
    both = [taint for taint in removed if any(other["key"] == taint["key"] for other in added)]
    if both:
        raise KubectlError("can not both modify and remove the following taint(s) in the same "
                           "command: " + ", ".join(f"{taint['key']}=" for taint in both))
    return added, removed


def _same_taint(first: dict, second: dict) -> bool:
    return first["key"] == second["key"] and first.get("effect") == second.get("effect")


def reorganize_taints(node: dict, overwrite: bool, added: list[dict],
                      removed: list[dict]) -> tuple[str, list[dict]]:
    """The node's new taints and the word kubectl reports (tainted, untainted, modified)."""
    current = node.get("spec", {}).get("taints") or []
    if not overwrite:
        for taint in added:
            if any(_same_taint(taint, existing) for existing in current):
                raise KubectlError(f"node {node['metadata']['name']} already has "
                                   f"{taint['key']} taint(s) with same effect(s) and "
                                   "--overwrite is false")
    result = [dict(taint) for taint in added]
    grew = False
    for existing in current:
        if not any(_same_taint(existing, taint) for taint in result):
            result.append(existing)
        else:
            grew = True
    grew = grew or bool(added)
    errors, deleted = [], False
    for taint in removed:
        kept = [existing for existing in result if not (
            existing["key"] == taint["key"]
            and (not taint.get("effect") or existing.get("effect") == taint["effect"]))]
        if len(kept) == len(result):
            errors.append(f'taint "{taint_text(taint)}" not found')
        deleted = deleted or len(kept) != len(result)
        result = kept
    if errors:
        raise KubectlError(_aggregate(errors))
    if (grew and deleted) or overwrite:
        return "modified", result
    return ("tainted" if grew else "untainted"), result


@implement("taint")
def run_taint(invocation: Invocation) -> int:
    flags, args = invocation.flags, invocation.args
    select_all = bool(flags.get("all"))
    if not args:
        raise KubectlError("one or more resources must be specified as <resource> <name>")
    type_name, _, slash_name = args[0].partition("/")
    resource_type = resolve(type_name)
    specs = [arg for arg in args[1:] if ":" in arg or "=" in arg or arg.endswith("-")]
    names = [slash_name] if slash_name else [arg for arg in args[1:] if arg not in specs]
    try:
        added, removed = parse_taint_changes(specs)
    except _UsageError as error:
        return usage_error(invocation, str(error))
    if not added and not removed:
        raise KubectlError("at least one taint update is required")
    if resource_type is not NODES:
        raise KubectlError(f"invalid resource type {type_name}, only node types are supported")
    output = output_of(invocation)
    reports = []
    with invocation.ctx.sandbox.transaction() as cluster:
        connect(invocation, cluster, discovery_attempts=2)
        nodes = cluster.store.list(NODES) if select_all else \
            _selected_nodes(invocation, cluster, names)
        for node in nodes:
            verb, taints = reorganize_taints(node, bool(flags.get("overwrite")), added, removed)
            spec = node.setdefault("spec", {})
            if taints:
                spec["taints"] = taints
            else:
                spec.pop("taints", None)
            if output.writes:
                cluster.store.update(NODES, node)
                cluster.reconcile()
            reports.append((node, verb))
    for node, verb in reports:
        report(invocation.stdout, NODES, node, verb, Output(output.format, "none"))
    return 0
