"""minikube's addons: which exist in v1.35, who maintains them, and what enabling one leaves.

``minikube addons list`` shows every addon minikube v1.35 ships, with the two a fresh docker
cluster enables (``default-storageclass``, ``storage-provisioner``). The profile keeps the
enabled ones as ``profile["addons"]`` (name -> True), as minikube's ``config.json`` does; other
parts of the simulation read that flag (``kubectl top`` needs ``metrics-server``).

Two addons are more than a flag here because the tutorial uses them: ``metrics-server`` (its
Deployment, running pod and Service in ``kube-system``) and ``dashboard`` (the
``kubernetes-dashboard`` namespace with the dashboard and the metrics scraper). Their objects are
written as they stand once ``kubectl apply`` of the addon's manifests has settled; disabling the
addon deletes them again.
"""

from __future__ import annotations

from dataclasses import dataclass

from .cluster import Cluster
from .clock import rfc3339
from .minikube_cluster import Image, enabled_addons, running_deployment
from .resources import resolve
from .services import default_service, delete_service


@dataclass(frozen=True)
class Addon:
    name: str
    maintainer: str
    docs: str = ""
    #: The GitHub user a 3rd-party addon names for support, when it names one.
    verified_maintainer: str = ""
    #: The images ``addons enable`` reports, as ``registry/repository:tag``.
    images: tuple[str, ...] = ()


#: Every addon of minikube v1.35, with its maintainer as ``addons list`` prints it.
ADDONS = {addon.name: addon for addon in (
    Addon("ambassador", "3rd party (Ambassador)",
          docs="https://minikube.sigs.k8s.io/docs/handbook/addons/ambassador/"),
    Addon("amd-gpu-device-plugin", "3rd party (AMD)",
          docs="https://minikube.sigs.k8s.io/docs/tutorials/amd/"),
    Addon("auto-pause", "minikube"),
    Addon("cloud-spanner", "Google",
          docs="https://minikube.sigs.k8s.io/docs/handbook/addons/cloud-spanner/"),
    Addon("csi-hostpath-driver", "Kubernetes",
          docs="https://minikube.sigs.k8s.io/docs/tutorials/volume_snapshots_and_csi/"),
    Addon("dashboard", "Kubernetes",
          docs="https://minikube.sigs.k8s.io/docs/handbook/dashboard/",
          images=("docker.io/kubernetesui/dashboard:v2.7.0",
                  "docker.io/kubernetesui/metrics-scraper:v1.0.8")),
    Addon("default-storageclass", "Kubernetes",
          docs="https://minikube.sigs.k8s.io/docs/handbook/persistent_volumes/"),
    Addon("efk", "3rd party (Elastic)"),
    Addon("freshpod", "Google", docs="https://github.com/GoogleCloudPlatform/freshpod"),
    Addon("gcp-auth", "Google", docs="https://minikube.sigs.k8s.io/docs/handbook/addons/gcp-auth/"),
    Addon("gvisor", "minikube", docs="https://minikube.sigs.k8s.io/docs/handbook/addons/gvisor/"),
    Addon("headlamp", "3rd party (kinvolk.io)",
          docs="https://minikube.sigs.k8s.io/docs/handbook/addons/headlamp/",
          verified_maintainer="yolossn"),
    Addon("inaccel", "3rd party (InAccel [info@inaccel.com])"),
    Addon("ingress", "Kubernetes",
          docs="https://kubernetes.io/docs/tasks/access-application-cluster/ingress-minikube/"),
    Addon("ingress-dns", "minikube",
          docs="https://minikube.sigs.k8s.io/docs/handbook/addons/ingress-dns/"),
    Addon("inspektor-gadget", "3rd party (inspektor-gadget.io)",
          docs="https://minikube.sigs.k8s.io/docs/handbook/addons/inspektor-gadget/",
          verified_maintainer="https://github.com/orgs/inspektor-gadget/people"),
    Addon("istio", "3rd party (Istio)",
          docs="https://istio.io/latest/docs/setup/platform-setup/minikube/"),
    Addon("istio-provisioner", "3rd party (Istio)",
          docs="https://istio.io/latest/docs/setup/platform-setup/minikube/"),
    Addon("kong", "3rd party (Kong HQ)",
          docs="https://minikube.sigs.k8s.io/docs/handbook/addons/kong-ingress/",
          verified_maintainer="@gAmUssA"),
    Addon("kubeflow", "3rd party"),
    Addon("kubevirt", "3rd party (KubeVirt)",
          docs="https://minikube.sigs.k8s.io/docs/handbook/addons/kubevirt/"),
    Addon("logviewer", "3rd party (unknown)"),
    Addon("metallb", "3rd party (MetalLB)"),
    Addon("metrics-server", "Kubernetes",
          images=("registry.k8s.io/metrics-server/metrics-server:v0.7.2",)),
    Addon("nvidia-device-plugin", "3rd party (NVIDIA)",
          docs="https://minikube.sigs.k8s.io/docs/tutorials/nvidia/"),
    Addon("nvidia-driver-installer", "3rd party (NVIDIA)",
          docs="https://minikube.sigs.k8s.io/docs/tutorials/nvidia/"),
    Addon("nvidia-gpu-device-plugin", "3rd party (NVIDIA)",
          docs="https://minikube.sigs.k8s.io/docs/tutorials/nvidia/"),
    Addon("olm", "3rd party (Operator Framework)"),
    Addon("pod-security-policy", "3rd party (unknown)"),
    Addon("portainer", "3rd party (Portainer.io)"),
    Addon("registry", "minikube"),
    Addon("registry-aliases", "3rd party (unknown)"),
    Addon("registry-creds", "3rd party (UPMC Enterprises)",
          docs="https://minikube.sigs.k8s.io/docs/handbook/registry/"),
    Addon("storage-provisioner", "minikube"),
    Addon("storage-provisioner-gluster", "3rd party (Gluster)"),
    Addon("storage-provisioner-rancher", "3rd party (Rancher)"),
    Addon("volcano", "third-party (volcano)", verified_maintainer="hwdef"),
    Addon("volumesnapshots", "Kubernetes",
          docs="https://minikube.sigs.k8s.io/docs/tutorials/volume_snapshots_and_csi/"),
    Addon("yakd", "3rd party (marcnuri.com)",
          docs="https://minikube.sigs.k8s.io/docs/handbook/addons/yakd-kubernetes-dashboard/",
          verified_maintainer="manusa"),
)}
#: The maintainers ``addons enable`` calls official (the others get the 3rd-party warning).
OFFICIAL_MAINTAINERS = frozenset({"Google", "Kubernetes", "minikube"})

