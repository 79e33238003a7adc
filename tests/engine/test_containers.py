"""The view from inside a container: environment, files, shared volumes, localhost."""

import base64
import json

import pytest

from cluster_engine import containers as c
from cluster_engine import services as s
from cluster_engine.clock import FakeClock
from cluster_engine.cluster import Cluster
from cluster_engine.defaults import SERVICE_ACCOUNT_MOUNT_PATH, default_pod
from cluster_engine.minikube_cluster import start_cluster
from cluster_engine.resources import resolve
from cluster_engine.state import SandboxState

PODS = resolve("pods")
CONFIG_MAPS = resolve("configmaps")
SECRETS = resolve("secrets")
BOOTCAMP = "gcr.io/google-samples/kubernetes-bootcamp:v1"


class Lab:
    def __init__(self, seed: int = 7):
        self.clock = FakeClock()
        self.cluster = Cluster(SandboxState.fresh(seed), self.clock)
        start_cluster(self.cluster)
        self.cluster.advance()

    def wait(self, seconds: float, step: float = 0.1) -> None:
        for _ in range(round(seconds / step)):
            self.clock.advance(step)
            self.cluster.advance()

    def run(self, name: str, image: str = BOOTCAMP, containers=None, **spec) -> dict:
        containers = containers or [{"name": name, "image": image}]
        pod = {"metadata": {"name": name, "namespace": "default", "labels": {"app": name}},
               "spec": {"containers": containers, **spec}}
        self.cluster.store.create(PODS, default_pod(pod, self.cluster.rng))
        self.cluster.reconcile()
        self.wait(6)
        return self.pod(name)

    def pod(self, name: str) -> dict:
        return self.cluster.store.get(PODS, "default", name)

    def config_map(self, name: str, data: dict) -> None:
        self.cluster.store.create(CONFIG_MAPS, {"metadata": {"name": name}, "data": data})

    def secret(self, name: str, data: dict) -> None:
        encoded = {k: base64.b64encode(v.encode()).decode() for k, v in data.items()}
        self.cluster.store.create(SECRETS, {"metadata": {"name": name}, "type": "Opaque",
                                            "data": encoded})

    def service(self, name: str, ports: list[dict]) -> dict:
        obj = {"metadata": {"name": name, "namespace": "default"},
               "spec": {"ports": ports, "selector": {"app": name}, "type": "ClusterIP"}}
        created = self.cluster.store.create(s.SERVICES, s.default_service(self.cluster, obj))
        self.cluster.reconcile()
        return created

    def env(self, pod: dict, container: str | None = None) -> dict[str, str]:
        return dict(c.container_environment(self.cluster, pod, container or pod["metadata"]["name"]))


@pytest.fixture(scope="module")
def lab():
    return Lab()


def running(pod: dict) -> bool:
    return all("running" in status["state"] for status in pod["status"]["containerStatuses"])


# -- environment ---------------------------------------------------------------------------------
def test_the_tutorial_app_sees_its_hostname_the_kubernetes_service_and_node_version(lab):
    pod = lab.run("bootcamp")
    assert running(pod)
    env = lab.env(pod)
    assert env["HOSTNAME"] == "bootcamp"
    assert env["KUBERNETES_SERVICE_HOST"] == "10.96.0.1"
    assert env["KUBERNETES_SERVICE_PORT"] == "443"
    assert env["KUBERNETES_SERVICE_PORT_HTTPS"] == "443"
    assert env["KUBERNETES_PORT"] == "tcp://10.96.0.1:443"
    assert env["KUBERNETES_PORT_443_TCP"] == "tcp://10.96.0.1:443"
    assert env["KUBERNETES_PORT_443_TCP_PROTO"] == "tcp"
    assert env["KUBERNETES_PORT_443_TCP_PORT"] == "443"
    assert env["KUBERNETES_PORT_443_TCP_ADDR"] == "10.96.0.1"
    assert env["NODE_VERSION"] == "6.3.1" and env["NPM_CONFIG_LOGLEVEL"] == "info"
    assert env["HOME"] == "/root"


def test_env_prints_path_and_hostname_first_image_variables_late_and_home_last(lab):
    pod = lab.pod("bootcamp")
    names = [name for name, _ in c.container_environment(lab.cluster, pod, "bootcamp")]
    assert names[:2] == ["PATH", "HOSTNAME"]
    assert names[-3:] == ["NPM_CONFIG_LOGLEVEL", "NODE_VERSION", "HOME"]
    assert len(names) == len(set(names))


