"""What ``minikube start`` leaves behind: a one-node Kubernetes v1.32 cluster, as API objects.

A real ``minikube start`` (docker driver) boots a container, runs ``kubeadm init`` inside it and
enables the default addons. What a learner can see of that afterwards is the API server's
content: the node ``minikube``, the four system namespaces, the ``kubernetes`` and ``kube-dns``
Services, the control-plane pods in ``kube-system``, service accounts, the root CA ConfigMap in
every namespace, leases and the start-up events. This module writes those objects in wire form
into the store, and keeps the minikube profile (``cluster.profile``) in step: whether a cluster
exists, runs, and has a kubeconfig context.

``start_cluster``, ``restart_cluster``, ``stop_cluster`` and ``delete_cluster`` are the state
changes; the ``minikube`` tool decides when to call them and what to print.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import datetime, timezone

from .clock import parse_rfc3339, rfc3339
from .cluster import Cluster
from .controllers.kubelet import next_pod_ip
from .events import record_event
from .resources import resolve
from .timers import timer_action
from .state import PROFILE_ABSENT

MINIKUBE_VERSION = "v1.35.0"
MINIKUBE_COMMIT = "dd5d320e41b5451cdf3c01891bc4e13d189586ed"
KICBASE_VERSION = "v0.0.46"
KUBERNETES_VERSION = "v1.32.0"
#: The oldest Kubernetes minikube v1.35 starts (``--kubernetes-version``).
OLDEST_KUBERNETES_VERSION = "v1.20.0"
DOCKER_VERSION = "27.4.1"
PROFILE_NAME = "minikube"
NODE_NAME = "minikube"
NODE_IP = "192.168.49.2"
HOST_GATEWAY_IP = "192.168.49.1"
API_SERVER_PORT = 8443
API_SERVER_URL = f"https://{NODE_IP}:{API_SERVER_PORT}"
POD_CIDR = "10.244.0.0/24"
KUBERNETES_SERVICE_IP = "10.96.0.1"
KUBE_DNS_SERVICE_IP = "10.96.0.10"
COREDNS_POD_IP = "10.244.0.2"
COREDNS_REPLICASET_HASH = "668d6bf9bc"
DRIVER = "docker"
CPUS = 2
MEMORY_MB = 3900
ENABLED_ADDONS = ("default-storageclass", "storage-provisioner")

NODE_INFO = {
    "architecture": "amd64",
    "containerRuntimeVersion": f"docker://{DOCKER_VERSION}",
    "kernelVersion": "5.15.0-1057-gcp",
    "kubeProxyVersion": KUBERNETES_VERSION,
    "kubeletVersion": KUBERNETES_VERSION,
    "operatingSystem": "linux",
    "osImage": "Ubuntu 22.04.5 LTS",
}
NODE_CAPACITY = {
    "cpu": "8",
    "ephemeral-storage": "102625208Ki",
    "hugepages-1Gi": "0",
    "hugepages-2Mi": "0",
    "memory": "16283804Ki",
    "pods": "110",
}

#: minikube's CA: minikube keeps it in ~/.minikube, so every cluster of this machine shares it.
CLUSTER_CA_CERT = """-----BEGIN CERTIFICATE-----
MIIDBjCCAe6gAwIBAgIBATANBgkqhkiG9w0BAQsFADAVMRMwEQYDVQQDDAptaW5p
a3ViZUNBMB4XDTI1MDExNDA5MzExMloXDTM1MDExMjA5MzExMlowFTETMBEGA1UE
AwwKbWluaWt1YmVDQTCCASIwDQYJKoZIhvcNAQEBBQADggEPADCCAQoCggEBAM3J
rSLwEF+zkrSK9GS+B3v+wsAMq92VPb3H4JGazJcNTmuTKcve3o8CJUspmB37BEO2
pgyI1wYD6Tnm5/NaLn3tO4iA25u4uHYDEQo+JGZZssDPNYG2Cj7K4RCbV3OKcW1v
TFEN+PQQ3VzxHKUpguKuaDvfj8d/nfJ8of29sAa+1cIO8RX+pQS/CegNlAnAzB9y
KHs3aMTw1LIoRuHj3ysDr0qK7Wtmj+WY+2NECZn+ghD0jbd5nCRbzPzzHgq/2uV3
yW5+NCwVoRT9ezju6zt291xHEFk74CtZFXc6JDfTVCbbI/1QGz+k4RkgKtoPHTe2
PomPxZjAVMeNNvhypSECAwEAAaNhMF8wDgYDVR0PAQH/BAQDAgKkMB0GA1UdJQQW
MBQGCCsGAQUFBwMCBggrBgEFBQcDATAPBgNVHRMBAf8EBTADAQH/MB0GA1UdDgQW
BBSLwgjbjAT4TQqg9v57e63rrvi1/TANBgkqhkiG9w0BAQsFAAOCAQEATm/7UqM4
K9m3NQ5luYw2cv4lOw1NC85qWTudkis2SDSPFJn47Wn+pX33VZ0eejxrPExSFxsr
nxSHYt/7pAeWtH9/5TfxlZLJiDtY4mRla72q4Kd6dbwUIv891Tlni1Z27fm1vAIx
260skXO51FEMQMOGCY3uYWdbubgo94ii7JqKqCTRvI0hdqXWfmjD+7YA0zle/xt9
0+cOuphjJ9L+HjqxwP66yjEq7L3uaBS4avMunWkE5oh3zYAzm61oQIBfuXCQSk/o
boBRMNV0952JqPwdVmnQnIgVtHpfx8lJIS+sH/zg/E5TNUvWziBYvzNqQMypXh3I
Fb99KnhCXN2DgA==
-----END CERTIFICATE-----
"""


@dataclass(frozen=True)
class Image:
    reference: str
    size: int

    @property
    def repository(self) -> str:
        return self.reference.rsplit(":", 1)[0]

    @property
    def digest(self) -> str:
        """A stable digest: the same image has the same ID on every learner's cluster."""
        return "sha256:" + hashlib.sha256(self.reference.encode()).hexdigest()

    @property
    def image_id(self) -> str:
        return f"docker-pullable://{self.repository}@{self.digest}"


ETCD = Image("registry.k8s.io/etcd:3.5.16-0", 150978208)
KUBE_APISERVER = Image(f"registry.k8s.io/kube-apiserver:{KUBERNETES_VERSION}", 96975262)
KUBE_CONTROLLER_MANAGER = Image(f"registry.k8s.io/kube-controller-manager:{KUBERNETES_VERSION}",
                                89661410)
KUBE_SCHEDULER = Image(f"registry.k8s.io/kube-scheduler:{KUBERNETES_VERSION}", 69567842)
KUBE_PROXY = Image(f"registry.k8s.io/kube-proxy:{KUBERNETES_VERSION}", 94009064)
COREDNS = Image("registry.k8s.io/coredns/coredns:v1.11.3", 61830144)
PAUSE = Image("registry.k8s.io/pause:3.10", 736390)
STORAGE_PROVISIONER = Image("gcr.io/k8s-minikube/storage-provisioner:v5", 31465472)
PRELOADED_IMAGES = (ETCD, KUBE_APISERVER, KUBE_PROXY, KUBE_CONTROLLER_MANAGER, KUBE_SCHEDULER,
                    COREDNS, STORAGE_PROVISIONER, PAUSE)

SYSTEM_NAMESPACES = ("default", "kube-node-lease", "kube-public", "kube-system")

#: The service accounts kube-controller-manager and kubeadm create in kube-system.
KUBE_SYSTEM_SERVICE_ACCOUNTS = (
    "attachdetach-controller", "bootstrap-signer", "certificate-controller",
    "clusterrole-aggregation-controller", "coredns", "cronjob-controller", "daemon-set-controller",
    "default", "deployment-controller", "disruption-controller", "endpoint-controller",
    "endpointslice-controller", "endpointslicemirroring-controller", "ephemeral-volume-controller",
    "expand-controller", "generic-garbage-collector", "horizontal-pod-autoscaler",
    "job-controller", "kube-proxy", "legacy-service-account-token-cleaner",
    "namespace-controller", "node-controller", "persistent-volume-binder",
    "pod-garbage-collector", "pv-protection-controller", "pvc-protection-controller",
    "replicaset-controller", "replication-controller", "resourcequota-controller",
    "root-ca-cert-publisher", "service-account-controller", "statefulset-controller",
    "storage-provisioner", "token-cleaner", "ttl-after-finished-controller", "ttl-controller",
    "validatingadmissionpolicy-status-controller",
)


@dataclass(frozen=True)
class StartTimeline:
    """When the steps of a start happened, so objects carry believable timestamps.

    ``control_plane_up`` is when the API server answered and the node registered; ``finished``
    is when ``minikube start`` printed its last line.
    """

    control_plane_up: float
    finished: float


# -- the profile ---------------------------------------------------------------------------------
def profile_status(profile: dict) -> str:
    """``Running``, ``Stopped`` or ``Absent`` (no cluster has been created)."""
    return profile.get("status", "Absent")


def has_kubeconfig_context(profile: dict) -> bool:
    """Whether ~/.kube/config has the minikube context (start writes it, stop and delete remove it)."""
    return bool(profile.get("kubeconfigContext"))


def images_cached(profile: dict) -> bool:
    """Whether the preload tarball and the kicbase image are on this machine already."""
    return bool(profile.get("imagesCached"))


def preload_cached(profile: dict, kubernetes_version: str) -> bool:
    """Whether minikube's cache holds the preload of this Kubernetes version (and kicbase)."""
    if kubernetes_version == KUBERNETES_VERSION:
        return images_cached(profile)
    return kubernetes_version in profile.get("preloads", [])


def _running_profile(now: float, created: float | None, boot_count: int) -> dict:
    return {
        "status": "Running",
        "name": PROFILE_NAME,
        "driver": DRIVER,
        "kubernetesVersion": KUBERNETES_VERSION,
        "containerRuntime": "docker",
        "nodeIP": NODE_IP,
        "apiServerPort": API_SERVER_PORT,
        "cpus": CPUS,
        "memoryMB": MEMORY_MB,
        "addons": {name: True for name in ENABLED_ADDONS},
        "created": created if created is not None else now,
        "startedAt": now,
        "bootCount": boot_count,
        "kubeconfigContext": True,
        "imagesCached": True,
    }


