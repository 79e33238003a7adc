"""``kubectl describe node``: the node, its Lease, and the pods bound to it with their requests.

Percentages are of the node's allocatable resources, truncated as Go's ``int64(float)`` does.
"""

from __future__ import annotations

from .describe import (PrefixWriter, Quantity, go_bool, rfc1123z, since, write_annotations,
                       write_events, write_labels, write_taints)

NODE_ROLE_PREFIX = "node-role.kubernetes.io/"
NODE_ROLE_LABEL = "kubernetes.io/role"


def node_roles(node: dict) -> list[str]:
    roles = set()
    for key, value in (node["metadata"].get("labels") or {}).items():
        if key.startswith(NODE_ROLE_PREFIX) and key[len(NODE_ROLE_PREFIX):]:
            roles.add(key[len(NODE_ROLE_PREFIX):])
        elif key == NODE_ROLE_LABEL and value:
            roles.add(value)
    return sorted(roles)


def pod_requests_and_limits(pod: dict) -> tuple[dict[str, Quantity], dict[str, Quantity]]:
    """Sum of the containers' requests and limits, raised to any init container's larger one."""
    totals: tuple[dict[str, Quantity], dict[str, Quantity]] = ({}, {})
    for container in pod.get("spec", {}).get("containers") or []:
        resources = container.get("resources") or {}
        for total, section in zip(totals, ("requests", "limits")):
            for name, text in (resources.get(section) or {}).items():
                total[name] = total.get(name, Quantity()) + Quantity.parse(text)
    for container in pod.get("spec", {}).get("initContainers") or []:
        resources = container.get("resources") or {}
        for total, section in zip(totals, ("requests", "limits")):
            for name, text in (resources.get(section) or {}).items():
                value = Quantity.parse(text)
                if name not in total or value.value > total[name].value:
                    total[name] = value
    return totals


def _percent(part: Quantity, whole: Quantity) -> int:
    return int(part.value * 100 / whole.value) if whole.value else 0


def describe_node(node: dict, pods: list[dict], events: list[dict] | None, lease: dict | None,
                  now: float) -> str:
    meta, spec, status = node["metadata"], node.get("spec", {}), node.get("status", {})
    w = PrefixWriter()
    w.write(0, f"Name:\t{meta['name']}\n")
    w.write(0, f"Roles:\t{','.join(node_roles(node)) or '<none>'}\n")
    write_labels(w, "Labels", meta.get("labels"))
    write_annotations(w, "Annotations", meta.get("annotations"))
    w.write(0, f"CreationTimestamp:\t{rfc1123z(meta.get('creationTimestamp'))}\n")
    write_taints(w, "Taints", spec.get("taints"))
    w.write(0, f"Unschedulable:\t{go_bool(spec.get('unschedulable'))}\n")
    if lease is None:
        w.write(0, f'Lease:\tFailed to get lease: leases.coordination.k8s.io "{meta["name"]}" '
                   "not found\n")
    else:
        lease_spec = lease.get("spec", {})
        w.write(0, "Lease:\n")
        w.write(1, f"HolderIdentity:\t{lease_spec.get('holderIdentity') or '<unset>'}\n")
        acquire = lease_spec.get("acquireTime")
        renew = lease_spec.get("renewTime")
        w.write(1, f"AcquireTime:\t{rfc1123z(acquire) if acquire else '<unset>'}\n")
        w.write(1, f"RenewTime:\t{rfc1123z(renew) if renew else '<unset>'}\n")
    conditions = status.get("conditions") or []
    if conditions:
        w.write(0, "Conditions:\n  Type\tStatus\tLastHeartbeatTime\tLastTransitionTime\tReason\t"
                   "Message\n")
        w.write(1, "----\t------\t-----------------\t------------------\t------\t-------\n")
        for condition in conditions:
            w.write(1, f"{condition['type']} \t{condition['status']} \t"
                       f"{rfc1123z(condition.get('lastHeartbeatTime'))} \t"
                       f"{rfc1123z(condition.get('lastTransitionTime'))} \t"
                       f"{condition.get('reason', '')} \t{condition.get('message', '')}\n")
    w.write(0, "Addresses:\n")
    for address in status.get("addresses") or []:
        w.write(1, f"{address['type']}:\t{address['address']}\n")
    for field, title in (("capacity", "Capacity"), ("allocatable", "Allocatable")):
        resources = status.get(field) or {}
        if resources:
            w.write(0, f"{title}:\n")
            for name in sorted(resources):
                w.write(0, f"  {name}:\t{Quantity.parse(resources[name])}\n")
    info = status.get("nodeInfo") or {}
    w.write(0, "System Info:\n")
    for key, title in (("machineID", "Machine ID"), ("systemUUID", "System UUID"),
                       ("bootID", "Boot ID"), ("kernelVersion", "Kernel Version"),
                       ("osImage", "OS Image"), ("operatingSystem", "Operating System"),
                       ("architecture", "Architecture"),
                       ("containerRuntimeVersion", "Container Runtime Version"),
                       ("kubeletVersion", "Kubelet Version"),
                       ("kubeProxyVersion", "Kube-Proxy Version")):
        w.write(0, f"  {title}:\t{info.get(key, '')}\n")
    if spec.get("podCIDR"):
        w.write(0, f"PodCIDR:\t{spec['podCIDR']}\n")
    if spec.get("podCIDRs"):
        w.write(0, f"PodCIDRs:\t{','.join(spec['podCIDRs'])}\n")
    if spec.get("providerID"):
        w.write(0, f"ProviderID:\t{spec['providerID']}\n")
    _write_node_resources(w, node, pods, now)
    write_events(w, events, now)
    return w.text()


