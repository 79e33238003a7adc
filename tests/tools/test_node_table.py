"""The node rows the API server sends for ``kubectl get nodes`` and how kubectl prints them."""

import io

from cluster_engine.clock import parse_rfc3339
from cluster_engine.printers.table_printer import TablePrintOptions, print_table
from cluster_engine.printers.tables import build_table, node_roles, node_row, node_status

CREATED = "2026-11-25T14:06:31Z"
NOW = parse_rfc3339(CREATED) + 137 * 60 + 5


def node(ready="True", unschedulable=False, labels=None, addresses=None, info=None,
         conditions=True):
    obj = {
        "metadata": {"name": "minikube", "creationTimestamp": CREATED,
                     "labels": {"node-role.kubernetes.io/control-plane": ""} if labels is None
                     else labels},
        "spec": {"unschedulable": True} if unschedulable else {},
        "status": {
            "addresses": addresses if addresses is not None else [
                {"type": "InternalIP", "address": "192.168.49.2"},
                {"type": "Hostname", "address": "minikube"}],
            "nodeInfo": info if info is not None else {
                "kubeletVersion": "v1.32.0", "osImage": "Ubuntu 22.04.5 LTS",
                "kernelVersion": "5.15.0-1057-gcp", "containerRuntimeVersion": "docker://27.4.1"},
        },
    }
    if conditions:
        obj["status"]["conditions"] = [{"type": "MemoryPressure", "status": "False"},
                                       {"type": "Ready", "status": ready}]
    return obj


def printed(nodes, wide=False) -> str:
    out = io.StringIO()
    print_table(build_table("Node", nodes, NOW), out, TablePrintOptions(wide=wide))
    return out.getvalue()


def test_a_ready_node_reads_ready():
    assert node_status(node()) == "Ready"


def test_a_ready_condition_that_is_false_or_unknown_reads_not_ready():
    assert node_status(node(ready="False")) == "NotReady"
    assert node_status(node(ready="Unknown")) == "NotReady"


def test_a_node_without_a_ready_condition_reads_unknown():
    assert node_status(node(conditions=False)) == "Unknown"


def test_a_cordoned_node_adds_scheduling_disabled():
    assert node_status(node(unschedulable=True)) == "Ready,SchedulingDisabled"
    assert node_status(node(ready="False", unschedulable=True)) == "NotReady,SchedulingDisabled"


def test_roles_come_from_node_role_labels_sorted_and_the_legacy_role_label():
    labels = {"node-role.kubernetes.io/worker": "", "node-role.kubernetes.io/control-plane": "",
              "kubernetes.io/role": "infra", "node-role.kubernetes.io/": ""}
    assert node_roles(node(labels=labels)) == "control-plane,infra,worker"


def test_a_node_without_roles_shows_none():
    assert node_roles(node(labels={"kubernetes.io/hostname": "minikube-m02"})) == "<none>"


def test_the_row_has_the_wide_cells_too_because_the_server_always_sends_them():
    assert node_row(node(), NOW) == ["minikube", "Ready", "control-plane", "137m", "v1.32.0",
                                     "192.168.49.2", "<none>", "Ubuntu 22.04.5 LTS",
                                     "5.15.0-1057-gcp", "docker://27.4.1"]


def test_missing_addresses_and_node_info_print_placeholders():
    row = node_row(node(addresses=[], info={"kubeletVersion": "v1.32.0"}), NOW)
    assert row[5:] == ["<none>", "<none>", "<unknown>", "<unknown>", "<unknown>"]


def test_get_nodes_prints_the_reference_table():
    assert printed([node()]) == ("NAME       STATUS   ROLES           AGE    VERSION\n"
                                 "minikube   Ready    control-plane   137m   v1.32.0\n")


def test_get_nodes_wide_prints_the_reference_table():
    assert printed([node()], wide=True) == (
        "NAME       STATUS   ROLES           AGE    VERSION   INTERNAL-IP    EXTERNAL-IP   "
        "OS-IMAGE             KERNEL-VERSION    CONTAINER-RUNTIME\n"
        "minikube   Ready    control-plane   137m   v1.32.0   192.168.49.2   <none>        "
        "Ubuntu 22.04.5 LTS   5.15.0-1057-gcp   docker://27.4.1\n")


def test_an_empty_table_prints_nothing_not_even_the_header():
    assert printed([]) == ""


def test_labels_column_and_kind_prefix_are_added_by_the_client():
    out = io.StringIO()
    print_table(build_table("Node", [node()], NOW), out,
                TablePrintOptions(kind_prefix="node", show_labels=True))
    assert out.getvalue().splitlines()[1].startswith("node/minikube   Ready")
    assert out.getvalue().splitlines()[1].endswith("node-role.kubernetes.io/control-plane=")
