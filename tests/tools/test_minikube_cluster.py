"""What ``minikube start`` leaves in the API server, and what stop, restart and delete do to it."""

import json
import re

import pytest

from cluster_engine import minikube_cluster as mc
from cluster_engine.clock import FakeClock, parse_rfc3339
from cluster_engine.cluster import Cluster
from cluster_engine.resources import resolve
from cluster_engine.rng import NAME_ALPHABET
from cluster_engine.state import SandboxState

PODS, NODES, SERVICES = resolve("pods"), resolve("nodes"), resolve("services")


@pytest.fixture
def cluster() -> Cluster:
    cluster = Cluster(SandboxState.fresh(11), FakeClock())
    mc.start_cluster(cluster, mc.StartTimeline(cluster.now - 3, cluster.now))
    return cluster


def test_the_node_is_a_ready_control_plane_with_minikubes_labels(cluster):
    node = cluster.store.get(NODES, None, "minikube")
    labels = node["metadata"]["labels"]
    assert labels["node-role.kubernetes.io/control-plane"] == ""
    assert labels["minikube.k8s.io/primary"] == "true"
    assert labels["minikube.k8s.io/version"] == "v1.35.0"
    assert re.fullmatch(r"\d{4}_\d\d_\d\dT\d\d_\d\d_\d\d_0000", labels["minikube.k8s.io/updated_at"])
    assert node["metadata"]["annotations"]["kubeadm.alpha.kubernetes.io/cri-socket"] == (
        "unix:///var/run/cri-dockerd.sock")
    conditions = {c["type"]: (c["status"], c["reason"]) for c in node["status"]["conditions"]}
    assert conditions == {"MemoryPressure": ("False", "KubeletHasSufficientMemory"),
                          "DiskPressure": ("False", "KubeletHasNoDiskPressure"),
                          "PIDPressure": ("False", "KubeletHasSufficientPID"),
                          "Ready": ("True", "KubeletReady")}
    assert node["status"]["addresses"] == [{"address": "192.168.49.2", "type": "InternalIP"},
                                           {"address": "minikube", "type": "Hostname"}]
    info = node["status"]["nodeInfo"]
    assert (info["kubeletVersion"], info["osImage"], info["kernelVersion"],
            info["containerRuntimeVersion"]) == ("v1.32.0", "Ubuntu 22.04.5 LTS",
                                                 "5.15.0-1057-gcp", "docker://27.4.1")
    assert node["spec"]["podCIDR"] == "10.244.0.0/24"


def test_the_four_system_namespaces_are_active(cluster):
    namespaces = cluster.store.list(resolve("namespaces"))
    assert [(n["metadata"]["name"], n["status"]["phase"]) for n in namespaces] == [
        ("default", "Active"), ("kube-node-lease", "Active"), ("kube-public", "Active"),
        ("kube-system", "Active")]


def test_the_kubernetes_service_points_at_the_api_server(cluster):
    service = cluster.store.get(SERVICES, "default", "kubernetes")
    assert service["spec"]["clusterIP"] == "10.96.0.1"
    assert service["spec"]["ports"] == [{"name": "https", "port": 443, "protocol": "TCP",
                                         "targetPort": 8443}]
    assert service["metadata"]["labels"] == {"component": "apiserver", "provider": "kubernetes"}
    endpoints = cluster.store.get(resolve("endpoints"), "default", "kubernetes")
    assert endpoints["subsets"][0]["addresses"] == [{"ip": "192.168.49.2"}]


def test_kube_dns_serves_dns_and_metrics(cluster):
    service = cluster.store.get(SERVICES, "kube-system", "kube-dns")
    assert service["spec"]["clusterIP"] == "10.96.0.10"
    assert [(p["name"], p["port"], p["protocol"]) for p in service["spec"]["ports"]] == [
        ("dns", 53, "UDP"), ("dns-tcp", 53, "TCP"), ("metrics", 9153, "TCP")]
    assert service["metadata"]["labels"] == {"k8s-app": "kube-dns",
                                             "kubernetes.io/cluster-service": "true",
                                             "kubernetes.io/name": "CoreDNS"}


def test_the_control_plane_pods_run_and_are_ready(cluster):
    pods = cluster.store.list(PODS, "kube-system")
    names = [pod["metadata"]["name"] for pod in pods]
    fixed = {"etcd-minikube", "kube-apiserver-minikube", "kube-controller-manager-minikube",
             "kube-scheduler-minikube", "storage-provisioner"}
    assert fixed <= set(names) and len(names) == 7
    suffix = f"[{NAME_ALPHABET}]{{5}}"
    assert any(re.fullmatch(f"coredns-668d6bf9bc-{suffix}", name) for name in names)
    assert any(re.fullmatch(f"kube-proxy-{suffix}", name) for name in names)
    for pod in pods:
        ready = {c["type"]: c["status"] for c in pod["status"]["conditions"]}
        assert pod["status"]["phase"] == "Running" and ready["Ready"] == "True"
        assert all(status["ready"] and "running" in status["state"]
                   for status in pod["status"]["containerStatuses"])
        assert pod["spec"]["nodeName"] == "minikube"


