"""``kubectl exec``: one command in a container, the nested ``root@<pod>:/#`` shell, and the errors
of each hop (API server, kubelet, container runtime) in kubectl v1.32's and Docker's words."""

from __future__ import annotations

import io

import pytest

from cluster_engine.clock import FakeClock
from cluster_engine.commands import ShellExit
from cluster_engine.defaults import default_pod
from cluster_engine.resources import resolve
from cluster_engine.sandbox import LocalBackend
from cluster_engine.session import new_shell
from cluster_engine.state import SandboxState

BOOTCAMP = "gcr.io/google-samples/kubernetes-bootcamp:v1"
PODS = resolve("pods")


class Learner:
    """A learner's shell on a fake clock; ``typed`` are the lines a nested program reads."""

    def __init__(self, seed: int = 11):
        self.clock = FakeClock()
        self.backend = LocalBackend(SandboxState.fresh(seed))
        self.shell = new_shell(self.backend, self.clock)
        self.typed: list[str] = []
        self.prompts: list[str] = []
        self.shell.ctx.read_line = self._read_line

    def _read_line(self, prompt: str) -> str:
        self.prompts.append(prompt)
        if not self.typed:
            raise EOFError
        return self.typed.pop(0)

    def run(self, line: str, *typed: str) -> tuple[int, str, str]:
        self.typed = list(typed)
        out, err = io.StringIO(), io.StringIO()
        status = self.shell.run_line(line, out, err)
        return status, out.getvalue(), err.getvalue()

    def pod_names(self) -> list[str]:
        _, out, _ = self.run("kubectl get pods --no-headers")
        return [line.split()[0] for line in out.splitlines()]


@pytest.fixture(scope="module")
def learner() -> Learner:
    learner = Learner()
    assert learner.run("minikube start")[0] == 0
    assert learner.run(f"kubectl create deployment kubernetes-bootcamp --image={BOOTCAMP}")[0] == 0
    learner.run("sleep 30")
    return learner


@pytest.fixture
def pod(learner) -> str:
    return learner.pod_names()[0]


def test_it_runs_env_in_the_container_with_the_pods_hostname_and_service_links(learner, pod):
    status, out, err = learner.run(f'kubectl exec "{pod}" -- env')
    assert (status, err) == (0, "")
    variables = dict(line.split("=", 1) for line in out.splitlines())
    assert variables["HOSTNAME"] == pod
    assert variables["KUBERNETES_SERVICE_HOST"] == "10.96.0.1"
    assert variables["NODE_VERSION"] == "6.3.1"
    assert variables["HOME"] == "/root"
    assert "USER" not in variables


def test_it_reaches_the_pod_through_its_deployment(learner, pod):
    for target in ("deploy/kubernetes-bootcamp", "deployment/kubernetes-bootcamp", f"pod/{pod}"):
        status, out, _ = learner.run(f"kubectl exec {target} -- env")
        assert status == 0
        assert f"HOSTNAME={pod}" in out.splitlines()


def test_curl_inside_the_container_reaches_the_app_on_localhost(learner, pod):
    status, out, _ = learner.run(f"kubectl exec -ti {pod} -- curl http://localhost:8080")
    assert status == 0
    assert out == f"Hello Kubernetes bootcamp! | Running on: {pod} | v=1\n"


def test_the_old_form_without_dashes_warns_and_still_runs(learner, pod):
    status, out, err = learner.run(f"kubectl exec {pod} env")
    assert status == 0 and f"HOSTNAME={pod}" in out
    assert err == ("kubectl exec [POD] [COMMAND] is DEPRECATED and will be removed in a future "
                   "version. Use kubectl exec [POD] -- [COMMAND] instead.\n")


def test_a_missing_pod_is_the_api_servers_not_found(learner):
    assert learner.run("kubectl exec nope -- env") == (
        1, "", 'Error from server (NotFound): pods "nope" not found\n')
    assert learner.run("kubectl exec deploy/nope -- env") == (
        1, "", 'Error from server (NotFound): deployments.apps "nope" not found\n')


def test_a_missing_command_or_pod_is_refused_before_asking_the_server(learner, pod):
    assert learner.run(f"kubectl exec {pod}") == (
        1, "", "error: you must specify at least one command for the container\n")
    assert learner.run('kubectl exec "" -- env') == (
        1, "", "error: pod, type/name or --filename must be specified\n")


