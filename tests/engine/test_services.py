"""Services on a started cluster and a fake clock: what the API server allocates and fills in,
the Endpoints and EndpointSlices the controllers keep in step with the pods, and where a
connection to a node port, a ClusterIP, a service name or a pod IP ends up."""

from __future__ import annotations

import copy
import ipaddress
import subprocess
from collections import Counter

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from cluster_engine import services as s
from cluster_engine import workloads as w
from cluster_engine.clock import FakeClock
from cluster_engine.cluster import Cluster
from cluster_engine.errors import Invalid
from cluster_engine.minikube_cluster import NODE_IP, start_cluster
from cluster_engine.state import SandboxState

NAME = "kubernetes-bootcamp"
V1 = "gcr.io/google-samples/kubernetes-bootcamp:v1"

ROUTE_TYPES = (s.Route, s.Refused, s.Unreachable)


def started(seed: int = 5) -> tuple[Cluster, FakeClock]:
    clock = FakeClock()
    cluster = Cluster(SandboxState.fresh(seed), clock)
    start_cluster(cluster)
    return cluster, clock


def create_deployment(cluster, replicas=1) -> dict:
    obj = {"metadata": {"name": NAME, "namespace": "default", "labels": {"app": NAME}},
           "spec": {"replicas": replicas, "selector": {"matchLabels": {"app": NAME}},
                    "template": {"metadata": {"labels": {"app": NAME}},
                                 "spec": {"containers": [{"name": NAME, "image": V1}]}}}}
    created = cluster.store.create(w.DEPLOYMENTS, w.default_deployment(obj))
    cluster.reconcile()
    return created


def scale(cluster, replicas) -> None:
    deployment = cluster.store.get(w.DEPLOYMENTS, "default", NAME)
    deployment["spec"]["replicas"] = replicas
    w.update_spec(cluster, w.DEPLOYMENTS, deployment)
    cluster.reconcile()


def settle(cluster, clock, seconds=60.0) -> None:
    clock.advance(seconds)
    cluster.advance()


def client_service(name=NAME, service_type="NodePort", port=8080, selector=None, **spec) -> dict:
    """What ``kubectl expose`` / ``kubectl create service`` send."""
    return {"apiVersion": "v1", "kind": "Service",
            "metadata": {"name": name, "namespace": "default", "labels": {"app": name}},
            "spec": {"ports": [{"port": port, "protocol": "TCP", "targetPort": port}],
                     "selector": selector if selector is not None else {"app": NAME},
                     "type": service_type, **spec},
            "status": {"loadBalancer": {}}}


def create_service(cluster, obj) -> dict:
    created = cluster.store.create(s.SERVICES, s.default_service(cluster, obj))
    cluster.reconcile()
    return created


def endpoints(cluster, name=NAME, namespace="default") -> dict | None:
    return cluster.store.find(s.ENDPOINTS, namespace, name)


def ready_ips(cluster, name=NAME) -> list[str]:
    return sorted(a["ip"] for subset in (endpoints(cluster, name) or {}).get("subsets") or []
                  for a in subset.get("addresses") or [])


def not_ready_ips(cluster, name=NAME) -> list[str]:
    return sorted(a["ip"] for subset in (endpoints(cluster, name) or {}).get("subsets") or []
                  for a in subset.get("notReadyAddresses") or [])


def slices(cluster, name=NAME) -> list[dict]:
    return [obj for obj in cluster.store.list(s.ENDPOINT_SLICES, "default")
            if obj["metadata"]["labels"].get(s.SERVICE_NAME_LABEL) == name]


def pods_of(cluster, predicate=lambda pod: True) -> list[dict]:
    return [pod for pod in cluster.store.list(w.PODS, "default")
            if pod["metadata"].get("labels", {}).get("app") == NAME and predicate(pod)]


@pytest.fixture
def lab():
    cluster, clock = started()
    return cluster, clock


