"""``kubectl apply|create|replace|delete -f``, ``run``, ``wait`` and ``edit`` against what the
real kubectl v1.32 prints (outputs captured from the real binary talking to the REST façade)."""

from __future__ import annotations

import io
import json

import pytest

from cluster_engine.commands import COMMANDS
from cluster_engine.tools.kubectl.apply import LAST_APPLIED, three_way_patch
from cluster_engine.tools.kubectl.app import KubectlError
from cluster_engine.tools.kubectl.manifests import parse_manifest
from cluster_engine.tools.kubectl.wait import Condition, parse_condition

from tool_sandbox import Machine, Result

BOOTCAMP = "gcr.io/google-samples/kubernetes-bootcamp:v1"

POD = f"""apiVersion: v1
kind: Pod
metadata:
  name: settings-demo
spec:
  containers:
  - name: app
    image: {BOOTCAMP}
"""

DEPLOYMENT = f"""apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
  labels:
    app: web
spec:
  replicas: 2
  selector:
    matchLabels:
      app: web
  template:
    metadata:
      labels:
        app: web
    spec:
      containers:
      - name: app
        image: {BOOTCAMP}
        env:
        - name: MODE
          value: blue
        - name: COLOUR
          value: red
        ports:
        - containerPort: 8080
---
apiVersion: v1
kind: Service
metadata:
  name: web
spec:
  selector:
    app: web
  ports:
  - port: 80
    targetPort: 8080
"""


def kubectl(machine: Machine, line: str, stdin: str = "") -> Result:
    out, err = io.StringIO(), io.StringIO()
    status = COMMANDS["kubectl"](["kubectl", *line.split()], io.StringIO(stdin), out, err,
                                 machine.ctx)
    return Result(status, out.getvalue(), err.getvalue())


def stored(machine: Machine, kind: str, name: str) -> dict:
    return json.loads(kubectl(machine, f"get {kind} {name} -o json").stdout)


# -- apply: create, unchanged, configured ---------------------------------------------------------
def test_it_prints_the_same_client_dry_run_pod_as_the_real_apply(started):
    result = kubectl(started, "apply -f - --dry-run=client -o yaml", POD)
    assert result.status == 0 and result.stderr == ""
    assert result.stdout == f"""apiVersion: v1
kind: Pod
metadata:
  annotations:
    kubectl.kubernetes.io/last-applied-configuration: |
      {{"apiVersion":"v1","kind":"Pod","metadata":{{"annotations":{{}},"name":"settings-demo","namespace":"default"}},"spec":{{"containers":[{{"image":"{BOOTCAMP}","name":"app"}}]}}}}
  name: settings-demo
  namespace: default
spec:
  containers:
  - image: {BOOTCAMP}
    name: app
"""


def test_it_creates_each_document_then_finds_them_unchanged(started):
    assert kubectl(started, "apply -f -", DEPLOYMENT).stdout == (
        "deployment.apps/web created\nservice/web created\n")
    again = kubectl(started, "apply -f -", DEPLOYMENT)
    assert (again.status, again.stdout, again.stderr) == (
        0, "deployment.apps/web unchanged\nservice/web unchanged\n", "")
    annotation = stored(started, "deployment", "web")["metadata"]["annotations"][LAST_APPLIED]
    assert annotation.endswith("}\n")
    assert json.loads(annotation)["metadata"] == {
        "annotations": {}, "labels": {"app": "web"}, "name": "web", "namespace": "default"}


def test_it_configures_what_changed_and_bumps_the_generation(started):
    kubectl(started, "apply -f -", DEPLOYMENT)
    result = kubectl(started, "apply -f -", DEPLOYMENT.replace("replicas: 2", "replicas: 3"))
    assert result.stdout == "deployment.apps/web configured\nservice/web unchanged\n"
    deployment = stored(started, "deployment", "web")
    assert deployment["spec"]["replicas"] == 3
    assert deployment["metadata"]["generation"] == 2