def enabled_addons(profile: dict) -> dict[str, bool]:
    """``profile["addons"]``: addon name -> enabled, as minikube's ``config.json`` keeps it."""
    addons = profile.get("addons") or {}
    if isinstance(addons, list):
        return {name: True for name in addons}
    return dict(addons)


# -- small builders ------------------------------------------------------------------------------
def _rt(name: str):
    return resolve(name)


def _rfc3339_nano(timestamp: float, cluster: Cluster) -> str:
    moment = datetime.fromtimestamp(int(timestamp), tz=timezone.utc)
    return moment.strftime("%Y-%m-%dT%H:%M:%S.") + f"{cluster.rng.below(1_000_000_000):09d}Z"


def _owner(kind: str, name: str, uid: str, api_version: str = "v1",
           block_owner_deletion: bool = True) -> dict:
    reference = {"apiVersion": api_version, "kind": kind, "name": name, "uid": uid,
                 "controller": True}
    if block_owner_deletion:
        reference["blockOwnerDeletion"] = True
    return reference


def _create(cluster: Cluster, resource: str, obj: dict, created: float) -> dict:
    obj.setdefault("metadata", {})["creationTimestamp"] = rfc3339(created)
    return cluster.store.create(_rt(resource), obj)


def _condition(kind: str, status: str, at: float, **extra) -> dict:
    condition = {"type": kind, "status": status, "lastProbeTime": None,
                 "lastTransitionTime": rfc3339(at)}
    condition.update(extra)
    return condition


# -- the node ------------------------------------------------------------------------------------
def _node_conditions(heartbeat: float, since: float, ready_since: float) -> list[dict]:
    def condition(kind, status, reason, message, transition):
        return {"type": kind, "status": status, "lastHeartbeatTime": rfc3339(heartbeat),
                "lastTransitionTime": rfc3339(transition), "reason": reason, "message": message}

    return [
        condition("MemoryPressure", "False", "KubeletHasSufficientMemory",
                  "kubelet has sufficient memory available", since),
        condition("DiskPressure", "False", "KubeletHasNoDiskPressure",
                  "kubelet has no disk pressure", since),
        condition("PIDPressure", "False", "KubeletHasSufficientPID",
                  "kubelet has sufficient PID available", since),
        condition("Ready", "True", "KubeletReady", "kubelet is posting ready status", ready_since),
    ]


def _node(cluster: Cluster, timeline: StartTimeline) -> dict:
    registered = timeline.control_plane_up
    updated_at = datetime.fromtimestamp(int(registered), tz=timezone.utc)
    return {
        "metadata": {
            "name": NODE_NAME,
            "labels": {
                "beta.kubernetes.io/arch": "amd64",
                "beta.kubernetes.io/os": "linux",
                "kubernetes.io/arch": "amd64",
                "kubernetes.io/hostname": NODE_NAME,
                "kubernetes.io/os": "linux",
                "minikube.k8s.io/commit": MINIKUBE_COMMIT,
                "minikube.k8s.io/name": PROFILE_NAME,
                "minikube.k8s.io/primary": "true",
                "minikube.k8s.io/updated_at": updated_at.strftime("%Y_%m_%dT%H_%M_%S_0000"),
                "minikube.k8s.io/version": MINIKUBE_VERSION,
                "node-role.kubernetes.io/control-plane": "",
                "node.kubernetes.io/exclude-from-external-load-balancers": "",
            },
            "annotations": {
                "kubeadm.alpha.kubernetes.io/cri-socket": "unix:///var/run/cri-dockerd.sock",
                "node.alpha.kubernetes.io/ttl": "0",
                "volumes.kubernetes.io/controller-managed-attach-detach": "true",
            },
        },
        "spec": {"podCIDR": POD_CIDR, "podCIDRs": [POD_CIDR]},
        "status": {
            "addresses": [{"address": NODE_IP, "type": "InternalIP"},
                          {"address": NODE_NAME, "type": "Hostname"}],
            "allocatable": dict(NODE_CAPACITY),
            "capacity": dict(NODE_CAPACITY),
            "conditions": _node_conditions(timeline.finished, registered,
                                           min(registered + 4, timeline.finished)),
            "daemonEndpoints": {"kubeletEndpoint": {"Port": 10250}},
            "images": [{"names": [f"{image.repository}@{image.digest}", image.reference],
                        "sizeBytes": image.size}
                       for image in sorted(PRELOADED_IMAGES, key=lambda image: -image.size)],
            "nodeInfo": {
                **NODE_INFO,
                "bootID": cluster.rng.uuid(),
                "machineID": cluster.rng.hex(32),
                "systemUUID": cluster.rng.uuid(),
            },
        },
    }


# -- pods ----------------------------------------------------------------------------------------
def _container_status(cluster: Cluster, name: str, image: Image, started: float,
                      mounts: list[dict], restarts: int = 0, last_state: dict | None = None) -> dict:
    return {
        "containerID": "docker://" + cluster.rng.hex(64),
        "image": image.reference,
        "imageID": image.image_id,
        "lastState": last_state or {},
        "name": name,
        "ready": True,
        "restartCount": restarts,
        "started": True,
        "state": {"running": {"startedAt": rfc3339(started)}},
        "volumeMounts": [
            {"mountPath": mount["mountPath"], "name": mount["name"],
             **({"readOnly": True} if mount.get("readOnly") else {}),
             "recursiveReadOnly": "Disabled"}
            for mount in mounts
        ],
    }


def _pod_status(cluster: Cluster, scheduled: float, started: float, ready: float, pod_ip: str,
                qos: str, container_statuses: list[dict]) -> dict:
    return {
        "conditions": [
            _condition("PodReadyToStartContainers", "True", started),
            _condition("Initialized", "True", scheduled),
            _condition("Ready", "True", ready),
            _condition("ContainersReady", "True", ready),
            _condition("PodScheduled", "True", scheduled),
        ],
        "containerStatuses": container_statuses,
        "hostIP": NODE_IP,
        "hostIPs": [{"ip": NODE_IP}],
        "phase": "Running",
        "podIP": pod_ip,
        "podIPs": [{"ip": pod_ip}],
        "qosClass": qos,
        "startTime": rfc3339(scheduled),
    }


def _http_probe(path: str, port: int, scheme: str, host: str | None, failure: int,
                initial_delay: int, period: int, timeout: int = 15) -> dict:
    get = {"path": path, "port": port, "scheme": scheme}
    if host:
        get = {"host": host, **get}
    return {"failureThreshold": failure, "httpGet": get, "initialDelaySeconds": initial_delay,
            "periodSeconds": period, "successThreshold": 1, "timeoutSeconds": timeout}


def _host_path_volume(name: str, path: str, kind: str) -> dict:
    return {"hostPath": {"path": path, "type": kind}, "name": name}


@dataclass(frozen=True)
class _StaticPod:
    component: str
    image: Image
    command: tuple[str, ...]
    cpu: str
    memory: str | None
    probe_host: str
    probe_port: int
    probe_scheme: str
    liveness_path: str
    readiness_path: str | None
    mounts: tuple[tuple[str, str, bool], ...]
    volumes: tuple[tuple[str, str, str], ...]
    annotation: tuple[str, str] | None = None


