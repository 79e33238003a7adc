"""kubectl's write commands (create, expose, scale, set, label, annotate, delete, rollout) against
what the real kubectl v1.32 prints; dry-run objects were captured from the real binary."""

import json

import pytest

from cluster_engine.tools.kubectl.help import help_page
from cluster_engine.tools.kubectl.mutations import in_struct_order

from tool_sandbox import Machine

BOOTCAMP = "gcr.io/google-samples/kubernetes-bootcamp:v1"
KLOG = r"E\d{4} \d\d:\d\d:\d\d\.\d{6} +\d+ run\.go:72\] "


@pytest.fixture
def bootcamp(started: Machine) -> Machine:
    """Module 4's start: the bootcamp Deployment, its pod running."""
    created = started.sh(f"kubectl create deployment kubernetes-bootcamp --image={BOOTCAMP}")
    assert created.status == 0
    started.ctx.sleep(30)
    return started


def pod_names(machine: Machine) -> list[str]:
    return [line.split()[0] for line in machine.sh("kubectl get pods --no-headers").lines]


def stored(machine: Machine, kind: str, name: str) -> dict:
    return json.loads(machine.sh(f"kubectl get {kind} {name} -o json").stdout)


# -- create ----------------------------------------------------------------------------------------
def test_it_prints_the_same_deployment_as_the_real_client_side_dry_run(machine):
    result = machine.run("kubectl", "create", "deployment", "kb", "--image=gcr.io/x:v1",
                         "--replicas=3", "--port=8080", "--dry-run=client", "-o", "yaml",
                         "--", "node", "server.js")
    assert result.status == 0 and result.stderr == ""
    assert result.stdout == """apiVersion: apps/v1
kind: Deployment
metadata:
  creationTimestamp: null
  labels:
    app: kb
  name: kb
spec:
  replicas: 3
  selector:
    matchLabels:
      app: kb
  strategy: {}
  template:
    metadata:
      creationTimestamp: null
      labels:
        app: kb
    spec:
      containers:
      - command:
        - node
        - server.js
        image: gcr.io/x:v1
        name: x
        ports:
        - containerPort: 8080
        resources: {}
status: {}
"""


def test_it_prints_json_fields_in_go_struct_order_like_the_real_client():
    service = {"apiVersion": "v1", "kind": "Service",
               "metadata": {"creationTimestamp": None, "labels": {"b": "1", "a": "2"}, "name": "x"},
               "spec": {"ports": [{"name": "80", "port": 80, "protocol": "TCP", "targetPort": 80}],
                        "selector": {"app": "x"}, "type": "NodePort"},
               "status": {"loadBalancer": {}}}
    ordered = in_struct_order(service)
    assert list(ordered) == ["kind", "apiVersion", "metadata", "spec", "status"]
    assert list(ordered["metadata"]) == ["name", "creationTimestamp", "labels"]
    assert list(ordered["metadata"]["labels"]) == ["a", "b"]
    assert list(ordered["spec"]) == ["ports", "selector", "type"]
    assert list(ordered["spec"]["ports"][0]) == ["name", "protocol", "port", "targetPort"]


def test_it_names_duplicate_image_containers_with_random_suffixes(machine):
    result = machine.run("kubectl", "create", "deployment", "x", "--image=a_b:1", "--image=a_b:2",
                         "--dry-run=client", "-o", "yaml")
    names = [line.split(": ")[1] for line in result.lines if line.startswith("        name: ")]
    assert len(names) == 2 and names[0] != names[1]
    assert all(name.startswith("a-b-") and len(name) == len("a-b-") + 5 for name in names)


def test_it_creates_the_bootcamp_deployment_and_its_pod(started):
    result = started.sh(f"kubectl create deployment kubernetes-bootcamp --image={BOOTCAMP}")
    assert (result.status, result.stdout, result.stderr) == (
        0, "deployment.apps/kubernetes-bootcamp created\n", "")
    deployment = stored(started, "deployment", "kubernetes-bootcamp")
    assert deployment["spec"]["strategy"]["rollingUpdate"] == {"maxSurge": "25%",
                                                               "maxUnavailable": "25%"}
    assert deployment["metadata"]["generation"] == 1
    assert len(pod_names(started)) == 1