def test_it_removes_what_the_last_applied_manifest_had_and_the_new_one_drops(started):
    kubectl(started, "apply -f -", DEPLOYMENT)
    without_colour = DEPLOYMENT.replace("        - name: COLOUR\n          value: red\n", "")
    without_label = without_colour.replace("  labels:\n    app: web\nspec:\n  replicas",
                                           "spec:\n  replicas")
    assert kubectl(started, "apply -f -", without_label).status == 0
    deployment = stored(started, "deployment", "web")
    assert "labels" not in deployment["metadata"]
    container = deployment["spec"]["template"]["spec"]["containers"][0]
    assert container["env"] == [{"name": "MODE", "value": "blue"}]
    assert container["imagePullPolicy"] == "IfNotPresent"


def test_it_keeps_what_another_writer_set_when_the_manifest_does_not_mention_it(started):
    unsized = DEPLOYMENT.replace("  replicas: 2\n", "")
    kubectl(started, "apply -f -", unsized)
    assert kubectl(started, "scale deployment web --replicas=3").status == 0
    assert kubectl(started, "apply -f -", unsized).stdout.startswith(
        "deployment.apps/web unchanged\n")
    assert stored(started, "deployment", "web")["spec"]["replicas"] == 3


def test_it_patches_an_object_created_without_the_annotation_and_warns(started):
    kubectl(started, "create -f -", POD)
    result = kubectl(started, "apply -f -", POD)
    assert result.stdout == "pod/settings-demo configured\n"
    assert result.stderr == (
        "Warning: resource pods/settings-demo is missing the kubectl.kubernetes.io/"
        "last-applied-configuration annotation which is required by kubectl apply. kubectl "
        "apply should only be used on resources created declaratively by either kubectl create "
        "--save-config or kubectl apply. The missing annotation will be patched automatically.\n")
    assert LAST_APPLIED in stored(started, "pod", "settings-demo")["metadata"]["annotations"]


def test_it_reports_dry_runs_and_names_as_the_real_apply_does(started):
    kubectl(started, "apply -f -", DEPLOYMENT)
    changed = DEPLOYMENT.replace("replicas: 2", "replicas: 3")
    assert kubectl(started, "apply -f - --dry-run=server", DEPLOYMENT).stdout == (
        "deployment.apps/web unchanged (server dry run)\nservice/web unchanged (server dry run)\n")
    assert kubectl(started, "apply -f - --dry-run=client", DEPLOYMENT).stdout == (
        "deployment.apps/web configured (dry run)\nservice/web configured (dry run)\n")
    assert kubectl(started, "apply -f - -o name", changed).stdout == (
        "deployment.apps/web\nservice/web\n")
    assert stored(started, "deployment", "web")["spec"]["replicas"] == 3


def test_it_refuses_a_pod_spec_change_with_the_api_servers_words(started):
    kubectl(started, "apply -f -", POD)
    result = kubectl(started, "apply -f -", POD.replace("name: app", "name: other"))
    assert result.status == 1
    assert result.stderr.startswith(
        'The Pod "settings-demo" is invalid: spec: Forbidden: pod updates may not change fields '
        "other than `spec.containers[*].image`,")


def test_it_reads_lists_and_json(started):
    listed = ("apiVersion: v1\nkind: List\nitems:\n- apiVersion: v1\n  kind: ConfigMap\n"
              "  metadata:\n    name: l1\n")
    assert kubectl(started, "apply -f -", listed).stdout == "configmap/l1 created\n"
    as_json = '{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"j1"}}'
    assert kubectl(started, "apply -f -", as_json).stdout == "configmap/j1 created\n"