def test_the_environment_is_the_same_every_time_it_is_printed(lab):
    pod = lab.pod("bootcamp")
    first = c.container_environment(lab.cluster, pod, "bootcamp")
    assert c.container_environment(lab.cluster, pod, "bootcamp") == first


def test_a_terminal_adds_term_after_hostname(lab):
    env = c.container_environment(lab.cluster, lab.pod("bootcamp"), "bootcamp", tty=True)
    assert env[2] == ("TERM", "xterm")


def test_a_service_created_before_the_pod_gives_it_variables_and_one_created_after_does_not():
    lab = Lab()
    before = lab.service("front-end", [{"name": "http", "port": 80, "protocol": "TCP",
                                        "targetPort": 8080},
                                       {"name": "metrics", "port": 9090, "protocol": "TCP",
                                        "targetPort": 9090}])
    pod = lab.run("app")
    lab.wait(2)
    lab.service("late", [{"port": 81, "protocol": "TCP", "targetPort": 8080}])
    env = lab.env(lab.pod("app"))
    ip = before["spec"]["clusterIP"]
    assert env["FRONT_END_SERVICE_HOST"] == ip
    assert env["FRONT_END_SERVICE_PORT"] == "80"
    assert env["FRONT_END_SERVICE_PORT_HTTP"] == "80"
    assert env["FRONT_END_SERVICE_PORT_METRICS"] == "9090"
    assert env["FRONT_END_PORT"] == f"tcp://{ip}:80"
    assert env["FRONT_END_PORT_9090_TCP"] == f"tcp://{ip}:9090"
    assert env["FRONT_END_PORT_80_TCP_PROTO"] == "tcp"
    assert env["FRONT_END_PORT_80_TCP_PORT"] == "80"
    assert env["FRONT_END_PORT_80_TCP_ADDR"] == ip
    assert not any(name.startswith("LATE_") for name in env)
    assert running(pod)


def test_disabling_service_links_keeps_only_the_kubernetes_service():
    lab = Lab()
    lab.service("web", [{"port": 80, "protocol": "TCP", "targetPort": 8080}])
    env = lab.env(lab.run("quiet", enableServiceLinks=False))
    assert "WEB_SERVICE_HOST" not in env
    assert env["KUBERNETES_SERVICE_HOST"] == "10.96.0.1"


def test_config_map_and_secret_values_reach_env_and_env_from_with_a_prefix(lab):
    lab.config_map("settings", {"MODE": "blue", "LEVEL": "3"})
    lab.secret("creds", {"password": "s3cret", "user": "admin"})
    pod = lab.run("configured", containers=[{
        "name": "configured", "image": BOOTCAMP,
        "envFrom": [{"configMapRef": {"name": "settings"}, "prefix": "CFG_"},
                    {"secretRef": {"name": "creds"}}],
        "env": [{"name": "COLOUR", "valueFrom": {"configMapKeyRef": {"name": "settings",
                                                                     "key": "MODE"}}},
                {"name": "DB_PASSWORD", "valueFrom": {"secretKeyRef": {"name": "creds",
                                                                       "key": "password"}}},
                {"name": "user", "value": "override"}]}])
    env = lab.env(pod)
    assert env["CFG_MODE"] == "blue" and env["CFG_LEVEL"] == "3"
    assert env["COLOUR"] == "blue"
    assert env["DB_PASSWORD"] == "s3cret" and env["password"] == "s3cret"
    assert env["user"] == "override"


def test_field_refs_give_the_pods_own_name_namespace_ip_node_and_labels(lab):
    refs = {"MY_NAME": "metadata.name", "MY_NAMESPACE": "metadata.namespace",
            "MY_IP": "status.podIP", "MY_NODE": "spec.nodeName", "MY_HOST": "status.hostIP",
            "MY_APP": "metadata.labels['app']"}
    pod = lab.run("downward", containers=[{
        "name": "downward", "image": BOOTCAMP,
        "env": [{"name": k, "valueFrom": {"fieldRef": {"fieldPath": v}}} for k, v in refs.items()]
        + [{"name": "CPU_LIMIT", "valueFrom": {"resourceFieldRef": {"resource": "limits.cpu"}}}]}])
    env = lab.env(pod)
    assert env["MY_NAME"] == "downward" and env["MY_NAMESPACE"] == "default"
    assert env["MY_IP"] == pod["status"]["podIP"] and env["MY_IP"]
    assert env["MY_NODE"] == "minikube" and env["MY_HOST"] == pod["status"]["hostIP"]
    assert env["MY_APP"] == "downward"
    assert env["CPU_LIMIT"] == "8"