def test_it_refuses_a_deployment_that_exists_in_create_deployments_words(bootcamp):
    result = bootcamp.sh(f"kubectl create deployment kubernetes-bootcamp --image={BOOTCAMP}")
    assert (result.status, result.stdout) == (1, "")
    assert result.stderr == ('error: failed to create deployment: deployments.apps '
                             '"kubernetes-bootcamp" already exists\n')


def test_it_reports_a_missing_image_flag_through_klog_like_kubectl_1_32(machine):
    import re

    result = machine.sh("kubectl create deployment web")
    assert result.status == 1
    assert re.fullmatch(KLOG + r'"command failed" err="required flag\(s\) \\"image\\" not set"\n',
                        result.stderr)


def test_it_wants_exactly_one_name_for_a_deployment(machine):
    result = machine.sh("kubectl create deployment a b --image=x")
    assert (result.status, result.stderr) == (
        1, "error: exactly one NAME is required, got 2\n"
           "See 'kubectl create deployment -h' for help and examples\n")
    assert machine.sh("kubectl create deployment x --image=a --image=b -- sleep 1").stderr == (
        "error: cannot specify multiple --image options and command\n")


def test_it_rejects_a_dry_run_value_it_does_not_know(machine):
    result = machine.sh("kubectl create deployment x --image=y --dry-run=maybe")
    assert result.stderr == ('error: Invalid dry-run value (maybe). Must be "none", "server", or '
                             '"client".\n')


def test_server_refusals_of_a_generated_object_are_framed_as_the_generator_frames_them(started):
    assert started.sh("kubectl create deployment Web --image=nginx").stderr == (
        'error: failed to create deployment: Deployment.apps "Web" is invalid: metadata.name: '
        "Invalid value: \"Web\": a lowercase RFC 1123 subdomain must consist of lower case "
        "alphanumeric characters, '-' or '.', and must start and end with an alphanumeric "
        "character (e.g. 'example.com', regex used for validation is "
        "'[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')\n")
    started.sh("kubectl create deployment web --image=nginx")
    assert started.sh("kubectl expose deployment web --port=80 --type=Foo").stderr == (
        'The Service "web" is invalid: spec.type: Unsupported value: "Foo": supported values: '
        '"ClusterIP", "ExternalName", "LoadBalancer", "NodePort"\n')
    assert started.sh("kubectl create namespace learning").status == 0
    assert started.sh("kubectl create namespace learning").stderr == (
        'Error from server (AlreadyExists): namespaces "learning" already exists\n')


def test_it_creates_services_of_each_type_with_their_generated_ports(started):
    result = started.run("kubectl", "create", "service", "clusterip", "web", "--tcp=80:8080",
                         "--tcp=443", "--dry-run=client", "-o", "yaml")
    assert result.stdout == """apiVersion: v1
kind: Service
metadata:
  creationTimestamp: null
  labels:
    app: web
  name: web
spec:
  ports:
  - name: 80-8080
    port: 80
    protocol: TCP
    targetPort: 8080
  - name: "443"
    port: 443
    protocol: TCP
    targetPort: 443
  selector:
    app: web
  type: ClusterIP
status:
  loadBalancer: {}
"""
    assert started.sh("kubectl create svc nodeport web --tcp=80").stdout == "service/web created\n"
    service = stored(started, "service", "web")
    assert 30000 <= service["spec"]["ports"][0]["nodePort"] <= 32767
    assert started.sh("kubectl create service nodeport web --tcp=80").stderr == (
        'error: failed to create NodePort service: services "web" already exists\n')
    assert started.sh("kubectl create service loadbalancer lb").stderr == (
        "error: at least one tcp port specifier must be provided\n")
    assert started.sh("kubectl create service clusterip bad --tcp=abc").stderr == (
        'error: strconv.ParseUint: parsing "abc": invalid syntax\n')


def test_it_creates_namespaces_configmaps_and_secrets(started):
    assert started.sh("kubectl create namespace learning").stdout == "namespace/learning created\n"
    assert stored(started, "namespace", "learning")["status"] == {"phase": "Active"}
    result = started.run("kubectl", "create", "configmap", "settings",
                         "--from-literal=mode=fast,safe", "--from-literal=level=3")
    assert result.stdout == "configmap/settings created\n"
    assert stored(started, "configmap", "settings")["data"] == {"level": "3",
                                                                "mode": "fast,safe"}
    assert started.sh("kubectl create cm broken --from-literal=nokey").stderr == (
        "error: invalid literal source nokey, expected key=value\n")
    assert started.sh("kubectl create secret generic login --from-literal=password=s3cret"
                      ).stdout == "secret/login created\n"
    secret = stored(started, "secret", "login")
    assert (secret["data"], secret["type"]) == ({"password": "czNjcmV0"}, "Opaque")


