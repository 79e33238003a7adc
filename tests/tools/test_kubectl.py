"""The simulated kubectl, run as the shell runs it, against what the real kubectl v1.32.5 prints."""

import json
import re
from pathlib import Path

import pytest

from cluster_engine.tools.kubectl.help import help_page

from tool_sandbox import Machine, Terminal

FIXTURES = Path(__file__).parent / "fixtures" / "kubectl-help-tty"

REFUSED = "The connection to the server localhost:8080 was refused - did you specify the right host or port?"
DISCOVERY_ERROR = re.compile(
    r'E(\d{4}) (\d\d:\d\d:\d\d)\.(\d{6}) ([ \d]{7}) memcache\.go:265\] "Unhandled Error" '
    r'err="couldn\'t get current server API group list: Get \\"http://localhost:8080/api\?'
    r'timeout=32s\\": dial tcp 127\.0\.0\.1:8080: connect: connection refused"')


def assert_refused(result, attempts=5):
    lines = result.stderr.splitlines()
    assert result.status == 1
    assert lines[-1] == REFUSED
    matches = [DISCOVERY_ERROR.fullmatch(line) for line in lines[:-1]]
    assert len(matches) == attempts and all(matches), lines
    assert len({match.group(4) for match in matches}) == 1, "one process id for all lines"
    micros = [int(match.group(3)) for match in matches]
    assert micros == sorted(micros)
    return matches


# -- usage and help ------------------------------------------------------------------------------
def test_kubectl_alone_prints_the_real_usage_text(machine):
    result = machine.sh("kubectl")
    assert result.status == 0 and result.stderr == ""
    assert result.stdout.startswith("kubectl controls the Kubernetes cluster manager.\n\n"
                                    " Find more information at: https://kubernetes.io/docs/reference/kubectl/\n")
    assert result.stdout == help_page("kubectl")
    assert machine.sh("kubectl --help").stdout == machine.sh("kubectl help").stdout == result.stdout


def test_kubectl_on_a_wide_terminal_wraps_its_usage_like_the_real_one(machine):
    machine.ctx.interactive = True
    machine.ctx.extra["columns"] = 100
    result = machine.run("kubectl", stdout=Terminal())
    assert result.stdout == (FIXTURES / "tty_root_100.txt").read_text(encoding="utf-8")


def test_get_nodes_help_is_the_real_get_help(machine):
    for line in ("kubectl get nodes --help", "kubectl get --help", "kubectl get -h",
                 "kubectl help get", "kubectl get nodes -h extra"):
        result = machine.sh(line)
        assert (result.status, result.stdout) == (0, help_page("kubectl-get")), line
    assert help_page("kubectl-get").startswith("Display one or many resources.\n")
    assert help_page("kubectl-get").endswith(
        'Use "kubectl options" for a list of global command-line options (applies to all '
        'commands).\n')


def test_an_unknown_subcommand_suggests_close_names_in_kubectls_order(machine):
    result = machine.sh("kubectl ver")
    assert result.status == 1
    assert result.stderr == ('error: unknown command "ver" for "kubectl"\n\nDid you mean this?\n'
                             "\tset\n\tget\n\tversion\n")


def test_an_unknown_subcommand_without_close_names_gets_no_suggestions(machine):
    assert machine.sh("kubectl get-nodes").stderr == 'error: unknown command "get-nodes" for "kubectl"\n'


def test_an_unknown_flag_is_reported_with_the_help_hint(machine):
    result = machine.sh("kubectl get nodes --foo")
    assert (result.status, result.stdout) == (1, "")
    assert result.stderr == "error: unknown flag: --foo\nSee 'kubectl get --help' for usage.\n"
    assert machine.sh("kubectl version -x").stderr == (
        "error: unknown shorthand flag: 'x' in -x\nSee 'kubectl version --help' for usage.\n")
    assert machine.sh("kubectl --foo").stderr == (
        "error: unknown flag: --foo\nSee 'kubectl --help' for usage.\n")


def test_a_flag_before_an_unknown_word_is_taken_for_a_plugin_call(machine):
    assert machine.sh("kubectl --foo get nodes").stderr == (
        "Error: flags cannot be placed before plugin name: --foo\n")


def test_get_without_a_type_explains_what_is_missing(machine):
    result = machine.sh("kubectl get")
    assert result.status == 1
    assert result.stderr == (
        'You must specify the type of resource to get. Use "kubectl api-resources" for a '
        "complete list of supported resources.\n\nerror: Required resource not specified.\n"
        'Use "kubectl explain <resource>" for a detailed description of that resource (e.g. '
        "kubectl explain pods).\nSee 'kubectl get -h' for help and examples\n")


# -- no cluster ------------------------------------------------------------------------------------
def test_get_nodes_before_minikube_start_is_refused_at_localhost_8080(machine):
    result = machine.sh("kubectl get nodes")
    assert result.stdout == ""
    matches = assert_refused(result)
    assert all(match.group(1) == "1125" and match.group(2) == "16:00:00" for match in matches)


