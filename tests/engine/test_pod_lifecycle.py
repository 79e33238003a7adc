"""Pods from creation to deletion: API defaults, the scheduler, the kubelet's lifecycle table."""

import copy

import pytest

from cluster_engine import images
from cluster_engine.clock import FakeClock, rfc3339
from cluster_engine.cluster import Cluster
from cluster_engine.controllers import kubelet, scheduler
from cluster_engine.defaults import default_pod
from cluster_engine.minikube_cluster import start_cluster
from cluster_engine.resources import resolve
from cluster_engine.state import SandboxState

PODS = resolve("pods")
NODES = resolve("nodes")
EVENTS = resolve("events")
BOOTCAMP = "gcr.io/google-samples/kubernetes-bootcamp:v1"


class Lab:
    def __init__(self, seed: int = 3):
        self.clock = FakeClock()
        self.cluster = Cluster(SandboxState.fresh(seed), self.clock)
        start_cluster(self.cluster)
        self.cluster.advance()

    def create(self, name: str, image: str = BOOTCAMP, **container_extra) -> dict:
        pod = {"metadata": {"name": name, "namespace": "default"},
               "spec": {"containers": [{"name": name, "image": image, **container_extra}]}}
        created = self.cluster.store.create(PODS, default_pod(pod, self.cluster.rng))
        self.cluster.reconcile()
        return created

    def wait(self, seconds: float, step: float = 0.1) -> None:
        for _ in range(round(seconds / step)):
            self.clock.advance(step)
            self.cluster.advance()

    def pod(self, name: str) -> dict | None:
        return self.cluster.store.find(PODS, "default", name)

    def state(self, name: str) -> dict:
        return self.pod(name)["status"]["containerStatuses"][0]["state"]

    def events(self, name: str) -> list[tuple[str, str, str, int]]:
        """Events about one object, in the order they were first recorded."""
        bucket = self.cluster.state.objects[EVENTS.qualified_name]
        return [(e["type"], e["reason"], e["message"], e["count"]) for e in bucket.values()
                if e["involvedObject"]["name"] == name]

    def delete(self, name: str, grace: int) -> None:
        pod = self.pod(name)
        pod["metadata"]["deletionTimestamp"] = rfc3339(self.cluster.now + grace)
        pod["metadata"]["deletionGracePeriodSeconds"] = grace
        self.cluster.store.update(PODS, pod)
        self.cluster.reconcile()


# -- defaults ------------------------------------------------------------------------------------
def _client_pod() -> dict:
    return {"apiVersion": "v1", "kind": "Pod",
            "metadata": {"labels": {"run": "x"}, "name": "x"},
            "spec": {"containers": [{"image": "nginx", "name": "x", "resources": {}}],
                     "dnsPolicy": "ClusterFirst", "restartPolicy": "Always"},
            "status": {}}


def test_defaulting_fills_what_the_api_server_adds_to_kubectl_run():
    lab = Lab()
    pod = default_pod(_client_pod(), lab.cluster.rng)
    spec, container = pod["spec"], pod["spec"]["containers"][0]
    assert spec["terminationGracePeriodSeconds"] == 30
    assert spec["schedulerName"] == "default-scheduler"
    assert spec["serviceAccountName"] == spec["serviceAccount"] == "default"
    assert spec["enableServiceLinks"] is True and spec["priority"] == 0
    assert spec["preemptionPolicy"] == "PreemptLowerPriority" and spec["securityContext"] == {}
    assert container["imagePullPolicy"] == "Always"
    assert container["terminationMessagePath"] == "/dev/termination-log"
    assert container["terminationMessagePolicy"] == "File"
    volume = spec["volumes"][0]
    assert volume["name"].startswith("kube-api-access-") and len(volume["name"]) == 21
    assert volume["projected"]["sources"][0] == {"serviceAccountToken": {
        "expirationSeconds": 3607, "path": "token"}}
    assert container["volumeMounts"] == [{"mountPath": "/var/run/secrets/kubernetes.io/serviceaccount",
                                          "name": volume["name"], "readOnly": True}]
    assert [t["key"] for t in spec["tolerations"]] == ["node.kubernetes.io/not-ready",
                                                       "node.kubernetes.io/unreachable"]
    assert all(t["tolerationSeconds"] == 300 and t["effect"] == "NoExecute"
               for t in spec["tolerations"])
    assert pod["status"] == {"phase": "Pending", "qosClass": "BestEffort"}