METRICS_SERVER = Image("registry.k8s.io/metrics-server/metrics-server:v0.7.2", 67065282)
DASHBOARD = Image("docker.io/kubernetesui/dashboard:v2.7.0", 245710336)
METRICS_SCRAPER = Image("docker.io/kubernetesui/metrics-scraper:v1.0.8", 43815949)
DASHBOARD_NAMESPACE = "kubernetes-dashboard"
#: metrics-server's readiness probe waits 20s, then passes once it has scraped the kubelets.
METRICS_SERVER_READY_SECONDS = 25.0

NAMESPACES = resolve("namespaces")
SERVICES = resolve("services")
SERVICE_ACCOUNTS = resolve("serviceaccounts")
DEPLOYMENTS = resolve("deployments")


def is_enabled(profile: dict, name: str) -> bool:
    return bool(enabled_addons(profile).get(name))


def set_enabled(cluster: Cluster, name: str, enabled: bool, *, warming_up: bool = False) -> None:
    """Record the addon's new state in the profile and make its objects exist or go.

    The objects are those of an addon that has settled; with ``warming_up`` (``minikube addons
    enable`` just applied it), its pods still have their readiness delay ahead of them.
    """
    addons = enabled_addons(cluster.profile)
    if enabled:
        addons[name] = True
    else:
        addons.pop(name, None)
    cluster.state.minikube = {**cluster.profile, "addons": addons}
    if name in _OBJECTS:
        install, remove = _OBJECTS[name]
        if enabled:
            install(cluster, warming_up)
        else:
            remove(cluster)


def _container(name: str, image: Image, ports: list[dict], args: list[str] | None = None,
               **extra) -> dict:
    container = {"image": image.reference, "imagePullPolicy": "IfNotPresent", "name": name,
                 "ports": ports, "resources": extra.pop("resources", {}),
                 "terminationMessagePath": "/dev/termination-log",
                 "terminationMessagePolicy": "File", **extra}
    if args:
        container["args"] = args
    return dict(sorted(container.items()))