def _static_pods() -> list[_StaticPod]:
    certs = "/var/lib/minikube/certs"
    ca_certs = (("ca-certs", "/etc/ssl/certs", True),
                ("etc-ca-certificates", "/etc/ca-certificates", True),
                ("k8s-certs", certs, True),
                ("usr-local-share-ca-certificates", "/usr/local/share/ca-certificates", True),
                ("usr-share-ca-certificates", "/usr/share/ca-certificates", True))
    ca_volumes = (("ca-certs", "/etc/ssl/certs", "DirectoryOrCreate"),
                  ("etc-ca-certificates", "/etc/ca-certificates", "DirectoryOrCreate"),
                  ("k8s-certs", certs, "DirectoryOrCreate"),
                  ("usr-local-share-ca-certificates", "/usr/local/share/ca-certificates",
                   "DirectoryOrCreate"),
                  ("usr-share-ca-certificates", "/usr/share/ca-certificates", "DirectoryOrCreate"))
    return [
        _StaticPod(
            "etcd", ETCD,
            ("etcd", f"--advertise-client-urls=https://{NODE_IP}:2379",
             f"--cert-file={certs}/etcd/server.crt", "--client-cert-auth=true",
             "--data-dir=/var/lib/minikube/etcd", "--experimental-initial-corrupt-check=true",
             "--experimental-watch-progress-notify-interval=5s",
             f"--initial-advertise-peer-urls=https://{NODE_IP}:2380",
             f"--initial-cluster=minikube=https://{NODE_IP}:2380",
             f"--key-file={certs}/etcd/server.key",
             f"--listen-client-urls=https://127.0.0.1:2379,https://{NODE_IP}:2379",
             "--listen-metrics-urls=http://127.0.0.1:2381",
             f"--listen-peer-urls=https://{NODE_IP}:2380", "--name=minikube",
             f"--peer-cert-file={certs}/etcd/peer.crt", "--peer-client-cert-auth=true",
             f"--peer-key-file={certs}/etcd/peer.key",
             f"--peer-trusted-ca-file={certs}/etcd/ca.crt", "--proxy-refresh-interval=70000",
             "--snapshot-count=10000", f"--trusted-ca-file={certs}/etcd/ca.crt"),
            "100m", "100Mi", "127.0.0.1", 2381, "HTTP",
            "/health?exclude=NOSPACE&serializable=true", "/health?serializable=false",
            (("etcd-data", "/var/lib/minikube/etcd", False),
             ("etcd-certs", f"{certs}/etcd", False)),
            (("etcd-certs", f"{certs}/etcd", "DirectoryOrCreate"),
             ("etcd-data", "/var/lib/minikube/etcd", "DirectoryOrCreate")),
            ("kubeadm.kubernetes.io/etcd.advertise-client-urls", f"https://{NODE_IP}:2379"),
        ),
        _StaticPod(
            "kube-apiserver", KUBE_APISERVER,
            ("kube-apiserver", f"--advertise-address={NODE_IP}", "--allow-privileged=true",
             "--authorization-mode=Node,RBAC", f"--client-ca-file={certs}/ca.crt",
             "--enable-admission-plugins=NamespaceLifecycle,LimitRanger,ServiceAccount,"
             "DefaultStorageClass,DefaultTolerationSeconds,NodeRestriction,"
             "MutatingAdmissionWebhook,ValidatingAdmissionWebhook,ResourceQuota",
             "--enable-bootstrap-token-auth=true", f"--etcd-cafile={certs}/etcd/ca.crt",
             f"--etcd-certfile={certs}/apiserver-etcd-client.crt",
             f"--etcd-keyfile={certs}/apiserver-etcd-client.key",
             "--etcd-servers=https://127.0.0.1:2379",
             f"--kubelet-client-certificate={certs}/apiserver-kubelet-client.crt",
             f"--kubelet-client-key={certs}/apiserver-kubelet-client.key",
             "--kubelet-preferred-address-types=InternalIP,ExternalIP,Hostname",
             f"--proxy-client-cert-file={certs}/front-proxy-client.crt",
             f"--proxy-client-key-file={certs}/front-proxy-client.key",
             "--requestheader-allowed-names=front-proxy-client",
             f"--requestheader-client-ca-file={certs}/front-proxy-ca.crt",
             "--requestheader-extra-headers-prefix=X-Remote-Extra-",
             "--requestheader-group-headers=X-Remote-Group",
             "--requestheader-username-headers=X-Remote-User",
             f"--secure-port={API_SERVER_PORT}",
             "--service-account-issuer=https://kubernetes.default.svc.cluster.local",
             f"--service-account-key-file={certs}/sa.pub",
             f"--service-account-signing-key-file={certs}/sa.key",
             "--service-cluster-ip-range=10.96.0.0/12",
             f"--tls-cert-file={certs}/apiserver.crt",
             f"--tls-private-key-file={certs}/apiserver.key"),
            "250m", None, NODE_IP, API_SERVER_PORT, "HTTPS", "/livez", "/readyz",
            ca_certs, ca_volumes,
            ("kubeadm.kubernetes.io/kube-apiserver.advertise-address.endpoint",
             f"{NODE_IP}:{API_SERVER_PORT}"),
        ),
        _StaticPod(
            "kube-controller-manager", KUBE_CONTROLLER_MANAGER,
            ("kube-controller-manager", "--allocate-node-cidrs=true",
             "--authentication-kubeconfig=/etc/kubernetes/controller-manager.conf",
             "--authorization-kubeconfig=/etc/kubernetes/controller-manager.conf",
             "--bind-address=127.0.0.1", f"--client-ca-file={certs}/ca.crt",
             "--cluster-cidr=10.244.0.0/16", "--cluster-name=mk",
             f"--cluster-signing-cert-file={certs}/ca.crt",
             f"--cluster-signing-key-file={certs}/ca.key",
             "--controllers=*,bootstrapsigner,tokencleaner",
             "--kubeconfig=/etc/kubernetes/controller-manager.conf", "--leader-elect=false",
             f"--requestheader-client-ca-file={certs}/front-proxy-ca.crt",
             f"--root-ca-file={certs}/ca.crt", f"--service-account-private-key-file={certs}/sa.key",
             "--service-cluster-ip-range=10.96.0.0/12", "--use-service-account-credentials=true"),
            "200m", None, "127.0.0.1", 10257, "HTTPS", "/healthz", None,
            ca_certs + (("flexvolume-dir", "/usr/libexec/kubernetes/kubelet-plugins/volume/exec",
                         False),
                        ("kubeconfig", "/etc/kubernetes/controller-manager.conf", True)),
            ca_volumes + (("flexvolume-dir", "/usr/libexec/kubernetes/kubelet-plugins/volume/exec",
                           "DirectoryOrCreate"),
                          ("kubeconfig", "/etc/kubernetes/controller-manager.conf", "FileOrCreate")),
        ),
        _StaticPod(
            "kube-scheduler", KUBE_SCHEDULER,
            ("kube-scheduler", "--authentication-kubeconfig=/etc/kubernetes/scheduler.conf",
             "--authorization-kubeconfig=/etc/kubernetes/scheduler.conf",
             "--bind-address=127.0.0.1", "--kubeconfig=/etc/kubernetes/scheduler.conf",
             "--leader-elect=false"),
            "100m", None, "127.0.0.1", 10259, "HTTPS", "/healthz", None,
            (("kubeconfig", "/etc/kubernetes/scheduler.conf", True),),
            (("kubeconfig", "/etc/kubernetes/scheduler.conf", "FileOrCreate"),),
        ),
    ]


def _static_pod(cluster: Cluster, definition: _StaticPod, node_uid: str, at: float) -> dict:
    config_hash = cluster.rng.hex(32)
    annotations = {
        "kubernetes.io/config.hash": config_hash,
        "kubernetes.io/config.mirror": config_hash,
        "kubernetes.io/config.seen": _rfc3339_nano(at - 3, cluster),
        "kubernetes.io/config.source": "file",
    }
    if definition.annotation:
        annotations[definition.annotation[0]] = definition.annotation[1]
    requests = {"cpu": definition.cpu}
    if definition.memory:
        requests["memory"] = definition.memory
    mounts = [{"mountPath": path, "name": name, **({"readOnly": True} if read_only else {})}
              for name, path, read_only in definition.mounts]
    container = {
        "command": list(definition.command),
        "image": definition.image.reference,
        "imagePullPolicy": "IfNotPresent",
        "livenessProbe": _http_probe(definition.liveness_path, definition.probe_port,
                                     definition.probe_scheme, definition.probe_host, 8, 10, 10),
        "name": definition.component,
        "resources": {"requests": requests},
        "startupProbe": _http_probe(definition.liveness_path, definition.probe_port,
                                    definition.probe_scheme, definition.probe_host, 24, 10, 10),
        "terminationMessagePath": "/dev/termination-log",
        "terminationMessagePolicy": "File",
        "volumeMounts": mounts,
    }
    if definition.readiness_path:
        container["readinessProbe"] = _http_probe(
            definition.readiness_path, definition.probe_port, definition.probe_scheme,
            definition.probe_host, 3, 0, 1)
    name = f"{definition.component}-{NODE_NAME}"
    pod = {
        "metadata": {
            "name": name,
            "namespace": "kube-system",
            "labels": {"component": definition.component, "tier": "control-plane"},
            "annotations": annotations,
            "ownerReferences": [_owner("Node", NODE_NAME, node_uid, block_owner_deletion=False)],
        },
        "spec": {
            "containers": [container],
            "dnsPolicy": "ClusterFirst",
            "enableServiceLinks": True,
            "hostNetwork": True,
            "nodeName": NODE_NAME,
            "preemptionPolicy": "PreemptLowerPriority",
            "priority": 2000001000,
            "priorityClassName": "system-node-critical",
            "restartPolicy": "Always",
            "schedulerName": "default-scheduler",
            "securityContext": {"seccompProfile": {"type": "RuntimeDefault"}},
            "terminationGracePeriodSeconds": 30,
            "tolerations": [{"effect": "NoExecute", "operator": "Exists"}],
            "volumes": [_host_path_volume(name, path, kind)
                        for name, path, kind in definition.volumes],
        },
        "status": _pod_status(cluster, at, at, at + 1, NODE_IP, "Burstable",
                              [_container_status(cluster, definition.component, definition.image,
                                                 at, mounts)]),
    }
    return _create(cluster, "pods", pod, at)


def _api_access_volume(cluster: Cluster) -> tuple[dict, dict]:
    name = "kube-api-access-" + cluster.rng.token(5)
    volume = {"name": name, "projected": {"defaultMode": 420, "sources": [
        {"serviceAccountToken": {"expirationSeconds": 3607, "path": "token"}},
        {"configMap": {"items": [{"key": "ca.crt", "path": "ca.crt"}],
                       "name": "kube-root-ca.crt"}},
        {"downwardAPI": {"items": [{"fieldRef": {"apiVersion": "v1",
                                                "fieldPath": "metadata.namespace"},
                                    "path": "namespace"}]}},
    ]}}
    mount = {"mountPath": "/var/run/secrets/kubernetes.io/serviceaccount", "name": name,
             "readOnly": True}
    return volume, mount


_NOT_READY_TOLERATIONS = [
    {"effect": "NoExecute", "key": "node.kubernetes.io/not-ready", "operator": "Exists",
     "tolerationSeconds": 300},
    {"effect": "NoExecute", "key": "node.kubernetes.io/unreachable", "operator": "Exists",
     "tolerationSeconds": 300},
]


def _coredns_pod_template() -> dict:
    return {
        "metadata": {"labels": {"k8s-app": "kube-dns"}},
        "spec": {
            "affinity": {"podAntiAffinity": {"preferredDuringSchedulingIgnoredDuringExecution": [
                {"podAffinityTerm": {"labelSelector": {"matchExpressions": [
                    {"key": "k8s-app", "operator": "In", "values": ["kube-dns"]}]},
                    "topologyKey": "kubernetes.io/hostname"}, "weight": 100}]}},
            "containers": [{
                "args": ["-conf", "/etc/coredns/Corefile"],
                "image": COREDNS.reference,
                "imagePullPolicy": "IfNotPresent",
                "livenessProbe": {"failureThreshold": 5, "httpGet": {
                    "path": "/health", "port": 8080, "scheme": "HTTP"},
                    "initialDelaySeconds": 60, "periodSeconds": 10, "successThreshold": 1,
                    "timeoutSeconds": 5},
                "name": "coredns",
                "ports": [{"containerPort": 53, "name": "dns", "protocol": "UDP"},
                          {"containerPort": 53, "name": "dns-tcp", "protocol": "TCP"},
                          {"containerPort": 9153, "name": "metrics", "protocol": "TCP"}],
                "readinessProbe": {"failureThreshold": 3, "httpGet": {
                    "path": "/ready", "port": 8181, "scheme": "HTTP"},
                    "periodSeconds": 10, "successThreshold": 1, "timeoutSeconds": 1},
                "resources": {"limits": {"memory": "170Mi"},
                              "requests": {"cpu": "100m", "memory": "70Mi"}},
                "securityContext": {"allowPrivilegeEscalation": False,
                                    "capabilities": {"add": ["NET_BIND_SERVICE"],
                                                     "drop": ["ALL"]},
                                    "readOnlyRootFilesystem": True},
                "terminationMessagePath": "/dev/termination-log",
                "terminationMessagePolicy": "File",
                "volumeMounts": [{"mountPath": "/etc/coredns", "name": "config-volume",
                                  "readOnly": True}],
            }],
            "dnsPolicy": "Default",
            "nodeSelector": {"kubernetes.io/os": "linux"},
            "priorityClassName": "system-cluster-critical",
            "restartPolicy": "Always",
            "schedulerName": "default-scheduler",
            "securityContext": {},
            "serviceAccount": "coredns",
            "serviceAccountName": "coredns",
            "terminationGracePeriodSeconds": 30,
            "tolerations": [{"key": "CriticalAddonsOnly", "operator": "Exists"},
                            {"effect": "NoSchedule", "key": "node-role.kubernetes.io/control-plane"}],
            "volumes": [{"configMap": {"defaultMode": 420,
                                       "items": [{"key": "Corefile", "path": "Corefile"}],
                                       "name": "coredns"}, "name": "config-volume"}],
        },
    }


