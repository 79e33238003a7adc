"""The lines the Kubernetes Basics tutorial has learners type, as the tools must receive them."""

GO_TEMPLATE = '{{range .items}}{{.metadata.name}}{{"\\n"}}{{end}}'


def test_the_pod_name_go_template_reaches_kubectl_intact_as_one_argument(terminal):
    result = terminal.run("export POD_NAME=\"$(kubectl get pods -o go-template --template "
                          "'{{range .items}}{{.metadata.name}}{{\"\\n\"}}{{end}}')\"")
    assert result.status == 0 and result.err == ""
    assert terminal.calls == [["kubectl", "get", "pods", "-o", "go-template", "--template", GO_TEMPLATE]]
    assert terminal.shell.env["POD_NAME"] == "kubernetes-bootcamp-5485cc6795-2dn5v\n" \
                                             "kubernetes-bootcamp-5485cc6795-8dq9x"


def test_the_unquoted_module_two_form_exports_without_splitting(terminal):
    terminal.run("export POD_NAME=$(kubectl get pods -o go-template --template "
                 "'{{range .items}}{{.metadata.name}}{{\"\\n\"}}{{end}}')")
    assert terminal.calls[0][-1] == GO_TEMPLATE
    assert terminal.shell.env["POD_NAME"].split("\n") == ["kubernetes-bootcamp-5485cc6795-2dn5v",
                                                          "kubernetes-bootcamp-5485cc6795-8dq9x"]


def test_echoing_two_pod_names_unquoted_prints_one_line(terminal):
    terminal.run("export POD_NAME=\"$(kubectl get pods)\"")
    result = terminal.run("echo Name of the Pod: $POD_NAME")
    assert result.out == ("Name of the Pod: kubernetes-bootcamp-5485cc6795-2dn5v "
                          "kubernetes-bootcamp-5485cc6795-8dq9x\n")


def test_echoing_the_pod_name_in_double_quotes_keeps_its_newline(terminal):
    terminal.run("export POD_NAME=\"$(kubectl get pods)\"")
    assert terminal.run('echo "Name of the Pod: $POD_NAME"').out.count("\n") == 2


def test_the_node_port_template_with_equals_sign_is_one_argument(terminal):
    terminal.outputs["kubectl"] = "31234\n"
    terminal.run("export NODE_PORT=\"$(kubectl get services/kubernetes-bootcamp "
                 "-o go-template='{{(index .spec.ports 0).nodePort}}')\"")
    assert terminal.calls == [["kubectl", "get", "services/kubernetes-bootcamp",
                               "-o", "go-template={{(index .spec.ports 0).nodePort}}"]]
    assert terminal.run('echo "NODE_PORT=$NODE_PORT"').out == "NODE_PORT=31234\n"


def test_curl_gets_the_url_assembled_from_quoted_substitution_and_variable(terminal):
    terminal.run("NODE_PORT=31234")
    terminal.run('curl http://"$(minikube ip):$NODE_PORT"')
    assert terminal.calls == [["minikube", "ip"], ["curl", "http://192.168.49.2:31234"]]


def test_the_proxy_url_puts_the_pod_name_inside_a_path(terminal):
    terminal.outputs["kubectl"] = "kubernetes-bootcamp-5485cc6795-2dn5v\n"
    terminal.run("export POD_NAME=$(kubectl get pods)")
    terminal.run("curl http://localhost:8001/api/v1/namespaces/default/pods/$POD_NAME:8080/proxy/")
    assert terminal.calls[-1] == [
        "curl",
        "http://localhost:8001/api/v1/namespaces/default/pods/kubernetes-bootcamp-5485cc6795-2dn5v:8080/proxy/"]


def test_double_quoted_option_values_lose_their_quotes(terminal):
    terminal.run('kubectl expose deployment/kubernetes-bootcamp --type="NodePort" --port 8080')
    assert terminal.calls == [["kubectl", "expose", "deployment/kubernetes-bootcamp", "--type=NodePort",
                               "--port", "8080"]]


def test_exec_passes_everything_after_the_double_dash_through(terminal):
    terminal.run("POD_NAME=pod-a")
    terminal.run('kubectl exec "$POD_NAME" -- env')
    terminal.run("kubectl exec -ti $POD_NAME -- curl http://localhost:8080")
    assert terminal.calls == [["kubectl", "exec", "pod-a", "--", "env"],
                              ["kubectl", "exec", "-ti", "pod-a", "--", "curl", "http://localhost:8080"]]