def test_coredns_has_its_owners_and_the_first_pod_address(cluster):
    pod = next(p for p in cluster.store.list(PODS, "kube-system")
               if p["metadata"]["name"].startswith("coredns-"))
    assert pod["status"]["podIP"] == "10.244.0.2"
    owner = pod["metadata"]["ownerReferences"][0]
    assert (owner["kind"], owner["name"]) == ("ReplicaSet", "coredns-668d6bf9bc")
    assert cluster.store.get(resolve("replicasets"), "kube-system", "coredns-668d6bf9bc")
    assert cluster.store.get(resolve("deployments"), "kube-system", "coredns")
    assert cluster.store.get(resolve("daemonsets"), "kube-system", "kube-proxy")


def test_every_namespace_has_a_default_service_account_and_the_root_ca(cluster):
    for namespace in mc.SYSTEM_NAMESPACES:
        assert cluster.store.get(resolve("serviceaccounts"), namespace, "default")
        config_map = cluster.store.get(resolve("configmaps"), namespace, "kube-root-ca.crt")
        assert config_map["data"]["ca.crt"].startswith("-----BEGIN CERTIFICATE-----\n")


def test_the_node_events_tell_of_the_kubelet_starting(cluster):
    events = cluster.store.list(resolve("events"), "default")
    reasons = [(e["reason"], e["source"]["component"], e["message"]) for e in events]
    assert ("Starting", "kubelet", "Starting kubelet.") in reasons
    assert ("RegisteredNode", "node-controller",
            "Node minikube event: Registered Node minikube in Controller") in reasons
    assert all(re.fullmatch(r"minikube\.[0-9a-f]{16}", e["metadata"]["name"]) for e in events)


def test_objects_carry_the_time_of_the_start_not_of_the_commit():
    cluster = Cluster(SandboxState.fresh(1), FakeClock())
    mc.start_cluster(cluster, mc.StartTimeline(cluster.now - 30, cluster.now))
    node = cluster.store.get(NODES, None, "minikube")
    assert parse_rfc3339(node["metadata"]["creationTimestamp"]) == cluster.now - 30
    assert all(parse_rfc3339(pod["metadata"]["creationTimestamp"]) <= cluster.now
               for pod in cluster.store.list(PODS))


def test_the_profile_records_the_cluster_and_is_json(cluster):
    profile = cluster.profile
    assert profile["status"] == "Running" and profile["kubeconfigContext"] is True
    assert (profile["kubernetesVersion"], profile["nodeIP"]) == ("v1.32.0", "192.168.49.2")
    assert json.loads(json.dumps(profile)) == profile
    assert json.loads(cluster.state.to_json())["minikube"] == profile


def test_the_same_seed_builds_the_same_cluster():
    def build():
        cluster = Cluster(SandboxState.fresh(5), FakeClock())
        mc.start_cluster(cluster)
        cluster.finish()
        return cluster.state.to_json()
    assert build() == build()


def test_stop_keeps_the_objects_and_removes_the_context(cluster):
    before = cluster.store.get(NODES, None, "minikube")
    mc.stop_cluster(cluster)
    assert cluster.profile["status"] == "Stopped" and not mc.has_kubeconfig_context(cluster.profile)
    assert cluster.store.get(NODES, None, "minikube") == before


def test_stop_can_keep_the_context(cluster):
    mc.stop_cluster(cluster, keep_context=True)
    assert mc.has_kubeconfig_context(cluster.profile)


def test_a_restart_brings_the_node_back_ready_with_new_heartbeats_and_restarts_containers(cluster):
    mc.stop_cluster(cluster)
    cluster.clock.advance(600)
    cluster.now = cluster.clock.now()
    mc.restart_cluster(cluster, mc.StartTimeline(cluster.now - 2, cluster.now))
    node = cluster.store.get(NODES, None, "minikube")
    ready = next(c for c in node["status"]["conditions"] if c["type"] == "Ready")
    assert ready["status"] == "True"
    assert parse_rfc3339(ready["lastHeartbeatTime"]) == cluster.now
    etcd = cluster.store.get(PODS, "kube-system", "etcd-minikube")
    assert etcd["status"]["containerStatuses"][0]["restartCount"] == 1
    assert "terminated" in etcd["status"]["containerStatuses"][0]["lastState"]
    assert cluster.profile["status"] == "Running" and mc.has_kubeconfig_context(cluster.profile)


def test_delete_removes_every_object_and_the_profile_but_keeps_the_image_cache(cluster):
    mc.delete_cluster(cluster)
    assert cluster.state.object_count() == 0
    assert mc.profile_status(cluster.profile) == "Absent"
    assert mc.images_cached(cluster.profile)
