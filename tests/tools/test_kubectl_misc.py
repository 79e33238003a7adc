"""kubectl's everyday commands beyond get/describe/write: node maintenance, top, config,
api-resources, patch, events and the rest, with the exact text kubectl v1.32 prints (the
strings were checked against the real binary, see tests/api/test_real_kubectl_misc.py)."""

import json

import pytest

from cluster_engine.minikube_addons import set_enabled
from cluster_engine.tools.kubectl.top import container_use

from tool_sandbox import Machine

BOOTCAMP = "gcr.io/google-samples/kubernetes-bootcamp:v1"


@pytest.fixture
def bootcamp(started: Machine) -> Machine:
    assert started.sh(f"kubectl create deployment kubernetes-bootcamp --image={BOOTCAMP}").status == 0
    started.ctx.sleep(30)
    return started


def pod_names(machine: Machine, namespace: str = "default") -> list[str]:
    return [line.split()[0]
            for line in machine.sh(f"kubectl get pods -n {namespace} --no-headers").lines]


# -- cordon, uncordon, drain, taint --------------------------------------------------------------
def test_it_cordons_once_and_shows_the_node_unschedulable(started):
    assert started.sh("kubectl cordon minikube").stdout == "node/minikube cordoned\n"
    assert started.sh("kubectl cordon minikube").stdout == "node/minikube already cordoned\n"
    assert started.sh("kubectl get nodes").lines[1].split()[1] == "Ready,SchedulingDisabled"
    node = json.loads(started.sh("kubectl get node minikube -o json").stdout)
    assert node["spec"]["unschedulable"] is True
    assert node["spec"]["taints"] == [{"effect": "NoSchedule",
                                       "key": "node.kubernetes.io/unschedulable"}]
    assert started.sh("kubectl uncordon minikube").stdout == "node/minikube uncordoned\n"
    assert "taints" not in json.loads(started.sh("kubectl get node minikube -o json").stdout)["spec"]


def test_it_asks_for_a_node_as_kubectl_does(started):
    result = started.sh("kubectl cordon")
    assert (result.status, result.stderr) == (1, "error: USAGE: cordon NODE [flags]\n"
                                                 "See 'kubectl cordon -h' for help and examples\n")


def test_a_cordoned_node_gets_no_new_pods(started):
    started.sh("kubectl cordon minikube")
    started.sh(f"kubectl create deployment web --image={BOOTCAMP}")
    started.ctx.sleep(20)
    assert started.sh("kubectl get pods").lines[1].split()[2] == "Pending"


def test_it_refuses_to_drain_daemon_set_and_unmanaged_pods(bootcamp):
    proxy = next(name for name in pod_names(bootcamp, "kube-system") if name.startswith("kube-proxy"))
    result = bootcamp.sh("kubectl drain minikube")
    assert result.status == 1
    assert result.stdout == "node/minikube cordoned\n"
    daemon_set = ("cannot delete DaemonSet-managed Pods (use --ignore-daemonsets to ignore): "
                  f"kube-system/{proxy}")
    unmanaged = ("cannot delete cannot delete Pods that declare no controller (use --force to "
                 "override): kube-system/storage-provisioner")
    assert result.stderr == (f'error: unable to drain node "minikube" due to error: [{daemon_set}, '
                             f"{unmanaged}], continuing command...\n"
                             "There are pending nodes to be drained:\n minikube\n"
                             f"{daemon_set}\n{unmanaged}\n")


def test_it_drains_by_evicting_and_waiting_for_each_pod(bootcamp):
    proxy = next(name for name in pod_names(bootcamp, "kube-system") if name.startswith("kube-proxy"))
    app, = pod_names(bootcamp)
    coredns = next(name for name in pod_names(bootcamp, "kube-system") if name.startswith("coredns"))
    result = bootcamp.sh("kubectl drain minikube --ignore-daemonsets --force")
    assert result.status == 0
    assert result.stderr == (f"Warning: ignoring DaemonSet-managed Pods: kube-system/{proxy}; "
                             "deleting Pods that declare no controller: "
                             "kube-system/storage-provisioner\n")
    lines = result.lines
    assert lines[:4] == ["node/minikube cordoned", f"evicting pod default/{app}",
                         f"evicting pod kube-system/{coredns}",
                         "evicting pod kube-system/storage-provisioner"]
    assert sorted(lines[4:7]) == sorted([f"pod/{app} evicted", f"pod/{coredns} evicted",
                                         "pod/storage-provisioner evicted"])
    assert lines[7:] == ["node/minikube drained"]
    assert app not in pod_names(bootcamp)
    assert bootcamp.sh("kubectl get pods").lines[1].split()[2] == "Pending"