def _pod_spec(containers: list[dict], service_account: str, **extra) -> dict:
    return {"spec": {"containers": containers, "dnsPolicy": "ClusterFirst",
                     "restartPolicy": "Always", "schedulerName": "default-scheduler",
                     "securityContext": {}, "serviceAccount": service_account,
                     "serviceAccountName": service_account,
                     "terminationGracePeriodSeconds": 30, **extra}}


def _service_account(cluster: Cluster, namespace: str, name: str, labels: dict) -> None:
    if cluster.store.find(SERVICE_ACCOUNTS, namespace, name) is None:
        cluster.store.create(SERVICE_ACCOUNTS, {"metadata": {
            "name": name, "namespace": namespace, "labels": dict(labels),
            "creationTimestamp": rfc3339(cluster.now)}})


def _service(cluster: Cluster, namespace: str, name: str, labels: dict, selector: dict,
             ports: list[dict]) -> None:
    if cluster.store.find(SERVICES, namespace, name) is None:
        service = default_service(cluster, {
            "metadata": {"name": name, "namespace": namespace, "labels": dict(labels),
                         "creationTimestamp": rfc3339(cluster.now)},
            "spec": {"ports": ports, "selector": selector, "type": "ClusterIP"}})
        cluster.store.create(SERVICES, service)


def _delete_if_present(cluster: Cluster, resource, namespace: str | None, name: str) -> None:
    if cluster.store.find(resource, namespace, name) is not None:
        cluster.store.delete(resource, namespace, name)


def _delete_service_if_present(cluster: Cluster, namespace: str, name: str) -> None:
    if cluster.store.find(SERVICES, namespace, name) is not None:
        delete_service(cluster, namespace, name)


# -- metrics-server ----------------------------------------------------------------------------
_METRICS_LABELS = {"k8s-app": "metrics-server"}
_METRICS_ADDON_LABELS = {"addonmanager.kubernetes.io/mode": "Reconcile",
                         "kubernetes.io/minikube-addons": "metrics-server"}


def _install_metrics_server(cluster: Cluster, warming_up: bool) -> None:
    if cluster.store.find(DEPLOYMENTS, "kube-system", "metrics-server") is not None:
        return
    _service_account(cluster, "kube-system", "metrics-server", _METRICS_ADDON_LABELS)
    probe = {"failureThreshold": 3, "periodSeconds": 10, "successThreshold": 1,
             "timeoutSeconds": 1}
    container = _container(
        "metrics-server", METRICS_SERVER,
        [{"containerPort": 4443, "name": "https", "protocol": "TCP"}],
        ["--cert-dir=/tmp", "--secure-port=4443",
         "--kubelet-preferred-address-types=InternalIP,ExternalIP,Hostname",
         "--kubelet-use-node-status-port", "--metric-resolution=60s",
         "--kubelet-insecure-tls"],
        livenessProbe={**probe, "httpGet": {"path": "/livez", "port": "https",
                                            "scheme": "HTTPS"}},
        readinessProbe={**probe, "httpGet": {"path": "/readyz", "port": "https",
                                             "scheme": "HTTPS"}, "initialDelaySeconds": 20},
        resources={"requests": {"cpu": "100m", "memory": "200Mi"}},
        securityContext={"readOnlyRootFilesystem": True, "runAsNonRoot": True,
                         "runAsUser": 1000},
        volumeMounts=[{"mountPath": "/tmp", "name": "tmp-dir"}])
    template = _pod_spec([container], "metrics-server", priorityClassName="system-cluster-critical",
                         volumes=[{"emptyDir": {}, "name": "tmp-dir"}])
    running_deployment(cluster, namespace="kube-system", name="metrics-server",
                       labels={**_METRICS_LABELS}, template=template, image=METRICS_SERVER,
                       replica_set_hash="7fbb699795", at=cluster.now,
                       ready_after=METRICS_SERVER_READY_SECONDS if warming_up else 0)
    _service(cluster, "kube-system", "metrics-server",
             {**_METRICS_ADDON_LABELS, "kubernetes.io/cluster-service": "true",
              "kubernetes.io/name": "Metrics-server"}, dict(_METRICS_LABELS),
             [{"name": "https", "port": 443, "protocol": "TCP", "targetPort": "https"}])


def _remove_metrics_server(cluster: Cluster) -> None:
    _delete_service_if_present(cluster, "kube-system", "metrics-server")
    _delete_if_present(cluster, DEPLOYMENTS, "kube-system", "metrics-server")
    _delete_if_present(cluster, SERVICE_ACCOUNTS, "kube-system", "metrics-server")