# -- apply: errors word for word ----------------------------------------------------------------
@pytest.mark.parametrize("manifest, message", [
    ("", "error: no objects passed to apply\n"),
    ("---\n---\n", "error: no objects passed to apply\n"),
    ("hello", 'error: unable to decode "STDIN": json: cannot unmarshal string into Go value of '
              "type unstructured.detector\n"),
    ("apiVersion: v1\nmetadata:\n  name: x\n",
     'error: unable to decode "STDIN": Object \'Kind\' is missing in '
     '\'{"apiVersion":"v1","metadata":{"name":"x"}}\'\n'),
    ("apiVersion: v1\nkind: Pod\nmetadata:\n  name: x\n  bad: [\n",
     "error: error parsing STDIN: error converting YAML to JSON: yaml: line 5: did not find "
     "expected node content\n"),
    ("apiVersion: v1\nkind: Pod\nmetadata:\n  name: x\n   bad: 1\n",
     "error: error parsing STDIN: error converting YAML to JSON: yaml: line 5: mapping values "
     "are not allowed in this context\n"),
    ("apiVersion: v1\nkind: Pod\nmetadata:\n\tname: x\n",
     "error: error parsing STDIN: error converting YAML to JSON: yaml: line 4: found character "
     "that cannot start any token\n"),
    ("a:\n  - b\n  c: d\n",
     "error: error parsing STDIN: error converting YAML to JSON: yaml: line 2: did not find "
     "expected '-' indicator\n"),
    ('a: "x\n', "error: error parsing STDIN: error converting YAML to JSON: yaml: line 2: found "
                "unexpected end of stream\n"),
    ("apiVersion: apps/v2\nkind: Deployment\nmetadata:\n  name: x\n",
     'error: resource mapping not found for name: "x" namespace: "" from "STDIN": no matches '
     'for kind "Deployment" in version "apps/v2"\nensure CRDs are installed first\n'),
])
def test_it_refuses_bad_manifests_as_the_real_apply_does(started, manifest, message):
    result = kubectl(started, "apply -f -", manifest)
    assert (result.status, result.stdout, result.stderr) == (1, "", message)


def test_it_changes_nothing_when_a_later_document_is_broken(started):
    broken = POD + "---\nkind: [\n"
    assert kubectl(started, "apply -f -", broken).status == 1
    assert kubectl(started, "get pods").stderr == "No resources found in default namespace.\n"


def test_it_names_the_missing_path_and_refuses_extra_arguments(started):
    assert kubectl(started, "apply -f nope.yaml").stderr == (
        'error: the path "nope.yaml" does not exist\n')
    assert kubectl(started, "apply -f - extra").stderr == (
        "error: Unexpected args: [extra]\nSee 'kubectl apply -h' for help and examples\n")
    assert kubectl(started, "apply").stderr == "error: must specify one of -f and -k\n"


def test_it_keeps_yaml_timestamps_as_strings():
    [config_map] = parse_manifest("kind: ConfigMap\ndata:\n  day: 2024-01-31\n", "STDIN")
    assert config_map["data"] == {"day": "2024-01-31"}


# -- the three-way patch --------------------------------------------------------------------------
def test_the_patch_merges_containers_by_name_and_deletes_dropped_ones():
    last = {"containers": [{"name": "a", "image": "x", "args": ["1"]}, {"name": "b", "image": "y"}]}
    manifest = {"containers": [{"name": "a", "image": "z"}]}
    assert three_way_patch(last, manifest) == {
        "containers": [{"name": "a", "image": "z", "args": None},
                       {"name": "b", "$patch": "delete"}]}


def test_the_patch_replaces_lists_without_a_merge_key_whole():
    assert three_way_patch({"args": ["1", "2"]}, {"args": ["3"]}) == {"args": ["3"]}


# -- create -f, replace -f, delete -f -------------------------------------------------------------
def test_create_from_a_file_refuses_what_exists_naming_the_source(started):
    assert kubectl(started, "create -f -", DEPLOYMENT).stdout == (
        "deployment.apps/web created\nservice/web created\n")
    again = kubectl(started, "create -f -", DEPLOYMENT)
    assert (again.status, again.stdout) == (1, "")
    assert again.stderr == (
        'Error from server (AlreadyExists): error when creating "STDIN": deployments.apps "web" '
        'already exists\nError from server (AlreadyExists): error when creating "STDIN": '
        'services "web" already exists\n')
    assert kubectl(started, "create -f -", "").stderr == "error: no objects passed to create\n"


def test_create_with_save_config_lets_apply_find_it_unchanged(started):
    kubectl(started, "create -f - --save-config", POD)
    result = kubectl(started, "apply -f -", POD)
    assert (result.stdout, result.stderr) == ("pod/settings-demo unchanged\n", "")