def test_defaulting_twice_changes_nothing_and_draws_no_random_numbers():
    lab = Lab()
    once = default_pod(_client_pod(), lab.cluster.rng)
    drawn = lab.cluster.rng.state
    assert default_pod(copy.deepcopy(once), lab.cluster.rng) == once
    assert lab.cluster.rng.state == drawn


@pytest.mark.parametrize("image, policy", [("nginx", "Always"), ("nginx:latest", "Always"),
                                           (BOOTCAMP, "IfNotPresent"),
                                           ("localhost:5000/app", "Always")])
def test_the_pull_policy_depends_on_the_tag(image, policy):
    from cluster_engine.defaults import image_pull_policy
    assert image_pull_policy(image) == policy


def test_qos_class_follows_requests_and_limits():
    from cluster_engine.defaults import qos_class
    both = {"cpu": "500m", "memory": "128Mi"}
    assert qos_class({"containers": [{"resources": {"limits": both, "requests": both}}]}) == "Guaranteed"
    assert qos_class({"containers": [{"resources": {"requests": {"cpu": "100m"}}}]}) == "Burstable"
    assert qos_class({"containers": [{"resources": {}}]}) == "BestEffort"


# -- images --------------------------------------------------------------------------------------
def test_the_catalogue_knows_the_tutorial_images_and_not_tag_v10():
    assert images.lookup("jocatalin/kubernetes-bootcamp:v2") is images.lookup(
        "docker.io/jocatalin/kubernetes-bootcamp:v2")
    assert images.lookup("docker.io/library/nginx:latest") is images.lookup("nginx")
    assert images.lookup("gcr.io/google-samples/kubernetes-bootcamp:v10") is None
    assert images.pull_error("gcr.io/google-samples/kubernetes-bootcamp:v10") == (
        'Error response from daemon: manifest for gcr.io/google-samples/kubernetes-bootcamp:v10 '
        'not found: manifest unknown: Failed to fetch "v10" from request '
        '"/v2/google-samples/kubernetes-bootcamp/manifests/v10".')
    assert "server.js" in images.lookup(BOOTCAMP).files


# -- running -------------------------------------------------------------------------------------
def test_a_started_cluster_is_left_untouched_by_the_new_controllers():
    lab = Lab()
    before = lab.cluster.state.to_json()
    lab.wait(60, step=5)
    assert lab.cluster.state.counters == SandboxState.from_json(before).counters
    assert lab.cluster.state.objects == SandboxState.from_json(before).objects


def test_a_pod_goes_from_pending_through_container_creating_to_running_within_two_seconds():
    lab = Lab()
    lab.create("web")
    pod = lab.pod("web")
    assert pod["spec"]["nodeName"] == "minikube"
    assert lab.state("web") == {"waiting": {"reason": "ContainerCreating"}}
    assert pod["status"]["phase"] == "Pending"
    lab.wait(0.8)
    assert lab.state("web") == {"waiting": {"reason": "ContainerCreating"}}
    lab.wait(2.7)
    pod = lab.pod("web")
    status = pod["status"]["containerStatuses"][0]
    assert pod["status"]["phase"] == "Running" and status["ready"] and status["started"]
    assert status["containerID"].startswith("docker://") and len(status["containerID"]) == 73
    assert status["imageID"].startswith("docker-pullable://gcr.io/google-samples/kubernetes-bootcamp@sha256:")
    assert pod["status"]["hostIP"] == "192.168.49.2" and pod["status"]["podIP"] == "10.244.0.3"
    assert {c["type"]: c["status"] for c in pod["status"]["conditions"]} == {
        "PodReadyToStartContainers": "True", "Initialized": "True", "Ready": "True",
        "ContainersReady": "True", "PodScheduled": "True"}
    reasons = [(kind, reason) for kind, reason, _message, _count in lab.events("web")]
    assert reasons == [("Normal", "Scheduled"), ("Normal", "Pulling"), ("Normal", "Pulled"),
                       ("Normal", "Created"), ("Normal", "Started")]
    messages = [message for _kind, _reason, message, _count in lab.events("web")]
    assert messages[0] == "Successfully assigned default/web to minikube"
    assert messages[1] == f'Pulling image "{BOOTCAMP}"'
    assert messages[2].startswith(f'Successfully pulled image "{BOOTCAMP}" in ')
    assert messages[2].endswith("including waiting). Image size: 211336459 bytes.")
    assert messages[3:] == ["Created container web", "Started container web"]


