"""``kubectl get`` with the printers that read the objects themselves, the table options and
``--watch``.

The expected outputs were checked against the real kubectl v1.32 reading the same sandbox state
through the engine's REST API (``python -m cluster_engine serve-api``): the same commands printed
the same bytes, errors and exit statuses. The watch tests follow kubectl's watch loop as its
source has it (header once, one line per change in the remembered column widths), since the
API façade does not serve watches.
"""

from __future__ import annotations

import io
import re

import pytest

from cluster_engine.commands import COMMANDS
from cluster_engine.shell.filesystem import SandboxFileSystem

from tool_sandbox import Machine

V1 = "gcr.io/google-samples/kubernetes-bootcamp:v1"
V2 = "docker.io/jocatalin/kubernetes-bootcamp:v2"
POD_NAME = re.compile(r"kubernetes-bootcamp-[4-9bcdf]{9,10}-[bcdfghjklmnpqrstvwxz2456789]{5}")


@pytest.fixture
def bootcamp() -> Machine:
    """Module 5's cluster: the bootcamp deployment with three running pods behind a NodePort."""
    machine = Machine(seed=3)
    assert machine.sh("minikube start").status == 0
    for line in (f"kubectl create deployment kubernetes-bootcamp --image={V1}",
                 "kubectl expose deployment/kubernetes-bootcamp --type=NodePort --port 8080",
                 "kubectl scale deployments/kubernetes-bootcamp --replicas=3"):
        assert machine.sh(line).status == 0
    machine.clock.advance(30)
    return machine


def pod_names(machine: Machine) -> list[str]:
    return machine.run("kubectl", "get", "pods", "-o", "name").stdout.replace("pod/", "").split()


# -- the tutorial's lines ----------------------------------------------------------------------
def test_the_tutorials_pod_name_template_prints_one_name_per_line(bootcamp):
    result = bootcamp.run("kubectl", "get", "pods", "-o", "go-template", "--template",
                          '{{range .items}}{{.metadata.name}}{{"\\n"}}{{end}}')
    assert result.status == 0 and result.stderr == ""
    assert result.lines == pod_names(bootcamp)
    assert len(result.lines) == 3 and all(POD_NAME.fullmatch(name) for name in result.lines)


def test_the_tutorials_node_port_template_prints_the_bare_number(bootcamp):
    result = bootcamp.run("kubectl", "get", "services/kubernetes-bootcamp", "-o",
                          "go-template={{(index .spec.ports 0).nodePort}}")
    node_port = bootcamp.run("kubectl", "get", "svc", "kubernetes-bootcamp", "-o",
                             "jsonpath={.spec.ports[0].nodePort}").stdout
    assert result.status == 0
    assert re.fullmatch(r"3[0-2]\d{3}", result.stdout) and result.stdout == node_port
    assert bootcamp.run("kubectl", "get", "svc/kubernetes-bootcamp", "-o",
                        'go-template={{printf "%d" (index .spec.ports 0).nodePort}}'
                        ).stdout == node_port


def test_the_tutorials_pending_pod_template_prints_nothing_when_no_pod_is_pending(bootcamp):
    result = bootcamp.run("kubectl", "get", "pods", "--field-selector", "status.phase=Pending",
                          "-o", "go-template", "--template",
                          '{{range .items}}{{.metadata.name}}{{"\\n"}}{{end}}')
    assert (result.status, result.stdout, result.stderr) == (0, "", "")


def test_the_pending_pod_template_names_the_pod_stuck_on_a_missing_image(bootcamp):
    bootcamp.sh("kubectl set image deployments/kubernetes-bootcamp "
                "kubernetes-bootcamp=gcr.io/google-samples/kubernetes-bootcamp:v10")
    bootcamp.clock.advance(20)
    result = bootcamp.run("kubectl", "get", "pods", "--field-selector", "status.phase=Pending",
                          "-o", "go-template", "--template",
                          '{{range .items}}{{.metadata.name}}{{"\\n"}}{{end}}')
    pending = [line.split()[0] for line in bootcamp.sh("kubectl get pods").lines[1:]
               if "ImagePull" in line]
    assert result.lines == pending and len(pending) >= 1


