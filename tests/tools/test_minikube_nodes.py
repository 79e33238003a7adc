"""``minikube`` with more than one node: ``start --nodes``, ``node add/list/stop/start/delete``,
``status`` worker blocks, ``ip -n`` and a ``stop`` of every node, as minikube v1.35.0 prints them."""

import pytest

from tool_sandbox import Machine


@pytest.fixture
def two_nodes() -> Machine:
    machine = Machine()
    assert machine.sh("minikube start --nodes 2").status == 0
    return machine


def test_start_with_two_nodes_starts_a_worker_after_the_control_plane(two_nodes):
    machine = Machine()
    lines = machine.sh("minikube start --nodes 2").lines
    assert "🔗  Configuring CNI (Container Networking Interface) ..." in lines
    assert "🔥  Creating docker container (CPUs=2, Memory=2200MB) ..." in lines
    worker = lines.index('👍  Starting "minikube-m02" worker node in "minikube" cluster')
    assert lines[worker - 1] == ""
    assert lines[worker + 1:] == [
        "🚜  Pulling base image v0.0.46 ...",
        "🔥  Creating docker container (CPUs=2, Memory=2200MB) ...",
        "🌐  Found network options:",
        "    ▪ NO_PROXY=192.168.49.2",
        "🐳  Preparing Kubernetes v1.32.0 on Docker 27.4.1 ...",
        "    ▪ env NO_PROXY=192.168.49.2",
        "🔎  Verifying Kubernetes components...",
        '🏄  Done! kubectl is now configured to use "minikube" cluster and "default" namespace '
        "by default",
    ]


def test_a_single_node_start_still_configures_the_bridge_cni(machine):
    lines = machine.sh("minikube start").lines
    assert "🔗  Configuring bridge CNI (Container Networking Interface) ..." in lines
    assert not any("worker" in line for line in lines)


def test_node_list_prints_each_machine_and_its_ip_tab_separated(two_nodes):
    result = two_nodes.sh("minikube node list")
    assert (result.status, result.stdout) == (0, "minikube\t192.168.49.2\n"
                                                 "minikube-m02\t192.168.49.3\n")


def test_kubectl_sees_both_nodes_ready_and_only_the_first_as_control_plane(two_nodes):
    rows = [line.split() for line in two_nodes.sh("kubectl get nodes").lines[1:]]
    assert [(row[0], row[1], row[2]) for row in rows] == [
        ("minikube", "Ready", "control-plane"), ("minikube-m02", "Ready", "<none>")]


def test_status_adds_a_worker_block(two_nodes):
    result = two_nodes.sh("minikube status")
    assert result.status == 0
    assert result.stdout.endswith("\n\nminikube-m02\ntype: Worker\nhost: Running\n"
                                  "kubelet: Running\n\n")


def test_node_add_names_the_next_node_and_reports_success(two_nodes):
    result = two_nodes.sh("minikube node add")
    assert result.lines[0] == "😄  Adding node m03 to cluster minikube as [worker]"
    assert result.lines[1] == '👍  Starting "minikube-m03" worker node in "minikube" cluster'
    assert result.lines[-1] == "🏄  Successfully added m03 to minikube!"
    assert "minikube-m03\t192.168.49.4" in two_nodes.sh("minikube node list").lines


def test_node_add_to_a_single_node_cluster_warns_about_the_missing_cni(started):
    result = started.sh("minikube node add")
    assert result.status == 0
    assert "❗  Cluster was created without any CNI, adding a node to it might cause broken " \
           "networking." in result.stderr
    assert "minikube-m02" in started.sh("kubectl get nodes").stdout


def test_node_delete_removes_the_machine_and_the_kubernetes_node(two_nodes):
    two_nodes.sh("minikube node add")
    result = two_nodes.sh("minikube node delete m03")
    assert result.lines == [
        "🔥  Deleting node m03 from cluster minikube",
        '✋  Stopping node "minikube-m03"  ...',
        '🛑  Powering off "minikube-m03" via SSH ...',
        '🔥  Deleting "minikube-m03" in docker ...',
        "💀  Node m03 was successfully deleted.",
    ]
    assert "minikube-m03" not in two_nodes.sh("kubectl get nodes").stdout


def test_node_delete_of_an_unknown_node_fails(two_nodes):
    result = two_nodes.sh("minikube node delete m07")
    assert result.status != 0
    assert "Could not find node m07" in result.stderr


def test_ip_with_a_node_prints_that_nodes_address(two_nodes):
    assert two_nodes.sh("minikube ip -n m02").stdout == "192.168.49.3\n"
    assert two_nodes.sh("minikube ip -n minikube-m02").stdout == "192.168.49.3\n"
    assert two_nodes.sh("minikube ip").stdout == "192.168.49.2\n"


def test_a_stopped_node_turns_not_ready_after_the_grace_period(two_nodes):
    result = two_nodes.sh("minikube node stop m02")
    assert result.lines == ['✋  Stopping node "minikube-m02"  ...',
                            '🛑  Powering off "minikube-m02" via SSH ...',
                            "🛑  Successfully stopped node minikube-m02"]
    status = two_nodes.sh("minikube status")
    assert status.stdout.endswith("minikube-m02\ntype: Worker\nhost: Stopped\nkubelet: Stopped\n\n")
    assert status.status != 0
    two_nodes.clock.advance(30)
    assert "minikube-m02   Ready" in two_nodes.sh("kubectl get nodes").stdout
    two_nodes.clock.advance(30)
    assert "minikube-m02   NotReady" in two_nodes.sh("kubectl get nodes").stdout


def test_node_start_brings_the_node_back_to_ready(two_nodes):
    two_nodes.sh("minikube node stop m02")
    two_nodes.clock.advance(120)
    result = two_nodes.sh("minikube node start m02")
    assert result.lines[0] == '👍  Starting "minikube-m02" worker node in "minikube" cluster'
    assert '🔄  Restarting existing docker container for "minikube-m02" ...' in result.lines
    assert result.lines[-1] == "😄  Successfully started node minikube-m02!"
    assert "minikube-m02   Ready" in two_nodes.sh("kubectl get nodes").stdout


def test_node_start_of_a_running_node_says_so(two_nodes):
    assert two_nodes.sh("minikube node start m02").lines == ["✅  m02 is already running"]


def test_stop_stops_every_node_and_counts_them(two_nodes):
    assert two_nodes.sh("minikube stop").lines == [
        '✋  Stopping node "minikube"  ...',
        '🛑  Powering off "minikube" via SSH ...',
        '✋  Stopping node "minikube-m02"  ...',
        '🛑  Powering off "minikube-m02" via SSH ...',
        "🛑  2 nodes stopped.",
    ]
    assert "host: Stopped" in two_nodes.sh("minikube status").stdout.split("minikube-m02")[1]


def test_a_second_start_restarts_the_worker_too(two_nodes):
    two_nodes.sh("minikube stop")
    lines = two_nodes.sh("minikube start").lines
    assert '🔄  Restarting existing docker container for "minikube-m02" ...' in lines
    assert "minikube-m02   Ready" in two_nodes.sh("kubectl get nodes").stdout


def test_node_commands_need_a_profile(machine):
    result = machine.sh("minikube node list")
    assert result.status == 85
    assert 'Profile "minikube" not found' in result.stdout
