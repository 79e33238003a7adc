"""The real kubectl v1.32 writes to the simulated cluster, and the cluster reacts to it as it
reacts to the sandbox's own kubectl.

The state after the tutorial's first modules is served with a running clock (``serve-api
--clock real``); the real client and the simulated one get the same commands, each on its own
copy. ``apply -f`` and ``create -f`` validate the manifest as they do by default: they read
``/openapi/v3``, learn that the server checks fields itself, and send ``fieldValidation=Strict``.
The scale, set image, label, delete and watch paths are in ``tests/api/test_real_kubectl_writes``.
"""

from __future__ import annotations

import io
import json

import pytest

from cluster_engine.clock import FakeClock
from cluster_engine.script import run_script
from oracle_support import NO_REAL_KUBECTL, REAL_KUBECTL, SandboxKubectl, Served

if not REAL_KUBECTL.exists():
    pytest.skip(NO_REAL_KUBECTL, allow_module_level=True)

TUTORIAL = [
    "minikube start",
    "kubectl create deployment kubernetes-bootcamp "
    "--image=gcr.io/google-samples/kubernetes-bootcamp:v1",
    "kubectl expose deployment/kubernetes-bootcamp --type=NodePort --port 8080",
    "sleep 30",
]

DEPLOYMENT = """\
apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
  labels:
    app: web
spec:
  replicas: {replicas}
  selector:
    matchLabels:
      app: web
  template:
    metadata:
      labels:
        app: web
    spec:
      containers:
      - name: web
        image: {image}
"""