def test_it_adds_overwrites_and_removes_taints(started):
    assert started.sh("kubectl taint nodes minikube app=web:NoSchedule").stdout == \
        "node/minikube tainted\n"
    refused = started.sh("kubectl taint nodes minikube app=api:NoSchedule")
    assert refused.stderr == ("error: node minikube already has app taint(s) with same effect(s) "
                              "and --overwrite is false\n")
    assert started.sh("kubectl taint nodes minikube app=api:NoSchedule --overwrite").stdout == \
        "node/minikube modified\n"
    node = json.loads(started.sh("kubectl get node minikube -o json").stdout)
    assert node["spec"]["taints"] == [{"effect": "NoSchedule", "key": "app", "value": "api"}]
    assert started.sh("kubectl taint nodes minikube app-").stdout == "node/minikube untainted\n"
    assert started.sh("kubectl taint nodes minikube app-").stderr == \
        'error: taint "app" not found\n'


def test_it_rejects_bad_taints_in_kubectls_words(started):
    effect = started.sh("kubectl taint nodes minikube a=b:Sometimes")
    assert effect.stderr == ("error: invalid taint effect: Sometimes, unsupported taint effect\n"
                             "See 'kubectl taint -h' for help and examples\n")
    assert started.sh("kubectl taint nodes minikube").stderr == \
        "error: at least one taint update is required\n"
    assert started.sh("kubectl taint").stderr == \
        "error: one or more resources must be specified as <resource> <name>\n"


# -- top -----------------------------------------------------------------------------------------
def test_top_needs_the_metrics_server(bootcamp):
    result = bootcamp.sh("kubectl top pod")
    assert (result.status, result.stdout, result.stderr) == \
        (1, "", "error: Metrics API not available\n")


def test_top_waits_for_a_scrape_of_the_new_pods(started):
    started.sh(f"kubectl create deployment kubernetes-bootcamp --image={BOOTCAMP}")
    with started.sandbox.transaction() as cluster:
        set_enabled(cluster, "metrics-server", True)
    result = started.sh("kubectl top pod")
    assert (result.status, result.stderr) == (1, "error: metrics not available yet\n")


def test_top_prints_the_metrics_printers_padded_columns(bootcamp):
    with bootcamp.sandbox.transaction() as cluster:
        set_enabled(cluster, "metrics-server", True)
    app, = pod_names(bootcamp)
    result = bootcamp.sh("kubectl top pod")
    assert result.lines[0] == "NAME" + " " * (len(app) - 1) + "CPU(cores)   MEMORY(bytes)   "
    name, cpu, memory = result.lines[1].split()
    assert name == app and cpu.endswith("m") and memory.endswith("Mi")
    assert bootcamp.sh("kubectl top pod").stdout == result.stdout
    nodes = bootcamp.sh("kubectl top node")
    assert nodes.lines[0] == "NAME       CPU(cores)   CPU(%)   MEMORY(bytes)   MEMORY(%)   "
    assert bootcamp.sh("kubectl top pod nope").stderr == \
        'Error from server (NotFound): podmetrics.metrics.k8s.io "default/nope" not found\n'


def test_a_containers_usage_is_stable_within_a_scrape_window():
    pod = {"metadata": {"uid": "u-1"}}
    container = {"name": "app", "image": BOOTCAMP}
    assert container_use(pod, container, 7) == container_use(pod, container, 7)
    cpu, memory = container_use(pod, container, 7)
    assert 0 <= cpu <= 3 and 8 * 2 ** 20 <= memory <= 13 * 2 ** 20


# -- config --------------------------------------------------------------------------------------
MINIKUBE_KUBECONFIG = """apiVersion: v1
clusters:
- cluster:
    certificate-authority: /home/learner/.minikube/ca.crt
    extensions:
    - extension:
        last-update: {stamp}
        provider: minikube.sigs.k8s.io
        version: v1.35.0
      name: cluster_info
    server: https://192.168.49.2:8443
  name: minikube
contexts:
- context:
    cluster: minikube
    extensions:
    - extension:
        last-update: {stamp}
        provider: minikube.sigs.k8s.io
        version: v1.35.0
      name: context_info
    namespace: default
    user: minikube
  name: minikube
current-context: minikube
kind: Config
preferences: {{}}
users:
- name: minikube
  user:
    client-certificate: /home/learner/.minikube/profiles/minikube/client.crt
    client-key: /home/learner/.minikube/profiles/minikube/client.key
"""
EMPTY_KUBECONFIG = """apiVersion: v1
clusters: null
contexts: null
current-context: ""
kind: Config
preferences: {}
users: null
"""