def test_an_unknown_container_is_a_bad_request(learner, pod):
    assert learner.run(f"kubectl exec {pod} -c web -- env") == (
        1, "", f"Error from server (BadRequest): container web is not valid for pod {pod}\n")


def test_a_program_the_image_lacks_fails_in_the_runtime_with_exit_code_126(learner, pod):
    status, out, err = learner.run(f"kubectl exec {pod} -- kubectl get pods")
    assert status == 126
    assert out == ('OCI runtime exec failed: exec failed: unable to start container process: '
                   'exec: "kubectl": executable file not found in $PATH: unknown\n')
    assert err == "command terminated with exit code 126\n"


def test_a_failing_command_passes_its_exit_code_through(learner, pod):
    assert learner.run(f"kubectl exec {pod} -- bash -c 'exit 3'") == (
        3, "", "command terminated with exit code 3\n")


def test_the_nested_shell_is_root_in_the_pod_and_lacks_kubectl(learner, pod):
    status, out, err = learner.run(f"kubectl exec -ti {pod} -- bash",
                                   "kubectl get pods", "pwd", "echo $HOSTNAME", "exit")
    assert learner.prompts[-4:] == [f"root@{pod}:/# "] * 4
    assert out == f"/\n{pod}\n"
    assert err == "bash: kubectl: command not found\nexit\n"
    assert status == 0


def test_leaving_the_nested_shell_with_a_status_reports_it(learner, pod):
    status, _, err = learner.run(f"kubectl exec -it {pod} -- bash", "exit 4")
    assert status == 4
    assert err == "exit\ncommand terminated with exit code 4\n"


def test_end_of_input_ends_the_nested_shell_like_ctrl_d_and_the_outer_shell_goes_on(learner, pod):
    status, out, _ = learner.run(f"kubectl exec --stdin --tty {pod} -- sh; echo back")
    assert status == 0
    assert out == "exit\nback\n"


def test_ctrl_c_at_the_nested_prompt_abandons_the_line_not_the_session(learner, pod):
    lines = iter(["half typed"])

    def read_line(prompt: str) -> str:
        line = next(lines, None)
        if line == "half typed":
            raise KeyboardInterrupt
        raise EOFError

    learner.shell.ctx.read_line = read_line
    try:
        out, err = io.StringIO(), io.StringIO()
        status = learner.shell.run_line(f"kubectl exec -t -i {pod} -- bash", out, err)
    finally:
        learner.shell.ctx.read_line = learner._read_line
    assert out.getvalue() == "^C\nexit\n"
    assert status == 130
    assert err.getvalue() == "command terminated with exit code 130\n"


def test_a_shell_without_stdin_ends_at_once(learner, pod):
    assert learner.run(f"kubectl exec {pod} -- bash", "echo never") == (0, "", "")


def test_a_pod_that_is_still_creating_has_no_container_to_exec_into():
    fresh = Learner(seed=3)
    fresh.run("minikube start")
    fresh.run(f"kubectl create deployment web --image={BOOTCAMP}")
    (pod,) = fresh.pod_names()
    assert fresh.run(f"kubectl exec {pod} -- env") == (
        1, "", 'error: unable to upgrade connection: container not found ("kubernetes-bootcamp")\n')


def test_exit_in_the_outer_shell_still_ends_it_after_a_nested_session(learner, pod):
    learner.run(f"kubectl exec -ti {pod} -- bash", "exit")
    with pytest.raises(ShellExit):
        learner.run("exit")


def test_a_manifest_names_the_object_to_exec_into(learner, pod):
    learner.shell.ctx.fs.write("/home/learner/app.yaml",
                               "apiVersion: apps/v1\nkind: Deployment\n"
                               "metadata:\n  name: kubernetes-bootcamp\n")
    status, out, _ = learner.run("kubectl exec -f app.yaml -- env")
    assert status == 0 and f"HOSTNAME={pod}" in out.splitlines()
    assert learner.run("kubectl exec -f missing.yaml -- env") == (
        1, "", 'error: the path "missing.yaml" does not exist\n')


def test_the_container_has_curl_in_its_path_but_not_the_learners_tools(learner, pod):
    status, out, _ = learner.run(f"kubectl exec -ti {pod} -- bash",
                                 "which curl env", "which kubectl minikube", "exit 0")
    assert status == 0
    assert out == "/usr/bin/curl\n/usr/bin/env\n"