def test_create_secret_alone_prints_its_help_on_stderr_and_fails(machine):
    result = machine.sh("kubectl create secret")
    assert (result.status, result.stdout) == (1, "")
    assert result.stderr == help_page("kubectl-create-secret")
    assert machine.sh("kubectl create secret nope").stderr == (
        "error: unknown command \"nope\"\nSee 'kubectl create secret -h' for help and examples\n")


def test_subcommand_help_is_the_captured_page(machine):
    for line, page in (("kubectl create deployment --help", "kubectl-create-deployment"),
                       ("kubectl create deploy -h", "kubectl-create-deployment"),
                       ("kubectl set image --help", "kubectl-set-image"),
                       ("kubectl rollout undo --help", "kubectl-rollout-undo")):
        result = machine.sh(line)
        assert (result.status, result.stdout) == (0, help_page(page)), line


# -- expose ----------------------------------------------------------------------------------------
def test_it_exposes_the_bootcamp_deployment_as_a_node_port_service(bootcamp):
    result = bootcamp.sh("kubectl expose deployment/kubernetes-bootcamp --type=NodePort "
                         "--port 8080")
    assert (result.status, result.stdout) == (0, "service/kubernetes-bootcamp exposed\n")
    service = stored(bootcamp, "service", "kubernetes-bootcamp")
    assert service["metadata"]["labels"] == {"app": "kubernetes-bootcamp"}
    assert service["spec"]["selector"] == {"app": "kubernetes-bootcamp"}
    assert service["spec"]["type"] == "NodePort"
    port = service["spec"]["ports"][0]
    assert (port["port"], port["targetPort"], port["protocol"]) == (8080, 8080, "TCP")
    endpoints = bootcamp.sh("kubectl get endpoints kubernetes-bootcamp --no-headers").stdout
    assert ":8080" in endpoints
    again = bootcamp.sh("kubectl expose deployment kubernetes-bootcamp --type=NodePort --port 8080")
    assert (again.status, again.stderr) == (
        1, 'Error from server (AlreadyExists): services "kubernetes-bootcamp" already exists\n')


def test_it_finds_no_port_to_expose_when_the_template_declares_none(bootcamp):
    result = bootcamp.sh("kubectl expose deployment kubernetes-bootcamp --name=other")
    assert result.stderr == "error: couldn't find port via --port flag or introspection\n"


def test_it_exposes_pods_and_services_and_takes_declared_ports(started):
    started.sh("kubectl create deployment web --image=nginx:1.27 --port=80")
    started.ctx.sleep(20)
    pod = pod_names(started)[0]
    assert started.sh(f"kubectl expose pod {pod} --name=one-pod").stdout == (
        "service/one-pod exposed\n")
    assert stored(started, "service", "one-pod")["spec"]["ports"][0]["port"] == 80
    result = started.sh("kubectl expose service one-pod --name=copy --port=81 --target-port=80 "
                        "--type=LoadBalancer")
    assert result.stdout == "service/copy exposed\n"
    copy = stored(started, "service", "copy")
    assert copy["spec"]["selector"] == stored(started, "service", "one-pod")["spec"]["selector"]
    assert (copy["spec"]["type"], copy["spec"]["ports"][0]["targetPort"]) == ("LoadBalancer", 80)
    assert started.sh("kubectl expose deployment nothere --port=80").stderr == (
        'Error from server (NotFound): deployments.apps "nothere" not found\n')
    assert started.sh("kubectl expose").stderr.startswith(
        "error: You must provide one or more resources by argument or filename.\n")


# -- scale, set ------------------------------------------------------------------------------------
def test_it_scales_a_deployment_and_the_controllers_follow(bootcamp):
    result = bootcamp.sh("kubectl scale deployments/kubernetes-bootcamp --replicas=4")
    assert (result.status, result.stdout) == (0, "deployment.apps/kubernetes-bootcamp scaled\n")
    assert bootcamp.sh("kubectl get deployments --no-headers").stdout.split()[1] == "1/4"
    bootcamp.ctx.sleep(30)
    assert bootcamp.sh("kubectl get deployments --no-headers").stdout.split()[1] == "4/4"
    assert stored(bootcamp, "deployment", "kubernetes-bootcamp")["metadata"]["generation"] == 2