def test_the_error_lines_carry_the_sandbox_clocks_time(machine):
    machine.clock.advance(3661)
    matches = assert_refused(machine.sh("kubectl get nodes"))
    assert matches[0].group(2) == "17:01:01"


def test_each_kubectl_run_gets_a_new_process_id(machine):
    first = assert_refused(machine.sh("kubectl get nodes"))[0].group(4)
    second = assert_refused(machine.sh("kubectl get nodes"))[0].group(4)
    assert int(second) > int(first)


def test_the_number_of_discovery_errors_follows_the_arguments_like_the_real_kubectl(machine):
    assert_refused(machine.sh("kubectl get nodes/minikube"), attempts=4)
    assert_refused(machine.sh("kubectl get nodes,ns"), attempts=6)
    assert_refused(machine.sh("kubectl describe nodes"), attempts=5)


def test_version_without_a_server_prints_the_client_then_the_refusal(machine):
    result = machine.sh("kubectl version")
    assert result.status == 1
    assert result.stdout == "Client Version: v1.32.5\nKustomize Version: v5.5.0\n"
    assert result.stderr == REFUSED + "\n"


def test_cluster_info_without_a_server_prints_the_dump_hint_between_the_errors():
    machine = Machine()
    merged = Terminal()
    from cluster_engine.commands import COMMANDS
    status = COMMANDS["kubectl"](["kubectl", "cluster-info"], None, merged, merged, machine.ctx)
    lines = merged.getvalue().splitlines()
    assert status == 1
    assert all(DISCOVERY_ERROR.fullmatch(line) for line in lines[:5])
    assert lines[5:] == ["", "To further debug and diagnose cluster problems, use 'kubectl "
                         "cluster-info dump'.", REFUSED]


def test_an_unknown_context_is_a_configuration_error(started):
    assert started.sh("kubectl --context=foo get nodes").stderr == (
        "Error in configuration: context was not found for specified context: foo\n")
    assert started.sh("kubectl --context=minikube get nodes").status == 0


# -- version -------------------------------------------------------------------------------------
def test_version_client_needs_no_server(machine):
    result = machine.sh("kubectl version --client")
    assert (result.status, result.stdout, result.stderr) == (
        0, "Client Version: v1.32.5\nKustomize Version: v5.5.0\n", "")


def test_version_client_as_json_is_the_real_build_info(machine):
    result = machine.sh("kubectl version --client -o json")
    assert result.stdout == (
        '{\n  "clientVersion": {\n    "major": "1",\n    "minor": "32",\n'
        '    "gitVersion": "v1.32.5",\n'
        '    "gitCommit": "9894294ef13a5b32803e3ca2c0d620a088cc84d1",\n'
        '    "gitTreeState": "clean",\n    "buildDate": "2025-05-15T09:12:10Z",\n'
        '    "goVersion": "go1.23.8",\n    "compiler": "gc",\n    "platform": "linux/amd64"\n'
        '  },\n  "kustomizeVersion": "v5.5.0"\n}\n')


def test_version_client_as_yaml_is_sorted_and_quoted_like_go_yaml(machine):
    assert machine.sh("kubectl version --client -o yaml").stdout == (
        'clientVersion:\n  buildDate: "2025-05-15T09:12:10Z"\n  compiler: gc\n'
        "  gitCommit: 9894294ef13a5b32803e3ca2c0d620a088cc84d1\n  gitTreeState: clean\n"
        '  gitVersion: v1.32.5\n  goVersion: go1.23.8\n  major: "1"\n  minor: "32"\n'
        "  platform: linux/amd64\nkustomizeVersion: v5.5.0\n\n")


def test_version_with_a_running_cluster_adds_the_server(started):
    result = started.sh("kubectl version")
    assert (result.status, result.stderr) == (0, "")
    assert result.stdout == ("Client Version: v1.32.5\nKustomize Version: v5.5.0\n"
                             "Server Version: v1.32.0\n")
    server = json.loads(started.sh("kubectl version -o json").stdout)["serverVersion"]
    assert server["gitCommit"] == "70d3cc986aa8221cd1dfb1121852688902d3bf53"
    assert server["buildDate"] == "2024-12-11T17:59:15Z"


def test_version_rejects_other_output_formats_and_extra_arguments(machine):
    assert machine.sh("kubectl version -o foo").stderr == "error: --output must be 'yaml' or 'json'\n"
    assert machine.sh("kubectl version extra").stderr == "error: extra arguments: [extra]\n"


# -- cluster-info --------------------------------------------------------------------------------
def test_cluster_info_lists_the_control_plane_and_coredns_without_colours(started):
    result = started.sh("kubectl cluster-info")
    assert (result.status, result.stderr) == (0, "")
    assert result.stdout == (
        "Kubernetes control plane is running at https://192.168.49.2:8443\n"
        "CoreDNS is running at https://192.168.49.2:8443/api/v1/namespaces/kube-system/"
        "services/kube-dns:dns/proxy\n\n"
        "To further debug and diagnose cluster problems, use 'kubectl cluster-info dump'.\n")
    assert "\x1b" not in result.stdout