# -- dashboard ---------------------------------------------------------------------------------
_DASHBOARD_ADDON_LABELS = {"addonmanager.kubernetes.io/mode": "Reconcile",
                           "kubernetes.io/minikube-addons": "dashboard"}


def _dashboard_deployment(cluster: Cluster, name: str, image: Image, port: int, labels: dict,
                          replica_set_hash: str, args: list[str] | None = None) -> None:
    """One of the dashboard's two Deployments: same security context, probe and volume."""
    container = _container(
        name, image, [{"containerPort": port, "protocol": "TCP"}], args,
        livenessProbe={"failureThreshold": 3, "httpGet": {"path": "/", "port": port,
                                                          "scheme": "HTTP"},
                       "initialDelaySeconds": 30, "periodSeconds": 10, "successThreshold": 1,
                       "timeoutSeconds": 30},
        securityContext={"allowPrivilegeEscalation": False, "readOnlyRootFilesystem": True,
                         "runAsGroup": 2001, "runAsUser": 1001},
        volumeMounts=[{"mountPath": "/tmp", "name": "tmp-volume"}])
    running_deployment(cluster, namespace=DASHBOARD_NAMESPACE, name=name,
                       labels={**_DASHBOARD_ADDON_LABELS, **labels},
                       template=_pod_spec([container], "kubernetes-dashboard",
                                          nodeSelector={"kubernetes.io/os": "linux"},
                                          volumes=[{"emptyDir": {}, "name": "tmp-volume"}]),
                       image=image, replica_set_hash=replica_set_hash, at=cluster.now)


def _install_dashboard(cluster: Cluster, warming_up: bool) -> None:
    if cluster.store.find(NAMESPACES, None, DASHBOARD_NAMESPACE) is not None:
        return
    cluster.store.create(NAMESPACES, {
        "metadata": {"name": DASHBOARD_NAMESPACE, "creationTimestamp": rfc3339(cluster.now),
                     "labels": {**_DASHBOARD_ADDON_LABELS,
                                "kubernetes.io/metadata.name": DASHBOARD_NAMESPACE}},
        "spec": {"finalizers": ["kubernetes"]}, "status": {"phase": "Active"}})
    _service_account(cluster, DASHBOARD_NAMESPACE, "kubernetes-dashboard",
                     {**_DASHBOARD_ADDON_LABELS, "k8s-app": "kubernetes-dashboard"})
    dashboard_labels = {"k8s-app": "kubernetes-dashboard"}
    scraper_labels = {"k8s-app": "dashboard-metrics-scraper"}
    _dashboard_deployment(cluster, "kubernetes-dashboard", DASHBOARD, 9090, dashboard_labels,
                          "695b96c756", ["--namespace=kubernetes-dashboard",
                                         "--enable-skip-login", "--disable-settings-authorizer"])
    _dashboard_deployment(cluster, "dashboard-metrics-scraper", METRICS_SCRAPER, 8000,
                          scraper_labels, "5d59dccf9b")
    _service(cluster, DASHBOARD_NAMESPACE, "kubernetes-dashboard",
             {**_DASHBOARD_ADDON_LABELS, **dashboard_labels,
              "kubernetes.io/minikube-addons-endpoint": "dashboard"},
             dict(dashboard_labels), [{"port": 80, "protocol": "TCP", "targetPort": 9090}])
    _service(cluster, DASHBOARD_NAMESPACE, "dashboard-metrics-scraper",
             {**_DASHBOARD_ADDON_LABELS, **scraper_labels}, dict(scraper_labels),
             [{"port": 8000, "protocol": "TCP", "targetPort": 8000}])


def _remove_dashboard(cluster: Cluster) -> None:
    for name in ("kubernetes-dashboard", "dashboard-metrics-scraper"):
        _delete_service_if_present(cluster, DASHBOARD_NAMESPACE, name)
        _delete_if_present(cluster, DEPLOYMENTS, DASHBOARD_NAMESPACE, name)
    _delete_if_present(cluster, SERVICE_ACCOUNTS, DASHBOARD_NAMESPACE, "kubernetes-dashboard")
    _delete_if_present(cluster, NAMESPACES, None, DASHBOARD_NAMESPACE)


_OBJECTS = {
    "metrics-server": (_install_metrics_server, _remove_metrics_server),
    "dashboard": (_install_dashboard, _remove_dashboard),
}