def test_dollar_parentheses_expand_earlier_variables_and_service_variables(lab):
    pod = lab.run("expanding", containers=[{
        "name": "expanding", "image": BOOTCAMP,
        "env": [{"name": "GREETING", "value": "hello"},
                {"name": "MESSAGE", "value": "$(GREETING) world"},
                {"name": "API", "value": "https://$(KUBERNETES_SERVICE_HOST):443"},
                {"name": "LATER", "value": "$(DEFINED_LATER)"},
                {"name": "ESCAPED", "value": "$$(GREETING)"},
                {"name": "DEFINED_LATER", "value": "x"}]}])
    env = lab.env(pod)
    assert env["MESSAGE"] == "hello world"
    assert env["API"] == "https://10.96.0.1:443"
    assert env["LATER"] == "$(DEFINED_LATER)"
    assert env["ESCAPED"] == "$(GREETING)"


def test_expansion_follows_the_kubelets_rules_for_odd_input():
    lookup = {"A": "1"}.get
    assert c.expand("$(A)-$(B)-$$-$x-$(unterminated", lookup) == "1-$(B)-$-$x-$(unterminated"
    assert c.expand("trailing $", lookup) == "trailing $"


@pytest.mark.parametrize("env, env_from, message", [
    ([{"name": "X", "valueFrom": {"configMapKeyRef": {"name": "absent", "key": "k"}}}], [],
     'configmap "absent" not found'),
    ([{"name": "X", "valueFrom": {"secretKeyRef": {"name": "absent", "key": "k"}}}], [],
     'secret "absent" not found'),
    ([{"name": "X", "valueFrom": {"configMapKeyRef": {"name": "present", "key": "k"}}}], [],
     "couldn't find key k in ConfigMap default/present"),
    ([{"name": "X", "valueFrom": {"secretKeyRef": {"name": "present-secret", "key": "k"}}}], [],
     "couldn't find key k in Secret default/present-secret"),
    ([], [{"configMapRef": {"name": "absent"}}], 'configmap "absent" not found'),
    ([], [{"secretRef": {"name": "absent"}}], 'secret "absent" not found'),
])
def test_a_missing_reference_gives_the_kubelets_config_error(env, env_from, message):
    lab = Lab()
    lab.config_map("present", {"other": "1"})
    lab.secret("present-secret", {"other": "1"})
    pod = {"metadata": {"name": "broken", "namespace": "default", "uid": "u"},
           "spec": {"containers": [{"name": "broken", "image": BOOTCAMP, "env": env,
                                    "envFrom": env_from}]}}
    assert c.container_config_error(lab.cluster, pod, "broken") == message
    with pytest.raises(c.ConfigError, match=message):
        c.container_environment(lab.cluster, pod, "broken")


def test_optional_references_that_are_missing_are_skipped(lab):
    pod = {"metadata": {"name": "optional", "namespace": "default", "uid": "u2"},
           "spec": {"containers": [{"name": "optional", "image": BOOTCAMP,
                                    "envFrom": [{"configMapRef": {"name": "nope",
                                                                  "optional": True}}],
                                    "env": [{"name": "X", "valueFrom": {"secretKeyRef": {
                                        "name": "nope", "key": "k", "optional": True}}}]}]}}
    assert c.container_config_error(lab.cluster, pod, "optional") is None
    assert "X" not in dict(c.container_environment(lab.cluster, pod, "optional"))


# -- files ---------------------------------------------------------------------------------------
def test_the_tutorial_app_has_server_js_in_its_working_directory(lab):
    pod = lab.pod("bootcamp")
    files = c.container_files(lab.cluster, pod, "bootcamp", volumes={})
    assert "process.env.HOSTNAME" in files["/server.js"]
    assert c.working_directory(pod, "bootcamp") == "/"
    assert files["/etc/hostname"] == "bootcamp\n"


def test_resolv_conf_searches_the_pods_namespace_through_cluster_dns(lab):
    files = c.container_files(lab.cluster, lab.pod("bootcamp"), "bootcamp", volumes={})
    assert files["/etc/resolv.conf"] == ("nameserver 10.96.0.10\n"
                                         "search default.svc.cluster.local svc.cluster.local "
                                         "cluster.local\noptions ndots:5\n")


