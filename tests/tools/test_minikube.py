"""The simulated minikube v1.35.0: its lines, exit codes and streams, from minikube's source."""

import re

import pytest

import cluster_engine.tools.minikube as minikube_tool
from cluster_engine.clock import FakeClock, parse_rfc3339
from tool_sandbox import Machine, Terminal

FIRST_START = [
    "😄  minikube v1.35.0 on Ubuntu 22.04",
    "✨  Automatically selected the docker driver. Other choices: none, ssh",
    "📌  Using Docker driver with root privileges",
    '👍  Starting "minikube" primary control-plane node in "minikube" cluster',
    "🚜  Pulling base image v0.0.46 ...",
    "💾  Downloading Kubernetes v1.32.0 preload ...",
    r"    > preloaded-images-k8s-v18-v1\.\.\.:  333\.57 MiB / 333\.57 MiB  100\.00% \d{1,2}\.\d\d Mi?",
    r"    > gcr\.io/k8s-minikube/kicbase\.\.\.:  500\.31 MiB / 500\.31 MiB  100\.00% \d{1,2}\.\d\d Mi?",
    "🔥  Creating docker container (CPUs=2, Memory=3900MB) ...",
    "🐳  Preparing Kubernetes v1.32.0 on Docker 27.4.1 ...",
    "    ▪ Generating certificates and keys ...",
    "    ▪ Booting up control plane ...",
    "    ▪ Configuring RBAC rules ...",
    "🔗  Configuring bridge CNI (Container Networking Interface) ...",
    "🔎  Verifying Kubernetes components...",
    "    ▪ Using image gcr.io/k8s-minikube/storage-provisioner:v5",
    "🌟  Enabled addons: storage-provisioner, default-storageclass",
    '🏄  Done! kubectl is now configured to use "minikube" cluster and "default" namespace by '
    "default",
]
NOT_FOUND = ('🤷  Profile "minikube" not found. Run "minikube profile list" to view all profiles.\n'
             '👉  To start a cluster, run: "minikube start"\n')


def assert_lines(actual: list[str], expected: list[str]) -> None:
    assert len(actual) == len(expected), actual
    for got, want in zip(actual, expected):
        if want.startswith("    > "):
            assert re.fullmatch(want, got), got
        else:
            assert got == want


# -- version -------------------------------------------------------------------------------------
def test_version_prints_the_release_and_its_commit(machine):
    result = machine.sh("minikube version")
    assert (result.status, result.stdout) == (
        0, "minikube version: v1.35.0\ncommit: dd5d320e41b5451cdf3c01891bc4e13d189586ed\n")


def test_version_short_json_and_yaml(machine):
    assert machine.sh("minikube version --short").stdout == "v1.35.0\n"
    assert machine.sh("minikube version -o json").stdout == (
        '{"commit":"dd5d320e41b5451cdf3c01891bc4e13d189586ed","minikubeVersion":"v1.35.0"}\n')
    assert machine.sh("minikube version -o yaml").stdout == (
        "commit: dd5d320e41b5451cdf3c01891bc4e13d189586ed\nminikubeVersion: v1.35.0\n\n")


def test_version_with_a_bad_format_exits_like_minikube(machine):
    result = machine.sh("minikube version -o xml")
    assert (result.status, result.stdout) == (10, "\n\n")
    assert result.stderr == "❌  Exiting due to MK_OUTPUT_USAGE: error: --output must be 'yaml' or 'json'\n"


# -- start ---------------------------------------------------------------------------------------
def test_a_first_start_prints_minikubes_progress_lines(machine):
    result = machine.sh("minikube start")
    assert (result.status, result.stderr) == (0, "")
    assert_lines(result.lines, FIRST_START)


def test_a_first_start_takes_five_to_eight_seconds(machine):
    before = machine.clock.now()
    machine.sh("minikube start")
    assert 5 <= machine.clock.now() - before <= 8


def test_start_holds_no_transaction_while_it_waits():
    machine = Machine()

    class WatchfulClock(FakeClock):
        def sleep(self, seconds):
            assert machine.sandbox._cluster is None, "a transaction is open during a pause"
            super().sleep(seconds)

    machine.clock = machine.ctx.clock = machine.sandbox.clock = WatchfulClock()
    assert machine.sh("minikube start").status == 0
    machine.sh("minikube stop")
    machine.sh("minikube start")
    machine.sh("minikube delete")


def test_the_cluster_appears_only_when_start_has_finished(machine):
    machine.sh("minikube start")
    node = machine.state().objects["nodes"]["/minikube"]
    created = parse_rfc3339(node["metadata"]["creationTimestamp"])
    assert created <= machine.clock.now()
    assert machine.state().minikube["status"] == "Running"