def test_it_checks_current_replicas_and_the_replicas_flag(bootcamp):
    import re

    assert bootcamp.sh("kubectl scale deploy/kubernetes-bootcamp --replicas=3 "
                       "--current-replicas=2").stderr == "error: Expected replicas to be 2, was 1\n"
    missing = bootcamp.sh("kubectl scale deploy/kubernetes-bootcamp")
    assert re.fullmatch(
        KLOG + r'"command failed" err="required flag\(s\) \\"replicas\\" not set"\n',
        missing.stderr)
    assert bootcamp.sh("kubectl scale deploy/nothere --replicas=2").stderr == (
        'Error from server (NotFound): deployments.apps "nothere" not found\n')
    assert bootcamp.sh("kubectl scale rs --all --replicas=1").stdout.startswith(
        "replicaset.apps/kubernetes-bootcamp-")


def test_it_sets_images_by_container_name_or_star(bootcamp):
    result = bootcamp.sh("kubectl set image deployments/kubernetes-bootcamp "
                         "kubernetes-bootcamp=docker.io/jocatalin/kubernetes-bootcamp:v2")
    assert (result.status, result.stdout) == (
        0, "deployment.apps/kubernetes-bootcamp image updated\n")
    template = stored(bootcamp, "deployment", "kubernetes-bootcamp")["spec"]["template"]
    assert template["spec"]["containers"][0]["image"] == (
        "docker.io/jocatalin/kubernetes-bootcamp:v2")
    bootcamp.run("kubectl", "set", "image", "deploy/kubernetes-bootcamp", "*=nginx")
    template = stored(bootcamp, "deployment", "kubernetes-bootcamp")["spec"]["template"]
    assert template["spec"]["containers"][0]["image"] == "nginx"
    assert bootcamp.sh("kubectl set image deploy/kubernetes-bootcamp nosuch=x").stderr == (
        'error: unable to find container named "nosuch"\n')
    assert bootcamp.sh("kubectl set image deploy/kubernetes-bootcamp").stderr == (
        "error: at least one image update is required\n")
    unchanged = bootcamp.run("kubectl", "set", "image", "deploy/kubernetes-bootcamp", "*=nginx")
    assert (unchanged.status, unchanged.stdout, unchanged.stderr) == (0, "", "")
    both = bootcamp.run("kubectl", "set", "image", "deploy/kubernetes-bootcamp",
                        "kubernetes-bootcamp=nginx:1.27", "a=b", "c=d")
    assert both.stdout == "deployment.apps/kubernetes-bootcamp image updated\n"
    assert both.stderr == ('error: [error: unable to find container named "a", '
                           'error: unable to find container named "c"]\n')


def test_it_sets_and_removes_environment_variables(bootcamp):
    assert bootcamp.sh("kubectl set env deploy/kubernetes-bootcamp MODE=debug LEVEL=3").stdout == (
        "deployment.apps/kubernetes-bootcamp env updated\n")
    container = stored(bootcamp, "deployment", "kubernetes-bootcamp")["spec"]["template"]["spec"][
        "containers"][0]
    assert container["env"] == [{"name": "MODE", "value": "debug"}, {"name": "LEVEL", "value": "3"}]
    assert bootcamp.sh("kubectl set env deploy/kubernetes-bootcamp LEVEL=3").stdout == ""
    refused = bootcamp.sh("kubectl set env deploy/kubernetes-bootcamp LEVEL=4 --overwrite=false")
    assert refused.stderr == "error: 'LEVEL' already has a value (3), and --overwrite is false\n"
    bootcamp.sh("kubectl set env deploy/kubernetes-bootcamp MODE-")
    container = stored(bootcamp, "deployment", "kubernetes-bootcamp")["spec"]["template"]["spec"][
        "containers"][0]
    assert container["env"] == [{"name": "LEVEL", "value": "3"}]