# -- the ways to give a template ------------------------------------------------------------------
@pytest.mark.parametrize("argv", [
    ["-o", "go-template={{.kind}}"],
    ["-o", "template={{.kind}}"],
    ["-o", "go-template", "--template={{.kind}}"],
    ["-o", "template", "--template", "{{.kind}}"],
    ["--template={{.kind}}"],
    ["-o", "jsonpath={.kind}"],
    ["-o", "jsonpath", "--template={.kind}"],
])
def test_every_way_of_giving_a_template_reaches_the_same_printer(bootcamp, argv):
    result = bootcamp.run("kubectl", "get", "pods", *argv)
    assert (result.status, result.stdout, result.stderr) == (0, "List", "")


def test_a_template_file_is_read_from_the_learners_files(bootcamp):
    bootcamp.ctx.fs = SandboxFileSystem(bootcamp.sandbox)
    bootcamp.ctx.fs.write("/home/learner/names.tmpl", "{{range .items}}{{.metadata.name}} {{end}}")
    result = bootcamp.run("kubectl", "get", "pods", "-o", "go-template-file=names.tmpl")
    assert result.stdout.split() == pod_names(bootcamp)


def test_a_missing_template_file_is_reported_as_go_reports_it(bootcamp):
    result = bootcamp.run("kubectl", "get", "pods", "-o", "go-template-file=/nonexist")
    assert (result.status, result.stderr) == (
        1, "error: error reading --template /nonexist, open /nonexist: no such file or directory\n")


@pytest.mark.parametrize(("argv", "message"), [
    (["-o", "go-template"], "error: template format specified but no template given\n"),
    (["-o", "jsonpath"], "error: template format specified but no template given\n"),
    (["-o", "go-template={{.kind"],
     "error: error parsing template {{.kind, template: output:1: unclosed action\n"),
    (["-o", "jsonpath={.kind"], "error: error parsing jsonpath {.kind, unclosed action\n"),
    (["-o", "custom-columns=bad"],
     "error: unexpected custom-columns spec: bad, expected <header>:<json-path-expr>\n"),
    (["-o", "custom-columns="],
     "error: custom-columns format specified but no custom columns given\n"),
    (["-o", "go-template={{.kind}}", "--template={{.apiVersion}}"],
     'error: unable to match a printer suitable for the output format "go-template={{.kind}}", '
     "allowed formats are: custom-columns,custom-columns-file,go-template,go-template-file,json,"
     "jsonpath,jsonpath-as-json,jsonpath-file,name,template,templatefile,wide,yaml\n"),
    (["-o", "yaml", "--show-labels"],
     "error: --show-labels option cannot be used with yaml printer\n"),
])
def test_a_bad_template_or_spec_gets_kubectls_error(bootcamp, argv, message):
    result = bootcamp.run("kubectl", "get", "pods", *argv)
    assert (result.status, result.stdout, result.stderr) == (1, "", message)


def test_a_missing_named_object_is_reported_before_the_template_is_read(bootcamp):
    result = bootcamp.run("kubectl", "get", "pod", "nope", "-o", "go-template={{.kind")
    assert result.stderr == 'Error from server (NotFound): pods "nope" not found\n'


def test_a_failing_template_prints_what_it_was_given_then_fails(bootcamp):
    result = bootcamp.run("kubectl", "get", "svc", "kubernetes", "-o",
                          "go-template={{.metadata.name}} {{len .nope}}")
    assert result.status == 1
    assert result.stdout.startswith(
        'kubernetes Error executing template: template: output:1:21: executing "output" at '
        "<len .nope>: error calling len: reflect: call of reflect.Value.Type on zero Value. "
        "Printing more information for debugging the template:\n"
        "\ttemplate was:\n\t\t{{.metadata.name}} {{len .nope}}\n"
        '\traw data was:\n\t\t{"apiVersion":"v1","kind":"Service","metadata":{')
    assert ("\tobject given to template engine was:\n\t\tmap[apiVersion:v1 kind:Service"
            in result.stdout)
    assert result.stdout.endswith("]\n\n")
    assert result.stderr == (
        'error: error executing template "{{.metadata.name}} {{len .nope}}": template: '
        'output:1:21: executing "output" at <len .nope>: error calling len: reflect: call of '
        "reflect.Value.Type on zero Value\n")