def _kube_proxy_pod_template() -> dict:
    return {
        "metadata": {"labels": {"k8s-app": "kube-proxy"}},
        "spec": {
            "containers": [{
                "command": ["/usr/local/bin/kube-proxy", "--config=/var/lib/kube-proxy/config.conf",
                            "--hostname-override=$(NODE_NAME)"],
                "env": [{"name": "NODE_NAME", "valueFrom": {"fieldRef": {
                    "apiVersion": "v1", "fieldPath": "spec.nodeName"}}}],
                "image": KUBE_PROXY.reference,
                "imagePullPolicy": "IfNotPresent",
                "name": "kube-proxy",
                "resources": {},
                "securityContext": {"privileged": True},
                "terminationMessagePath": "/dev/termination-log",
                "terminationMessagePolicy": "File",
                "volumeMounts": [{"mountPath": "/var/lib/kube-proxy", "name": "kube-proxy"},
                                 {"mountPath": "/run/xtables.lock", "name": "xtables-lock"},
                                 {"mountPath": "/lib/modules", "name": "lib-modules",
                                  "readOnly": True}],
            }],
            "dnsPolicy": "ClusterFirst",
            "hostNetwork": True,
            "nodeSelector": {"kubernetes.io/os": "linux"},
            "priorityClassName": "system-node-critical",
            "restartPolicy": "Always",
            "schedulerName": "default-scheduler",
            "securityContext": {},
            "serviceAccount": "kube-proxy",
            "serviceAccountName": "kube-proxy",
            "terminationGracePeriodSeconds": 30,
            "tolerations": [{"operator": "Exists"}],
            "volumes": [
                {"configMap": {"defaultMode": 420, "name": "kube-proxy"}, "name": "kube-proxy"},
                {"hostPath": {"path": "/run/xtables.lock", "type": "FileOrCreate"},
                 "name": "xtables-lock"},
                {"hostPath": {"path": "/lib/modules", "type": ""}, "name": "lib-modules"},
            ],
        },
    }


_DAEMONSET_TOLERATIONS = [
    {"effect": "NoExecute", "key": "node.kubernetes.io/not-ready", "operator": "Exists"},
    {"effect": "NoExecute", "key": "node.kubernetes.io/unreachable", "operator": "Exists"},
    {"effect": "NoSchedule", "key": "node.kubernetes.io/disk-pressure", "operator": "Exists"},
    {"effect": "NoSchedule", "key": "node.kubernetes.io/memory-pressure", "operator": "Exists"},
    {"effect": "NoSchedule", "key": "node.kubernetes.io/pid-pressure", "operator": "Exists"},
    {"effect": "NoSchedule", "key": "node.kubernetes.io/unschedulable", "operator": "Exists"},
    {"effect": "NoSchedule", "key": "node.kubernetes.io/network-unavailable", "operator": "Exists"},
]


def _workload_pod(cluster: Cluster, name: str, template: dict, owner: dict, labels: dict,
                  scheduled: float, started: float, ready: float, pod_ip: str, qos: str,
                  extra_tolerations: list[dict], generate_name: str | None = None,
                  restarts: int = 0, last_state: dict | None = None,
                  namespace: str = "kube-system", image: Image | None = None) -> dict:
    volume, mount = _api_access_volume(cluster)
    spec = dict(template["spec"])
    containers = []
    for container in spec["containers"]:
        container = dict(container)
        container["volumeMounts"] = list(container.get("volumeMounts", [])) + [mount]
        containers.append(container)
    priority = {"system-node-critical": 2000001000,
                "system-cluster-critical": 2000000000}.get(spec.get("priorityClassName"), 0)
    spec.update(containers=containers, nodeName=NODE_NAME, priority=priority,
                preemptionPolicy="PreemptLowerPriority", enableServiceLinks=True,
                tolerations=list(spec.get("tolerations", [])) + extra_tolerations,
                volumes=list(spec.get("volumes", [])) + [volume])
    if owner["kind"] == "DaemonSet":
        spec["affinity"] = {"nodeAffinity": {"requiredDuringSchedulingIgnoredDuringExecution": {
            "nodeSelectorTerms": [{"matchFields": [
                {"key": "metadata.name", "operator": "In", "values": [NODE_NAME]}]}]}}}
    metadata = {"name": name, "namespace": namespace, "labels": labels,
                "ownerReferences": [owner]}
    if generate_name:
        metadata = {"generateName": generate_name, **metadata}
    container = containers[0]
    if image is None:
        image = next(image for image in PRELOADED_IMAGES
                     if image.reference == container["image"])
    pod = {
        "metadata": metadata,
        "spec": dict(sorted(spec.items())),
        "status": _pod_status(cluster, scheduled, started, ready, pod_ip, qos, [
            _container_status(cluster, container["name"], image, started,
                              container["volumeMounts"], restarts, last_state)]),
    }
    return _create(cluster, "pods", pod, scheduled)


def running_deployment(cluster: Cluster, *, namespace: str, name: str, labels: dict,
                       template: dict, image: Image, replica_set_hash: str, at: float,
                       annotations: dict | None = None, ready_after: float = 0) -> dict:
    """A Deployment with its ReplicaSet and one running pod on the primary node, as an addon's
    manifest leaves them once ``kubectl apply`` has settled; returns the pod.

    With ``ready_after``, the pod's readiness probe first passes that many seconds later (a
    timer flips it), and the controllers bring the ReplicaSet and Deployment along.
    """
    template = {"metadata": {"labels": dict(labels)}, **{k: v for k, v in template.items()
                                                         if k != "metadata"}}
    deployment = _create(cluster, "deployments", {
        "metadata": {"name": name, "namespace": namespace, "labels": dict(labels),
                     "annotations": {"deployment.kubernetes.io/revision": "1",
                                     **(annotations or {})},
                     "generation": 1},
        "spec": {
            "progressDeadlineSeconds": 600, "replicas": 1, "revisionHistoryLimit": 10,
            "selector": {"matchLabels": dict(labels)},
            "strategy": {"rollingUpdate": {"maxSurge": "25%", "maxUnavailable": "25%"},
                         "type": "RollingUpdate"},
            "template": template,
        },
        "status": {
            "availableReplicas": 1, "observedGeneration": 1, "readyReplicas": 1, "replicas": 1,
            "updatedReplicas": 1,
            "conditions": [
                {"type": "Available", "status": "True", "reason": "MinimumReplicasAvailable",
                 "message": "Deployment has minimum availability.",
                 "lastTransitionTime": rfc3339(at), "lastUpdateTime": rfc3339(at)},
                {"type": "Progressing", "status": "True", "reason": "NewReplicaSetAvailable",
                 "message": f'ReplicaSet "{name}-{replica_set_hash}" has successfully '
                            "progressed.",
                 "lastTransitionTime": rfc3339(at), "lastUpdateTime": rfc3339(at)},
            ],
        },
    }, at)
    replica_set_name = f"{name}-{replica_set_hash}"
    pod_labels = {**labels, "pod-template-hash": replica_set_hash}
    replica_set = _create(cluster, "replicasets", {
        "metadata": {
            "name": replica_set_name, "namespace": namespace,
            "annotations": {"deployment.kubernetes.io/desired-replicas": "1",
                            "deployment.kubernetes.io/max-replicas": "2",
                            "deployment.kubernetes.io/revision": "1"},
            "labels": dict(pod_labels), "generation": 1,
            "ownerReferences": [_owner("Deployment", name, deployment["metadata"]["uid"],
                                       api_version="apps/v1")],
        },
        "spec": {"replicas": 1, "selector": {"matchLabels": dict(pod_labels)},
                 "template": {"metadata": {"labels": dict(pod_labels)},
                              "spec": template["spec"]}},
        "status": {"availableReplicas": 1, "fullyLabeledReplicas": 1, "observedGeneration": 1,
                   "readyReplicas": 1, "replicas": 1},
    }, at)
    pod = _workload_pod(
        cluster, f"{replica_set_name}-{cluster.rng.token(5)}", template,
        _owner("ReplicaSet", replica_set_name, replica_set["metadata"]["uid"],
               api_version="apps/v1"),
        pod_labels, at, at, at, _free_pod_ip(cluster), "Burstable", _NOT_READY_TOLERATIONS,
        generate_name=f"{replica_set_name}-", namespace=namespace, image=image)
    _pod_start_events(cluster, pod, at, at)
    if ready_after > 0:
        _set_pod_ready(pod, False, at)
        pod = cluster.store.update(_rt("pods"), pod)
        cluster.timers.schedule(at + ready_after, "minikube.addon_pod_ready", namespace,
                                pod["metadata"]["name"])
    return pod


def _set_pod_ready(pod: dict, ready: bool, at: float) -> None:
    for status in pod["status"]["containerStatuses"]:
        status["ready"] = ready
    for condition in pod["status"]["conditions"]:
        if condition["type"] in ("Ready", "ContainersReady"):
            condition["status"] = "True" if ready else "False"
            condition["lastTransitionTime"] = rfc3339(at)
            if ready:
                condition.pop("reason", None)
                condition.pop("message", None)
            else:
                names = ",".join(s["name"] for s in pod["status"]["containerStatuses"])
                condition.update(reason="ContainersNotReady",
                                 message=f"containers with unready status: [{names}]")


@timer_action("minikube.addon_pod_ready")
def _addon_pod_ready(cluster: Cluster, namespace: str, name: str) -> None:
    pods = _rt("pods")
    pod = cluster.store.find(pods, namespace, name)
    if pod is None:
        return
    _set_pod_ready(pod, True, cluster.now)
    cluster.store.update(pods, pod)