# -- label, annotate -----------------------------------------------------------------------------
def test_it_labels_and_unlabels_a_pod_and_guards_existing_values(bootcamp):
    pod = pod_names(bootcamp)[0]
    assert bootcamp.sh(f"kubectl label pods {pod} version=v1").stdout == f"pod/{pod} labeled\n"
    assert bootcamp.sh("kubectl get pods -l version=v1 --no-headers").stdout.startswith(pod)
    refused = bootcamp.sh(f"kubectl label pods {pod} version=v2")
    assert (refused.status, refused.stderr) == (
        1, "error: 'version' already has a value (v1), and --overwrite is false\n")
    assert bootcamp.sh(f"kubectl label pods {pod} version=v2 --overwrite").stdout == (
        f"pod/{pod} labeled\n")
    assert bootcamp.sh(f"kubectl label pod/{pod} version-").stdout == f"pod/{pod} unlabeled\n"
    assert bootcamp.sh(f"kubectl label pod/{pod} version-").stdout == (
        f'label "version" not found.\npod/{pod} not labeled\n')
    assert bootcamp.sh(f"kubectl label pod/{pod} version=v3 version-").stderr == (
        "error: can not both modify and remove a label in the same command\n")
    assert bootcamp.sh(f"kubectl label pod/{pod} a=b pods").stderr == (
        "error: all resources must be specified before label changes: pods\n")
    assert bootcamp.sh(f"kubectl label pod/{pod} a=b=c").stderr == (
        "error: invalid label spec: a=b=c\n")
    assert bootcamp.sh("kubectl label a=b").stderr == (
        "error: one or more resources must be specified as <resource> <name> or "
        "<resource>/<name>\n")
    assert bootcamp.sh("kubectl label pods --all tier=web").stdout == f"pod/{pod} labeled\n"
    assert bootcamp.sh(f"kubectl label pods {pod}").stderr == (
        "error: at least one label update is required\n")
    assert bootcamp.sh("kubectl label pods nothere a=b").stderr == (
        'Error from server (NotFound): pods "nothere" not found\n')


def test_it_annotates_objects(bootcamp):
    result = bootcamp.run("kubectl", "annotate", "deployment", "kubernetes-bootcamp",
                          "kubernetes.io/change-cause=first")
    assert result.stdout == "deployment.apps/kubernetes-bootcamp annotated\n"
    annotations = stored(bootcamp, "deployment", "kubernetes-bootcamp")["metadata"]["annotations"]
    assert annotations["kubernetes.io/change-cause"] == "first"
    assert bootcamp.sh("kubectl annotate deployment kubernetes-bootcamp owner=a").status == 0
    assert bootcamp.sh("kubectl annotate deployment kubernetes-bootcamp owner=b").stderr == (
        "error: --overwrite is false but found the following declared annotation(s): 'owner' "
        "already has a value (a)\n")
    assert bootcamp.sh("kubectl annotate deployment kubernetes-bootcamp "
                       "kubernetes.io/change-cause=second").status == 0
    assert bootcamp.sh("kubectl annotate deployment kubernetes-bootcamp").stderr == (
        "error: at least one annotation update is required\n")


# -- delete ----------------------------------------------------------------------------------------
def test_it_deletes_a_pod_and_waits_for_its_grace_period(bootcamp):
    pod = pod_names(bootcamp)[0]
    before = bootcamp.clock.now()
    result = bootcamp.sh(f"kubectl delete pod {pod}")
    assert (result.status, result.stdout) == (0, f'pod "{pod}" deleted\n')
    waited = bootcamp.clock.now() - before
    assert 25 <= waited <= 32, "the bootcamp app ignores SIGTERM, so the pod lasts its 30 s"
    assert pod not in pod_names(bootcamp)


def test_it_does_not_wait_when_told_not_to_and_shows_terminating_pods(bootcamp):
    pod = pod_names(bootcamp)[0]
    before = bootcamp.clock.now()
    assert bootcamp.sh(f"kubectl delete pod {pod} --wait=false").stdout == f'pod "{pod}" deleted\n'
    assert bootcamp.clock.now() == before
    rows = bootcamp.sh("kubectl get pods --no-headers").lines
    assert any(row.startswith(pod) and "Terminating" in row for row in rows)


