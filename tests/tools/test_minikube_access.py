"""minikube service, tunnel, dashboard, addons, profile, kubectl, ssh, logs and
--kubernetes-version: minikube v1.35's words on Linux with the docker driver."""

import io

import pytest

from cluster_engine.clock import FakeClock
from cluster_engine.minikube_addons import is_enabled
from cluster_engine.tools.minikube import issue_box, render_table
from cluster_engine.tools.minikube_network import tunnel_status
from tool_sandbox import Machine


class InterruptingClock(FakeClock):
    """A fake clock whose sleeps end in Ctrl-C once ``patience`` seconds have been slept."""

    def __init__(self, patience: float):
        super().__init__()
        self.patience = patience
        self.slept = 0.0

    def sleep(self, seconds: float) -> None:
        self.slept += seconds
        if self.slept > self.patience:
            raise KeyboardInterrupt
        super().sleep(seconds)


def interrupt_after(machine: Machine, seconds: float) -> None:
    clock = InterruptingClock(seconds)
    clock._now = machine.clock.now()
    machine.clock = machine.ctx.clock = machine.sandbox.clock = clock


def bootcamp(machine: Machine, service_type: str = "NodePort") -> None:
    machine.sh("kubectl create deployment kubernetes-bootcamp "
               "--image=gcr.io/google-samples/kubernetes-bootcamp:v1")
    machine.sh(f"kubectl expose deployment/kubernetes-bootcamp --type={service_type} --port 8080")
    machine.clock.sleep(20)


def node_port(machine: Machine) -> str:
    return machine.sh("kubectl get svc kubernetes-bootcamp -o jsonpath={.spec.ports[0].nodePort}")\
        .stdout


# -- tables and boxes --------------------------------------------------------------------------
def test_it_draws_tables_as_tablewriter_does():
    assert render_table(["Namespace", "Target Port"], [["default", "8080"]]) == (
        "|-----------|-------------|\n"
        "| NAMESPACE | TARGET PORT |\n"
        "|-----------|-------------|\n"
        "| default   |        8080 |\n"
        "|-----------|-------------|\n")


def test_it_puts_each_line_of_a_cell_on_a_line_of_its_own():
    assert render_table(["A", "B"], [["x", "1\n2"]], upper=False).splitlines()[3:5] == [
        "| x | 1 |", "|   | 2 |"]


def test_it_measures_emoji_by_their_width_on_screen():
    table = render_table(["Status"], [["enabled ✅"], ["disabled    "]])
    assert "|    STATUS    |" in table
    assert "| enabled ✅   |" in table


def test_the_issue_box_fits_its_longest_line():
    box = issue_box(["😿  a", "longest line"]).splitlines()
    assert box[0] == "╭" + "─" * 20 + "╮"
    assert box[2] == "│    😿  a" + " " * 11 + "│"


# -- service -----------------------------------------------------------------------------------
def test_service_url_prints_the_node_port_url_and_returns(started):
    bootcamp(started)
    result = started.sh("minikube service kubernetes-bootcamp --url")
    assert (result.status, result.stdout, result.stderr) == (
        0, f"http://192.168.49.2:{node_port(started)}\n", "")


def test_service_url_follows_format_and_https(started):
    bootcamp(started)
    result = started.run("minikube", "service", "kubernetes-bootcamp", "--url", "--https",
                         "--format=http://{{.IP}}:{{.Port}}/{{.Name}}")
    assert result.stdout == f"https://192.168.49.2:{node_port(started)}/8080\n"


def test_service_prints_the_table_and_opens_the_browser(started):
    bootcamp(started)
    result = started.sh("minikube service kubernetes-bootcamp")
    url = f"http://192.168.49.2:{node_port(started)}"
    assert result.status == 0
    assert result.lines[3] == f"| default   | kubernetes-bootcamp |        8080 | {url} |"
    assert result.lines[-1] == ("🎉  Opening service default/kubernetes-bootcamp in default "
                                "browser...")


def test_service_list_shows_every_service_and_its_node_port_url(started):
    bootcamp(started)
    url = f"http://192.168.49.2:{node_port(started)}"
    assert started.sh("minikube service list").lines == [
        "|-------------|---------------------|--------------|---------------------------|",
        "|  NAMESPACE  |        NAME         | TARGET PORT  |            URL            |",
        "|-------------|---------------------|--------------|---------------------------|",
        "| default     | kubernetes          | No node port |                           |",
        f"| default     | kubernetes-bootcamp |         8080 | {url} |",
        "| kube-system | kube-dns            | No node port |                           |",
        "|-------------|---------------------|--------------|---------------------------|",
    ]


def test_service_without_running_pods_is_not_available(started):
    started.sh("kubectl create deployment web --image=nginx")
    started.sh("kubectl expose deployment web --type=NodePort --port 80")
    result = started.sh("minikube service web --url")
    assert result.status == 115
    assert "❌  Exiting due to SVC_UNREACHABLE: service not available: no running pod for " \
           "service web found\n" in result.stderr
    assert "If the above advice does not help, please let us know:" in result.stderr