def test_starting_a_running_cluster_updates_the_running_container(started):
    result = started.sh("minikube start")
    assert result.status == 0
    assert result.lines == [
        "😄  minikube v1.35.0 on Ubuntu 22.04",
        "✨  Using the docker driver based on existing profile",
        '👍  Starting "minikube" primary control-plane node in "minikube" cluster',
        "🚜  Pulling base image v0.0.46 ...",
        '🏃  Updating the running docker "minikube" container ...',
        "🐳  Preparing Kubernetes v1.32.0 on Docker 27.4.1 ...",
        "🔎  Verifying Kubernetes components...",
        "    ▪ Using image gcr.io/k8s-minikube/storage-provisioner:v5",
        "🌟  Enabled addons: storage-provisioner, default-storageclass",
        '🏄  Done! kubectl is now configured to use "minikube" cluster and "default" namespace by '
        "default",
    ]


def test_starting_a_stopped_cluster_restarts_the_existing_container(started):
    started.sh("minikube stop")
    result = started.sh("minikube start")
    assert result.lines[1] == "✨  Using the docker driver based on existing profile"
    assert result.lines[4] == '🔄  Restarting existing docker container for "minikube" ...'
    assert "    ▪ Generating certificates and keys ..." not in result.lines
    assert result.lines[-1].startswith("🏄  Done!")


def test_a_start_after_delete_finds_the_images_in_the_cache(started):
    started.sh("minikube delete")
    lines = started.sh("minikube start").lines
    assert "💾  Downloading Kubernetes v1.32.0 preload ..." not in lines
    assert_lines(lines, FIRST_START[:6 - 1] + FIRST_START[8:])


def test_start_shows_minikube_and_kubeconfig_variables_first():
    machine = Machine(env={"HOME": "/home/learner", "KUBECONFIG": "/home/learner/.kube/config"})
    assert machine.sh("minikube start").lines[1] == "    ▪ KUBECONFIG=/home/learner/.kube/config"


def test_start_with_cpus_and_memory_sizes_the_container(machine):
    lines = machine.sh("minikube start --cpus=4 --memory=4g").lines
    assert "🔥  Creating docker container (CPUs=4, Memory=4096MB) ..." in lines


# -- status --------------------------------------------------------------------------------------
def test_status_of_a_running_cluster_ends_with_an_empty_line(started):
    result = started.sh("minikube status")
    assert (result.status, result.stdout) == (0, "minikube\ntype: Control Plane\nhost: Running\n"
                                                 "kubelet: Running\napiserver: Running\n"
                                                 "kubeconfig: Configured\n\n")


def test_status_of_a_stopped_cluster_exits_seven(started):
    started.sh("minikube stop")
    result = started.sh("minikube status")
    assert (result.status, result.stdout) == (7, "minikube\ntype: Control Plane\nhost: Stopped\n"
                                                 "kubelet: Stopped\napiserver: Stopped\n"
                                                 "kubeconfig: Stopped\n\n")


def test_status_without_a_cluster_is_profile_not_found(machine):
    result = machine.sh("minikube status")
    assert (result.status, result.stdout, result.stderr) == (85, NOT_FOUND, "")


def test_status_as_json_has_no_trailing_newline(started):
    assert started.sh("minikube status -o json").stdout == (
        '{"Name":"minikube","Host":"Running","Kubelet":"Running","APIServer":"Running",'
        '"Kubeconfig":"Configured","Worker":false}')


def test_status_takes_a_go_template(started):
    assert started.sh("minikube status --format={{.Host}}").stdout == "Running"


# -- ip ------------------------------------------------------------------------------------------
def test_ip_prints_the_node_address(started):
    assert (started.sh("minikube ip").status, started.sh("minikube ip").stdout) == (
        0, "192.168.49.2\n")


def test_ip_of_a_stopped_cluster_exits_83(started):
    started.sh("minikube stop")
    result = started.sh("minikube ip")
    assert (result.status, result.stdout) == (
        83, "🤷  The control-plane node minikube host is not running: state=Stopped\n"
            '👉  To start a cluster, run: "minikube start"\n')


def test_ip_without_a_cluster_exits_85(machine):
    assert (machine.sh("minikube ip").status, machine.sh("minikube ip").stdout) == (85, NOT_FOUND)


# -- stop, delete --------------------------------------------------------------------------------
def test_stop_powers_off_the_container(started):
    result = started.sh("minikube stop")
    assert (result.status, result.stdout) == (0, '✋  Stopping node "minikube"  ...\n'
                                                 '🛑  Powering off "minikube" via SSH ...\n'
                                                 "🛑  1 node stopped.\n")
    assert started.state().minikube["status"] == "Stopped"