def test_it_deletes_the_deployment_and_service_of_the_tutorial_and_cascades(bootcamp):
    bootcamp.sh("kubectl expose deployment/kubernetes-bootcamp --type=NodePort --port 8080")
    result = bootcamp.sh("kubectl delete deployments/kubernetes-bootcamp "
                         "services/kubernetes-bootcamp")
    assert (result.status, result.stdout) == (
        0, 'deployment.apps "kubernetes-bootcamp" deleted\nservice "kubernetes-bootcamp" deleted\n')
    assert bootcamp.sh("kubectl get rs").stderr == "No resources found in default namespace.\n"
    assert "Terminating" in bootcamp.sh("kubectl get pods").stdout
    bootcamp.ctx.sleep(31)
    assert bootcamp.sh("kubectl get pods").stderr == "No resources found in default namespace.\n"


def test_it_deletes_by_selector_and_reports_what_it_cannot_find(bootcamp):
    bootcamp.sh("kubectl expose deployment/kubernetes-bootcamp --port 8080")
    assert bootcamp.sh("kubectl delete service -l app=kubernetes-bootcamp").stdout == (
        'service "kubernetes-bootcamp" deleted\n')
    assert bootcamp.sh("kubectl delete service -l app=kubernetes-bootcamp").stdout == (
        "No resources found\n")
    missing = bootcamp.sh("kubectl delete deployment nothere")
    assert (missing.status, missing.stderr) == (
        1, 'Error from server (NotFound): deployments.apps "nothere" not found\n')
    assert bootcamp.sh("kubectl delete deployment nothere --ignore-not-found").status == 0
    assert bootcamp.sh("kubectl delete pods").stderr == (
        "error: resource(s) were provided, but no name was specified\n")
    assert bootcamp.sh("kubectl delete pods --all --now --wait=false").stdout.endswith(
        " deleted\n")


def test_orphan_cascade_keeps_the_replica_set_and_its_pods(bootcamp):
    result = bootcamp.sh("kubectl delete deployment kubernetes-bootcamp --cascade=orphan")
    assert result.stdout == 'deployment.apps "kubernetes-bootcamp" deleted\n'
    replica_set = bootcamp.sh("kubectl get rs --no-headers").stdout
    assert replica_set.startswith("kubernetes-bootcamp-") and len(pod_names(bootcamp)) == 1
    assert bootcamp.sh("kubectl delete deploy x --cascade=maybe").stderr == (
        'error: invalid cascade value (maybe). Must be "background", "foreground", or "orphan".\n')


def test_selector_and_names_are_refused_before_the_server_is_asked(machine):
    assert machine.sh("kubectl delete pod x --all").stderr == (
        "error: name cannot be provided when a selector is specified\n")
    assert machine.sh("kubectl label pods --all -l a=b c=d").stderr == (
        "error: cannot set --all and --selector at the same time\n")


def test_force_deletion_warns_and_removes_the_pod_at_once(bootcamp):
    pod = pod_names(bootcamp)[0]
    result = bootcamp.sh(f"kubectl delete pod {pod} --grace-period=0 --force")
    assert result.stdout == f'pod "{pod}" force deleted\n'
    assert result.stderr.startswith("Warning: Immediate deletion does not wait for confirmation")
    assert pod not in pod_names(bootcamp)


# -- rollout ---------------------------------------------------------------------------------------
def test_rollout_status_follows_a_rolling_update_to_the_end(bootcamp):
    bootcamp.sh("kubectl scale deployments/kubernetes-bootcamp --replicas=4")
    bootcamp.ctx.sleep(30)
    bootcamp.sh("kubectl set image deployments/kubernetes-bootcamp "
                "kubernetes-bootcamp=docker.io/jocatalin/kubernetes-bootcamp:v2")
    result = bootcamp.sh("kubectl rollout status deployments/kubernetes-bootcamp")
    assert result.status == 0
    prefix = 'Waiting for deployment "kubernetes-bootcamp" rollout to finish: '
    assert all(line.startswith(prefix) for line in result.lines[:-1]) and len(result.lines) > 1
    assert result.lines[-1] == 'deployment "kubernetes-bootcamp" successfully rolled out'