def test_service_of_a_clusterip_service_has_no_node_port(started):
    result = started.sh("minikube service kubernetes --url")
    assert (result.status, result.stdout) == (
        0, "😿  service default/kubernetes has no node port\n")
    assert result.stderr == ('❗  Services [default/kubernetes] have type "ClusterIP" not meant '
                             "to be exposed, however for local development minikube allows you "
                             "to access this !\n")


def test_service_that_does_not_exist_exits_115(started):
    result = started.sh("minikube service nope")
    assert result.status == 115
    assert "Exiting due to SVC_NOT_FOUND: Service 'nope' was not found in 'default' " \
           "namespace." in result.stderr


def test_service_of_a_clusterip_service_tunnels_until_ctrl_c(started):
    interrupt_after(started, 5)
    with pytest.raises(KeyboardInterrupt):
        started.sh("minikube service kubernetes")
    assert started.state().loopback == {}


# -- tunnel ------------------------------------------------------------------------------------
def test_tunnel_status_block_is_minikubes():
    assert tunnel_status(4242, ["a", "b"]) == (
        "Status:\t\n\tmachine: minikube\n\tpid: 4242\n\troute: 10.96.0.0/12 -> 192.168.49.2\n"
        "\tminikube: Running\n\tservices: [a, b]\n    errors: \n\t\tminikube: no errors\n"
        "\t\trouter: no errors\n\t\tloadbalancer emulator: no errors\n")


def test_tunnel_gives_load_balancers_an_external_ip_until_ctrl_c(started):
    bootcamp(started, "LoadBalancer")
    interrupt_after(started, 12)
    out = io.StringIO()
    with pytest.raises(KeyboardInterrupt):
        started.run("minikube", "tunnel", stdout=out)
    assert "\tservices: [kubernetes-bootcamp]\n" in out.getvalue()
    state = started.state()
    service = state.objects["services"]["default/kubernetes-bootcamp"]
    assert service["status"]["loadBalancer"] == {}
    assert "tunnel" not in state.minikube


def test_tunnel_needs_a_running_cluster(machine):
    assert machine.sh("minikube tunnel").status == 85


# -- addons ------------------------------------------------------------------------------------
def test_addons_list_shows_the_two_default_addons_enabled(started):
    lines = started.sh("minikube addons list").lines
    assert lines[1] == ("|         ADDON NAME          | PROFILE  |    STATUS    |"
                        "               MAINTAINER               |")
    enabled = [line.split("|")[1].strip() for line in lines if "enabled ✅" in line]
    assert enabled == ["default-storageclass", "storage-provisioner"]
    assert len(lines) == 39 + 4


def test_enabling_metrics_server_runs_it_and_sets_the_flag(started):
    result = started.sh("minikube addons enable metrics-server")
    assert result.lines == [
        "💡  metrics-server is an addon maintained by Kubernetes. For any concerns contact "
        "minikube on GitHub.",
        "You can view the list of minikube maintainers at: "
        "https://github.com/kubernetes/minikube/blob/master/OWNERS",
        "    ▪ Using image registry.k8s.io/metrics-server/metrics-server:v0.7.2",
        "🌟  The 'metrics-server' addon is enabled",
    ]
    state = started.state()
    assert state.minikube["addons"]["metrics-server"] is True
    pods = [pod for key, pod in state.objects["pods"].items()
            if key.startswith("kube-system/metrics-server-")]
    assert [pod["status"]["phase"] for pod in pods] == ["Running"]
    assert "kube-system/metrics-server" in state.objects["services"]


def test_metrics_server_is_ready_once_its_probe_passes(started):
    started.sh("minikube addons enable metrics-server")
    ready = "kubectl get deploy metrics-server -n kube-system -o jsonpath={.status.readyReplicas}"
    assert started.sh(ready).stdout == ""
    assert started.sh("kubectl top nodes").stderr == "error: Metrics API not available\n"
    started.clock.sleep(30)
    assert started.sh(ready).stdout == "1"


def test_disabling_metrics_server_removes_it(started):
    started.sh("minikube addons enable metrics-server")
    result = started.sh("minikube addons disable metrics-server")
    assert result.stdout == "🌑  \"The 'metrics-server' addon is disabled\n"
    state = started.state()
    assert not is_enabled(state.minikube, "metrics-server")
    assert "kube-system/metrics-server" not in state.objects["deployments.apps"]


def test_an_unknown_addon_cannot_be_enabled(started):
    result = started.sh("minikube addons enable nope")
    assert result.status == 10
    assert "Exiting due to MK_ADDON_ENABLE: enable failed: run callbacks: nope is not a valid " \
           "addon" in result.stderr


def test_addons_survive_a_stop_and_start(started):
    started.sh("minikube addons enable metrics-server")
    started.sh("minikube stop")
    started.sh("minikube start")
    assert started.state().minikube["addons"] == {
        "default-storageclass": True, "storage-provisioner": True, "metrics-server": True}