def _free_pod_ip(cluster: Cluster) -> str:
    in_use = {pod["status"].get("podIP") for pod in cluster.store.iter_stored(_rt("pods"))
              if not pod["spec"].get("hostNetwork")}
    return next_pod_ip(POD_CIDR, in_use, None) or COREDNS_POD_IP


# -- the whole cluster ---------------------------------------------------------------------------
def _corefile() -> str:
    return (".:53 {\n    log\n    errors\n    health {\n       lameduck 5s\n    }\n    ready\n"
            "    kubernetes cluster.local in-addr.arpa ip6.arpa {\n       pods insecure\n"
            "       fallthrough in-addr.arpa ip6.arpa\n       ttl 30\n    }\n"
            "    prometheus :9153\n    hosts {\n"
            f"       {HOST_GATEWAY_IP} host.minikube.internal\n       fallthrough\n    }}\n"
            "    forward . /etc/resolv.conf {\n       max_concurrent 1000\n    }\n"
            "    cache 30 {\n       disable success cluster.local\n"
            "       disable denial cluster.local\n    }\n"
            "    loop\n    reload\n    loadbalance\n}\n")


def _kubeadm_cluster_configuration() -> str:
    return (
        "apiServer:\n  certSANs:\n  - 127.0.0.1\n  - localhost\n  - " + NODE_IP + "\n"
        "  extraArgs:\n  - name: enable-admission-plugins\n"
        "    value: NamespaceLifecycle,LimitRanger,ServiceAccount,DefaultStorageClass,"
        "DefaultTolerationSeconds,NodeRestriction,MutatingAdmissionWebhook,"
        "ValidatingAdmissionWebhook,ResourceQuota\n"
        "apiVersion: kubeadm.k8s.io/v1beta4\ncaCertificateValidityPeriod: 87600h0m0s\n"
        "certificateValidityPeriod: 8760h0m0s\ncertificatesDir: /var/lib/minikube/certs\n"
        "clusterName: mk\ncontrolPlaneEndpoint: control-plane.minikube.internal:8443\n"
        "controllerManager:\n  extraArgs:\n  - name: allocate-node-cidrs\n    value: \"true\"\n"
        "  - name: leader-elect\n    value: \"false\"\ndns: {}\n"
        "encryptionAlgorithm: RSA-2048\netcd:\n  local:\n    dataDir: /var/lib/minikube/etcd\n"
        "imageRepository: registry.k8s.io\nkind: ClusterConfiguration\n"
        f"kubernetesVersion: {KUBERNETES_VERSION}\nnetworking:\n  dnsDomain: cluster.local\n"
        "  podSubnet: 10.244.0.0/16\n  serviceSubnet: 10.96.0.0/12\nproxy: {}\n"
        "scheduler:\n  extraArgs:\n  - name: leader-elect\n    value: \"false\"\n"
    )


def _kube_proxy_config() -> dict:
    return {
        "config.conf": (
            "apiVersion: kubeproxy.config.k8s.io/v1alpha1\nbindAddress: 0.0.0.0\n"
            "bindAddressHardFail: false\nclientConnection:\n  acceptContentTypes: \"\"\n"
            "  burst: 0\n  contentType: \"\"\n  kubeconfig: /var/lib/kube-proxy/kubeconfig.conf\n"
            "  qps: 0\nclusterCIDR: 10.244.0.0/16\nconfigSyncPeriod: 0s\nconntrack:\n"
            "  maxPerCore: 0\n  min: null\n  tcpBeLiberal: false\n"
            "  tcpCloseWaitTimeout: 0s\n  tcpEstablishedTimeout: 0s\n  udpStreamTimeout: 0s\n"
            "  udpTimeout: 0s\ndetectLocal:\n  bridgeInterface: \"\"\n  interfaceNamePrefix: \"\"\n"
            "detectLocalMode: \"\"\nenableProfiling: false\nhealthzBindAddress: 0.0.0.0:10256\n"
            "hostnameOverride: \"\"\niptables:\n  localhostNodePorts: null\n  masqueradeAll: false\n"
            "  masqueradeBit: null\n  minSyncPeriod: 0s\n  syncPeriod: 0s\nipvs:\n"
            "  excludeCIDRs: null\n  minSyncPeriod: 0s\n  scheduler: \"\"\n  strictARP: false\n"
            "  syncPeriod: 0s\n  tcpFinTimeout: 0s\n  tcpTimeout: 0s\n  udpTimeout: 0s\n"
            "kind: KubeProxyConfiguration\nlogging:\n  flushFrequency: 0\n  options:\n"
            "    json:\n      infoBufferSize: \"0\"\n    text:\n      infoBufferSize: \"0\"\n"
            "  verbosity: 0\nmetricsBindAddress: 0.0.0.0:10249\nmode: \"\"\nnftables:\n"
            "  masqueradeAll: false\n  masqueradeBit: null\n  minSyncPeriod: 0s\n  syncPeriod: 0s\n"
            "nodePortAddresses: null\noomScoreAdj: null\nportRange: \"\"\n"
            "showHiddenMetricsForVersion: \"\"\nwinkernel:\n  enableDSR: false\n"
            "  forwardHealthCheckVip: false\n  networkName: \"\"\n  rootHnsEndpointName: \"\"\n"
            "  sourceVip: \"\""
        ),
        "kubeconfig.conf": (
            "apiVersion: v1\nkind: Config\nclusters:\n- cluster:\n"
            "    certificate-authority: /var/run/secrets/kubernetes.io/serviceaccount/ca.crt\n"
            "    server: https://control-plane.minikube.internal:8443\n  name: default\n"
            "contexts:\n- context:\n    cluster: default\n    namespace: default\n"
            "    user: default\n  name: default\ncurrent-context: default\nusers:\n"
            "- name: default\n  user:\n"
            "    tokenFile: /var/run/secrets/kubernetes.io/serviceaccount/token"
        ),
    }


def _kubelet_config() -> str:
    return (
        "apiVersion: kubelet.config.k8s.io/v1beta1\nauthentication:\n  anonymous:\n"
        "    enabled: false\n  webhook:\n    cacheTTL: 0s\n    enabled: true\n  x509:\n"
        "    clientCAFile: /var/lib/minikube/certs/ca.crt\nauthorization:\n  mode: Webhook\n"
        "  webhook:\n    cacheAuthorizedTTL: 0s\n    cacheUnauthorizedTTL: 0s\n"
        "cgroupDriver: cgroupfs\nclusterDNS:\n- 10.96.0.10\nclusterDomain: cluster.local\n"
        "containerRuntimeEndpoint: unix:///var/run/cri-dockerd.sock\n"
        "cpuManagerReconcilePeriod: 0s\ncrashLoopBackOff: {}\nevictionHard:\n"
        "  imagefs.available: 0%\n  nodefs.available: 0%\n  nodefs.inodesFree: 0%\n"
        "evictionPressureTransitionPeriod: 0s\nfailSwapOn: false\n"
        "fileCheckFrequency: 0s\nhairpinMode: hairpin-veth\nhealthzBindAddress: 127.0.0.1\n"
        "healthzPort: 10248\nhttpCheckFrequency: 0s\nimageGCHighThresholdPercent: 100\n"
        "imageMaximumGCAge: 0s\nimageMinimumGCAge: 0s\nkind: KubeletConfiguration\n"
        "logging:\n  flushFrequency: 0\n  options:\n    json:\n      infoBufferSize: \"0\"\n"
        "    text:\n      infoBufferSize: \"0\"\n  verbosity: 0\nmemorySwap: {}\n"
        "nodeStatusReportFrequency: 0s\nnodeStatusUpdateFrequency: 0s\n"
        "rotateCertificates: true\nruntimeRequestTimeout: 15m0s\nshutdownGracePeriod: 0s\n"
        "shutdownGracePeriodCriticalPods: 0s\nstaticPodPath: /etc/kubernetes/manifests\n"
        "streamingConnectionIdleTimeout: 0s\nsyncFrequency: 0s\nvolumeStatsAggPeriod: 0s\n"
    )


def _namespaces(cluster: Cluster, at: float) -> None:
    for name in SYSTEM_NAMESPACES:
        _create(cluster, "namespaces", {
            "metadata": {"name": name, "labels": {"kubernetes.io/metadata.name": name}},
            "spec": {"finalizers": ["kubernetes"]},
            "status": {"phase": "Active"},
        }, at)


def _services(cluster: Cluster, at: float) -> None:
    _create(cluster, "services", {
        "metadata": {"name": "kubernetes", "namespace": "default",
                     "labels": {"component": "apiserver", "provider": "kubernetes"}},
        "spec": {
            "clusterIP": KUBERNETES_SERVICE_IP, "clusterIPs": [KUBERNETES_SERVICE_IP],
            "internalTrafficPolicy": "Cluster", "ipFamilies": ["IPv4"],
            "ipFamilyPolicy": "SingleStack",
            "ports": [{"name": "https", "port": 443, "protocol": "TCP",
                       "targetPort": API_SERVER_PORT}],
            "sessionAffinity": "None", "type": "ClusterIP",
        },
        "status": {"loadBalancer": {}},
    }, at)
    _create(cluster, "endpoints", {
        "metadata": {"name": "kubernetes", "namespace": "default",
                     "labels": {"endpointslice.kubernetes.io/skip-mirror": "true"}},
        "subsets": [{"addresses": [{"ip": NODE_IP}],
                     "ports": [{"name": "https", "port": API_SERVER_PORT, "protocol": "TCP"}]}],
    }, at)
    _create(cluster, "endpointslices", {
        "metadata": {"name": "kubernetes", "namespace": "default",
                     "labels": {"kubernetes.io/service-name": "kubernetes"}},
        "addressType": "IPv4",
        "endpoints": [{"addresses": [NODE_IP], "conditions": {"ready": True}}],
        "ports": [{"name": "https", "port": API_SERVER_PORT, "protocol": "TCP"}],
    }, at)


