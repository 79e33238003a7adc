"""``kubectl describe`` pages for Services and Endpoints.

Since v1.32 kubectl reads a Service's ``Endpoints:`` lines from its EndpointSlices (those labelled
``kubernetes.io/service-name``), one line per service port with at most three ready addresses.
"""

from __future__ import annotations

from .describe import PrefixWriter, format_labels, write_annotations, write_events, write_labels


def _slice_endpoints(endpoint_slices: list[dict], port_name: str) -> str:
    """``formatEndpointSlices`` for one service port: up to three ready ``ip:port``. As in
    kubectl, any endpoint met once three are shown (even one not ready, which is not counted)
    adds `` + N more...``, so a rollout can print ``+ 0 more...``."""
    if not endpoint_slices:
        return "<none>"
    shown: list[str] = []
    ready_count = 0
    more = False
    for endpoint_slice in endpoint_slices:
        for port in endpoint_slice.get("ports") or []:
            if (port.get("name") or "") != port_name:
                continue
            for endpoint in endpoint_slice.get("endpoints") or []:
                more = more or len(shown) == 3
                if (endpoint.get("conditions") or {}).get("ready") is False:
                    continue
                if not more:
                    shown.append(f"{endpoint['addresses'][0]}:{port.get('port')}")
                ready_count += 1
    text = ",".join(shown)
    return f"{text} + {ready_count - 3} more..." if more else text


def describe_service(service: dict, endpoint_slices: list[dict], events: list[dict] | None,
                     now: float) -> str:
    meta, spec = service["metadata"], service.get("spec", {})
    w = PrefixWriter()
    w.write(0, f"Name:\t{meta['name']}\n")
    w.write(0, f"Namespace:\t{meta.get('namespace', '')}\n")
    write_labels(w, "Labels", meta.get("labels"))
    write_annotations(w, "Annotations", meta.get("annotations"))
    w.write(0, f"Selector:\t{format_labels(spec.get('selector'))}\n")
    w.write(0, f"Type:\t{spec.get('type', '')}\n")
    if spec.get("ipFamilyPolicy"):
        w.write(0, f"IP Family Policy:\t{spec['ipFamilyPolicy']}\n")
    w.write(0, f"IP Families:\t{','.join(spec.get('ipFamilies') or []) or '<none>'}\n")
    w.write(0, f"IP:\t{spec.get('clusterIP', '')}\n")
    w.write(0, f"IPs:\t{','.join(spec.get('clusterIPs') or []) or '<none>'}\n")
    if spec.get("externalIPs"):
        w.write(0, f"External IPs:\t{','.join(spec['externalIPs'])}\n")
    if spec.get("loadBalancerIP"):
        w.write(0, f"Desired LoadBalancer IP:\t{spec['loadBalancerIP']}\n")
    if spec.get("externalName"):
        w.write(0, f"External Name:\t{spec['externalName']}\n")
    ingress = (service.get("status", {}).get("loadBalancer") or {}).get("ingress") or []
    if ingress:
        w.write(0, "LoadBalancer Ingress:\t"
                   f"{', '.join(entry.get('ip') or entry.get('hostname', '') for entry in ingress)}\n")
    for port in spec.get("ports") or []:
        name = port.get("name") or "<unset>"
        protocol = port.get("protocol", "TCP")
        w.write(0, f"Port:\t{name}\t{port['port']}/{protocol}\n")
        w.write(0, f"TargetPort:\t{port.get('targetPort', port['port'])}/{protocol}\n")
        if port.get("nodePort"):
            w.write(0, f"NodePort:\t{name}\t{port['nodePort']}/{protocol}\n")
        w.write(0, f"Endpoints:\t{_slice_endpoints(endpoint_slices, port.get('name') or '')}\n")
    w.write(0, f"Session Affinity:\t{spec.get('sessionAffinity', '')}\n")
    if spec.get("externalTrafficPolicy"):
        w.write(0, f"External Traffic Policy:\t{spec['externalTrafficPolicy']}\n")
    if spec.get("internalTrafficPolicy"):
        w.write(0, f"Internal Traffic Policy:\t{spec['internalTrafficPolicy']}\n")
    if spec.get("healthCheckNodePort"):
        w.write(0, f"HealthCheck NodePort:\t{spec['healthCheckNodePort']}\n")
    if spec.get("loadBalancerSourceRanges"):
        w.write(0, f"LoadBalancer Source Ranges:\t{','.join(spec['loadBalancerSourceRanges'])}\n")
    write_events(w, events, now)
    return w.text()