def test_stopping_a_stopped_cluster_skips_the_power_off(started):
    started.sh("minikube stop")
    assert started.sh("minikube stop").stdout == ('✋  Stopping node "minikube"  ...\n'
                                                   "🛑  1 node stopped.\n")


def test_stop_without_a_cluster_is_profile_not_found(machine):
    assert (machine.sh("minikube stop").status, machine.sh("minikube stop").stdout) == (85, NOT_FOUND)


def test_delete_removes_every_trace(started):
    result = started.sh("minikube delete")
    assert (result.status, result.stdout) == (
        0, '🔥  Deleting "minikube" in docker ...\n🔥  Deleting container "minikube" ...\n'
           "🔥  Removing /home/learner/.minikube/machines/minikube ...\n"
           '💀  Removed all traces of the "minikube" cluster.\n')
    state = started.state()
    assert state.object_count() == 0 and state.minikube["status"] == "Absent"


def test_deleting_nothing_warns_on_stderr_and_succeeds(machine):
    result = machine.sh("minikube delete")
    assert (result.status, result.stderr, result.stdout) == (
        0, '🙄  "minikube" profile does not exist, trying anyways.\n',
        '💀  Removed all traces of the "minikube" cluster.\n')


# -- usage errors --------------------------------------------------------------------------------
def test_an_unknown_subcommand_is_a_usage_error_with_suggestions(machine):
    result = machine.sh("minikube stat")
    assert result.status == 14
    assert result.stderr == ('Error: unknown command "stat" for "minikube"\n\nDid you mean this?\n'
                             "\tstart\n\tstatus\n\tstop\n\nRun 'minikube --help' for usage.\n")
    assert machine.sh("minikube foo").stderr == (
        "Error: unknown command \"foo\" for \"minikube\"\nRun 'minikube --help' for usage.\n")


def test_an_unknown_flag_is_a_usage_error(machine):
    result = machine.sh("minikube start --foo")
    assert (result.status, result.stderr) == (
        14, "Error: unknown flag: --foo\nSee 'minikube start --help' for usage.\n")


def test_minikube_alone_lists_its_commands_in_groups(machine):
    result = machine.sh("minikube")
    assert result.status == 0
    assert result.lines[:4] == [
        "minikube provisions and manages local Kubernetes clusters optimized for development "
        "workflows.", "", "Basic Commands:",
        "  start            Starts a local Kubernetes cluster"]
    assert result.lines[-1] == 'Use "minikube <command> --help" for more information about a given command.'


def test_subcommand_help_uses_kubectls_help_layout(machine):
    assert machine.sh("minikube ip --help").stdout == (
        "Retrieves the IP address of the specified node, and writes it to STDOUT.\n\n"
        "Options:\n    -n, --node='':\n\tThe node to get IP. Defaults to the primary control plane.\n\n"
        "Usage:\n  minikube ip [flags] [options]\n\n"
        'Use "minikube options" for a list of global command-line options (applies to all '
        "commands).\n")


# -- locale and style ----------------------------------------------------------------------------
def test_a_japanese_locale_gets_minikubes_japanese_messages():
    machine = Machine(env={"HOME": "/home/learner", "LANG": "ja_JP.UTF-8"})
    lines = machine.sh("minikube start").lines
    assert lines[0] == "😄  Ubuntu 22.04 上の minikube v1.35.0"
    assert "    ▪ 証明書と鍵を作成しています..." in lines
    assert '👍  Starting "minikube" primary control-plane node in "minikube" cluster' in lines
    assert machine.sh("minikube stop").lines[-1] == "🛑  1 台のノードが停止しました。"


def test_the_plain_prefixes_are_one_switch_away(monkeypatch):
    monkeypatch.setattr(minikube_tool, "ALWAYS_EMOJI", False)
    machine = Machine()
    lines = machine.sh("minikube start").lines
    assert lines[0] == "* minikube v1.35.0 on Ubuntu 22.04"
    assert "  - Generating certificates and keys ..." in lines
    machine.ctx.interactive = True
    machine.ctx.extra["columns"] = 80
    assert machine.run("minikube", "ip", stdout=Terminal()).stdout == "192.168.49.2\n"
    assert machine.run("minikube", "stop", stdout=Terminal()).stdout.startswith("✋  Stopping")


@pytest.mark.parametrize("word", ["start", "status", "stop", "delete", "ip", "version"])
def test_every_simulated_subcommand_is_registered(word):
    assert minikube_tool.ROOT.find_child(word).run is not minikube_tool._not_simulated
