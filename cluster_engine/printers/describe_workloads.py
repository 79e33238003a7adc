"""``kubectl describe`` pages for the objects that carry a pod template: Deployments, ReplicaSets,
DaemonSets.

Both print the template with ``DescribePodTemplate``, whose container names sit three spaces in
(``   kubernetes-bootcamp:``) because the template's "space" prefix adds one to the usual level.
"""

from __future__ import annotations

from .describe import (PrefixWriter, controller_of, format_label_selector, format_labels, rfc1123z,
                       write_annotations, write_containers, write_events, write_labels,
                       write_tolerations, write_volumes)


def write_pod_template(w: PrefixWriter, template: dict | None) -> None:
    w.write(0, "Pod Template:\n")
    if template is None:
        w.write(1, "<unset>")
        return
    meta, spec = template.get("metadata") or {}, template.get("spec") or {}
    write_labels(w, "  Labels", meta.get("labels"))
    if meta.get("annotations"):
        write_annotations(w, "  Annotations", meta["annotations"])
    if spec.get("serviceAccountName"):
        w.write(1, f"Service Account:\t{spec['serviceAccountName']}\n")
    if spec.get("initContainers"):
        write_containers(w, "Init Containers", spec["initContainers"], None, None, space="  ")
    write_containers(w, "Containers", spec.get("containers") or [], None, None, space="  ")
    write_volumes(w, spec.get("volumes"), space="  ")
    if spec.get("priorityClassName"):
        w.write(1, f"Priority Class Name:\t{spec['priorityClassName']}\n")
    write_labels(w, "  Node-Selectors", spec.get("nodeSelector"))
    write_tolerations(w, "  Tolerations", spec.get("tolerations"))


def _conditions(w: PrefixWriter, conditions: list | None) -> None:
    if not conditions:
        return
    w.write(0, "Conditions:\n  Type\tStatus\tReason\n")
    w.write(1, "----\t------\t------\n")
    for condition in conditions:
        w.write(1, f"{condition['type']} \t{condition['status']}\t{condition.get('reason', '')}\n")


def _replica_sets(replica_sets: list[dict]) -> str:
    return ", ".join(f"{rs['metadata']['name']} ({rs.get('status', {}).get('replicas', 0)}/"
                     f"{rs['spec'].get('replicas', 1)} replicas created)"
                     for rs in replica_sets) or "<none>"


def _pods_status(w: PrefixWriter, pod_phases: list[str]) -> None:
    running, waiting, succeeded, failed = (pod_phases.count(phase) for phase
                                           in ("Running", "Pending", "Succeeded", "Failed"))
    w.write(0, f"Pods Status:\t{running} Running / {waiting} Waiting / {succeeded} Succeeded / "
               f"{failed} Failed\n")


def describe_deployment(deployment: dict, old_replica_sets: list[dict],
                        new_replica_set: dict | None, events: list[dict] | None,
                        now: float) -> str:
    meta, spec = deployment["metadata"], deployment.get("spec", {})
    status = deployment.get("status", {})
    strategy = spec.get("strategy") or {}
    w = PrefixWriter()
    w.write(0, f"Name:\t{meta['name']}\n")
    w.write(0, f"Namespace:\t{meta.get('namespace', '')}\n")
    w.write(0, f"CreationTimestamp:\t{rfc1123z(meta.get('creationTimestamp'))}\n")
    write_labels(w, "Labels", meta.get("labels"))
    write_annotations(w, "Annotations", meta.get("annotations"))
    w.write(0, f"Selector:\t{format_label_selector(spec.get('selector'))}\n")
    w.write(0, f"Replicas:\t{spec.get('replicas', 1)} desired | "
               f"{status.get('updatedReplicas', 0)} updated | {status.get('replicas', 0)} total | "
               f"{status.get('availableReplicas', 0)} available | "
               f"{status.get('unavailableReplicas', 0)} unavailable\n")
    w.write(0, f"StrategyType:\t{strategy.get('type', '')}\n")
    w.write(0, f"MinReadySeconds:\t{spec.get('minReadySeconds', 0)}\n")
    rolling = strategy.get("rollingUpdate")
    if rolling is not None:
        w.write(0, f"RollingUpdateStrategy:\t{rolling.get('maxUnavailable', '25%')} max unavailable, "
                   f"{rolling.get('maxSurge', '25%')} max surge\n")
    write_pod_template(w, spec.get("template"))
    _conditions(w, status.get("conditions"))
    new = [new_replica_set] if new_replica_set is not None else []
    if old_replica_sets or new:
        w.write(0, f"OldReplicaSets:\t{_replica_sets(old_replica_sets)}\n")
        w.write(0, f"NewReplicaSet:\t{_replica_sets(new)}\n")
    write_events(w, events, now)
    return w.text()


def describe_replica_set(replica_set: dict, pod_phases: list[str], events: list[dict] | None,
                         now: float) -> str:
    """``pod_phases``: the phases of the pods this ReplicaSet controls."""
    meta, spec = replica_set["metadata"], replica_set.get("spec", {})
    w = PrefixWriter()
    w.write(0, f"Name:\t{meta['name']}\n")
    w.write(0, f"Namespace:\t{meta.get('namespace', '')}\n")
    w.write(0, f"Selector:\t{format_label_selector(spec.get('selector'))}\n")
    write_labels(w, "Labels", meta.get("labels"))
    write_annotations(w, "Annotations", meta.get("annotations"))
    controller = controller_of(replica_set)
    if controller:
        w.write(0, f"Controlled By:\t{controller}\n")
    w.write(0, f"Replicas:\t{replica_set.get('status', {}).get('replicas', 0)} current / "
               f"{spec.get('replicas', 1)} desired\n")
    _pods_status(w, pod_phases)
    write_pod_template(w, spec.get("template"))
    _conditions(w, replica_set.get("status", {}).get("conditions"))
    write_events(w, events, now)
    return w.text()


def describe_daemon_set(daemon_set: dict, pod_phases: list[str], events: list[dict] | None,
                        now: float) -> str:
    """``pod_phases``: the phases of the pods this DaemonSet controls."""
    meta, spec = daemon_set["metadata"], daemon_set.get("spec", {})
    status = daemon_set.get("status", {})
    node_selector = ((spec.get("template") or {}).get("spec") or {}).get("nodeSelector")
    w = PrefixWriter()
    w.write(0, f"Name:\t{meta['name']}\n")
    w.write(0, f"Selector:\t{format_label_selector(spec.get('selector'))}\n")
    w.write(0, f"Node-Selector:\t{format_labels(node_selector)}\n")
    write_labels(w, "Labels", meta.get("labels"))
    write_annotations(w, "Annotations", meta.get("annotations"))
    for title, field in (("Desired Number of Nodes Scheduled", "desiredNumberScheduled"),
                         ("Current Number of Nodes Scheduled", "currentNumberScheduled"),
                         ("Number of Nodes Scheduled with Up-to-date Pods", "updatedNumberScheduled"),
                         ("Number of Nodes Scheduled with Available Pods", "numberAvailable"),
                         ("Number of Nodes Misscheduled", "numberMisscheduled")):
        w.write(0, f"{title}: {status.get(field, 0)}\n")
    _pods_status(w, pod_phases)
    write_pod_template(w, spec.get("template"))
    write_events(w, events, now)
    return w.text()