def _kube_dns(cluster: Cluster, at: float, coredns_pod: dict) -> None:
    ports = [{"name": "dns", "port": 53, "protocol": "UDP", "targetPort": 53},
             {"name": "dns-tcp", "port": 53, "protocol": "TCP", "targetPort": 53},
             {"name": "metrics", "port": 9153, "protocol": "TCP", "targetPort": 9153}]
    service = _create(cluster, "services", {
        "metadata": {
            "name": "kube-dns", "namespace": "kube-system",
            "annotations": {"prometheus.io/port": "9153", "prometheus.io/scrape": "true"},
            "labels": {"k8s-app": "kube-dns", "kubernetes.io/cluster-service": "true",
                       "kubernetes.io/name": "CoreDNS"},
        },
        "spec": {
            "clusterIP": KUBE_DNS_SERVICE_IP, "clusterIPs": [KUBE_DNS_SERVICE_IP],
            "internalTrafficPolicy": "Cluster", "ipFamilies": ["IPv4"],
            "ipFamilyPolicy": "SingleStack", "ports": ports,
            "selector": {"k8s-app": "kube-dns"}, "sessionAffinity": "None", "type": "ClusterIP",
        },
        "status": {"loadBalancer": {}},
    }, at)
    target = {"kind": "Pod", "name": coredns_pod["metadata"]["name"], "namespace": "kube-system",
              "uid": coredns_pod["metadata"]["uid"]}
    endpoint_ports = [{"name": port["name"], "port": port["port"], "protocol": port["protocol"]}
                      for port in ports]
    ready_at = parse_rfc3339(coredns_pod["status"]["conditions"][2]["lastTransitionTime"])
    _create(cluster, "endpoints", {
        "metadata": {"name": "kube-dns", "namespace": "kube-system",
                     "annotations": {"endpoints.kubernetes.io/last-change-trigger-time":
                                     rfc3339(ready_at)},
                     "labels": dict(service["metadata"]["labels"])},
        "subsets": [{"addresses": [{"ip": COREDNS_POD_IP, "nodeName": NODE_NAME,
                                    "targetRef": target}],
                     "ports": endpoint_ports}],
    }, at)
    _create(cluster, "endpointslices", {
        "metadata": {
            "generateName": "kube-dns-", "name": "kube-dns-" + cluster.rng.token(5),
            "namespace": "kube-system",
            "annotations": {"endpoints.kubernetes.io/last-change-trigger-time": rfc3339(ready_at)},
            "labels": {**service["metadata"]["labels"],
                       "endpointslice.kubernetes.io/managed-by": "endpointslice-controller.k8s.io",
                       "kubernetes.io/service-name": "kube-dns"},
            "ownerReferences": [_owner("Service", "kube-dns", service["metadata"]["uid"])],
        },
        "addressType": "IPv4",
        "endpoints": [{"addresses": [COREDNS_POD_IP],
                       "conditions": {"ready": True, "serving": True, "terminating": False},
                       "nodeName": NODE_NAME, "targetRef": target}],
        "ports": endpoint_ports,
    }, at)


def _config_maps(cluster: Cluster, at: float) -> None:
    for namespace in SYSTEM_NAMESPACES:
        _create(cluster, "configmaps", {
            "metadata": {"name": "kube-root-ca.crt", "namespace": namespace,
                         "annotations": {"kubernetes.io/description": (
                             "Contains a CA bundle that can be used to verify the kube-apiserver "
                             "when using internal endpoints such as the internal service IP or "
                             "kubernetes.default.svc. No other usage is guaranteed across "
                             "distributions of Kubernetes clusters.")}},
            "data": {"ca.crt": CLUSTER_CA_CERT},
        }, at + 2)
    system = {
        "coredns": {"Corefile": _corefile()},
        "extension-apiserver-authentication": {
            "client-ca-file": CLUSTER_CA_CERT,
            "requestheader-allowed-names": '["front-proxy-client"]',
            "requestheader-client-ca-file": CLUSTER_CA_CERT,
            "requestheader-extra-headers-prefix": '["X-Remote-Extra-"]',
            "requestheader-group-headers": '["X-Remote-Group"]',
            "requestheader-username-headers": '["X-Remote-User"]',
        },
        "kube-apiserver-legacy-service-account-token-tracking": {
            "since": datetime.fromtimestamp(int(at), tz=timezone.utc).strftime("%Y-%m-%d")},
        "kube-proxy": _kube_proxy_config(),
        "kubeadm-config": {"ClusterConfiguration": _kubeadm_cluster_configuration()},
        "kubelet-config": {"kubelet": _kubelet_config()},
    }
    for name, data in system.items():
        _create(cluster, "configmaps",
                {"metadata": {"name": name, "namespace": "kube-system"}, "data": data}, at)


def _service_accounts(cluster: Cluster, at: float) -> None:
    for namespace in SYSTEM_NAMESPACES:
        names = KUBE_SYSTEM_SERVICE_ACCOUNTS if namespace == "kube-system" else ("default",)
        for name in names:
            _create(cluster, "serviceaccounts",
                    {"metadata": {"name": name, "namespace": namespace}}, at + 1)


def _leases(cluster: Cluster, node_uid: str, at: float, now: float) -> None:
    _create(cluster, "leases", {
        "metadata": {"name": NODE_NAME, "namespace": "kube-node-lease",
                     "ownerReferences": [{"apiVersion": "v1", "kind": "Node", "name": NODE_NAME,
                                          "uid": node_uid}]},
        "spec": {"holderIdentity": NODE_NAME, "leaseDurationSeconds": 40,
                 "renewTime": _rfc3339_micro(now, cluster)},
    }, at)
    apiserver_id = "apiserver-" + cluster.rng.token(26, "abcdefghijklmnopqrstuvwxyz234567")
    _create(cluster, "leases", {
        "metadata": {"name": apiserver_id, "namespace": "kube-system",
                     "labels": {"apiserver.kubernetes.io/identity": "kube-apiserver",
                                "kubernetes.io/hostname": NODE_NAME}},
        "spec": {"holderIdentity": f"{apiserver_id}_{cluster.rng.uuid()}",
                 "leaseDurationSeconds": 3600, "renewTime": _rfc3339_micro(now, cluster)},
    }, at - 1)


def _rfc3339_micro(timestamp: float, cluster: Cluster) -> str:
    moment = datetime.fromtimestamp(int(timestamp), tz=timezone.utc)
    return moment.strftime("%Y-%m-%dT%H:%M:%S.") + f"{cluster.rng.below(1_000_000):06d}Z"


def _event(cluster: Cluster, namespace: str, involved: dict, reason: str, message: str,
           component: str, at: float, kind: str = "Normal", host: str | None = NODE_NAME,
           field_path: str | None = None) -> None:
    involved = dict(involved)
    if field_path:
        involved["fieldPath"] = field_path
    record_event(cluster, involved, reason, message, component, event_type=kind, host=host, at=at,
                 namespace=namespace)


def _node_start_events(cluster: Cluster, node: dict, at: float, done: float) -> None:
    """The node's first events; none later than ``done``, when ``minikube start`` returns."""
    kubelet_view = {"kind": "Node", "name": NODE_NAME, "uid": NODE_NAME}
    _event(cluster, "default", kubelet_view, "Starting", "Starting kubelet.", "kubelet", at)
    for status in ("NodeHasSufficientMemory", "NodeHasNoDiskPressure", "NodeHasSufficientPID"):
        _event(cluster, "default", kubelet_view, status,
               f"Node {NODE_NAME} status is now: {status}", "kubelet", at)
    _event(cluster, "default", kubelet_view, "NodeAllocatableEnforced",
           "Updated Node Allocatable limit across pods", "kubelet", at)
    _event(cluster, "default", {"kind": "Node", "name": NODE_NAME, "uid": node["metadata"]["uid"],
                                "apiVersion": "v1"},
           "RegisteredNode", f"Node {NODE_NAME} event: Registered Node {NODE_NAME} in Controller",
           "node-controller", min(at + 4, done), host=None)
    _event(cluster, "default", kubelet_view, "Starting", "", "kube-proxy", min(at + 6, done))


def _pod_start_events(cluster: Cluster, pod: dict, scheduled: float, started: float,
                      scheduled_by_scheduler: bool = True) -> None:
    meta = pod["metadata"]
    reference = {"apiVersion": "v1", "kind": "Pod", "name": meta["name"],
                 "namespace": meta["namespace"], "uid": meta["uid"],
                 "resourceVersion": meta["resourceVersion"]}
    if scheduled_by_scheduler:
        _event(cluster, meta["namespace"], reference, "Scheduled",
               f"Successfully assigned {meta['namespace']}/{meta['name']} to {NODE_NAME}",
               "default-scheduler", scheduled, host=None)
    container = pod["spec"]["containers"][0]
    field_path = f"spec.containers{{{container['name']}}}"
    _event(cluster, meta["namespace"], reference, "Pulled",
           f'Container image "{container["image"]}" already present on machine', "kubelet",
           started, field_path=field_path)
    _event(cluster, meta["namespace"], reference, "Created", f"Created container {container['name']}",
           "kubelet", started, field_path=field_path)
    _event(cluster, meta["namespace"], reference, "Started", f"Started container {container['name']}",
           "kubelet", started, field_path=field_path)