def describe_endpoints(endpoints: dict, events: list[dict] | None, now: float) -> str:
    meta = endpoints["metadata"]
    w = PrefixWriter()
    w.write(0, f"Name:\t{meta['name']}\n")
    w.write(0, f"Namespace:\t{meta.get('namespace', '')}\n")
    write_labels(w, "Labels", meta.get("labels"))
    write_annotations(w, "Annotations", meta.get("annotations"))
    w.write(0, "Subsets:\n")
    for subset in endpoints.get("subsets") or []:
        ready = ",".join(address["ip"] for address in subset.get("addresses") or [])
        not_ready = ",".join(address["ip"] for address in subset.get("notReadyAddresses") or [])
        w.write(1, f"Addresses:\t{ready or '<none>'}\n")
        w.write(1, f"NotReadyAddresses:\t{not_ready or '<none>'}\n")
        if subset.get("ports"):
            w.write(1, "Ports:\n")
            w.write(2, "Name\tPort\tProtocol\n")
            w.write(2, "----\t----\t--------\n")
            for port in subset["ports"]:
                w.write(2, f"{port.get('name') or '<unset>'}\t{port['port']}\t"
                           f"{port.get('protocol', 'TCP')}\n")
        w.write(0, "\n")
    write_events(w, events, now)
    return w.text()


def describe_endpoint_slice(endpoint_slice: dict, events: list[dict] | None, now: float) -> str:
    meta = endpoint_slice["metadata"]
    w = PrefixWriter()
    w.write(0, f"Name:\t{meta['name']}\n")
    w.write(0, f"Namespace:\t{meta.get('namespace', '')}\n")
    write_labels(w, "Labels", meta.get("labels"))
    write_annotations(w, "Annotations", meta.get("annotations"))
    w.write(0, f"AddressType:\t{endpoint_slice.get('addressType', '')}\n")
    ports = endpoint_slice.get("ports") or []
    if not ports:
        w.write(0, "Ports: <unset>\n")
    else:
        w.write(0, "Ports:\n")
        w.write(1, "Name\tPort\tProtocol\n")
        w.write(1, "----\t----\t--------\n")
        for port in ports:
            number = port.get("port")
            w.write(1, f"{port.get('name') or '<unset>'}\t"
                       f"{'<unset>' if number is None else number}\t{port.get('protocol', '')}\n")
    endpoints = endpoint_slice.get("endpoints") or []
    if not endpoints:
        w.write(0, "Endpoints: <none>\n")
    else:
        w.write(0, "Endpoints:\n")
        for endpoint in endpoints:
            w.write(1, f"- Addresses:\t{','.join(endpoint.get('addresses') or []) or '<none>'}\n")
            w.write(2, "Conditions:\n")
            ready = (endpoint.get("conditions") or {}).get("ready")
            w.write(3, f"Ready:\t{'<unset>' if ready is None else str(ready).lower()}\n")
            w.write(2, f"Hostname:\t{endpoint.get('hostname', '<unset>')}\n")
            if endpoint.get("targetRef"):
                target = endpoint["targetRef"]
                w.write(2, f"TargetRef:\t{target.get('kind', '')}/{target.get('name', '')}\n")
            w.write(2, f"NodeName:\t{endpoint.get('nodeName', '<unset>')}\n")
            w.write(2, f"Zone:\t{endpoint.get('zone', '<unset>')}\n")
    if events is not None:
        write_events(w, events, now)
    return w.text()