def test_rollout_status_times_out_on_a_broken_image_and_undo_restores_v1(bootcamp):
    bootcamp.sh("kubectl scale deployments/kubernetes-bootcamp --replicas=4")
    bootcamp.ctx.sleep(30)
    bootcamp.sh("kubectl set image deployments/kubernetes-bootcamp "
                "kubernetes-bootcamp=gcr.io/google-samples/kubernetes-bootcamp:v10")
    result = bootcamp.sh("kubectl rollout status deployments/kubernetes-bootcamp --timeout=30s")
    assert result.status == 1
    assert result.lines == ['Waiting for deployment "kubernetes-bootcamp" rollout to finish: '
                            "2 out of 4 new replicas have been updated..."]
    assert result.stderr == "error: timed out waiting for the condition\n"
    assert bootcamp.sh("kubectl get deploy --no-headers").stdout.split()[1:4] == ["3/4", "2", "3"]
    assert bootcamp.sh("kubectl rollout undo deployments/kubernetes-bootcamp").stdout == (
        "deployment.apps/kubernetes-bootcamp rolled back\n")
    assert bootcamp.sh("kubectl rollout status deploy/kubernetes-bootcamp").lines[-1] == (
        'deployment "kubernetes-bootcamp" successfully rolled out')
    images = stored(bootcamp, "deployment", "kubernetes-bootcamp")["spec"]["template"]["spec"]
    assert images["containers"][0]["image"] == BOOTCAMP


def test_rollout_status_without_watch_prints_one_line(bootcamp):
    bootcamp.sh("kubectl set image deploy/kubernetes-bootcamp kubernetes-bootcamp=nginx:1.27")
    before = bootcamp.clock.now()
    result = bootcamp.sh("kubectl rollout status deploy/kubernetes-bootcamp --watch=false")
    assert len(result.lines) == 1 and bootcamp.clock.now() == before


def test_rollout_history_lists_revisions_with_kubectls_spacing(bootcamp):
    assert bootcamp.sh("kubectl rollout history deployment/kubernetes-bootcamp").stdout == (
        "deployment.apps/kubernetes-bootcamp \nREVISION  CHANGE-CAUSE\n1         <none>\n\n")
    bootcamp.sh("kubectl set image deploy/kubernetes-bootcamp "
                "kubernetes-bootcamp=docker.io/jocatalin/kubernetes-bootcamp:v2")
    bootcamp.run("kubectl", "annotate", "deployment", "kubernetes-bootcamp",
                 "kubernetes.io/change-cause=to v2")
    assert bootcamp.sh("kubectl rollout history deploy/kubernetes-bootcamp").stdout == (
        "deployment.apps/kubernetes-bootcamp \nREVISION  CHANGE-CAUSE\n1         <none>\n"
        "2         to v2\n\n")
    page = bootcamp.sh("kubectl rollout history deploy/kubernetes-bootcamp --revision=1").stdout
    assert page.startswith("deployment.apps/kubernetes-bootcamp with revision #1\nPod Template:\n"
                           "  Labels:\tapp=kubernetes-bootcamp\n\tpod-template-hash=")
    assert f"    Image:\t{BOOTCAMP}\n" in page and page.endswith("\n\n")
    missing = bootcamp.sh("kubectl rollout history deploy/kubernetes-bootcamp --revision=9")
    assert missing.stderr == "error: unable to find the specified revision\n"


def test_rollout_undo_errors_are_kubectls(bootcamp):
    assert bootcamp.sh("kubectl rollout undo deploy/kubernetes-bootcamp").stderr == (
        'error: no rollout history found for deployment "kubernetes-bootcamp"\n')
    missing = bootcamp.sh("kubectl rollout undo deploy/kubernetes-bootcamp --to-revision=5")
    assert missing.stderr == "error: unable to find specified revision 5 in history\n"
    assert bootcamp.sh("kubectl rollout undo").stderr == "error: required resource not specified\n"


def test_rollout_pause_resume_and_restart(bootcamp):
    assert bootcamp.sh("kubectl rollout pause deploy/kubernetes-bootcamp").stdout == (
        "deployment.apps/kubernetes-bootcamp paused\n")
    assert bootcamp.sh("kubectl rollout pause deploy/kubernetes-bootcamp").stdout == (
        "deployment.apps/kubernetes-bootcamp already paused\n")
    assert bootcamp.sh("kubectl rollout restart deploy/kubernetes-bootcamp").stderr == (
        'error: deployments.apps "kubernetes-bootcamp" can\'t restart paused deployment (run '
        "rollout resume first)\n")
    assert bootcamp.sh("kubectl rollout resume deploy/kubernetes-bootcamp").stdout == (
        "deployment.apps/kubernetes-bootcamp resumed\n")
    assert bootcamp.sh("kubectl rollout resume deploy/kubernetes-bootcamp").stdout == (
        "deployment.apps/kubernetes-bootcamp already resumed\n")
    assert bootcamp.sh("kubectl rollout restart deploy/kubernetes-bootcamp").stdout == (
        "deployment.apps/kubernetes-bootcamp restarted\n")
    template = stored(bootcamp, "deployment", "kubernetes-bootcamp")["spec"]["template"]
    assert "kubectl.kubernetes.io/restartedAt" in template["metadata"]["annotations"]
    assert bootcamp.sh("kubectl rollout restart deploy/kubernetes-bootcamp").stderr == (
        "error: failed to create patch for kubernetes-bootcamp: if restart has already been "
        "triggered within the past second, please wait before attempting to trigger another\n")