def start_cluster(cluster: Cluster, timeline: StartTimeline | None = None,
                  kubernetes_version: str = KUBERNETES_VERSION) -> None:
    """Create the cluster a first ``minikube start`` leaves: objects, profile, kubeconfig context.

    Another ``kubernetes_version`` than the default gives the same cluster with that version's
    kubelet, kube-proxy and control-plane images.
    """
    if timeline is None:
        timeline = StartTimeline(control_plane_up=cluster.now, finished=cluster.now)
    up = timeline.control_plane_up
    done = max(timeline.finished, up)
    default_cached = images_cached(cluster.profile)

    def at(offset: float) -> float:
        return min(up + offset, done)

    _namespaces(cluster, up - 1)
    _services(cluster, up - 1)
    node = _create(cluster, "nodes", _node(cluster, timeline), up)
    node_uid = node["metadata"]["uid"]
    _leases(cluster, node_uid, up, done)
    _config_maps(cluster, up)
    _service_accounts(cluster, up)
    for definition in _static_pods():
        _static_pod(cluster, definition, node_uid, at(2))

    coredns_template = _coredns_pod_template()
    deployment = _create(cluster, "deployments", {
        "metadata": {"name": "coredns", "namespace": "kube-system",
                     "annotations": {"deployment.kubernetes.io/revision": "1"},
                     "labels": {"k8s-app": "kube-dns"}, "generation": 2},
        "spec": {
            "progressDeadlineSeconds": 600, "replicas": 1, "revisionHistoryLimit": 10,
            "selector": {"matchLabels": {"k8s-app": "kube-dns"}},
            "strategy": {"rollingUpdate": {"maxSurge": "25%", "maxUnavailable": 1},
                         "type": "RollingUpdate"},
            "template": coredns_template,
        },
        "status": {
            "availableReplicas": 1, "observedGeneration": 2, "readyReplicas": 1, "replicas": 1,
            "updatedReplicas": 1,
            "conditions": [
                {"type": "Available", "status": "True", "reason": "MinimumReplicasAvailable",
                 "message": "Deployment has minimum availability.",
                 "lastTransitionTime": rfc3339(at(3)), "lastUpdateTime": rfc3339(at(3))},
                {"type": "Progressing", "status": "True", "reason": "NewReplicaSetAvailable",
                 "message": f'ReplicaSet "coredns-{COREDNS_REPLICASET_HASH}" has successfully '
                            "progressed.",
                 "lastTransitionTime": rfc3339(at(3)), "lastUpdateTime": rfc3339(at(8))},
            ],
        },
    }, at(3))
    replica_set_name = f"coredns-{COREDNS_REPLICASET_HASH}"
    pod_labels = {"k8s-app": "kube-dns", "pod-template-hash": COREDNS_REPLICASET_HASH}
    replica_set = _create(cluster, "replicasets", {
        "metadata": {
            "name": replica_set_name, "namespace": "kube-system",
            "annotations": {"deployment.kubernetes.io/desired-replicas": "1",
                            "deployment.kubernetes.io/max-replicas": "2",
                            "deployment.kubernetes.io/revision": "1"},
            "labels": dict(pod_labels), "generation": 2,
            "ownerReferences": [_owner("Deployment", "coredns", deployment["metadata"]["uid"],
                                       api_version="apps/v1")],
        },
        "spec": {"replicas": 1, "selector": {"matchLabels": dict(pod_labels)},
                 "template": {"metadata": {"labels": dict(pod_labels)},
                              "spec": coredns_template["spec"]}},
        "status": {"availableReplicas": 1, "fullyLabeledReplicas": 1, "observedGeneration": 2,
                   "readyReplicas": 1, "replicas": 1},
    }, at(3))
    coredns_pod = _workload_pod(
        cluster, f"{replica_set_name}-{cluster.rng.token(5)}", coredns_template,
        _owner("ReplicaSet", replica_set_name, replica_set["metadata"]["uid"],
               api_version="apps/v1"),
        pod_labels, at(4), at(6), at(8), COREDNS_POD_IP, "Burstable", _NOT_READY_TOLERATIONS,
        generate_name=f"{replica_set_name}-")

    proxy_template = _kube_proxy_pod_template()
    revision_hash = cluster.rng.token(10, "0123456789bcdf")
    daemon_set = _create(cluster, "daemonsets", {
        "metadata": {"name": "kube-proxy", "namespace": "kube-system",
                     "annotations": {"deprecated.daemonset.template.generation": "1"},
                     "labels": {"k8s-app": "kube-proxy"}, "generation": 1},
        "spec": {"revisionHistoryLimit": 10,
                 "selector": {"matchLabels": {"k8s-app": "kube-proxy"}},
                 "template": proxy_template,
                 "updateStrategy": {"rollingUpdate": {"maxSurge": 0, "maxUnavailable": 1},
                                    "type": "RollingUpdate"}},
        "status": {"currentNumberScheduled": 1, "desiredNumberScheduled": 1,
                   "numberAvailable": 1, "numberMisscheduled": 0, "numberReady": 1,
                   "observedGeneration": 1, "updatedNumberScheduled": 1},
    }, at(3))
    proxy_labels = {"controller-revision-hash": revision_hash, "k8s-app": "kube-proxy",
                    "pod-template-generation": "1"}
    proxy_pod = _workload_pod(
        cluster, f"kube-proxy-{cluster.rng.token(5)}", proxy_template,
        _owner("DaemonSet", "kube-proxy", daemon_set["metadata"]["uid"], api_version="apps/v1"),
        proxy_labels, at(4), at(5), at(5), NODE_IP, "BestEffort", _DAEMONSET_TOLERATIONS,
        generate_name="kube-proxy-")

    provisioner = _storage_provisioner(cluster, at(5), at(7))
    _kube_dns(cluster, at(3), coredns_pod)

    _node_start_events(cluster, node, up, done)
    _pod_start_events(cluster, coredns_pod, at(4), at(6))
    _pod_start_events(cluster, proxy_pod, at(4), at(5))
    _pod_start_events(cluster, provisioner, at(5), at(7))
    kept = {key: cluster.profile[key] for key in MACHINE_KEYS if key in cluster.profile}
    cluster.state.minikube = {**kept, **_running_profile(done, None, 1)}
    if kubernetes_version != KUBERNETES_VERSION:
        _use_kubernetes_version(cluster, kubernetes_version, default_cached)


def _use_kubernetes_version(cluster: Cluster, version: str, default_cached: bool) -> None:
    """Every mention of the default version in the new cluster's nodes, pods and ConfigMaps
    becomes ``version``; the profile remembers it, and that its preload is now cached."""
    def retagged(value):
        if isinstance(value, str):
            return value.replace(KUBERNETES_VERSION, version)
        if isinstance(value, list):
            return [retagged(item) for item in value]
        if isinstance(value, dict):
            return {key: retagged(item) for key, item in value.items()}
        return value

    for resource in ("nodes", "pods", "configmaps"):
        rt = _rt(resource)
        for obj in cluster.store.list(rt):
            changed = retagged(obj)
            if changed != obj:
                cluster.store.update(rt, changed)
    profile = dict(cluster.profile)
    profile["kubernetesVersion"] = version
    profile["preloads"] = sorted({*profile.get("preloads", []), version})
    profile["imagesCached"] = default_cached
    cluster.state.minikube = profile


def _storage_provisioner(cluster: Cluster, scheduled: float, started: float) -> dict:
    template = {
        "metadata": {},
        "spec": {
            "containers": [{
                "command": ["/storage-provisioner"],
                "image": STORAGE_PROVISIONER.reference,
                "imagePullPolicy": "IfNotPresent",
                "name": "storage-provisioner",
                "resources": {},
                "terminationMessagePath": "/dev/termination-log",
                "terminationMessagePolicy": "File",
                "volumeMounts": [{"mountPath": "/tmp", "name": "tmp"}],
            }],
            "dnsPolicy": "ClusterFirst",
            "hostNetwork": True,
            "restartPolicy": "Always",
            "schedulerName": "default-scheduler",
            "securityContext": {},
            "serviceAccount": "storage-provisioner",
            "serviceAccountName": "storage-provisioner",
            "terminationGracePeriodSeconds": 30,
            "volumes": [{"hostPath": {"path": "/tmp", "type": "Directory"}, "name": "tmp"}],
        },
    }
    labels = {"addonmanager.kubernetes.io/mode": "Reconcile",
              "integration-test": "storage-provisioner"}
    volume, mount = _api_access_volume(cluster)
    spec = dict(template["spec"])
    container = dict(spec["containers"][0])
    container["volumeMounts"] = container["volumeMounts"] + [mount]
    spec.update(containers=[container], nodeName=NODE_NAME, priority=0, enableServiceLinks=True,
                preemptionPolicy="PreemptLowerPriority", tolerations=list(_NOT_READY_TOLERATIONS),
                volumes=spec["volumes"] + [volume])
    first_run_end = started + 1
    last_state = {"terminated": {
        "containerID": "docker://" + cluster.rng.hex(64), "exitCode": 1,
        "finishedAt": rfc3339(first_run_end), "reason": "Error",
        "startedAt": rfc3339(scheduled + 1)}}
    pod = {
        "metadata": {
            "name": "storage-provisioner", "namespace": "kube-system", "labels": labels,
            "annotations": {"kubectl.kubernetes.io/last-applied-configuration": (
                '{"apiVersion":"v1","kind":"Pod","metadata":{"annotations":{},"labels":'
                '{"addonmanager.kubernetes.io/mode":"Reconcile","integration-test":'
                '"storage-provisioner"},"name":"storage-provisioner","namespace":"kube-system"},'
                '"spec":{"containers":[{"command":["/storage-provisioner"],"image":'
                f'"{STORAGE_PROVISIONER.reference}","imagePullPolicy":"IfNotPresent","name":'
                '"storage-provisioner","volumeMounts":[{"mountPath":"/tmp","name":"tmp"}]}],'
                '"hostNetwork":true,"serviceAccountName":"storage-provisioner","volumes":'
                '[{"hostPath":{"path":"/tmp","type":"Directory"},"name":"tmp"}]}}\n')},
        },
        "spec": dict(sorted(spec.items())),
        "status": _pod_status(cluster, scheduled, started, started, NODE_IP, "BestEffort", [
            _container_status(cluster, "storage-provisioner", STORAGE_PROVISIONER, started,
                              container["volumeMounts"], restarts=1, last_state=last_state)]),
    }
    return _create(cluster, "pods", pod, scheduled)


# -- stop, restart, delete -------------------------------------------------------------------------
def stop_cluster(cluster: Cluster, keep_context: bool = False) -> None:
    """``minikube stop``: the container stops; the objects stay as they were in etcd.

    Nothing updates the node while the cluster is down, so its Ready condition keeps its last
    heartbeat. minikube v1.35 removes the kubeconfig context unless ``--keep-context-active``.
    """
    profile = dict(cluster.profile)
    profile["status"] = "Stopped"
    profile["stoppedAt"] = cluster.now
    if not keep_context:
        profile["kubeconfigContext"] = False
    cluster.state.minikube = profile