def test_a_second_pod_finds_the_image_already_present_and_gets_the_next_ip():
    lab = Lab()
    lab.create("one")
    lab.wait(4)
    lab.create("two")
    lab.wait(2)
    assert ("Normal", "Pulled", f'Container image "{BOOTCAMP}" already present on machine', 1) \
        in lab.events("two")
    assert lab.pod("two")["status"]["podIP"] == "10.244.0.4"


def test_pod_ips_are_unique_in_the_node_pod_cidr():
    lab = Lab()
    for index in range(6):
        lab.create(f"p{index}")
    lab.wait(5, step=0.5)
    ips = [lab.pod(f"p{index}")["status"]["podIP"] for index in range(6)]
    assert len(set(ips)) == 6 and "10.244.0.2" not in ips
    assert all(ip.startswith("10.244.0.") for ip in ips)


def test_the_startup_line_of_the_tutorial_app_is_logged_and_requests_are_answered():
    lab = Lab()
    lab.create("web")
    lab.wait(4)
    pod = lab.pod("web")
    lines = [line for _at, line in kubelet.container_logs(lab.cluster, pod, "web")]
    assert lines[0].startswith("Kubernetes Bootcamp App Started At: 2026-11-25T")
    assert lines[0].endswith("| Running On:  web ")
    assert kubelet.serve_request(lab.cluster, pod, "web") == (
        "Hello Kubernetes bootcamp! | Running on: web | v=1\n")
    last = kubelet.container_logs(lab.cluster, pod, "web")[-1][1]
    assert last.startswith("Running On: web | Total Requests: 1 | App Uptime: ")


def test_an_unknown_tag_fails_to_pull_and_backs_off_10_20_40_seconds():
    lab = Lab()
    image = "gcr.io/google-samples/kubernetes-bootcamp:v10"
    lab.create("bad", image=image)
    lab.wait(3)
    assert lab.state("bad")["waiting"]["reason"] == "ImagePullBackOff"
    assert lab.pod("bad")["status"]["phase"] == "Pending"
    pulls = lambda: next(c for _k, r, _m, c in lab.events("bad") if r == "Pulling")  # noqa: E731
    assert pulls() == 1
    lab.wait(10, step=0.5)
    assert pulls() == 2
    lab.wait(20, step=0.5)
    assert pulls() == 3
    lab.wait(20, step=0.5)
    assert pulls() == 3
    lab.wait(21, step=0.5)
    assert pulls() == 4
    events = {(kind, reason, message): count for kind, reason, message, count in lab.events("bad")}
    assert events[("Warning", "Failed", f'Failed to pull image "{image}": '
                   + images.pull_error(image))] == 4
    assert events[("Warning", "Failed", "Error: ErrImagePull")] == 4
    assert events[("Normal", "BackOff", f'Back-off pulling image "{image}"')] == 4
    assert events[("Warning", "Failed", "Error: ImagePullBackOff")] == 4


def test_busybox_without_a_command_crash_loops_with_a_growing_restart_count():
    lab = Lab()
    lab.create("crasher", image="busybox")
    lab.wait(5)
    status = lab.pod("crasher")["status"]["containerStatuses"][0]
    assert status["state"]["waiting"]["reason"] == "CrashLoopBackOff"
    assert status["lastState"]["terminated"]["reason"] == "Completed"
    first = status["restartCount"]
    lab.wait(80, step=1)
    status = lab.pod("crasher")["status"]["containerStatuses"][0]
    assert status["restartCount"] > first >= 1
    assert lab.pod("crasher")["status"]["phase"] == "Running"
    assert any(reason == "BackOff" and count > 1 for _k, reason, _m, count in lab.events("crasher"))


def test_busybox_with_a_command_keeps_running():
    lab = Lab()
    lab.create("sleeper", image="busybox", command=["sleep", "3600"])
    lab.wait(4)
    assert "running" in lab.state("sleeper")


# -- scheduling ----------------------------------------------------------------------------------
def test_a_pod_asking_for_too_much_cpu_stays_pending_with_one_failed_scheduling_event():
    lab = Lab()
    lab.create("huge", resources={"requests": {"cpu": "100"}})
    lab.wait(30, step=1)
    pod = lab.pod("huge")
    assert not pod["spec"].get("nodeName") and pod["status"]["phase"] == "Pending"
    condition = next(c for c in pod["status"]["conditions"] if c["type"] == "PodScheduled")
    message = ("0/1 nodes are available: 1 Insufficient cpu. preemption: 0/1 nodes are available: "
               "1 No preemption victims found for incoming pod.")
    assert (condition["status"], condition["reason"], condition["message"]) == (
        "False", "Unschedulable", message)
    assert lab.events("huge") == [("Warning", "FailedScheduling", message, 1)]