# -- dashboard ---------------------------------------------------------------------------------
def test_dashboard_url_enables_the_addon_and_serves_the_proxy_until_ctrl_c(started):
    interrupt_after(started, 10)
    out, err = io.StringIO(), io.StringIO()
    with pytest.raises(KeyboardInterrupt):
        from cluster_engine.commands import COMMANDS
        COMMANDS["minikube"](["minikube", "dashboard", "--url"], io.StringIO(), out, err,
                             started.ctx)
    assert err.getvalue() == ("🔌  Enabling dashboard ...\n🤔  Verifying dashboard health ...\n"
                              "🚀  Launching proxy ...\n🤔  Verifying proxy health ...\n")
    url = out.getvalue().splitlines()[-1]
    assert url.startswith("http://127.0.0.1:")
    assert url.endswith("/api/v1/namespaces/kubernetes-dashboard/services/"
                        "http:kubernetes-dashboard:/proxy/")
    state = started.state()
    assert state.loopback == {}
    assert state.minikube["addons"]["dashboard"] is True


# -- profile, kubectl, logs --------------------------------------------------------------------
def test_profile_list_without_a_cluster_suggests_starting_one(machine):
    result = machine.sh("minikube profile list")
    assert result.status == 14
    assert "🤹  Exiting due to MK_USAGE_NO_PROFILE: No minikube profile was found.\n" \
           in result.stderr


def test_profile_list_shows_the_running_cluster(started):
    lines = started.sh("minikube profile list").lines
    assert lines[3] == ("| minikube | docker    | docker  | 192.168.49.2 | 8443 | v1.32.0 | OK "
                        "    |     1 | *              | *                  |")


def test_minikube_kubectl_downloads_kubectl_once(started):
    first = started.sh("minikube kubectl -- get nodes")
    assert first.stderr.count("    > kubectl") == 2
    assert first.lines[0].startswith("NAME")
    assert started.sh("minikube kubectl -- get nodes").stderr == ""


def test_logs_has_the_audit_and_last_start_sections(started):
    started.sh("minikube ip")
    lines = started.sh("minikube logs").lines
    assert lines[:2] == ["", "==> Audit <=="]
    assert lines[5].startswith("| start   |")
    assert lines[6].startswith("| ip      |")
    assert "==> Last Start <==" in lines
    assert [line for line in lines if line.startswith("==> ")] == [
        "==> Audit <==", "==> Last Start <==", "==> container status <==",
        "==> describe nodes <==", "==> kernel <=="]


# -- ssh ---------------------------------------------------------------------------------------
def test_ssh_runs_one_command_on_the_node(started):
    result = started.run("minikube", "ssh", "--", "hostname; whoami; pwd")
    assert result.stdout == "minikube\ndocker\n/home/docker\n"


def test_ssh_opens_a_login_shell_on_the_node_until_exit(started):
    typed = iter(["cat /etc/hostname", "echo hi > notes.txt", "exit"])
    prompts = []

    def read_line(prompt):
        prompts.append(prompt)
        return next(typed)

    started.ctx.read_line = read_line
    result = started.run("minikube", "ssh")
    assert prompts == ["docker@minikube:~$ "] * 3
    assert result.stdout == "minikube\n"
    assert started.run("minikube", "ssh", "--", "cat notes.txt").stdout == "hi\n"


def test_ssh_session_says_logout_at_end_of_input(started):
    def read_line(prompt):
        raise EOFError

    started.ctx.read_line = read_line
    assert started.run("minikube", "ssh").stdout == "logout\n"


# -- --kubernetes-version ----------------------------------------------------------------------
def test_start_with_another_kubernetes_version_runs_that_version(machine):
    result = machine.sh("minikube start --kubernetes-version=v1.31.0")
    assert "🐳  Preparing Kubernetes v1.31.0 on Docker 27.4.1 ...\n" in result.stdout
    assert "💾  Downloading Kubernetes v1.31.0 preload ...\n" in result.stdout
    assert machine.sh("kubectl get nodes").lines[1].split()[-1] == "v1.31.0"
    image = machine.sh("kubectl get pod kube-apiserver-minikube -n kube-system "
                       "-o jsonpath={.spec.containers[0].image}").stdout
    assert image == "registry.k8s.io/kube-apiserver:v1.31.0"


def test_start_refuses_a_version_it_cannot_parse(machine):
    result = machine.sh("minikube start --kubernetes-version=v1.x")
    assert result.status == 14
    assert "❌  Exiting due to MK_USAGE: Unable to parse \"1.x\": No Major.Minor.Patch elements " \
           "found\n" in result.stderr


def test_start_refuses_a_version_older_than_the_oldest_supported(machine):
    result = machine.sh("minikube start --kubernetes-version=v1.19.0")
    assert result.status == 106
    assert "Exiting due to K8S_OLD_UNSUPPORTED: Kubernetes 1.19.0 is not supported by this " \
           "release of minikube" in result.stderr
    assert machine.state().minikube["status"] == "Absent"