def test_hosts_is_kubernetes_managed_and_names_the_pod_ip(lab):
    pod = lab.pod("bootcamp")
    hosts = c.container_files(lab.cluster, pod, "bootcamp", volumes={})["/etc/hosts"]
    assert hosts.startswith("# Kubernetes-managed hosts file.\n127.0.0.1\tlocalhost\n")
    assert "::1\tlocalhost ip6-localhost ip6-loopback\n" in hosts
    assert hosts.endswith(f"{pod['status']['podIP']}\tbootcamp\n")


def test_the_service_account_volume_holds_a_token_the_ca_and_the_namespace(lab):
    files = c.container_files(lab.cluster, lab.pod("bootcamp"), "bootcamp", volumes={})
    root = SERVICE_ACCOUNT_MOUNT_PATH
    assert files[f"{root}/namespace"] == "default"
    assert files[f"{root}/ca.crt"].startswith("-----BEGIN CERTIFICATE-----")
    header, claims, signature = files[f"{root}/token"].split(".")
    decoded = json.loads(base64.urlsafe_b64decode(claims + "=" * (-len(claims) % 4)))
    assert decoded["sub"] == "system:serviceaccount:default:default"
    assert decoded["kubernetes.io"]["pod"]["name"] == "bootcamp"
    assert json.loads(base64.urlsafe_b64decode(header + "=" * (-len(header) % 4)))["alg"] == "RS256"
    assert len(signature) == 342


def test_config_map_secret_and_downward_api_volumes_appear_as_files(lab):
    lab.config_map("site", {"index.html": "<h1>hi</h1>", "extra.conf": "x"})
    lab.secret("tls", {"tls.key": "KEY"})
    pod = lab.run("mounted", containers=[{
        "name": "mounted", "image": "nginx",
        "volumeMounts": [{"name": "site", "mountPath": "/usr/share/nginx/html"},
                         {"name": "tls", "mountPath": "/etc/tls", "readOnly": True},
                         {"name": "info", "mountPath": "/etc/podinfo"}]}],
        volumes=[{"name": "site", "configMap": {"name": "site",
                                                "items": [{"key": "index.html",
                                                           "path": "index.html"}]}},
                 {"name": "tls", "secret": {"secretName": "tls"}},
                 {"name": "info", "downwardAPI": {"items": [
                     {"path": "labels", "fieldRef": {"fieldPath": "metadata.labels"}},
                     {"path": "name", "fieldRef": {"fieldPath": "metadata.name"}}]}}])
    files = c.container_files(lab.cluster, pod, "mounted", volumes={})
    assert files["/usr/share/nginx/html/index.html"] == "<h1>hi</h1>"
    assert "/usr/share/nginx/html/extra.conf" not in files
    assert files["/etc/tls/tls.key"] == "KEY"
    assert files["/etc/podinfo/labels"] == 'app="mounted"'
    assert files["/etc/podinfo/name"] == "mounted"
    assert "/etc/podinfo" in c.container_directories(lab.cluster, pod, "mounted", volumes={})


def test_two_containers_share_an_empty_dir_and_each_others_ports(lab):
    pod = lab.run("pair", containers=[
        {"name": "web", "image": "nginx",
         "volumeMounts": [{"name": "shared", "mountPath": "/usr/share/nginx/html"}]},
        {"name": "cache", "image": "redis", "volumeMounts": [{"name": "shared",
                                                              "mountPath": "/data"}]}],
        volumes=[{"name": "shared", "emptyDir": {}}])
    volumes: dict = {}
    location = c.writable_location(pod, "cache", "/data/notes/today.txt")
    assert location == ("shared", "notes/today.txt")
    c.write_volume_file(volumes, pod, *location, "written by cache\n")
    seen = c.container_files(lab.cluster, pod, "web", volumes)
    assert seen["/usr/share/nginx/html/notes/today.txt"] == "written by cache\n"
    assert json.loads(json.dumps(volumes)) == volumes
    assert c.writable_location(pod, "web", "/etc/passwd") is None
    assert c.listening_ports(lab.cluster, pod) == {80: "web", 6379: "cache"}
    c.forget_pod_volumes(volumes, pod)
    assert volumes == {}


def test_a_pod_that_is_not_running_listens_on_nothing(lab):
    pod = lab.pod("bootcamp")
    pod["status"]["containerStatuses"][0]["state"] = {"waiting": {"reason": "CrashLoopBackOff"}}
    assert c.listening_ports(lab.cluster, pod) == {}