def restart_cluster(cluster: Cluster, timeline: StartTimeline | None = None) -> None:
    """A start of a stopped cluster: the kubelet reports in again and every container restarts."""
    if timeline is None:
        timeline = StartTimeline(control_plane_up=cluster.now, finished=cluster.now)
    up, done = timeline.control_plane_up, max(timeline.finished, timeline.control_plane_up)
    stopped_at = cluster.profile.get("stoppedAt", up)
    node_type = _rt("nodes")
    node = cluster.store.find(node_type, None, NODE_NAME)
    if node is not None:
        conditions = node["status"].get("conditions", [])
        for condition in conditions:
            condition["lastHeartbeatTime"] = rfc3339(done)
        node["status"]["nodeInfo"]["bootID"] = cluster.rng.uuid()
        cluster.store.update(node_type, node)
        _node_start_events(cluster, node, up, done)
    lease_type = _rt("leases")
    lease = cluster.store.find(lease_type, "kube-node-lease", NODE_NAME)
    if lease is not None:
        lease["spec"]["renewTime"] = _rfc3339_micro(done, cluster)
        cluster.store.update(lease_type, lease)
    pod_type = _rt("pods")
    for pod in cluster.store.list(pod_type):
        if pod["spec"].get("nodeName") != NODE_NAME or pod["status"].get("phase") != "Running":
            continue
        _restart_containers(cluster, pod, stopped_at, up + 2)
        cluster.store.update(pod_type, pod)
    profile = dict(cluster.profile)
    addons = enabled_addons(profile)
    profile.update(_running_profile(done, profile.get("created"), profile.get("bootCount", 1) + 1))
    profile["addons"] = addons
    profile.pop("stoppedAt", None)
    cluster.state.minikube = profile
    for worker in workers(profile):
        start_worker(cluster, worker["name"])


def _restart_containers(cluster: Cluster, pod: dict, stopped_at: float, started: float) -> None:
    for status in pod["status"].get("containerStatuses", []):
        running = status.get("state", {}).get("running")
        previous_start = running["startedAt"] if running else rfc3339(stopped_at)
        status["lastState"] = {"terminated": {
            "containerID": status.get("containerID", ""), "exitCode": 255,
            "finishedAt": rfc3339(stopped_at), "reason": "Error", "startedAt": previous_start}}
        status["containerID"] = "docker://" + cluster.rng.hex(64)
        status["restartCount"] = status.get("restartCount", 0) + 1
        status["state"] = {"running": {"startedAt": rfc3339(started)}}
    for condition in pod["status"].get("conditions", []):
        if condition["type"] in ("PodReadyToStartContainers", "Ready", "ContainersReady"):
            condition["lastTransitionTime"] = rfc3339(started)


#: What lives in ~/.minikube rather than in the cluster, so ``minikube delete`` keeps it: the
#: image cache, the kubectl binary ``minikube kubectl`` downloaded, and the audit log.
MACHINE_KEYS = ("imagesCached", "preloads", "kubectlCached", "audit")


def delete_cluster(cluster: Cluster) -> None:
    """``minikube delete``: the container, its etcd and the kubeconfig context are gone.

    What minikube keeps in ~/.minikube (``MACHINE_KEYS``) stays: the next start skips the
    downloads.
    """
    for bucket in cluster.state.objects.values():
        bucket.clear()
    cluster.mark_state_changed()
    cluster.timers.cancel(lambda action, args: True)
    kept = {key: cluster.profile[key] for key in MACHINE_KEYS if key in cluster.profile}
    cluster.state.minikube = {**PROFILE_ABSENT, **kept}


# -- worker nodes ----------------------------------------------------------------------------------
# The profile keeps the workers minikube knows of as ``profile["workers"]``: name (``m02``), IP,
# and whether its container (and so its kubelet) runs. A single-node profile has no such key, so
# the tutorial's one-node cluster is stored exactly as before.
WORKER_MEMORY_MB = 2200


def machine_name(node: str) -> str:
    """``m02`` -> ``minikube-m02``; the primary node is just ``minikube``."""
    return PROFILE_NAME if node in ("", PROFILE_NAME) else f"{PROFILE_NAME}-{node}"


def workers(profile: dict) -> list[dict]:
    return profile.get("workers", [])


def find_worker(profile: dict, name: str) -> dict | None:
    """A worker by minikube's short name (``m02``) or its machine name (``minikube-m02``)."""
    for worker in workers(profile):
        if name in (worker["name"], machine_name(worker["name"])):
            return worker
    return None


def next_worker_name(profile: dict) -> str:
    ids = [int(w["name"][1:]) for w in workers(profile)]
    return f"m{max(ids, default=1) + 1:02d}"


def _free_worker_address(cluster: Cluster) -> tuple[str, str]:
    """The lowest free IP on the docker network, and the lowest free /24 of the pod CIDR."""
    used_ips = {NODE_IP} | {w["ip"] for w in workers(cluster.profile)}
    ip = next(f"192.168.49.{host}" for host in range(3, 255) if f"192.168.49.{host}" not in used_ips)
    used_cidrs = {node.get("spec", {}).get("podCIDR")
                  for node in cluster.store.iter_stored(_rt("nodes"))}
    cidr = next(f"10.244.{block}.0/24" for block in range(1, 256)
                if f"10.244.{block}.0/24" not in used_cidrs)
    return ip, cidr


def _worker_node(cluster: Cluster, name: str, ip: str, cidr: str, at: float) -> dict:
    node = _node(cluster, StartTimeline(control_plane_up=at, finished=at))
    meta = node["metadata"]
    meta["name"] = name
    labels = meta["labels"]
    labels["kubernetes.io/hostname"] = name
    labels["minikube.k8s.io/primary"] = "false"
    del labels["node-role.kubernetes.io/control-plane"]
    del labels["node.kubernetes.io/exclude-from-external-load-balancers"]
    node["spec"] = {"podCIDR": cidr, "podCIDRs": [cidr]}
    node["status"]["addresses"] = [{"address": ip, "type": "InternalIP"},
                                   {"address": name, "type": "Hostname"}]
    return node


def add_worker(cluster: Cluster, at: float | None = None) -> dict:
    """``minikube node add`` (or a ``--nodes`` start): a new worker joins and reports Ready."""
    at = cluster.now if at is None else at
    short = next_worker_name(cluster.profile)
    name = machine_name(short)
    ip, cidr = _free_worker_address(cluster)
    node = _create(cluster, "nodes", _worker_node(cluster, name, ip, cidr, at), at)
    kubelet_view = {"kind": "Node", "name": name, "uid": name}
    _event(cluster, "default", kubelet_view, "Starting", "Starting kubelet.", "kubelet", at,
           host=name)
    for status in ("NodeHasSufficientMemory", "NodeHasNoDiskPressure", "NodeHasSufficientPID"):
        _event(cluster, "default", kubelet_view, status, f"Node {name} status is now: {status}",
               "kubelet", at, host=name)
    _event(cluster, "default", {"kind": "Node", "name": name, "uid": node["metadata"]["uid"],
                                "apiVersion": "v1"},
           "RegisteredNode", f"Node {name} event: Registered Node {name} in Controller",
           "node-controller", at + 1, host=None)
    profile = dict(cluster.profile)
    profile["workers"] = workers(profile) + [{"name": short, "node": name, "ip": ip,
                                              "running": True}]
    profile["memoryMB"] = WORKER_MEMORY_MB if profile.get("memoryMB") == MEMORY_MB else \
        profile.get("memoryMB")
    cluster.state.minikube = profile
    return node


def _set_worker(cluster: Cluster, short: str, **changes) -> None:
    profile = dict(cluster.profile)
    profile["workers"] = [{**w, **changes} if w["name"] == short else w for w in workers(profile)]
    cluster.state.minikube = profile


def stop_worker(cluster: Cluster, short: str) -> None:
    """``minikube node stop``: the container is gone, so its kubelet stops posting status.

    Nothing changes in the API at once; the node lifecycle controller notices the silence after
    its grace period (``controllers.nodes``).
    """
    name = machine_name(short)
    uids = {pod["metadata"]["uid"] for pod in cluster.store.iter_stored(_rt("pods"))
            if pod["spec"].get("nodeName") == name}
    cluster.timers.cancel(lambda action, args: action.startswith("kubelet.")
                          and len(args) > 2 and args[2] in uids)
    _set_worker(cluster, short, running=False, stoppedAt=cluster.now)
    from .controllers.nodes import watch_heartbeat
    watch_heartbeat(cluster, name, cluster.now)


def start_worker(cluster: Cluster, short: str) -> None:
    """``minikube node start``: the kubelet is back and posts Ready again."""
    name = machine_name(short)
    stopped_at = (find_worker(cluster.profile, short) or {}).get("stoppedAt")
    _set_worker(cluster, short, running=True, stoppedAt=None)
    if stopped_at is not None:
        from .controllers.kubelet import restart_node_pods
        restart_node_pods(cluster, name, stopped_at)
    node_type = _rt("nodes")
    node = cluster.store.find(node_type, None, name)
    if node is None:
        return
    for condition, (reason, message) in zip(node["status"]["conditions"], _KUBELET_CONDITIONS):
        changed = condition["status"] != ("True" if condition["type"] == "Ready" else "False")
        condition.update(status="True" if condition["type"] == "Ready" else "False",
                         reason=reason, message=message, lastHeartbeatTime=rfc3339(cluster.now))
        if changed:
            condition["lastTransitionTime"] = rfc3339(cluster.now)
    node["status"]["nodeInfo"]["bootID"] = cluster.rng.uuid()
    cluster.store.update(node_type, node)
    kubelet_view = {"kind": "Node", "name": name, "uid": name}
    _event(cluster, "default", kubelet_view, "Starting", "Starting kubelet.", "kubelet",
           cluster.now, host=name)
    _event(cluster, "default", kubelet_view, "NodeReady", f"Node {name} status is now: NodeReady",
           "kubelet", cluster.now, host=name)


_KUBELET_CONDITIONS = (
    ("KubeletHasSufficientMemory", "kubelet has sufficient memory available"),
    ("KubeletHasNoDiskPressure", "kubelet has no disk pressure"),
    ("KubeletHasSufficientPID", "kubelet has sufficient PID available"),
    ("KubeletReady", "kubelet is posting ready status"),
)


def delete_worker(cluster: Cluster, short: str) -> None:
    """``minikube node delete``: kubeadm drains nothing here; the Node object is removed and the
    pod garbage collector deletes the pods bound to it."""
    name = machine_name(short)
    node_type = _rt("nodes")
    if cluster.store.find(node_type, None, name) is not None:
        cluster.store.delete(node_type, None, name)
    cluster.timers.cancel(lambda action, args: action.startswith("node.") and args[:1] == [name])
    profile = dict(cluster.profile)
    profile["workers"] = [w for w in workers(profile) if w["name"] != short]
    if not profile["workers"]:
        del profile["workers"]
    cluster.state.minikube = profile
