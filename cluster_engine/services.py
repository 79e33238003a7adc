"""Services: what the API server fills in and allocates, and where a connection ends up.

A Service is stored in the form ``kubectl get svc -o yaml`` shows after the API server's
defaulting (``SetDefaults_Service`` and the service REST storage): a ClusterIP drawn at random
from 10.96.0.0/12, NodePorts drawn at random from 30000-32767, IP family fields, traffic
policies. A requested address or port that is taken or out of range is refused with the API
server's own error text, so a learner's typo reads exactly as on a real cluster.

Nothing here keeps a separate allocation table: what is "used" is read from the Services that
exist, so deleting a Service frees its ClusterIP and NodePorts without any bookkeeping that could
drift from the store.

The second half answers "where does a connection to host:port go?" the way the node's
kube-proxy (iptables mode) and CoreDNS would: NodePorts on a node address, ClusterIPs, service
DNS names from inside a pod, pod IPs. A Service without ready endpoints is a REJECT rule
(connection refused); a port nobody opened on a node is refused by the kernel; a name CoreDNS
does not know cannot be resolved. The curl tool turns these results into curl's messages.
"""

from __future__ import annotations

import copy
import ipaddress
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from . import images
from .errors import Invalid
from .resources import resolve

if TYPE_CHECKING:
    from .cluster import Cluster

SERVICES = resolve("services")
ENDPOINTS = resolve("endpoints")
ENDPOINT_SLICES = resolve("endpointslices")
PODS = resolve("pods")
NODES = resolve("nodes")

SERVICE_CIDR = ipaddress.ip_network("10.96.0.0/12")
NODE_PORT_RANGE = (30000, 32767)
CLUSTER_DOMAIN = "cluster.local"
#: Addresses the cluster itself holds: the network address, ``kubernetes`` and ``kube-dns``.
RESERVED_IPS = frozenset({"10.96.0.0", "10.96.0.1", "10.96.0.10"})

SERVICE_NAME_LABEL = "kubernetes.io/service-name"
MANAGED_BY_LABEL = "endpointslice.kubernetes.io/managed-by"
SLICE_CONTROLLER = "endpointslice-controller.k8s.io"
HEADLESS_LABEL = "service.kubernetes.io/headless"
TRIGGER_TIME = "endpoints.kubernetes.io/last-change-trigger-time"
TUNNEL_KEY = "tunnel"

_NODE_PORT_TYPES = ("NodePort", "LoadBalancer")
_CLIENT_IP_TIMEOUT = 10800