def test_replace_from_a_file_swaps_the_spec_and_refuses_what_is_missing(started):
    config_map = "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: c9\ndata:\n  a: b\n"
    missing = kubectl(started, "replace -f -", config_map)
    assert missing.stderr == ('Error from server (NotFound): error when replacing "STDIN": '
                              'configmaps "c9" not found\n')
    kubectl(started, "create -f -", config_map)
    assert kubectl(started, "replace -f -", config_map.replace("a: b", "a: c")).stdout == (
        "configmap/c9 replaced\n")
    assert stored(started, "configmap", "c9")["data"] == {"a": "c"}


def test_delete_from_a_file_deletes_each_object_then_reports_what_is_gone(started):
    kubectl(started, "apply -f -", DEPLOYMENT)
    assert kubectl(started, "delete -f -", DEPLOYMENT).stdout == (
        'deployment.apps "web" deleted\nservice "web" deleted\n')
    again = kubectl(started, "delete -f -", DEPLOYMENT)
    assert again.stderr == (
        'Error from server (NotFound): error when deleting "STDIN": deployments.apps "web" not '
        'found\nError from server (NotFound): error when deleting "STDIN": services "web" not '
        "found\n")
    assert kubectl(started, "delete -f - --ignore-not-found", DEPLOYMENT).status == 0
    assert kubectl(started, "delete -f - pod/x", DEPLOYMENT).stderr == (
        "error: resource/name arguments cannot be provided when a path is specified\n")


# -- run ------------------------------------------------------------------------------------------
def test_run_builds_the_same_pod_as_the_real_client(started):
    result = kubectl(started, "run x --image=nginx --port=80 --labels=a=b,c=d --restart=Never "
                              "--env=A=1 --dry-run=client -o json -- sleep 10")
    assert result.status == 0
    assert result.stdout == """{
    "kind": "Pod",
    "apiVersion": "v1",
    "metadata": {
        "name": "x",
        "creationTimestamp": null,
        "labels": {
            "a": "b",
            "c": "d"
        }
    },
    "spec": {
        "containers": [
            {
                "name": "x",
                "image": "nginx",
                "args": [
                    "sleep",
                    "10"
                ],
                "ports": [
                    {
                        "containerPort": 80
                    }
                ],
                "env": [
                    {
                        "name": "A",
                        "value": "1"
                    }
                ],
                "resources": {}
            }
        ],
        "restartPolicy": "Never",
        "dnsPolicy": "ClusterFirst"
    },
    "status": {}
}
"""


def test_run_creates_a_pod_that_starts(started):
    assert kubectl(started, f"run web --image={BOOTCAMP} --port=8080").stdout == (
        "pod/web created\n")
    started.ctx.sleep(20)
    pod = stored(started, "pod", "web")
    assert pod["metadata"]["labels"] == {"run": "web"}
    assert pod["status"]["phase"] == "Running"


@pytest.mark.parametrize("line, message", [
    ("run --image=nginx", "error: NAME is required for run\n"
                          "See 'kubectl run -h' for help and examples\n"),
    ("run x --image=nginx --restart=Bad", "error: invalid restart policy: Bad\n"
                                          "See 'kubectl run -h' for help and examples\n"),
    ("run x --image=nginx --rm", "error: --rm should only be used for attached containers\n"
                                 "See 'kubectl run -h' for help and examples\n"),
    ("run x --image=nginx --labels=bad", "error: unexpected label spec: bad\n"),
    ("run x --image=nginx --env=bad", "error: invalid env: bad\n"),
    ("run x --image=nginx --port=abc", 'error: strconv.Atoi: parsing "abc": invalid syntax\n'),
])
def test_run_refuses_bad_flags_as_the_real_client_does(started, line, message):
    result = kubectl(started, line)
    assert (result.status, result.stderr) == (1, message)


def test_run_explains_that_attaching_is_not_available(started):
    result = kubectl(started, "run sh --image=busybox -it --rm -- sh")
    assert result.status == 1
    assert "kubectl exec -it sh -- <command>" in result.stderr
    assert kubectl(started, "get pods").stdout == ""


# -- wait -----------------------------------------------------------------------------------------
def test_wait_returns_once_the_pod_is_ready(started):
    kubectl(started, f"run web --image={BOOTCAMP}")
    before = started.clock.now()
    result = kubectl(started, "wait --for=condition=Ready pod/web --timeout=60s")
    assert (result.status, result.stdout) == (0, "pod/web condition met\n")
    assert 0 < started.clock.now() - before < 60