def test_a_no_schedule_taint_keeps_pods_off_the_node_until_removed():
    lab = Lab()
    node = lab.cluster.store.get(NODES, None, "minikube")
    node["spec"]["taints"] = [{"key": "dedicated", "value": "gpu", "effect": "NoSchedule"}]
    lab.cluster.store.update(NODES, node)
    lab.create("web")
    lab.wait(2)
    assert not lab.pod("web")["spec"].get("nodeName")
    assert lab.events("web")[0][2] == (
        "0/1 nodes are available: 1 node(s) had untolerated taint {dedicated: gpu}. preemption: "
        "0/1 nodes are available: 1 Preemption is not helpful for scheduling.")
    node = lab.cluster.store.get(NODES, None, "minikube")
    node["spec"].pop("taints")
    lab.cluster.store.update(NODES, node)
    lab.wait(4)
    assert lab.pod("web")["status"]["phase"] == "Running"


def test_a_toleration_lets_a_pod_onto_a_tainted_node():
    node = {"metadata": {"name": "n"}, "spec": {"taints": [{"key": "k", "effect": "NoSchedule"}]},
            "status": {"conditions": [{"type": "Ready", "status": "True"}],
                       "allocatable": {"cpu": "2", "memory": "1Gi", "pods": "110"}}}
    pod = {"metadata": {"uid": "u"}, "spec": {"containers": [{"name": "c"}], "tolerations": [
        {"key": "k", "operator": "Exists", "effect": "NoSchedule"}]}, "status": {}}
    assert scheduler.pick_node(pod, [node], [])[0] == "n"
    pod["spec"]["tolerations"] = []
    assert scheduler.pick_node(pod, [node], [])[0] is None


# -- termination ---------------------------------------------------------------------------------
def test_a_deleted_pod_of_the_tutorial_app_terminates_for_the_whole_grace_period():
    lab = Lab()
    lab.create("web")
    lab.wait(4)
    lab.delete("web", 30)
    assert ("Normal", "Killing", "Stopping container web", 1) in lab.events("web")
    lab.wait(29, step=1)
    assert lab.pod("web") is not None
    lab.wait(1.5, step=0.5)
    assert lab.pod("web") is None
    assert lab.pod("web") is None and lab.cluster.state.logs == {}


def test_a_pod_deleted_with_grace_zero_is_gone_at_once():
    lab = Lab()
    lab.create("web")
    lab.wait(4)
    lab.delete("web", 0)
    assert lab.pod("web") is None


def test_an_nginx_pod_stops_quickly_when_asked_to():
    lab = Lab()
    lab.create("web", image="nginx")
    lab.wait(4)
    lab.delete("web", 30)
    lab.wait(1)
    assert lab.pod("web") is None


# -- determinism ---------------------------------------------------------------------------------
def test_advancing_in_one_step_or_many_gives_the_same_state():
    def run(steps):
        lab = Lab(seed=11)
        lab.create("web")
        lab.create("bad", image="nginx:nosuchtag")
        lab.create("crasher", image="busybox")
        for step in steps:
            lab.clock.advance(step)
            lab.cluster.advance()
        lab.cluster.finish()
        return lab.cluster.state.to_json()

    assert run([120]) == run([1] * 120) == run([0.25] * 480)


# -- configuration the container needs ------------------------------------------------------------
def test_a_missing_config_map_keeps_the_container_in_create_container_config_error_until_it_exists():
    lab = Lab()
    lab.create("web", env=[{"name": "GREETING", "valueFrom": {
        "configMapKeyRef": {"name": "settings", "key": "greeting"}}}])
    lab.wait(40)
    state = lab.state("web")
    assert state == {"waiting": {"reason": "CreateContainerConfigError",
                                 "message": 'configmap "settings" not found'}}
    assert lab.pod("web")["status"]["phase"] == "Pending"
    failures = [e for e in lab.events("web") if e[1] == "Failed"]
    assert failures[0][:3] == ("Warning", "Failed", 'Error: configmap "settings" not found')
    assert failures[0][3] >= 3  # retried, and counted as one repeating event

    lab.cluster.store.create(resolve("configmaps"), {
        "metadata": {"name": "settings", "namespace": "default"}, "data": {"greeting": "hi"}})
    lab.wait(20)
    assert "running" in lab.state("web")
    assert ("Normal", "Started", "Started container web", 1) in lab.events("web")
