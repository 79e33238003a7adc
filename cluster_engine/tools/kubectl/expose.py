"""``kubectl expose``: a Service in front of a Deployment, ReplicaSet, Pod or Service.

The Service takes its selector from the source (a workload's ``spec.selector``, a pod's labels,
another Service's selector), its labels from the source's labels, and its ports from ``--port``
or, without it, from what the source declares (container ports, service ports). kubectl builds
the Service on the client; the API server allocates its ClusterIP and NodePorts.
"""

from __future__ import annotations

from ...resources import resolve
from .app import KubectlError, connect, implement, namespace_of
from .cobra import Invocation
from .mutations import NO_RESOURCES_MESSAGE, create, find_targets, output_of, report

SERVICES = resolve("services")
DNS_1035_MAX_LENGTH = 63
_TEMPLATED_KINDS = ("Deployment", "ReplicaSet")


def _selector(source: dict) -> dict:
    kind = source["kind"]
    if kind in _TEMPLATED_KINDS:
        selector = source["spec"].get("selector") or {}
        if selector.get("matchExpressions"):
            raise KubectlError("couldn't retrieve selectors via --selector flag or introspection: "
                               "invalid deployment: no selectors, therefore cannot be exposed")
        return dict(selector.get("matchLabels") or {})
    if kind == "Pod":
        labels = source["metadata"].get("labels") or {}
        if not labels:
            raise KubectlError("couldn't retrieve selectors via --selector flag or "
                               "introspection: the pod has no labels and cannot be exposed")
        return dict(labels)
    return dict(source["spec"].get("selector") or {})


def _declared_ports(source: dict) -> list[tuple[str, str]]:
    """(port, protocol) pairs the source declares, as kubectl's port introspection finds them."""
    if source["kind"] == "Service":
        return [(str(port["port"]), port.get("protocol", "TCP"))
                for port in source["spec"].get("ports") or []]
    spec = (source["spec"]["template"]["spec"] if source["kind"] in _TEMPLATED_KINDS
            else source["spec"])
    return [(str(port["containerPort"]), port.get("protocol", "TCP"))
            for container in spec.get("containers", []) for port in container.get("ports") or []]


def _parse_selector_flag(text: str) -> dict:
    selector = {}
    for term in text.split(","):
        key, _, value = term.partition("=")
        selector[key.strip()] = value.strip()
    return selector


def build_service(invocation: Invocation, source: dict) -> dict:
    flags = invocation.flags
    selector = (_parse_selector_flag(flags.get("selector")) if flags.get("selector")
                else _selector(source))
    if flags.get("port"):
        declared = dict(_declared_ports(source))
        ports = [(port, flags.get("protocol") or declared.get(port, "TCP"))
                 for port in flags.get("port").split(",")]
    else:
        ports = _declared_ports(source)
        if not ports:
            raise KubectlError("couldn't find port via --port flag or introspection")
        if flags.get("protocol"):
            ports = [(port, flags.get("protocol")) for port, _protocol in ports]
    service_ports = []
    for index, (port, protocol) in enumerate(ports, start=1):
        if not port.isdigit():
            raise KubectlError(f'strconv.Atoi: parsing "{port}": invalid syntax')
        entry = {"port": int(port), "protocol": protocol}
        if len(ports) > 1:
            entry = {"name": f"port-{index}", **entry}
        target = flags.get("target-port")
        if target:
            entry["targetPort"] = int(target) if target.isdigit() else target
        else:
            entry["targetPort"] = int(port)
        service_ports.append(entry)
    labels = (_parse_selector_flag(flags.get("labels")) if flags.get("labels")
              else dict(source["metadata"].get("labels") or {}))
    metadata = {"creationTimestamp": None}
    if labels:
        metadata["labels"] = labels
    metadata["name"] = flags.get("name") or source["metadata"]["name"][:DNS_1035_MAX_LENGTH]
    spec = {"ports": service_ports, "selector": selector}
    if flags.get("type"):
        spec["type"] = flags.get("type")
    if flags.get("cluster-ip"):
        spec["clusterIP"] = flags.get("cluster-ip")
    if flags.get("external-ip"):
        spec["externalIPs"] = [flags.get("external-ip")]
    return {"apiVersion": "v1", "kind": "Service", "metadata": metadata, "spec": spec,
            "status": {"loadBalancer": {}}}


@implement("expose")
def run_expose(invocation: Invocation) -> int:
    if not invocation.args:
        raise KubectlError(NO_RESOURCES_MESSAGE)
    output = output_of(invocation)
    namespace = namespace_of(invocation)
    with invocation.ctx.sandbox.transaction() as cluster:
        connect(invocation, cluster)
        targets = find_targets(cluster, invocation.args, namespace)
        results = []
        for target in targets:
            if target.rt.kind not in _TEMPLATED_KINDS + ("Pod", "Service"):
                raise KubectlError(f"cannot expose a {target.rt.kind}")
            service = build_service(invocation, target.obj)
            if output.dry_run != "client":
                service["metadata"]["namespace"] = namespace
                service = create(cluster, SERVICES, service, output)
            results.append(service)
    for service in results:
        report(invocation.stdout, SERVICES, service, "exposed", output, typed=True)
    return 0