def _write_node_resources(w: PrefixWriter, node: dict, pods: list[dict], now: float) -> None:
    status = node.get("status", {})
    allocatable = {name: Quantity.parse(value)
                   for name, value in (status.get("allocatable") or status.get("capacity")
                                       or {}).items()}
    cpu, memory = allocatable.get("cpu", Quantity()), allocatable.get("memory", Quantity())
    w.write(0, f"Non-terminated Pods:\t({len(pods)} in total)\n")
    w.write(1, "Namespace\tName\t\tCPU Requests\tCPU Limits\tMemory Requests\tMemory Limits\t"
               "Age\n")
    w.write(1, "---------\t----\t\t------------\t----------\t---------------\t-------------\t"
               "---\n")
    total_requests: dict[str, Quantity] = {}
    total_limits: dict[str, Quantity] = {}
    for pod in pods:
        requests, limits = pod_requests_and_limits(pod)
        for totals, values in ((total_requests, requests), (total_limits, limits)):
            for name, value in values.items():
                totals[name] = totals[name] + value if name in totals else value
        cells = []
        for values, name, whole in ((requests, "cpu", cpu), (limits, "cpu", cpu),
                                    (requests, "memory", memory), (limits, "memory", memory)):
            value = values.get(name, Quantity())
            cells.append(f"{value} ({_percent(value, whole)}%)")
        w.write(1, f"{pod['metadata']['namespace']}\t{pod['metadata']['name']}\t\t"
                   f"{chr(9).join(cells)}\t{since(pod['metadata'].get('creationTimestamp'), now)}\n")
    w.write(0, "Allocated resources:\n  (Total limits may be over 100 percent, i.e., "
               "overcommitted.)\n")
    w.write(1, "Resource\tRequests\tLimits\n")
    w.write(1, "--------\t--------\t------\n")
    storage = allocatable.get("ephemeral-storage", Quantity())
    rows = [("cpu", cpu), ("memory", memory), ("ephemeral-storage", storage)]
    rows += [(name, allocatable[name]) for name in sorted(allocatable)
             if name.startswith("hugepages-")]
    for name, whole in rows:
        requested = total_requests.get(name, Quantity())
        limited = total_limits.get(name, Quantity())
        w.write(1, f"{name}\t{requested} ({_percent(requested, whole)}%)\t"
                   f"{limited} ({_percent(limited, whole)}%)\n")