def test_a_failing_jsonpath_prints_nothing_and_explains_on_stderr(bootcamp):
    result = bootcamp.run("kubectl", "get", "pods", "-o", "jsonpath={.items[9]}")
    assert (result.status, result.stdout) == (1, "")
    assert result.stderr.startswith(
        'error: error executing jsonpath "{.items[9]}": Error executing template: array index '
        "out of bounds: index 9, length 3. Printing more information for debugging the "
        "template:\n\ttemplate was:\n\t\t{.items[9]}\n\tobject given to jsonpath engine was:\n"
        '\t\tmap[string]interface {}{"apiVersion":"v1", "items":[]interface {}{')
    assert result.stderr.endswith("}\n\n\n")


# -- what the printers are given -----------------------------------------------------------------
def test_a_list_is_what_kubectl_builds_and_a_single_object_comes_bare(bootcamp):
    listed = bootcamp.run("kubectl", "get", "svc", "-o",
                          "go-template={{.apiVersion}} {{.kind}} {{.metadata}} {{len .items}}")
    assert listed.stdout == "v1 List map[resourceVersion:] 2"
    single = bootcamp.run("kubectl", "get", "svc", "kubernetes", "-o", "go-template={{.kind}}")
    assert single.stdout == "Service"
    several_types = bootcamp.run("kubectl", "get", "pods,svc", "-o",
                                 "go-template={{range .items}}{{.kind}} {{end}}")
    assert several_types.stdout == "Pod Pod Pod Service Service "


def test_an_empty_list_still_runs_the_template_and_says_nothing_on_stderr(bootcamp):
    result = bootcamp.run("kubectl", "get", "pods", "-n", "kube-public", "-o",
                          "go-template={{len .items}}")
    assert (result.status, result.stdout, result.stderr) == (0, "0", "")


def test_jsonpath_ranges_over_the_items(bootcamp):
    result = bootcamp.run("kubectl", "get", "pods", "-o",
                          'jsonpath={range .items[*]}{.metadata.name}{"\\t"}{.status.podIP}'
                          '{"\\n"}{end}')
    rows = [line.split("\t") for line in result.lines]
    assert [name for name, _ip in rows] == pod_names(bootcamp)
    assert all(re.fullmatch(r"10\.244\.0\.\d+", ip) for _name, ip in rows)


def test_jsonpath_prints_maps_as_json_and_filters_lists(bootcamp):
    labels = bootcamp.run("kubectl", "get", "deploy", "kubernetes-bootcamp", "-o",
                          "jsonpath={.metadata.labels}")
    assert labels.stdout == '{"app":"kubernetes-bootcamp"}'
    address = bootcamp.run("kubectl", "get", "nodes", "-o", 'jsonpath={.items[*].status.addresses'
                           '[?(@.type=="InternalIP")].address}')
    assert address.stdout == "192.168.49.2"


def test_jsonpath_as_json_prints_an_indented_array(bootcamp):
    result = bootcamp.run("kubectl", "get", "svc", "kubernetes", "-o",
                          "jsonpath-as-json={.spec.ports[*].port}")
    assert result.stdout == "[\n    443\n]\n"


# -- custom columns --------------------------------------------------------------------------------
def test_custom_columns_keep_their_headers_and_show_none_for_missing_values(bootcamp):
    result = bootcamp.run("kubectl", "get", "pods", "-o",
                          "custom-columns=NAME:.metadata.name,image:.spec.containers[*].image,"
                          "X:.nope")
    names = pod_names(bootcamp)
    assert result.lines == (
        ["NAME                                   image                                          X"]
        + [f"{name}   {V1}   <none>" for name in names])