SERVICE = """\
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

#: What both sides are asked about the objects the writes made.
SHAPE = ("-o", "jsonpath={.spec.replicas} {.spec.template.spec.containers[0].image} "
         "{.metadata.annotations.kubectl\\.kubernetes\\.io/last-applied-configuration}")


@pytest.fixture(scope="module")
def tutorial_state() -> str:
    return run_script(TUTORIAL, io.StringIO(), FakeClock(), seed=3).state_json


@pytest.fixture
def both(tutorial_state, tmp_path):
    with Served(tutorial_state, tmp_path, "real") as real:
        yield real, SandboxKubectl(tutorial_state)


def run_both(both, *args: str, stdin: str | None = None):
    real, ours = both
    theirs = real.run(*args, stdin=stdin)
    return (theirs.returncode, theirs.stdout, theirs.stderr), tuple(ours.run(*args,
                                                                               stdin=stdin or ""))


def test_apply_creates_then_patches_with_validation_on(both):
    first = DEPLOYMENT.format(replicas=2, image="nginx:1.27")
    assert run_both(both, "apply", "-f", "-", stdin=first) == (
        (0, "deployment.apps/web created\n", ""),) * 2
    again = run_both(both, "apply", "-f", "-", stdin=first)
    assert again[0] == again[1] == (0, "deployment.apps/web unchanged\n", "")
    changed = DEPLOYMENT.format(replicas=3, image="nginx:1.28")
    assert run_both(both, "apply", "-f", "-", stdin=changed) == (
        (0, "deployment.apps/web configured\n", ""),) * 2
    real, ours = run_both(both, "get", "deployment", "web", *SHAPE)
    assert real == ours
    replicas, image, last_applied = real[1].split(" ", 2)
    assert (replicas, image) == ("3", "nginx:1.28")
    assert json.loads(last_applied)["spec"]["replicas"] == 3


def test_create_from_a_file_makes_the_same_service_and_refuses_a_second_one(both):
    real, ours = run_both(both, "create", "-f", "-", stdin=SERVICE)
    assert real == ours == (0, "service/web created\n", "")
    real, ours = run_both(both, "create", "-f", "-", stdin=SERVICE)
    assert real == ours
    assert real[0] == 1 and 'services "web" already exists' in real[2]
    ports = "jsonpath={.spec.type} {.spec.ports[0].port} {.spec.ports[0].targetPort}"
    real, ours = run_both(both, "get", "service", "web", "-o", ports)
    assert real == ours == (0, "ClusterIP 80 8080", "")


def test_rollout_undo_brings_back_the_previous_image_on_both(both):
    real_kubectl, sandbox = both
    update = ("set", "image", "deployments/kubernetes-bootcamp",
              "kubernetes-bootcamp=docker.io/jocatalin/kubernetes-bootcamp:v2")
    assert run_both(both, *update) == (
        (0, "deployment.apps/kubernetes-bootcamp image updated\n", ""),) * 2
    undone = run_both(both, "rollout", "undo", "deployments/kubernetes-bootcamp")
    assert undone[0] == undone[1] == (0, "deployment.apps/kubernetes-bootcamp rolled back\n", "")
    image = ("get", "deployment", "kubernetes-bootcamp", "-o",
             "jsonpath={.spec.template.spec.containers[0].image}")
    real, ours = run_both(both, *image)
    assert real == ours == (0, "gcr.io/google-samples/kubernetes-bootcamp:v1", "")


def test_expose_label_scale_and_delete_answer_alike(both):
    for args, answer in [
        (("expose", "deployment", "kubernetes-bootcamp", "--name=bootcamp-lb",
          "--type=LoadBalancer", "--port=8080"), "service/bootcamp-lb exposed\n"),
        (("label", "deployment", "kubernetes-bootcamp", "tier=web"),
         "deployment.apps/kubernetes-bootcamp labeled\n"),
        (("scale", "deployments/kubernetes-bootcamp", "--replicas=3"),
         "deployment.apps/kubernetes-bootcamp scaled\n"),
        (("delete", "service", "bootcamp-lb"), 'service "bootcamp-lb" deleted\n'),
    ]:
        assert run_both(both, *args) == ((0, answer, ""),) * 2, args
    shape = ("get", "deployment", "kubernetes-bootcamp", "-o",
             "jsonpath={.metadata.labels.tier} {.spec.replicas}")
    assert run_both(both, *shape) == ((0, "web 3", ""),) * 2
    gone = run_both(both, "get", "service", "bootcamp-lb")
    assert gone[0] == gone[1]
    assert gone[0][0] == 1


def test_set_resources_writes_canonical_amounts_and_refuses_requests_above_limits(both):
    args = ("set", "resources", "deployment", "kubernetes-bootcamp",
            "--limits=cpu=0.5,memory=1024Mi", "--requests=cpu=0.25")
    assert run_both(both, *args) == (
        (0, "deployment.apps/kubernetes-bootcamp resource requirements updated\n", ""),) * 2
    again = run_both(both, *args)
    assert again[0] == again[1] == (0, "", "")
    resources = ("get", "deployment", "kubernetes-bootcamp", "-o",
                 "jsonpath={.spec.template.spec.containers[0].resources}")
    real, ours = run_both(both, *resources)
    assert real == ours
    assert json.loads(real[1]) == {"limits": {"cpu": "500m", "memory": "1Gi"},
                                   "requests": {"cpu": "250m"}}
    for wrong in (("-c", "nobody", "--limits=cpu=1"), ("--limits=cpu",), ("--limits=cpu=lots",),
                  (), ("--requests=cpu=2",), ("--requests=cpu=2,memory=2Gi",)):
        real, ours = run_both(both, "set", "resources", "deployment", "kubernetes-bootcamp",
                              *wrong)
        assert real == ours and real[0] == 1


TYPO_DEPLOYMENT = DEPLOYMENT.format(replicas=1, image="nginx:1.27").replace(
    "  selector:", "  selectr:\n    matchLabels:\n      app: web\n  selector:").replace(
    "        image:", "        imagee: nginx\n        image:")


def test_unknown_fields_are_refused_warned_about_or_dropped_as_validate_asks(both):
    """kubectl sends ``fieldValidation`` and prints what the server answers; a typo in a manifest
    is refused by default, not dropped."""
    refused = run_both(both, "create", "-f", "-", stdin=TYPO_DEPLOYMENT)
    assert refused[0] == refused[1] == (
        1, "", 'Error from server (BadRequest): error when creating "STDIN": Deployment in '
               'version "v1" cannot be handled as a Deployment: strict decoding error: unknown '
               'field "spec.selectr", unknown field "spec.template.spec.containers[0].imagee"\n')
    applied = run_both(both, "apply", "-f", "-", "--validate", stdin=TYPO_DEPLOYMENT)
    assert applied[0] == applied[1] and applied[0][0] == 1
    bad_option = run_both(both, "create", "-f", "-", "--validate=maybe", stdin=TYPO_DEPLOYMENT)
    assert bad_option[0] == bad_option[1] and bad_option[0][0] == 1
    warned = run_both(both, "create", "-f", "-", "--validate=warn", stdin=TYPO_DEPLOYMENT)
    assert warned[0] == warned[1] == (
        0, "deployment.apps/web created\n",
        'Warning: unknown field "spec.selectr"\n'
        'Warning: unknown field "spec.template.spec.containers[0].imagee"\n')
    replaced = run_both(both, "replace", "-f", "-", "--validate=false", stdin=TYPO_DEPLOYMENT)
    assert replaced[0] == replaced[1] == (0, "deployment.apps/web replaced\n", "")


def test_field_errors_read_alike_from_the_real_kubectl_and_the_sandbox(both):
    """The Status of an Invalid refusal carries kind, name and causes, from which kubectl
    writes ``The Deployment "web" is invalid: ...``: one field error on the line, several as a
    list below it."""
    selectorless = DEPLOYMENT.format(replicas=1, image="nginx:1.27").replace(
        "  selector:\n    matchLabels:\n      app: web\n", "")
    real, ours = run_both(both, "create", "-f", "-", stdin=selectorless)
    assert real == ours == (
        1, "", 'The Deployment "web" is invalid: \n* spec.selector: Required value\n'
               '* spec.template.metadata.labels: Invalid value: map[string]string{"app":"web"}: '
               "`selector` does not match template `labels`\n")
    imageless = DEPLOYMENT.format(replicas=1, image="nginx").replace("        image: nginx\n", "")
    real, ours = run_both(both, "apply", "-f", "-", stdin=imageless)
    assert real == ours == (
        1, "", 'The Deployment "web" is invalid: spec.template.spec.containers[0].image: '
               "Required value\n")