def test_wait_times_out_after_the_timeout_in_kubectls_words(started):
    kubectl(started, f"run web --image={BOOTCAMP}")
    before = started.clock.now()
    result = kubectl(started, "wait --for=condition=Done pod/web --timeout=5s")
    assert (result.status, result.stderr) == (
        1, "error: timed out waiting for the condition on pods/web\n")
    assert started.clock.now() - before == pytest.approx(5)


def test_wait_for_delete_returns_when_the_pod_is_gone(started):
    kubectl(started, f"run web --image={BOOTCAMP}")
    started.ctx.sleep(10)
    kubectl(started, "delete pod web --wait=false")
    assert kubectl(started, "wait --for=delete pod/web").stdout == "pod/web condition met\n"
    assert kubectl(started, "get pods").stdout == ""
    assert kubectl(started, "wait --for=delete pod/web").status == 0


def test_wait_names_what_it_cannot_find(started):
    missing = kubectl(started, "wait --for=condition=Ready pod/nope")
    assert missing.stderr == 'Error from server (NotFound): pods "nope" not found\n'
    assert kubectl(started, "wait --for=condition=Ready pods -l app=none").stderr == (
        "error: no matching resources found\n")


@pytest.mark.parametrize("text, condition", [
    ("condition=Ready", Condition("condition", "Ready")),
    ("condition=Available=false", Condition("condition", "Available", "false")),
    ("delete", Condition("delete")),
    ("jsonpath={.status.phase}=Running", Condition("jsonpath", "{.status.phase}", "Running")),
    ("jsonpath=.status.phase", Condition("jsonpath", "{.status.phase}")),
])
def test_wait_understands_the_forms_of_for(text, condition):
    assert parse_condition(text) == condition


def test_wait_refuses_an_unknown_condition():
    with pytest.raises(KubectlError, match='unrecognized condition: "bogus"'):
        parse_condition("bogus")


# -- edit -----------------------------------------------------------------------------------------
def test_edit_reports_the_missing_editor_and_points_to_apply(started):
    kubectl(started, "create deployment web --image=nginx")
    result = kubectl(started, "edit deployment web")
    assert (result.status, result.stdout) == (1, "")
    assert result.stderr == (
        'error: there was a problem with the editor "vi": this terminal has no text editor; '
        "change the object by applying its new version, e.g. kubectl get deployment.apps/web "
        "-o yaml, then kubectl apply -f - <<EOF\n")
    assert kubectl(started, "edit deployment nope").stderr == (
        'Error from server (NotFound): deployments.apps "nope" not found\n')


def test_edit_names_the_editor_the_learner_chose(started):
    started.ctx.env["KUBE_EDITOR"] = "nano"
    kubectl(started, "create deployment web --image=nginx")
    assert 'the editor "nano"' in kubectl(started, "edit deploy/web").stderr


def test_it_refuses_a_manifest_namespace_that_contradicts_an_explicit_one(started):
    in_system = "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: x\n  namespace: kube-system\n"
    result = kubectl(started, "apply -n default -f -", in_system)
    assert result.stderr == (
        'error: the namespace from the provided object "kube-system" does not match the '
        "namespace \"default\". You must pass '--namespace=kube-system' to perform this "
        "operation.\n")
    assert kubectl(started, "apply -f -", in_system).stdout == "configmap/x created\n"
    assert stored(started, "configmap", "x -n kube-system")["metadata"]["namespace"] == \
        "kube-system"


def test_a_generated_manifest_reapplied_is_configured_without_a_new_generation(started):
    generated = kubectl(started, "create deployment gen --image=nginx --dry-run=client -o yaml")
    assert kubectl(started, "apply -f -", generated.stdout).stdout == (
        "deployment.apps/gen created\n")
    assert kubectl(started, "apply -f -", generated.stdout).stdout == (
        "deployment.apps/gen configured\n")
    deployment = stored(started, "deployment", "gen")
    assert deployment["metadata"]["generation"] == 1
    assert deployment["spec"]["template"]["metadata"]["creationTimestamp"] is None