# -- get nodes -----------------------------------------------------------------------------------
NODE_HEADER = "NAME       STATUS   ROLES           AGE   VERSION"


@pytest.mark.parametrize("line", ["kubectl get nodes", "kubectl get node", "kubectl get no",
                                  "kubectl get nodes/minikube", "kubectl get node minikube",
                                  "kubectl get nodes -n kube-system"])
def test_get_nodes_shows_one_ready_control_plane_node(started, line):
    result = started.sh(line)
    assert (result.status, result.stderr) == (0, "")
    assert result.lines[0] == NODE_HEADER
    assert re.fullmatch(r"minikube   Ready    control-plane   \d+s +v1\.32\.0", result.lines[1])
    assert len(result.lines) == 2


def test_get_nodes_wide_adds_addresses_os_kernel_and_runtime(started):
    started.clock.advance(137 * 60)
    assert started.sh("kubectl get nodes -o wide").stdout == (
        "NAME       STATUS   ROLES           AGE    VERSION   INTERNAL-IP    EXTERNAL-IP   "
        "OS-IMAGE             KERNEL-VERSION    CONTAINER-RUNTIME\n"
        "minikube   Ready    control-plane   137m   v1.32.0   192.168.49.2   <none>        "
        "Ubuntu 22.04.5 LTS   5.15.0-1057-gcp   docker://27.4.1\n")
    assert started.sh("kubectl get nodes -owide").stdout == started.sh(
        "kubectl get nodes --output=wide").stdout


def test_the_age_moves_with_the_clock(started):
    started.clock.advance(90)
    assert re.fullmatch(r"minikube   Ready    control-plane   9\ds   v1\.32\.0",
                        started.sh("kubectl get nodes").lines[1])
    started.clock.advance(3600)
    assert started.sh("kubectl get nodes").lines[1] == (
        "minikube   Ready    control-plane   61m   v1.32.0")


def test_a_missing_node_is_a_not_found_error_from_the_server(started):
    result = started.sh("kubectl get node foo")
    assert (result.status, result.stdout) == (1, "")
    assert result.stderr == 'Error from server (NotFound): nodes "foo" not found\n'


def test_found_nodes_print_before_the_errors_for_missing_ones(started):
    result = started.sh("kubectl get nodes minikube foo")
    assert result.status == 1
    assert result.lines[0] == NODE_HEADER
    assert result.stderr == 'Error from server (NotFound): nodes "foo" not found\n'


def test_an_unknown_resource_type_is_reported(started):
    assert started.sh("kubectl get foo").stderr == (
        'error: the server doesn\'t have a resource type "foo"\n')


def test_an_empty_namespace_says_no_resources_found_on_stderr(started):
    result = started.sh("kubectl get pods")
    assert (result.status, result.stdout, result.stderr) == (
        0, "", "No resources found in default namespace.\n")
    assert started.sh("kubectl get pods -n foo").stderr == "No resources found in foo namespace.\n"


def test_get_nodes_by_name_output(started):
    assert started.sh("kubectl get nodes -o name").stdout == "node/minikube\n"


def test_get_namespaces_lists_the_four_system_namespaces(started):
    lines = started.sh("kubectl get ns").lines
    assert lines[0] == "NAME              STATUS   AGE"
    assert [line.split()[0] for line in lines[1:]] == ["default", "kube-node-lease",
                                                      "kube-public", "kube-system"]


def test_get_node_as_json_is_the_object_with_sorted_keys(started):
    node = json.loads(started.sh("kubectl get node minikube -o json").stdout)
    assert node["kind"] == "Node" and node["metadata"]["name"] == "minikube"
    assert list(node) == sorted(node)


def test_a_bad_output_format_lists_the_allowed_ones(started):
    assert started.sh("kubectl get nodes -o foo").stderr == (
        'error: unable to match a printer suitable for the output format "foo", allowed formats '
        "are: custom-columns,custom-columns-file,go-template,go-template-file,json,jsonpath,"
        "jsonpath-as-json,jsonpath-file,name,template,templatefile,wide,yaml\n")


# -- after stop and delete ------------------------------------------------------------------------
def test_after_minikube_stop_the_context_is_gone_and_kubectl_falls_back_to_localhost(started):
    started.sh("minikube stop")
    assert_refused(started.sh("kubectl get nodes"))


def test_a_context_kept_across_a_stop_points_at_the_stopped_container(started):
    started.sh("minikube stop --keep-context-active")
    result = started.sh("kubectl get nodes")
    assert result.stderr.splitlines()[-1] == (
        "Unable to connect to the server: dial tcp 192.168.49.2:8443: connect: no route to host")
    assert 'Get \\"https://192.168.49.2:8443/api?timeout=32s\\"' in result.stderr


def test_after_minikube_delete_kubectl_is_refused_again(started):
    started.sh("minikube delete")
    assert_refused(started.sh("kubectl get nodes"))
    assert started.sh("kubectl version").stderr == REFUSED + "\n"