def test_custom_columns_accept_relaxed_paths_and_no_headers(bootcamp):
    result = bootcamp.run("kubectl", "get", "svc", "-o",
                          "custom-columns=name:metadata.name,port:{.spec.ports[*].port}",
                          "--no-headers")
    assert result.lines == ["kubernetes            443", "kubernetes-bootcamp   8080"]


def test_custom_columns_print_maps_as_go_does(bootcamp):
    result = bootcamp.run("kubectl", "get", "deploy", "-o",
                          "custom-columns=L:.metadata.labels,R:.spec.replicas")
    assert result.lines == ["L" + " " * 30 + "R", "map[app:kubernetes-bootcamp]   3"]


# -- table options ---------------------------------------------------------------------------------
def test_show_labels_and_label_columns_add_their_columns(bootcamp):
    labels = bootcamp.sh("kubectl get svc --show-labels")
    assert labels.lines == [
        "NAME                  TYPE        CLUSTER-IP       EXTERNAL-IP   PORT(S)          AGE   "
        "LABELS",
        "kubernetes            ClusterIP   10.96.0.1        <none>        443/TCP          32s   "
        "component=apiserver,provider=kubernetes",
        "kubernetes-bootcamp   NodePort    " + labels.lines[2][34:]]
    assert labels.lines[2].endswith("30s   app=kubernetes-bootcamp")
    columns = bootcamp.sh("kubectl get svc -L app -L component")
    assert columns.lines[0].endswith("AGE   APP                   COMPONENT")
    assert columns.lines[1].endswith("32s                         apiserver")
    assert columns.lines[2].endswith("30s   kubernetes-bootcamp   ")


def test_all_namespaces_adds_the_namespace_column_and_sort_by_orders_across_them(bootcamp):
    result = bootcamp.sh("kubectl get svc -A --sort-by=.metadata.name")
    assert [line.split()[:2] for line in result.lines] == [
        ["NAMESPACE", "NAME"], ["kube-system", "kube-dns"], ["default", "kubernetes"],
        ["default", "kubernetes-bootcamp"]]


def test_sort_by_compares_strings_byte_by_byte_and_puts_objects_without_the_field_first(bootcamp):
    addresses = bootcamp.sh("kubectl get svc -A -o custom-columns=N:.metadata.name,"
                            "IP:.spec.clusterIP --no-headers").lines
    by_text = [line.split()[0] for line in sorted(addresses, key=lambda line: line.split()[1])]
    assert bootcamp.sh("kubectl get svc -A --sort-by=.spec.clusterIP -o name").lines == [
        f"service/{name}" for name in by_text]
    by_label = bootcamp.sh("kubectl get svc -A --sort-by=.metadata.labels.app -o name")
    assert by_label.lines == ["service/kube-dns", "service/kubernetes",
                              "service/kubernetes-bootcamp"]


def test_sort_by_a_field_nobody_has_fails_for_objects_and_empties_a_table(bootcamp):
    named = bootcamp.sh("kubectl get pods --sort-by=.nope -o name")
    assert (named.status, named.stdout, named.stderr) == (
        1, "", 'error: couldn\'t find any field with path "{.nope}" in the list of objects\n')
    table = bootcamp.sh("kubectl get pods --sort-by=.nope")
    assert (table.status, table.stdout, table.stderr) == (
        0, "", "No resources found in default namespace.\n")


def test_a_broken_sort_path_empties_a_table_and_fails_the_object_printers(bootcamp):
    table = bootcamp.sh("kubectl get svc -A --sort-by=.spec.ports[5].port")
    assert (table.status, table.stdout, table.stderr) == (0, "", "No resources found\n")
    named = bootcamp.sh("kubectl get svc -A --sort-by=.spec.ports[5].port -o name")
    assert (named.status, named.stdout, named.stderr) == (
        1, "", "error: array index out of bounds: index 5, length 1\n")
    unparsable = bootcamp.sh("kubectl get svc --sort-by={.metadata.name -o name")
    assert unparsable.stderr == (
        "error: unexpected path string, expected a 'name1.name2' or '.name1.name2' or "
        "'{name1.name2}' or '{.name1.name2}'\n")