def test_config_view_shows_minikubes_kubeconfig(started):
    view = started.sh("kubectl config view").stdout
    stamp = view.split("last-update: ")[1].split("\n")[0]
    assert stamp.endswith(" UTC") and stamp[3:5] == ", "
    assert view == MINIKUBE_KUBECONFIG.format(stamp=stamp)
    assert started.sh("kubectl config current-context").stdout == "minikube\n"
    assert started.sh("kubectl config get-contexts").stdout == (
        "CURRENT   NAME       CLUSTER    AUTHINFO   NAMESPACE\n"
        "*         minikube   minikube   minikube   default\n")
    assert started.sh("kubectl config use-context minikube").stdout == \
        'Switched to context "minikube".\n'
    assert started.sh("kubectl config use-context kind").stderr == \
        'error: no context exists with the name: "kind"\n'


def test_config_has_no_context_before_minikube_start(machine):
    assert machine.sh("kubectl config view").stdout == EMPTY_KUBECONFIG
    assert machine.sh("kubectl config current-context").stderr == \
        "error: current-context is not set\n"
    assert machine.sh("kubectl config get-contexts").stdout == \
        "CURRENT   NAME   CLUSTER   AUTHINFO   NAMESPACE\n"


# -- api-resources, api-versions -----------------------------------------------------------------
def test_api_resources_lists_minikubes_types(started):
    lines = started.sh("kubectl api-resources").lines
    assert lines[0] == ("NAME                                SHORTNAMES   APIVERSION                "
                        "        NAMESPACED   KIND")
    assert lines[1].split() == ["bindings", "v1", "true", "Binding"]
    assert len(lines) == 1 + 58
    apps = started.sh("kubectl api-resources --api-group=apps -o name").stdout
    assert apps == ("controllerrevisions.apps\ndaemonsets.apps\ndeployments.apps\n"
                    "replicasets.apps\nstatefulsets.apps\n")
    wide = started.sh("kubectl api-resources -o wide --api-group=apps").lines
    assert wide[0].split() == ["NAME", "SHORTNAMES", "APIVERSION", "NAMESPACED", "KIND", "VERBS",
                               "CATEGORIES"]
    assert wide[1].endswith("create,delete,deletecollection,get,list,patch,update,watch   ")
    assert started.sh("kubectl api-resources -o yaml").stderr == \
        "error: --output yaml is not available\n"


def test_api_versions_lists_the_served_group_versions(started):
    versions = started.sh("kubectl api-versions").lines
    assert versions[:4] == ["admissionregistration.k8s.io/v1", "apiextensions.k8s.io/v1",
                            "apiregistration.k8s.io/v1", "apps/v1"]
    assert versions[-1] == "v1" and "autoscaling/v1" in versions
    assert "metrics.k8s.io/v1beta1" not in versions
    with started.sandbox.transaction() as cluster:
        set_enabled(cluster, "metrics-server", True)
    assert "metrics.k8s.io/v1beta1" in started.sh("kubectl api-versions").lines


def test_api_versions_without_a_cluster_names_the_failed_request(machine):
    result = machine.sh("kubectl api-versions")
    assert result.stderr.count("memcache.go:265") == 1
    assert result.stderr.endswith(
        'error: couldn\'t get available api versions from server: Get "http://localhost:8080/'
        'api?timeout=32s": dial tcp 127.0.0.1:8080: connect: connection refused\n')


# -- patch ---------------------------------------------------------------------------------------
def _dry_run_patch(machine: Machine, *args: str) -> dict:
    result = machine.run("kubectl", "patch", "deploy", "kubernetes-bootcamp", *args,
                         "--dry-run=client", "-o", "json")
    assert result.status == 0, result.stderr
    return json.loads(result.stdout)


def test_a_strategic_patch_merges_containers_by_name(bootcamp):
    patch = '{"spec":{"template":{"spec":{"containers":[{"name":"sidecar","image":"nginx"}]}}}}'
    strategic = _dry_run_patch(bootcamp, "-p", patch)
    assert [c["name"] for c in strategic["spec"]["template"]["spec"]["containers"]] == \
        ["kubernetes-bootcamp", "sidecar"]
    merged = _dry_run_patch(bootcamp, "--type=merge", "-p", patch)
    assert [c["name"] for c in merged["spec"]["template"]["spec"]["containers"]] == ["sidecar"]


def test_a_json_patch_applies_its_operations_in_order(bootcamp):
    operations = ('[{"op":"add","path":"/metadata/labels/tier","value":"web"},'
                  '{"op":"replace","path":"/spec/replicas","value":3},'
                  '{"op":"remove","path":"/metadata/labels/app"}]')
    patched = _dry_run_patch(bootcamp, "--type=json", "-p", operations)
    assert (patched["metadata"]["labels"], patched["spec"]["replicas"]) == ({"tier": "web"}, 3)