def test_rollout_alone_prints_its_help_on_stderr(machine):
    result = machine.sh("kubectl rollout")
    assert (result.status, result.stderr) == (1, help_page("kubectl-rollout"))


# -- files -----------------------------------------------------------------------------------------
def test_configmaps_read_files_directories_and_env_files_from_the_learners_machine(started):
    from cluster_engine.shell.filesystem import SandboxFileSystem

    fs = started.ctx.fs = SandboxFileSystem(started.sandbox)
    fs.mkdir("/home/learner/conf")
    fs.write("/home/learner/conf/app.properties", "mode=fast\n")
    fs.write("/home/learner/settings.env", "# comment\n\nLEVEL=3\n  NAME=bootcamp \nHOME\n")
    result = started.run("kubectl", "create", "configmap", "files", "--from-file=conf",
                         "--from-file=renamed=conf/app.properties", "--dry-run=client", "-o",
                         "json")
    assert json.loads(result.stdout)["data"] == {"app.properties": "mode=fast\n",
                                                 "renamed": "mode=fast\n"}
    result = started.run("kubectl", "create", "configmap", "env", "--from-env-file=settings.env",
                         "--dry-run=client", "-o", "json")
    assert json.loads(result.stdout)["data"] == {"LEVEL": "3", "NAME": "bootcamp ",
                                                 "HOME": "/home/learner"}
    assert started.sh("kubectl create configmap x --from-file=nope").stderr == (
        "error: error reading nope: no such file or directory\n")
    assert started.sh("kubectl create configmap x --from-env-file=settings.env "
                      "--from-literal=a=b").stderr == (
        "error: from-env-file cannot be combined with from-file or from-literal\n")
    fs.write("/home/learner/bad.env", "B = 2\n")
    assert started.sh("kubectl create secret generic x --from-env-file=bad.env").stderr.startswith(
        'error: "B " is not a valid key name: a valid environment variable name must consist')


def test_rollout_commands_take_a_type_alone_as_all_of_that_type(bootcamp):
    bootcamp.sh("kubectl create deployment web --image=nginx:1.27")
    bootcamp.ctx.sleep(20)
    assert bootcamp.sh("kubectl rollout status deployments").stdout == (
        'deployment "kubernetes-bootcamp" successfully rolled out\n'
        'deployment "web" successfully rolled out\n')
    assert bootcamp.sh("kubectl rollout restart deploy").stdout == (
        "deployment.apps/kubernetes-bootcamp restarted\ndeployment.apps/web restarted\n")
    assert bootcamp.sh("kubectl rollout status deploy -l app=none").stderr == (
        "No resources found in default namespace.\n")


def test_rollout_commands_refuse_kinds_without_rollouts_in_kubectls_words(bootcamp):
    assert bootcamp.sh("kubectl rollout status rs -l app=kubernetes-bootcamp").stderr == (
        "error: no status viewer has been implemented for ReplicaSet.apps\n")
    assert bootcamp.sh("kubectl rollout undo rs -l app=kubernetes-bootcamp").stderr == (
        'error: no rollbacker has been implemented for "ReplicaSet.apps"\n')
    pause = bootcamp.sh("kubectl rollout pause rs -l app=kubernetes-bootcamp")
    assert pause.stderr.startswith('error: replicasets.apps "kubernetes-bootcamp-')
    assert pause.stderr.endswith('" pausing is not supported\n')
    assert bootcamp.sh("kubectl rollout status deploy/kubernetes-bootcamp --revision=2").stderr == (
        "error: desired revision (2) is different from the running revision (1)\n")