def test_sort_by_leaves_a_single_named_object_alone(bootcamp):
    assert bootcamp.sh("kubectl get svc kubernetes --sort-by=.nope -o name").stdout == (
        "service/kubernetes\n")
    assert bootcamp.sh("kubectl get svc kubernetes --sort-by=.nope").lines[1].startswith(
        "kubernetes   ClusterIP")


def test_no_headers_drops_the_blank_line_between_types(bootcamp):
    result = bootcamp.sh("kubectl get deploy,svc --no-headers")
    assert [line.split()[0] for line in result.lines] == [
        "deployment.apps/kubernetes-bootcamp", "service/kubernetes",
        "service/kubernetes-bootcamp"]


# -- watching ----------------------------------------------------------------------------------
def watch(machine: Machine, argv: list[str], script: dict[int, str], polls: int,
          stderr: io.StringIO | None = None) -> str:
    """Run ``kubectl get ... -w`` until Ctrl-C after ``polls`` waits, typing ``script[n]`` (in
    another tab) just before the n-th wait ends; the watch's output."""
    waits = 0
    fake_sleep = machine.ctx.sleep

    def sleep(seconds: float) -> None:
        nonlocal waits
        assert seconds == 1.0
        waits += 1
        if waits > polls:
            raise KeyboardInterrupt
        if waits in script:
            assert machine.sh(script[waits]).status == 0
        fake_sleep(seconds)

    machine.ctx.sleep = sleep
    out = io.StringIO()
    with pytest.raises(KeyboardInterrupt):
        COMMANDS["kubectl"](["kubectl", "get", *argv], io.StringIO(), out,
                            stderr or io.StringIO(), machine.ctx)
    machine.ctx.sleep = fake_sleep
    return out.getvalue()


def test_watch_prints_the_table_then_a_line_per_change_until_ctrl_c(bootcamp):
    names = pod_names(bootcamp)
    output = watch(bootcamp, ["pods", "-w"],
                   {2: "kubectl scale deployments/kubernetes-bootcamp --replicas=1"}, polls=40)
    lines = output.splitlines()
    assert lines[0] == "NAME                                   READY   STATUS    RESTARTS   AGE"
    assert lines[1:4] == [f"{name}   1/1     Running   0          30s" for name in names]
    changes = lines[4:]
    assert len(changes) == 4 and not any(line.startswith("NAME ") for line in changes)
    terminating = [line for line in changes if "Terminating" in line]
    assert len(terminating) == 4
    assert re.fullmatch(r"kubernetes-bootcamp-\S+   1/1     Terminating   0          32s",
                        changes[0])


def test_watch_from_nothing_prints_the_header_with_the_first_pods(machine):
    assert machine.sh("minikube start").status == 0
    output = watch(machine, ["pods", "--watch"],
                   {2: f"kubectl create deployment web --image={V2} --replicas=2"}, polls=20)
    lines = output.splitlines()
    assert lines[0] == "NAME                   READY   STATUS              RESTARTS   AGE"
    statuses = [line.split()[2] for line in lines[1:]]
    assert statuses == ["ContainerCreating", "ContainerCreating", "Running", "Running"]
    assert all(re.fullmatch(r"web-[4-9bcdf]+-\w{5}   [01]/1     \S+\s+0          \d+s", line)
               for line in lines[1:])


def test_watch_only_skips_the_current_state(bootcamp):
    output = watch(bootcamp, ["deploy", "--watch-only"],
                   {3: "kubectl scale deployments/kubernetes-bootcamp --replicas=4"}, polls=10)
    lines = output.splitlines()
    assert lines[0] == "NAME                  READY   UP-TO-DATE   AVAILABLE   AGE"
    assert lines[1:] and all(line.startswith("kubernetes-bootcamp   ") for line in lines[1:])
    assert lines[-1].split()[1:4] == ["4/4", "4", "4"]