def test_patch_rolls_out_a_new_image_through_the_update_path(bootcamp):
    patch = ('{"spec":{"template":{"spec":{"containers":[{"name":"kubernetes-bootcamp",'
             '"image":"docker.io/jocatalin/kubernetes-bootcamp:v2"}]}}}}')
    result = bootcamp.run("kubectl", "patch", "deployment", "kubernetes-bootcamp", "-p", patch)
    assert result.stdout == "deployment.apps/kubernetes-bootcamp patched\n"
    again = bootcamp.run("kubectl", "patch", "deployment", "kubernetes-bootcamp", "-p", patch)
    assert again.stdout == "deployment.apps/kubernetes-bootcamp patched (no change)\n"
    bootcamp.ctx.sleep(60)
    status = bootcamp.sh("kubectl rollout status deployment/kubernetes-bootcamp").stdout
    assert status == 'deployment "kubernetes-bootcamp" successfully rolled out\n'
    deployment = json.loads(bootcamp.sh("kubectl get deploy kubernetes-bootcamp -o json").stdout)
    assert deployment["metadata"]["generation"] == 2


def test_patch_reports_a_json_patch_that_does_not_apply(bootcamp):
    result = bootcamp.run("kubectl", "patch", "deploy", "kubernetes-bootcamp", "--type=json", "-p",
                          '[{"op":"replace","path":"/spec/nope/x","value":2}]')
    assert (result.status, result.stderr) == (
        1, "The request is invalid: the server rejected our request due to an error in our "
           "request\n")
    assert bootcamp.sh("kubectl patch deploy kubernetes-bootcamp").stderr == \
        "error: must specify --patch or --patch-file containing the contents of the patch\n"


# -- events, auth and the rest -------------------------------------------------------------------
def test_events_prints_kinds_as_they_are_and_oldest_first(bootcamp):
    lines = bootcamp.sh("kubectl events").lines
    assert lines[0].split() == ["LAST", "SEEN", "TYPE", "REASON", "OBJECT", "MESSAGE"]
    assert lines[1].split()[1:4] == ["Normal", "Starting", "Node/minikube"]
    assert any("Deployment/kubernetes-bootcamp" in line for line in lines)
    assert bootcamp.sh("kubectl events --types=Warning").stderr == \
        "No events found in default namespace.\n"


def test_events_without_a_cluster_logs_no_discovery_errors(machine):
    assert machine.sh("kubectl events").stderr == (
        "The connection to the server localhost:8080 was refused - did you specify the right "
        "host or port?\n")


def test_auth_answers_for_minikubes_admin_user(started):
    assert started.sh("kubectl auth can-i create deployments").stdout == "yes\n"
    assert started.sh("kubectl auth whoami").stdout == (
        "ATTRIBUTE   VALUE\n"
        "Username    minikube-user\n"
        "Groups      [system:masters system:authenticated]\n")


def test_cluster_info_dump_lists_objects_and_logs(bootcamp):
    app, = pod_names(bootcamp)
    dump = bootcamp.sh("kubectl cluster-info dump").stdout
    assert dump.startswith('{\n    "kind": "NodeList",\n    "apiVersion": "v1",\n')
    assert f"==== START logs for container kubernetes-bootcamp of pod default/{app} ====\n" \
           "Kubernetes Bootcamp App Started At:" in dump
    assert dump.endswith(f"==== END logs for container kubernetes-bootcamp of pod default/{app}"
                         " ====\n")


@pytest.mark.parametrize(("line", "status", "stderr"), [
    ("kubectl completion", 1, "error: Shell not specified.\n"
                              "See 'kubectl completion -h' for help and examples\n"),
    ("kubectl plugin list", 1, "error: unable to find any kubectl plugins in your PATH\n"),
    ("kubectl cp a b", 1, "error: one of src or dest must be a remote file specification\n"
                          "See 'kubectl cp -h' for help and examples\n"),
    ("kubectl diff", 2, "error: must specify one of -f and -k\n"),
    ("kubectl debug x", 1, "error: you must specify --image when not using --copy-to.\n"),
    ("kubectl certificate approve csr-1", 1,
     'error: the server doesn\'t have a resource type "certificatesigningrequests"\n'),
    ("kubectl attach nope", 1, 'Error from server (NotFound): pods "nope" not found\n'),
])
def test_it_answers_the_remaining_commands_as_kubectl_does(started, line, status, stderr):
    result = started.sh(line)
    assert (result.status, result.stderr) == (status, stderr)


def test_completion_prints_kubectls_bash_script(started):
    script = started.sh("kubectl completion bash").stdout
    assert script.startswith("\n# Copyright 2016 The Kubernetes Authors.")
    assert "__start_kubectl" in script