def test_the_nested_shell_dies_with_its_pod():
    fresh = Learner(seed=4)
    fresh.run("minikube start")
    fresh.run(f"kubectl create deployment web --image={BOOTCAMP}")
    fresh.run("sleep 20")
    (pod,) = fresh.pod_names()

    def delete_the_pod_while_typing(prompt: str) -> str:
        fresh.shell.ctx.read_line = fresh._read_line
        with fresh.shell.ctx.sandbox.transaction() as cluster:
            cluster.store.delete(PODS, "default", pod)
        return "echo too late"

    fresh.shell.ctx.read_line = delete_the_pod_while_typing
    assert fresh.run(f"kubectl exec -ti {pod} -- bash") == (
        137, "", "command terminated with exit code 137\n")


def test_a_pod_with_several_containers_says_which_one_it_chose(learner):
    pod = {"metadata": {"name": "pair", "namespace": "default"},
           "spec": {"containers": [{"name": "app", "image": BOOTCAMP},
                                   {"name": "web", "image": "nginx"}]}}
    with learner.shell.ctx.sandbox.transaction() as cluster:
        cluster.store.create(PODS, default_pod(pod, cluster.rng))
        cluster.reconcile()
    learner.run("sleep 20")
    status, out, err = learner.run("kubectl exec pair -- curl -s localhost:80")
    assert status == 0 and "<title>Welcome to nginx!</title>" in out
    assert err == 'Defaulted container "app" out of: app, web\n'
    status, out, err = learner.run("kubectl exec pair -c web -- env")
    assert (status, err) == (0, "") and "NGINX_VERSION=1.27.3" in out.splitlines()
    assert learner.run("kubectl exec -q pair -- curl -s localhost:8080")[2] == ""


def test_bash_runs_a_script_file_of_the_container(learner, pod):
    assert learner.run(f"kubectl exec {pod} -- bash missing.sh") == (
        127, "", "bash: missing.sh: No such file or directory\n"
                 "command terminated with exit code 127\n")
    status, out, _ = learner.run(f"kubectl exec {pod} -- sh -c 'echo $SHLVL $PWD $HOSTNAME'")
    assert (status, out) == (0, f"1 / {pod}\n")


def test_env_prints_the_environment_in_the_order_docker_builds_it(learner, pod):
    _, out, _ = learner.run(f"kubectl exec {pod} -- env")
    names = [line.split("=", 1)[0] for line in out.splitlines()]
    assert names[:2] == ["PATH", "HOSTNAME"] and names[-3:] == [
        "NPM_CONFIG_LOGLEVEL", "NODE_VERSION", "HOME"]


def test_objects_without_a_pod_selector_cannot_be_attached_to(learner):
    assert learner.run("kubectl exec svc/kubernetes -- env") == (
        1, "", "error: cannot attach to *v1.Service: invalid service 'kubernetes': Service is "
               "defined without a selector\n")
    assert learner.run("kubectl exec configmap/kube-root-ca.crt -- env") == (
        1, "", "error: cannot attach to *v1.ConfigMap: selector for *v1.ConfigMap not "
               "implemented\n")


def test_a_deployment_without_pods_is_waited_for_until_the_timeout(learner):
    learner.run(f"kubectl create deployment idle --image={BOOTCAMP} --replicas=0")
    start = learner.clock.now()
    assert learner.run("kubectl exec deploy/idle --pod-running-timeout=5s -- env") == (
        1, "", "error: timed out waiting for the condition\n")
    assert learner.clock.now() - start == pytest.approx(5, abs=1)
    assert learner.run("kubectl exec deploy/idle --pod-running-timeout=0s -- env") == (
        1, "", "error: --pod-running-timeout must be higher than zero\n"
               "See 'kubectl exec -h' for help and examples\n")


def test_an_alpine_based_image_has_sh_but_neither_bash_nor_curl(learner):
    learner.run("kubectl create deployment hello --image=gcr.io/google-samples/hello-app:1.0")
    learner.run("sleep 20")
    status, out, err = learner.run("kubectl exec deploy/hello -- bash")
    assert (status, err) == (126, "command terminated with exit code 126\n")
    assert out == ('OCI runtime exec failed: exec failed: unable to start container process: '
                   'exec: "bash": executable file not found in $PATH: unknown\n')
    assert learner.run("kubectl exec deploy/hello -- curl -s localhost:8080")[0] == 126
    assert learner.run("kubectl exec deploy/hello -- sh -c 'echo $HOSTNAME'")[1].startswith(
        "hello-")