# -- allocation ----------------------------------------------------------------------------------
def _static_band(size: int, divisor: int, cap: int) -> int:
    """How many values at the bottom of a range the allocators keep for requested values
    (KEP-3070 / KEP-3668): random allocation takes the upper band first."""
    return min(max(16, size // divisor), cap)


def used_cluster_ips(cluster: "Cluster", skip: tuple[str, str] | None = None) -> set[str]:
    used = set()
    for service in cluster.store.iter_stored(SERVICES):
        meta = service["metadata"]
        if skip == (meta.get("namespace"), meta["name"]):
            continue
        used.update(ip for ip in service["spec"].get("clusterIPs") or [service["spec"].get("clusterIP")]
                    if ip and ip != "None")
    return used


def used_node_ports(cluster: "Cluster", skip: tuple[str, str] | None = None) -> set[int]:
    used = set()
    for service in cluster.store.iter_stored(SERVICES):
        meta = service["metadata"]
        if skip == (meta.get("namespace"), meta["name"]):
            continue
        used.update(port["nodePort"] for port in service["spec"].get("ports") or []
                    if port.get("nodePort"))
    return used


def allocate_cluster_ip(cluster: "Cluster", used: set[str]) -> str:
    """A random free address of the service range, upper band first, as the bitmap allocator."""
    first = int(SERVICE_CIDR.network_address)
    size = SERVICE_CIDR.num_addresses - 2
    band = _static_band(size, 16, 256)
    taken = used | RESERVED_IPS
    for low, high in ((band, size), (1, band - 1)):
        free_count = high - low + 1
        for _attempt in range(64):
            candidate = str(ipaddress.ip_address(first + cluster.rng.between(low, high)))
            if candidate not in taken:
                return candidate
        for offset in range(free_count):
            candidate = str(ipaddress.ip_address(first + low + offset))
            if candidate not in taken:
                return candidate
    raise Invalid("failed to allocate a serviceIP: range is full")


def allocate_node_port(cluster: "Cluster", used: set[int]) -> int:
    low_port, high_port = NODE_PORT_RANGE
    band = _static_band(high_port - low_port + 1, 32, 128)
    for low, high in ((low_port + band, high_port), (low_port, low_port + band - 1)):
        for _attempt in range(64):
            candidate = cluster.rng.between(low, high)
            if candidate not in used:
                return candidate
        for candidate in range(low, high + 1):
            if candidate not in used:
                return candidate
    raise Invalid("range is full")


def _go_string_list(values: list[str]) -> str:
    return "[]string{" + ", ".join(f'"{value}"' for value in values) + "}"


def _check_requested_ip(ip: str, used: set[str]) -> str | None:
    try:
        address = ipaddress.ip_address(ip)
    except ValueError:
        return (f'spec.clusterIPs[0]: Invalid value: "{ip}": must be a valid IP address, '
                "(e.g. 10.9.8.7 or 2001:db8::ffff)")
    network, broadcast = SERVICE_CIDR.network_address, SERVICE_CIDR.broadcast_address
    if address not in SERVICE_CIDR or address in (network, broadcast):
        return (f"spec.clusterIPs: Invalid value: {_go_string_list([ip])}: failed to allocate IP "
                f"{ip}: the provided IP ({ip}) is not in the valid range. The range of valid IPs "
                f"is {SERVICE_CIDR}")
    if ip in used or ip in RESERVED_IPS:
        return (f"spec.clusterIPs: Invalid value: {_go_string_list([ip])}: failed to allocate IP "
                f"{ip}: provided IP is already allocated")
    return None


def _check_requested_port(index: int, port: int, used: set[int]) -> str | None:
    low, high = NODE_PORT_RANGE
    if not low <= port <= high:
        return (f"spec.ports[{index}].nodePort: Invalid value: {port}: provided port is not in the "
                f"valid range. The range of valid ports is {low}-{high}")
    if port in used:
        return f"spec.ports[{index}].nodePort: Invalid value: {port}: provided port is already allocated"
    return None


# -- defaulting ----------------------------------------------------------------------------------
def _default_ports(spec: dict) -> None:
    for port in spec.get("ports") or []:
        port.setdefault("protocol", "TCP")
        if port.get("targetPort") in (None, 0, ""):
            port["targetPort"] = port["port"]


def _carry_over(spec: dict, old_spec: dict) -> None:
    """What an update may leave out and keeps (the REST storage's ``patchAllocatedValues``)."""
    if spec.get("type", "ClusterIP") != "ExternalName":
        if not spec.get("clusterIP") and old_spec.get("clusterIP"):
            spec["clusterIP"] = old_spec["clusterIP"]
        if not spec.get("clusterIPs") and old_spec.get("clusterIPs"):
            spec["clusterIPs"] = list(old_spec["clusterIPs"])
    if spec.get("type") in _NODE_PORT_TYPES and old_spec.get("type") in _NODE_PORT_TYPES:
        old_ports = {(p.get("port"), p.get("protocol", "TCP")): p.get("nodePort")
                     for p in old_spec.get("ports") or []}
        for port in spec.get("ports") or []:
            if not port.get("nodePort"):
                kept = old_ports.get((port.get("port"), port.get("protocol", "TCP")))
                if kept:
                    port["nodePort"] = kept


def default_service(cluster: "Cluster", obj: dict, old: dict | None = None) -> dict:
    """The Service as the API server stores it, for a create (``old`` None) or an update.

    Raises ``Invalid`` with the API server's message when a requested ClusterIP or NodePort
    cannot be had.
    """
    obj = copy.deepcopy(obj)
    meta = obj.setdefault("metadata", {})
    name = meta.get("name", "")
    key = (meta.get("namespace") or "default", name)
    spec = obj.setdefault("spec", {})
    old_spec = (old or {}).get("spec", {})
    spec.setdefault("type", "ClusterIP")
    spec.setdefault("sessionAffinity", "None")
    if spec["sessionAffinity"] == "None":
        spec.pop("sessionAffinityConfig", None)
    else:
        spec.setdefault("sessionAffinityConfig", {}).setdefault("clientIP", {}).setdefault(
            "timeoutSeconds", _CLIENT_IP_TIMEOUT)
    _default_ports(spec)
    if old is not None:
        _carry_over(spec, old_spec)
    service_type = spec["type"]
    errors: list[str] = []

    if service_type == "ExternalName":
        for name_of_field in ("clusterIP", "clusterIPs", "ipFamilies", "ipFamilyPolicy"):
            spec.pop(name_of_field, None)
        for port in spec.get("ports") or []:
            port.pop("nodePort", None)
    else:
        spec.setdefault("internalTrafficPolicy", "Cluster")
        requested = spec.get("clusterIP") or (spec.get("clusterIPs") or [None])[0]
        if requested == "None":
            spec["clusterIP"], spec["clusterIPs"] = "None", ["None"]
            if not spec.get("selector"):
                spec.setdefault("ipFamilyPolicy", "RequireDualStack")
                if spec["ipFamilyPolicy"] != "SingleStack":
                    spec.setdefault("ipFamilies", ["IPv4", "IPv6"])
        else:
            old_ip = old_spec.get("clusterIP") if old is not None else None
            if not requested:
                requested = allocate_cluster_ip(cluster, used_cluster_ips(cluster, skip=key))
            elif old_ip and old_ip != "None" and requested != old_ip:
                errors.append(f'spec.clusterIPs[0]: Invalid value: "{requested}": '
                              "may not change once set")
            elif requested != old_ip:
                problem = _check_requested_ip(requested, used_cluster_ips(cluster, skip=key))
                if problem:
                    errors.append(problem)
            spec["clusterIP"], spec["clusterIPs"] = requested, [requested]
            spec.setdefault("ipFamilyPolicy", "SingleStack")
        spec.setdefault("ipFamilies", ["IPv4"])

    if service_type in _NODE_PORT_TYPES:
        spec.setdefault("externalTrafficPolicy", "Cluster")
        if service_type == "LoadBalancer":
            spec.setdefault("allocateLoadBalancerNodePorts", True)
        wants_ports = service_type == "NodePort" or spec.get("allocateLoadBalancerNodePorts")
        used = used_node_ports(cluster, skip=key)
        old_node_ports = {p.get("nodePort") for p in old_spec.get("ports") or []}
        for index, port in enumerate(spec.get("ports") or []):
            requested_port = port.get("nodePort")
            if requested_port and requested_port not in old_node_ports:
                problem = _check_requested_port(index, requested_port, used)
                if problem:
                    errors.append(problem)
            elif not requested_port and wants_ports:
                port["nodePort"] = allocate_node_port(cluster, used)
            if port.get("nodePort"):
                used.add(port["nodePort"])
    else:
        spec.pop("externalTrafficPolicy", None)
        spec.pop("allocateLoadBalancerNodePorts", None)
        for port in spec.get("ports") or []:
            port.pop("nodePort", None)

    if errors:
        raise Invalid.of("Service", "", name, errors)
    status = obj.setdefault("status", {})
    status.setdefault("loadBalancer", {})
    if service_type != "LoadBalancer":
        status["loadBalancer"] = {}
    elif tunnel_running(cluster) and spec.get("clusterIP") not in (None, "None"):
        status["loadBalancer"] = {"ingress": [{"ip": spec["clusterIP"], "ipMode": "VIP"}]}
    return obj


# -- minikube tunnel -----------------------------------------------------------------------------
def tunnel_running(cluster: "Cluster") -> bool:
    return bool(cluster.profile.get(TUNNEL_KEY))


def set_tunnel(cluster: "Cluster", running: bool) -> None:
    """``minikube tunnel`` started or stopped: on Linux it routes the service range to the node
    and writes each LoadBalancer's ClusterIP into its ``status.loadBalancer.ingress``."""
    if running:
        cluster.profile[TUNNEL_KEY] = True
    else:
        cluster.profile.pop(TUNNEL_KEY, None)
    for service in cluster.store.list(SERVICES):
        if service["spec"].get("type") != "LoadBalancer":
            continue
        cluster_ip = service["spec"].get("clusterIP")
        wanted = ({"ingress": [{"ip": cluster_ip, "ipMode": "VIP"}]}
                  if running and cluster_ip and cluster_ip != "None" else {})
        if service.get("status", {}).get("loadBalancer") != wanted:
            service.setdefault("status", {})["loadBalancer"] = wanted
            cluster.store.update(SERVICES, service)


def delete_service(cluster: "Cluster", namespace: str, name: str) -> dict:
    """Delete a Service and, as the endpoints controller does on that event, its Endpoints
    (hand-made ones of a selector-less Service too); its slices go with their owner."""
    service = cluster.store.delete(SERVICES, namespace, name)
    if cluster.store.find(ENDPOINTS, namespace, name) is not None:
        cluster.store.delete(ENDPOINTS, namespace, name)
    cluster.reconcile()
    return service


# -- endpoints, computed -------------------------------------------------------------------------
def _is_ready(pod: dict) -> bool:
    return any(c.get("type") == "Ready" and c.get("status") == "True"
               for c in pod.get("status", {}).get("conditions", []))


def _terminating(pod: dict) -> bool:
    return bool(pod["metadata"].get("deletionTimestamp"))


def _selected(service: dict, pod: dict) -> bool:
    selector = service["spec"].get("selector") or {}
    labels = pod["metadata"].get("labels") or {}
    return bool(selector) and all(labels.get(key) == value for key, value in selector.items())


def resolve_target_port(service_port: dict, pod: dict) -> int | None:
    """The container port a service port forwards to on ``pod``; a name is looked up among the
    pod's declared container ports, and a pod without it gets no traffic for that port."""
    target = service_port.get("targetPort", service_port.get("port"))
    if isinstance(target, int):
        return target
    if isinstance(target, str) and target.isdigit():
        return int(target)
    protocol = service_port.get("protocol", "TCP")
    for container in pod["spec"].get("containers", []):
        for port in container.get("ports") or []:
            if port.get("name") == target and port.get("protocol", "TCP") == protocol:
                return port.get("containerPort")
    return None


def candidate_pods(cluster: "Cluster", service: dict, include_terminating: bool) -> list[dict]:
    """Pods the endpoints of ``service`` are made from: selected, with an IP, not finished."""
    pods = []
    for pod in cluster.store.iter_stored(PODS, service["metadata"]["namespace"]):
        status = pod.get("status", {})
        if not _selected(service, pod) or not status.get("podIP"):
            continue
        if status.get("phase") in ("Succeeded", "Failed"):
            continue
        if _terminating(pod) and not include_terminating:
            continue
        pods.append(pod)
    return pods


def endpoint_ports(service: dict, pod: dict) -> tuple[tuple[str, int, str], ...]:
    """(name, port, protocol) of each service port this pod can serve."""
    ports = []
    for port in service["spec"].get("ports") or []:
        number = resolve_target_port(port, pod)
        if number is not None:
            ports.append((port.get("name") or "", number, port.get("protocol", "TCP")))
    return tuple(ports)


def _target_ref(pod: dict) -> dict:
    meta = pod["metadata"]
    return {"kind": "Pod", "name": meta["name"], "namespace": meta["namespace"], "uid": meta["uid"]}


def _ip_key(ip: str) -> bytes:
    return ip.encode()


def endpoints_subsets(cluster: "Cluster", service: dict) -> list[dict]:
    """``subsets`` of the service's Endpoints: ready pods in ``addresses``, the others in
    ``notReadyAddresses``; pods whose ports resolve differently land in different subsets."""
    publish = bool(service["spec"].get("publishNotReadyAddresses"))
    headless_no_ports = service["spec"].get("clusterIP") == "None" and not service["spec"].get("ports")
    groups: dict[tuple, dict[str, list]] = {}
    for pod in candidate_pods(cluster, service, include_terminating=False):
        ports = endpoint_ports(service, pod)
        if not ports and not headless_no_ports:
            continue
        address = {"ip": pod["status"]["podIP"]}
        if pod["spec"].get("nodeName"):
            address["nodeName"] = pod["spec"]["nodeName"]
        address["targetRef"] = _target_ref(pod)
        group = groups.setdefault(ports, {"addresses": [], "notReadyAddresses": []})
        group["addresses" if publish or _is_ready(pod) else "notReadyAddresses"].append(address)
    subsets = []
    for ports, group in groups.items():
        subset = {}
        for kind in ("addresses", "notReadyAddresses"):
            if group[kind]:
                subset[kind] = sorted(group[kind], key=lambda a: _ip_key(a["ip"]))
        if ports:
            subset["ports"] = [{**({"name": name} if name else {}), "port": number,
                                "protocol": protocol} for name, number, protocol in ports]
        subsets.append(subset)
    subsets.sort(key=lambda s: _ip_key((s.get("addresses") or s.get("notReadyAddresses"))[0]["ip"]))
    return subsets


def slice_groups(cluster: "Cluster", service: dict) -> dict[tuple, list[dict]]:
    """EndpointSlice ``endpoints`` per port set; terminating pods stay, marked terminating."""
    groups: dict[tuple, list[dict]] = {}
    publish = bool(service["spec"].get("publishNotReadyAddresses"))
    for pod in candidate_pods(cluster, service, include_terminating=True):
        ports = endpoint_ports(service, pod)
        if not ports and service["spec"].get("ports"):
            continue
        serving = publish or _is_ready(pod)
        terminating = _terminating(pod)
        endpoint = {"addresses": [pod["status"]["podIP"]],
                    "conditions": {"ready": serving and not terminating, "serving": serving,
                                   "terminating": terminating}}
        if pod["spec"].get("nodeName"):
            endpoint["nodeName"] = pod["spec"]["nodeName"]
        endpoint["targetRef"] = _target_ref(pod)
        groups.setdefault(ports, []).append(endpoint)
    return groups


# -- routing -------------------------------------------------------------------------------------
@dataclass(frozen=True)
class Route:
    """A connection that reaches a listening process: ``pod``/``container`` answer on
    ``target_port``; ``ip`` is what the host resolved to. ``pod`` is None for the API server."""
    ip: str
    port: int
    pod: dict | None = field(repr=False)
    container: str | None
    target_port: int
    service: dict | None = field(default=None, repr=False)


@dataclass(frozen=True)
class Refused:
    """The connection was refused (nothing listens, or kube-proxy rejects: no endpoints)."""
    ip: str
    port: int


@dataclass(frozen=True)
class Unreachable:
    """``resolve``: the name does not resolve; ``timeout``: packets go nowhere."""
    host: str
    reason: str


def node_ips(cluster: "Cluster") -> dict[str, dict]:
    ips = {}
    for node in cluster.store.iter_stored(NODES):
        for address in node.get("status", {}).get("addresses", []):
            if address.get("type") == "InternalIP":
                ips[address["address"]] = node
    return ips


def _service_ips(service: dict) -> set[str]:
    ips = {ip for ip in service["spec"].get("clusterIPs") or [] if ip and ip != "None"}
    ips.update(service["spec"].get("externalIPs") or [])
    for ingress in service.get("status", {}).get("loadBalancer", {}).get("ingress") or []:
        if ingress.get("ip"):
            ips.add(ingress["ip"])
    return ips


def _listening_container(pod: dict, port: int) -> str | None:
    """The container whose program listens on ``port``, if it is running."""
    statuses = {s["name"]: s for s in pod.get("status", {}).get("containerStatuses", [])}
    for container in pod["spec"].get("containers", []):
        image = images.lookup(container.get("image", ""))
        running = "running" in statuses.get(container["name"], {}).get("state", {})
        if image is not None and port in image.ports and running:
            return container["name"]
    return None


def pick_endpoint(cluster: "Cluster", service: dict, port: int) -> tuple[dict, str | None, int] | None:
    """A ready endpoint of ``service`` for service port ``port``, chosen at random as kube-proxy's
    iptables rules do: (pod, listening container or None, target port); None if there is none."""
    service_port = next((p for p in service["spec"].get("ports") or [] if p.get("port") == port),
                        None)
    if service_port is None:
        return None
    namespace, name = service["metadata"]["namespace"], service["metadata"]["name"]
    endpoints = cluster.store.find(ENDPOINTS, namespace, name)
    wanted_name = service_port.get("name") or ""
    choices = []
    for subset in (endpoints or {}).get("subsets") or []:
        subset_port = next((p for p in subset.get("ports") or []
                            if (p.get("name") or "") == wanted_name
                            and p.get("protocol", "TCP") == service_port.get("protocol", "TCP")),
                           None)
        if subset_port is None:
            continue
        choices.extend((address, subset_port["port"]) for address in subset.get("addresses") or [])
    if not choices:
        return None
    address, target_port = choices[cluster.rng.below(len(choices))]
    ref = address.get("targetRef") or {}
    pod = cluster.store.find(PODS, ref.get("namespace", namespace), ref.get("name", ""))
    if pod is None:
        return None
    return pod, _listening_container(pod, target_port), target_port


def _route_service(cluster: "Cluster", service: dict, ip: str, port: int,
                   service_port: int) -> Route | Refused:
    picked = pick_endpoint(cluster, service, service_port)
    if picked is None:
        if not service["spec"].get("selector"):
            return _route_selectorless(cluster, service, ip, port, service_port)
        return Refused(ip, port)
    pod, container, target_port = picked
    if container is None:
        return Refused(ip, port)
    return Route(ip, port, pod, container, target_port, service)


def _route_selectorless(cluster: "Cluster", service: dict, ip: str, port: int,
                        service_port: int) -> Route | Refused:
    """Hand-made Endpoints (the ``kubernetes`` Service): addresses that are not pods."""
    endpoints = cluster.store.find(ENDPOINTS, service["metadata"]["namespace"],
                                   service["metadata"]["name"])
    spec_port = next(p for p in service["spec"]["ports"] if p.get("port") == service_port)
    for subset in (endpoints or {}).get("subsets") or []:
        for subset_port in subset.get("ports") or []:
            if (subset_port.get("name") or "") != (spec_port.get("name") or ""):
                continue
            addresses = subset.get("addresses") or []
            if addresses:
                address = addresses[cluster.rng.below(len(addresses))]
                inner = route(cluster, address["ip"], subset_port["port"])
                if isinstance(inner, Route):
                    return Route(ip, port, inner.pod, inner.container, inner.target_port, service)
    return Refused(ip, port)


def _route_ip(cluster: "Cluster", ip: str, port: int) -> Route | Refused | Unreachable:
    nodes = node_ips(cluster)
    if ip in nodes:
        from .minikube_cluster import API_SERVER_PORT
        if port == API_SERVER_PORT and nodes[ip].get("metadata", {}).get("labels", {}).get(
                "node-role.kubernetes.io/control-plane") is not None:
            return Route(ip, port, None, None, port)
        for service in cluster.store.iter_stored(SERVICES):
            if service["spec"].get("type") not in _NODE_PORT_TYPES:
                continue
            for service_port in service["spec"].get("ports") or []:
                if service_port.get("nodePort") == port and service_port.get("protocol", "TCP") == "TCP":
                    return _route_service(cluster, service, ip, port, service_port["port"])
        return Refused(ip, port)
    for service in cluster.store.iter_stored(SERVICES):
        if ip in _service_ips(service):
            service_port = next((p for p in service["spec"].get("ports") or []
                                 if p.get("port") == port and p.get("protocol", "TCP") == "TCP"),
                                None)
            if service_port is None:
                return Unreachable(ip, "timeout")
            return _route_service(cluster, service, ip, port, port)
    for pod in cluster.store.iter_stored(PODS):
        status = pod.get("status", {})
        if status.get("podIP") == ip and status.get("phase") not in ("Succeeded", "Failed"):
            container = _listening_container(pod, port)
            if container is None:
                return Refused(ip, port)
            return Route(ip, port, pod, container, port)
    return Unreachable(ip, "timeout")


def resolve_service_name(cluster: "Cluster", host: str, namespace: str) -> dict | None:
    """The Service a DNS name means to a pod in ``namespace`` (its resolv.conf search list is
    ``<ns>.svc.cluster.local svc.cluster.local cluster.local``)."""
    name = host.rstrip(".").lower()
    suffix = f".svc.{CLUSTER_DOMAIN}"
    if name.endswith(suffix):
        name = name[: -len(suffix)]
    elif name.endswith(".svc"):
        name = name[: -len(".svc")]
    parts = name.split(".")
    if len(parts) == 1:
        service_name, service_namespace = parts[0], namespace
    elif len(parts) == 2:
        service_name, service_namespace = parts
    else:
        return None
    return cluster.store.find(SERVICES, service_namespace, service_name)


_LOOPBACK_NAMES = ("localhost", "localhost.localdomain", "ip6-localhost")


def route(cluster: "Cluster", host: str, port: int, namespace: str | None = None,
          from_pod: dict | None = None) -> Route | Refused | Unreachable:
    """Where a TCP connection to ``host:port`` goes.

    ``from_pod`` is the pod the connection starts from (``kubectl exec ... -- curl``): its
    namespace is the DNS search domain unless ``namespace`` says otherwise, and loopback is the
    pod itself. Without either, the connection starts on the minikube host, which has no cluster
    DNS and nothing listening on loopback.
    """
    if from_pod is not None and namespace is None:
        namespace = from_pod["metadata"].get("namespace", "default")
    if host.lower() in _LOOPBACK_NAMES or host.startswith("127."):
        loopback_ip = host if host.startswith("127.") else "127.0.0.1"
        container = _listening_container(from_pod, port) if from_pod is not None else None
        if container is None:
            return Refused(loopback_ip, port)
        return Route(loopback_ip, port, from_pod, container, port)
    try:
        ipaddress.ip_address(host)
    except ValueError:
        pass
    else:
        return _route_ip(cluster, host, port)
    service = resolve_service_name(cluster, host, namespace) if namespace is not None else None
    if service is None:
        return Unreachable(host, "resolve")
    spec = service["spec"]
    if spec.get("type") == "ExternalName":
        return Unreachable(spec.get("externalName", host), "resolve")
    if spec.get("clusterIP") == "None":
        ready = [address["ip"] for subset in (cluster.store.find(
                    ENDPOINTS, service["metadata"]["namespace"], service["metadata"]["name"])
                    or {}).get("subsets") or [] for address in subset.get("addresses") or []]
        if not ready:
            return Unreachable(host, "resolve")
        return _route_ip(cluster, ready[cluster.rng.below(len(ready))], port)
    return _route_ip(cluster, spec["clusterIP"], port)