def test_watch_keeps_the_widths_it_printed_and_widens_only_for_longer_cells(bootcamp):
    output = watch(bootcamp, ["pods", "-w"],
                   {2: "kubectl scale deployments/kubernetes-bootcamp --replicas=2"}, polls=3)
    change = output.splitlines()[4]
    assert "1/1     Terminating   0          " in change


def test_watch_with_a_name_template_prints_each_change_through_it(bootcamp):
    output = watch(bootcamp, ["deploy", "kubernetes-bootcamp", "-w", "-o",
                              "jsonpath={.status.readyReplicas}{\"\\n\"}"],
                   {2: "kubectl scale deployments/kubernetes-bootcamp --replicas=5"}, polls=10)
    lines = output.splitlines()
    assert lines[0] == "3" and lines[-1] == "5"


def test_watch_warns_that_sort_by_is_ignored_and_refuses_several_types(bootcamp):
    refused = bootcamp.sh("kubectl get pods,svc -w")
    assert (refused.status, refused.stderr) == (
        1, "error: you may only specify a single resource type\n")
    stderr = io.StringIO()
    output = watch(bootcamp, ["pods", "-w", "--sort-by=.metadata.name"], {}, polls=0,
                   stderr=stderr)
    assert stderr.getvalue() == (
        "warning: --watch or --watch-only requested, --sort-by will be ignored\n")
    assert output.splitlines()[1:] == [f"{name}   1/1     Running   0          30s"
                                       for name in pod_names(bootcamp)]


def test_watching_a_missing_object_is_a_not_found_error(bootcamp):
    result = bootcamp.sh("kubectl get pod nope -w")
    assert (result.status, result.stderr) == (
        1, 'Error from server (NotFound): pods "nope" not found\n')


def test_watch_with_custom_columns_prints_the_header_once_in_one_set_of_widths(bootcamp):
    output = watch(bootcamp, ["deploy", "-w", "-o",
                              "custom-columns=NAME:.metadata.name,READY:.status.readyReplicas"],
                   {2: "kubectl scale deployments/kubernetes-bootcamp --replicas=5"}, polls=10)
    lines = output.splitlines()
    assert lines[0] == "NAME                  READY"
    assert lines[1] == "kubernetes-bootcamp   3"
    assert lines[-1] == "kubernetes-bootcamp   5"
    assert sum(line.startswith("NAME") for line in lines) == 1


def test_watch_across_namespaces_adds_the_namespace_column(bootcamp):
    output = watch(bootcamp, ["deploy", "-A", "-w"],
                   {2: "kubectl scale deployments/kubernetes-bootcamp --replicas=4"}, polls=10)
    lines = output.splitlines()
    assert lines[0].startswith("NAMESPACE     NAME                  READY")
    assert lines[1].startswith("default       kubernetes-bootcamp   3/3")
    assert lines[2].startswith("kube-system   coredns               1/1")
    assert lines[-1].startswith("default       kubernetes-bootcamp   4/4")


def test_a_columns_file_holds_headers_then_paths(bootcamp):
    bootcamp.ctx.fs = SandboxFileSystem(bootcamp.sandbox)
    bootcamp.ctx.fs.write("/home/learner/cols.txt",
                          "NAME    PORT\n.metadata.name   .spec.ports[0].port\n")
    result = bootcamp.run("kubectl", "get", "svc", "-o", "custom-columns-file=cols.txt")
    assert result.lines == ["NAME                  PORT", "kubernetes            443",
                            "kubernetes-bootcamp   8080"]
    bootcamp.ctx.fs.write("/home/learner/bad.txt", "A B C\n.metadata.name\n")
    bad = bootcamp.run("kubectl", "get", "svc", "-o", "custom-columns-file=bad.txt")
    assert bad.stderr == "error: number of headers (3) and field specifications (1) don't match\n"
    missing = bootcamp.run("kubectl", "get", "svc", "-o", "custom-columns-file=/nonexist")
    assert missing.stderr == (
        "error: error reading template /nonexist, open /nonexist: no such file or directory\n")