@pytest.fixture
def exposed(lab):
    cluster, clock = lab
    create_deployment(cluster, replicas=4)
    settle(cluster, clock)
    service = create_service(cluster, client_service())
    return cluster, clock, service


# -- allocation and defaults --------------------------------------------------------------------
def test_cluster_ips_are_random_unique_and_inside_the_service_range(lab):
    cluster, _ = lab
    ips = [create_service(cluster, client_service(f"svc-{i}", "ClusterIP"))["spec"]["clusterIP"]
           for i in range(40)]
    assert len(set(ips)) == len(ips)
    assert all(ipaddress.ip_address(ip) in s.SERVICE_CIDR for ip in ips)
    assert not set(ips) & {"10.96.0.0", "10.96.0.1", "10.96.0.10", "10.111.255.255"}
    assert len({ip.split(".")[1] for ip in ips}) > 4


def test_node_ports_are_random_unique_and_inside_30000_to_32767(lab):
    cluster, _ = lab
    ports = [create_service(cluster, client_service(f"svc-{i}"))["spec"]["ports"][0]["nodePort"]
             for i in range(40)]
    assert len(set(ports)) == len(ports)
    assert all(30000 <= port <= 32767 for port in ports)
    assert len({port // 500 for port in ports}) > 3


def test_a_requested_cluster_ip_and_node_port_are_given_when_free(lab):
    cluster, _ = lab
    obj = client_service()
    obj["spec"]["clusterIP"] = "10.100.0.42"
    obj["spec"]["ports"][0]["nodePort"] = 31234
    spec = create_service(cluster, obj)["spec"]
    assert (spec["clusterIP"], spec["clusterIPs"]) == ("10.100.0.42", ["10.100.0.42"])
    assert spec["ports"][0]["nodePort"] == 31234


def test_a_taken_cluster_ip_is_refused_with_the_api_servers_message(lab):
    cluster, _ = lab
    obj = client_service("x")
    obj["spec"]["clusterIP"] = "10.96.0.1"
    with pytest.raises(Invalid) as error:
        s.default_service(cluster, obj)
    assert error.value.message == (
        'Service "x" is invalid: spec.clusterIPs: Invalid value: []string{"10.96.0.1"}: '
        "failed to allocate IP 10.96.0.1: provided IP is already allocated")
    assert error.value.code == 422


def test_a_cluster_ip_outside_the_range_is_refused(lab):
    cluster, _ = lab
    obj = client_service("x")
    obj["spec"]["clusterIP"] = "10.0.0.5"
    with pytest.raises(Invalid, match=r"the provided IP \(10.0.0.5\) is not in the valid range. "
                                      r"The range of valid IPs is 10.96.0.0/12"):
        s.default_service(cluster, obj)


def test_a_taken_node_port_is_refused_with_the_api_servers_message(lab):
    cluster, _ = lab
    first = client_service("first")
    first["spec"]["ports"][0]["nodePort"] = 31234
    create_service(cluster, first)
    second = client_service("x")
    second["spec"]["ports"][0]["nodePort"] = 31234
    with pytest.raises(Invalid) as error:
        s.default_service(cluster, second)
    assert error.value.message == ('Service "x" is invalid: spec.ports[0].nodePort: Invalid value: '
                                   "31234: provided port is already allocated")


def test_a_node_port_outside_the_range_is_refused(lab):
    cluster, _ = lab
    obj = client_service("x")
    obj["spec"]["ports"][0]["nodePort"] = 80
    with pytest.raises(Invalid, match="Invalid value: 80: provided port is not in the valid range. "
                                      "The range of valid ports is 30000-32767"):
        s.default_service(cluster, obj)


def test_deleting_a_service_frees_its_cluster_ip_and_node_port(lab):
    cluster, _ = lab
    obj = client_service("x", clusterIP="10.100.0.42")
    obj["spec"]["ports"][0]["nodePort"] = 31234
    create_service(cluster, obj)
    s.delete_service(cluster, "default", "x")
    again = create_service(cluster, copy.deepcopy(obj) | {"metadata": {"name": "y",
                                                                        "namespace": "default"}})
    assert again["spec"]["clusterIP"] == "10.100.0.42"
    assert again["spec"]["ports"][0]["nodePort"] == 31234


def test_an_update_keeps_the_allocated_ip_and_node_port_when_left_out(lab):
    cluster, _ = lab
    stored = create_service(cluster, client_service("x"))
    edited = copy.deepcopy(stored)
    del edited["spec"]["clusterIP"], edited["spec"]["clusterIPs"]
    del edited["spec"]["ports"][0]["nodePort"]
    updated = s.default_service(cluster, edited, old=stored)
    assert updated["spec"]["clusterIP"] == stored["spec"]["clusterIP"]
    assert updated["spec"]["ports"][0]["nodePort"] == stored["spec"]["ports"][0]["nodePort"]


def test_an_update_may_not_change_the_cluster_ip(lab):
    cluster, _ = lab
    stored = create_service(cluster, client_service("x"))
    edited = copy.deepcopy(stored)
    edited["spec"]["clusterIP"] = edited["spec"]["clusterIPs"][0] = "10.100.0.42"
    with pytest.raises(Invalid, match="may not change once set"):
        s.default_service(cluster, edited, old=stored)


def test_the_defaults_are_what_kubectl_create_service_nodeport_plus_the_server_give(lab):
    cluster, _ = lab
    sent = yaml.safe_load(subprocess.run(
        ["/usr/bin/kubectl", "create", "service", "nodeport", "x", "--tcp=8080",
         "--dry-run=client", "-o", "yaml"], capture_output=True, text=True, check=True).stdout)
    stored = s.default_service(cluster, sent)
    spec = stored["spec"]
    assert sorted(spec) == sorted(["clusterIP", "clusterIPs", "externalTrafficPolicy",
                                   "internalTrafficPolicy", "ipFamilies", "ipFamilyPolicy",
                                   "ports", "selector", "sessionAffinity", "type"])
    assert spec["ports"] == [{"name": "8080", "nodePort": spec["ports"][0]["nodePort"],
                              "port": 8080, "protocol": "TCP", "targetPort": 8080}]
    assert (spec["externalTrafficPolicy"], spec["internalTrafficPolicy"]) == ("Cluster", "Cluster")
    assert (spec["ipFamilies"], spec["ipFamilyPolicy"]) == (["IPv4"], "SingleStack")
    assert spec["sessionAffinity"] == "None" and spec["type"] == "NodePort"
    assert stored["status"] == {"loadBalancer": {}}


def test_a_port_without_protocol_or_target_port_gets_tcp_and_the_port_itself(lab):
    cluster, _ = lab
    obj = client_service("x", "ClusterIP")
    obj["spec"]["ports"] = [{"port": 80}]
    spec = s.default_service(cluster, obj)["spec"]
    assert spec["ports"] == [{"port": 80, "protocol": "TCP", "targetPort": 80}]
    assert "externalTrafficPolicy" not in spec


def test_the_type_defaults_to_cluster_ip_without_node_ports(lab):
    cluster, _ = lab
    obj = client_service("x")
    del obj["spec"]["type"]
    spec = s.default_service(cluster, obj)["spec"]
    assert spec["type"] == "ClusterIP" and "nodePort" not in spec["ports"][0]


def test_a_load_balancer_gets_node_ports_and_stays_pending_until_the_tunnel_runs(lab):
    cluster, _ = lab
    service = create_service(cluster, client_service("lb", "LoadBalancer"))
    assert service["spec"]["allocateLoadBalancerNodePorts"] is True
    assert 30000 <= service["spec"]["ports"][0]["nodePort"] <= 32767
    assert service["status"] == {"loadBalancer": {}}
    s.set_tunnel(cluster, True)
    running = cluster.store.get(s.SERVICES, "default", "lb")
    assert running["status"]["loadBalancer"]["ingress"][0]["ip"] == service["spec"]["clusterIP"]
    later = create_service(cluster, client_service("lb2", "LoadBalancer"))
    assert later["status"]["loadBalancer"]["ingress"][0]["ip"] == later["spec"]["clusterIP"]
    s.set_tunnel(cluster, False)
    assert cluster.store.get(s.SERVICES, "default", "lb")["status"] == {"loadBalancer": {}}


def test_a_headless_service_has_no_cluster_ip_and_endpoints_of_its_pods(exposed):
    cluster, _, _ = exposed
    service = create_service(cluster, client_service("headless", "ClusterIP", clusterIP="None"))
    assert (service["spec"]["clusterIP"], service["spec"]["clusterIPs"]) == ("None", ["None"])
    assert ready_ips(cluster, "headless") == ready_ips(cluster)
    assert endpoints(cluster, "headless")["metadata"]["labels"][s.HEADLESS_LABEL] == ""
    pod_ips = set(ready_ips(cluster))
    routed = s.route(cluster, "headless", 8080, namespace="default")
    assert isinstance(routed, s.Route) and routed.ip in pod_ips


def test_a_headless_service_without_selector_asks_for_both_families(lab):
    cluster, _ = lab
    obj = client_service("bare", "ClusterIP", clusterIP="None")
    del obj["spec"]["selector"]
    spec = s.default_service(cluster, obj)["spec"]
    assert (spec["ipFamilyPolicy"], spec["ipFamilies"]) == ("RequireDualStack", ["IPv4", "IPv6"])


def test_an_external_name_service_has_no_cluster_ip_and_no_endpoints(exposed):
    cluster, _, _ = exposed
    obj = client_service("ext", "ExternalName", externalName="example.com")
    del obj["spec"]["ports"]
    service = create_service(cluster, obj)
    assert "clusterIP" not in service["spec"] and "ipFamilies" not in service["spec"]
    assert service["spec"]["sessionAffinity"] == "None"
    assert endpoints(cluster, "ext") is None and slices(cluster, "ext") == []
    assert s.route(cluster, "ext", 80, namespace="default") == s.Unreachable("example.com", "resolve")


# -- endpoints -----------------------------------------------------------------------------------
def test_endpoints_list_the_ready_pods_with_node_and_target_ref(exposed):
    cluster, _, _ = exposed
    pods = pods_of(cluster)
    assert ready_ips(cluster) == sorted(pod["status"]["podIP"] for pod in pods)
    subset = endpoints(cluster)["subsets"][0]
    assert subset["ports"] == [{"port": 8080, "protocol": "TCP"}]
    address = subset["addresses"][0]
    pod = next(p for p in pods if p["status"]["podIP"] == address["ip"])
    assert address == {"ip": pod["status"]["podIP"], "nodeName": "minikube",
                       "targetRef": {"kind": "Pod", "name": pod["metadata"]["name"],
                                     "namespace": "default", "uid": pod["metadata"]["uid"]}}
    assert endpoints(cluster)["metadata"]["labels"] == {"app": NAME}


def test_pods_that_are_not_ready_yet_are_not_ready_addresses(lab):
    cluster, clock = lab
    create_service(cluster, client_service())
    assert "subsets" not in endpoints(cluster)
    create_deployment(cluster, replicas=2)
    seen_not_ready = False
    for _ in range(100):
        settle(cluster, clock, 0.1)
        with_ip = pods_of(cluster, lambda p: p["status"].get("podIP"))
        assert ready_ips(cluster) == sorted(p["status"]["podIP"] for p in with_ip if w.is_ready(p))
        assert not_ready_ips(cluster) == sorted(p["status"]["podIP"] for p in with_ip
                                                if not w.is_ready(p))
        seen_not_ready = seen_not_ready or bool(not_ready_ips(cluster))
    assert seen_not_ready
    assert len(ready_ips(cluster)) == 2 and not not_ready_ips(cluster)


def test_endpoints_follow_scaling_and_deleted_pods(exposed):
    cluster, clock, _ = exposed
    scale(cluster, 2)
    assert len(ready_ips(cluster)) == 2
    terminating = pods_of(cluster, lambda p: p["metadata"].get("deletionTimestamp"))
    assert len(terminating) == 2
    sliced = slices(cluster)[0]["endpoints"]
    assert sum(e["conditions"]["terminating"] for e in sliced) == 2
    assert all(not e["conditions"]["ready"] for e in sliced if e["conditions"]["terminating"])
    settle(cluster, clock)
    victim = pods_of(cluster)[0]
    w.delete_pod(cluster, victim)
    cluster.reconcile()
    assert victim["status"]["podIP"] not in ready_ips(cluster)
    settle(cluster, clock)
    assert ready_ips(cluster) == sorted(p["status"]["podIP"] for p in pods_of(cluster))
    assert len(ready_ips(cluster)) == 2


def test_the_endpoint_slice_has_the_controllers_shape(exposed):
    cluster, _, service = exposed
    [endpoint_slice] = slices(cluster)
    meta = endpoint_slice["metadata"]
    assert meta["generateName"] == f"{NAME}-" and len(meta["name"]) == len(NAME) + 6
    assert meta["labels"] == {"app": NAME, s.MANAGED_BY_LABEL: s.SLICE_CONTROLLER,
                              s.SERVICE_NAME_LABEL: NAME}
    assert meta["ownerReferences"] == [{"apiVersion": "v1", "kind": "Service", "name": NAME,
                                        "uid": service["metadata"]["uid"], "controller": True,
                                        "blockOwnerDeletion": True}]
    assert s.TRIGGER_TIME in meta["annotations"]
    assert endpoint_slice["addressType"] == "IPv4"
    assert endpoint_slice["ports"] == [{"name": "", "port": 8080, "protocol": "TCP"}]
    assert len(endpoint_slice["endpoints"]) == 4
    first = endpoint_slice["endpoints"][0]
    assert sorted(first) == ["addresses", "conditions", "nodeName", "targetRef"]
    assert first["conditions"] == {"ready": True, "serving": True, "terminating": False}


def test_a_named_target_port_resolves_through_the_container_ports(lab):
    cluster, clock = lab
    create_deployment(cluster, replicas=1)
    deployment = cluster.store.get(w.DEPLOYMENTS, "default", NAME)
    deployment["spec"]["template"]["spec"]["containers"][0]["ports"] = [
        {"name": "http", "containerPort": 8080, "protocol": "TCP"}]
    w.update_spec(cluster, w.DEPLOYMENTS, deployment)
    settle(cluster, clock)
    obj = client_service("named", "ClusterIP")
    obj["spec"]["ports"] = [{"name": "web", "port": 80, "targetPort": "http"}]
    create_service(cluster, obj)
    [subset] = endpoints(cluster, "named")["subsets"]
    assert subset["ports"] == [{"name": "web", "port": 8080, "protocol": "TCP"}]
    assert slices(cluster, "named")[0]["ports"] == [{"name": "web", "port": 8080, "protocol": "TCP"}]


def test_deleting_the_service_removes_its_endpoints_and_slices(exposed):
    cluster, _, _ = exposed
    s.delete_service(cluster, "default", NAME)
    assert endpoints(cluster) is None and slices(cluster) == []


def test_the_kubernetes_service_endpoints_are_left_alone(exposed):
    cluster, clock, _ = exposed
    before_ep = endpoints(cluster, "kubernetes")
    before_slices = slices(cluster, "kubernetes")
    settle(cluster, clock)
    assert endpoints(cluster, "kubernetes") == before_ep
    assert slices(cluster, "kubernetes") == before_slices


def test_a_service_without_selector_keeps_its_hand_made_endpoints(exposed):
    cluster, clock, _ = exposed
    obj = client_service("outside", "ClusterIP", selector={})
    del obj["spec"]["selector"]
    create_service(cluster, obj)
    hand_made = cluster.store.create(s.ENDPOINTS, {
        "metadata": {"name": "outside", "namespace": "default"},
        "subsets": [{"addresses": [{"ip": NODE_IP}], "ports": [{"port": 8443, "protocol": "TCP"}]}]})
    settle(cluster, clock)
    assert endpoints(cluster, "outside") == hand_made
    assert slices(cluster, "outside") == []


def test_a_settled_cluster_with_a_service_writes_nothing_more(exposed):
    cluster, clock, _ = exposed
    settle(cluster, clock)
    version = cluster.state.counters["resourceVersion"]
    cluster.reconcile(force=True)
    settle(cluster, clock)
    assert cluster.state.counters["resourceVersion"] == version


# -- routing -------------------------------------------------------------------------------------
def test_the_node_ip_and_node_port_reach_a_pod_of_the_service(exposed):
    cluster, _, service = exposed
    node_port = service["spec"]["ports"][0]["nodePort"]
    routed = s.route(cluster, NODE_IP, node_port)
    assert isinstance(routed, s.Route)
    assert routed.container == NAME and routed.target_port == 8080
    assert routed.pod["status"]["podIP"] in ready_ips(cluster)
    assert routed.service["metadata"]["name"] == NAME


def test_a_node_port_nobody_opened_is_refused(exposed):
    cluster, _, service = exposed
    unused = 30000 if service["spec"]["ports"][0]["nodePort"] != 30000 else 30001
    assert s.route(cluster, NODE_IP, unused) == s.Refused(NODE_IP, unused)


def test_the_cluster_ip_and_every_dns_form_reach_the_service(exposed):
    cluster, _, service = exposed
    targets = [service["spec"]["clusterIP"], NAME, f"{NAME}.default", f"{NAME}.default.svc",
               f"{NAME}.default.svc.cluster.local"]
    for host in targets:
        routed = s.route(cluster, host, 8080, namespace="default")
        assert isinstance(routed, s.Route), host
        assert routed.service["metadata"]["name"] == NAME


def test_a_short_name_resolves_only_in_the_pods_own_namespace(exposed):
    cluster, _, _ = exposed
    assert s.route(cluster, NAME, 8080, namespace="kube-system") == s.Unreachable(NAME, "resolve")
    assert isinstance(s.route(cluster, f"{NAME}.default", 8080, namespace="kube-system"), s.Route)


def test_service_names_do_not_resolve_on_the_minikube_host(exposed):
    cluster, _, _ = exposed
    assert s.route(cluster, NAME, 8080) == s.Unreachable(NAME, "resolve")
    assert s.route(cluster, "nosuch.default.svc", 80, namespace="default") == s.Unreachable(
        "nosuch.default.svc", "resolve")


def test_a_pod_ip_reaches_the_container_listening_on_that_port(exposed):
    cluster, _, _ = exposed
    pod = pods_of(cluster)[0]
    routed = s.route(cluster, pod["status"]["podIP"], 8080)
    assert isinstance(routed, s.Route) and routed.pod["metadata"]["uid"] == pod["metadata"]["uid"]
    assert s.route(cluster, pod["status"]["podIP"], 9999) == s.Refused(pod["status"]["podIP"], 9999)


def test_localhost_is_the_pod_itself_inside_a_pod_and_refused_on_the_host(exposed):
    cluster, _, _ = exposed
    pod = pods_of(cluster)[0]
    routed = s.route(cluster, "localhost", 8080, from_pod=pod)
    assert isinstance(routed, s.Route) and routed.pod["metadata"]["uid"] == pod["metadata"]["uid"]
    assert s.route(cluster, "localhost", 8080) == s.Refused("127.0.0.1", 8080)
    assert isinstance(s.route(cluster, NAME, 8080, from_pod=pod), s.Route)


def test_the_kubernetes_service_reaches_the_api_server(lab):
    cluster, _ = lab
    routed = s.route(cluster, "10.96.0.1", 443)
    assert isinstance(routed, s.Route) and routed.pod is None and routed.target_port == 8443


def test_a_wrong_port_on_a_cluster_ip_times_out(exposed):
    cluster, _, service = exposed
    ip = service["spec"]["clusterIP"]
    assert s.route(cluster, ip, 9999) == s.Unreachable(ip, "timeout")


def test_200_requests_spread_at_random_over_all_4_pods(exposed):
    cluster, _, service = exposed
    counts = Counter(s.pick_endpoint(cluster, service, 8080)[0]["metadata"]["name"]
                     for _ in range(200))
    assert len(counts) == 4 and min(counts.values()) > 20


def test_a_service_with_no_ready_endpoints_refuses_connections(lab):
    cluster, _ = lab
    service = create_service(cluster, client_service())
    node_port = service["spec"]["ports"][0]["nodePort"]
    assert s.route(cluster, NODE_IP, node_port) == s.Refused(NODE_IP, node_port)
    assert s.pick_endpoint(cluster, service, 8080) is None


def test_after_the_service_is_deleted_its_node_port_refuses(exposed):
    cluster, _, service = exposed
    node_port = service["spec"]["ports"][0]["nodePort"]
    assert isinstance(s.route(cluster, NODE_IP, node_port), s.Route)
    s.delete_service(cluster, "default", NAME)
    assert s.route(cluster, NODE_IP, node_port) == s.Refused(NODE_IP, node_port)


def test_an_unknown_address_times_out(lab):
    cluster, _ = lab
    assert s.route(cluster, "10.244.9.9", 80) == s.Unreachable("10.244.9.9", "timeout")


# -- property ------------------------------------------------------------------------------------
_STEPS = st.lists(st.one_of(
    st.tuples(st.just("service"), st.sampled_from(["NodePort", "ClusterIP", "LoadBalancer"])),
    st.tuples(st.just("scale"), st.integers(0, 4)),
    st.tuples(st.just("delete-pod"), st.integers(0, 10)),
    st.tuples(st.just("delete-service"), st.integers(0, 10)),
    st.tuples(st.just("advance"), st.sampled_from([0.3, 1.0, 5.0, 40.0])),
), max_size=14)


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(_STEPS)
def test_endpoints_always_match_the_ready_selected_pods_and_allocations_stay_unique(steps):
    cluster, clock = started()
    create_deployment(cluster, replicas=2)
    count = 0
    for action, value in steps:
        if action == "service":
            count += 1
            create_service(cluster, client_service(f"svc-{count}", value))
        elif action == "scale":
            scale(cluster, value)
        elif action == "delete-pod":
            live = pods_of(cluster, w.is_active)
            if live:
                w.delete_pod(cluster, live[value % len(live)])
                cluster.reconcile()
        elif action == "delete-service":
            mine = [svc for svc in cluster.store.list(s.SERVICES, "default")
                    if svc["metadata"]["name"].startswith("svc-")]
            if mine:
                s.delete_service(cluster, "default", mine[value % len(mine)]["metadata"]["name"])
        else:
            settle(cluster, clock, value)
        wanted = sorted(p["status"]["podIP"] for p in pods_of(cluster)
                        if w.is_ready(p) and not p["metadata"].get("deletionTimestamp")
                        and p["status"].get("podIP"))
        all_services = cluster.store.list(s.SERVICES)
        for svc in all_services:
            if svc["metadata"]["name"].startswith("svc-"):
                assert ready_ips(cluster, svc["metadata"]["name"]) == wanted
        ips = [svc["spec"]["clusterIP"] for svc in all_services]
        node_ports = [p["nodePort"] for svc in all_services for p in svc["spec"]["ports"]
                      if p.get("nodePort")]
        assert len(ips) == len(set(ips)) and len(node_ports) == len(set(node_ports))
