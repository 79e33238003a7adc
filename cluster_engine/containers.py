"""The view from inside a running container: its environment, its files, what listens on localhost.

``kubectl exec pod -- env``, a shell inside a container and ``cat``/``ls`` there must show what a
real container on minikube's Docker runtime shows, computed from the cluster as it is now: there
is no container filesystem to keep, so everything is derived from the pod, the image catalogue
and the objects the pod refers to. Only what a container writes into an ``emptyDir`` is state,
kept by the caller in a JSON-serialisable ``volumes`` dict (see ``volume_key``).

Environment order, as ``env`` prints it (Docker's ``CreateDaemonEnvironment`` after
``runconfig.Merge``):

1. ``PATH`` (the image's value unless the pod sets one), then ``HOSTNAME=<pod hostname>``, then
   ``TERM=xterm`` for a terminal (``exec -t``);
2. what the kubelet passes: the pod's ``envFrom`` and ``env`` (``env`` wins), then the service
   link variables the pod did not set itself. The kubelet builds both from Go maps, so their
   order is shuffled; here the shuffle is fixed per container instance (pod uid, container,
   restart count), so ``env`` prints the same order every time, as it does in one container;
3. the image's own variables the kubelet did not override;
4. ``HOME`` when nobody set it (``/root``: every catalogue image runs as root).

Service links are built as the kubelet's ``envvars.FromServices`` does, from Services whose
``creationTimestamp`` is not after the container's start (services are read once, when the
container is created): every Service with a ClusterIP in the pod's namespace when
``enableServiceLinks`` is true, and always the ``kubernetes`` Service of ``default``.

A reference the kubelet cannot resolve (a missing ConfigMap, Secret or key that is not optional)
stops the container from being created: ``container_config_error`` gives the kubelet's message
for ``CreateContainerConfigError``.
"""

from __future__ import annotations

import base64
import hashlib
import json
import math
import random
import uuid as uuidlib
from typing import TYPE_CHECKING

from . import images
from .clock import parse_rfc3339
from .quantities import parse_quantity
from .resources import resolve

if TYPE_CHECKING:
    from .cluster import Cluster

SERVICES = resolve("services")
CONFIG_MAPS = resolve("configmaps")
SECRETS = resolve("secrets")
NODES = resolve("nodes")
SERVICE_ACCOUNTS = resolve("serviceaccounts")

MASTER_SERVICE = ("default", "kubernetes")
CLUSTER_DNS = "10.96.0.10"
CLUSTER_DOMAIN = "cluster.local"
NODE_RESOLV_CONF = "nameserver 192.168.49.1\noptions edns0 trust-ad ndots:0\n"
ISSUER = "https://kubernetes.default.svc.cluster.local"
TOKEN_SECONDS = 3607
TOKEN_EXTENDED_SECONDS = 365 * 24 * 3600
ROOT_HOME = "/root"

FileContent = str | bytes


class ConfigError(Exception):
    """A reference the kubelet cannot resolve; the text is the kubelet's message."""


# -- helpers -------------------------------------------------------------------------------------
def _container(pod: dict, name: str) -> dict:
    spec = pod["spec"]
    for container in spec.get("containers", []) + spec.get("initContainers", []):
        if container["name"] == name:
            return container
    raise KeyError(name)


def _status(pod: dict, name: str) -> dict:
    status = pod.get("status", {})
    for entry in status.get("containerStatuses", []) + status.get("initContainerStatuses", []):
        if entry.get("name") == name:
            return entry
    return {}


def _image(container: dict) -> images.ImageInfo | None:
    return images.lookup(container.get("image", ""))


def _text(data: bytes) -> FileContent:
    try:
        return data.decode()
    except UnicodeDecodeError:
        return data


def _decode(value: str) -> bytes:
    return base64.b64decode(value or "")


def pod_hostname(pod: dict) -> str:
    """The container's hostname: ``spec.hostname`` or the pod name, cut to 63 characters."""
    return (pod["spec"].get("hostname") or pod["metadata"]["name"])[:63]


def _seed(*parts: object) -> int:
    return int.from_bytes(hashlib.sha256("\0".join(map(str, parts)).encode()).digest()[:8], "big")


# -- $(VAR) expansion (the kubelet's third_party expansion package) -------------------------------
def expand(text: str, lookup) -> str:
    """``$(VAR)`` replaced by ``lookup(VAR)`` (None leaves it as written); ``$$`` is ``$``."""
    out, i = [], 0
    while i < len(text):
        char = text[i]
        if char != "$" or i + 1 >= len(text):
            out.append(char)
            i += 1
            continue
        following = text[i + 1]
        if following == "$":
            out.append("$")
            i += 2
        elif following == "(":
            close = text.find(")", i + 2)
            if close < 0:
                out.append("$(")
                i += 2
                continue
            name = text[i + 2:close]
            value = lookup(name)
            out.append(f"$({name})" if value is None else value)
            i = close + 1
        else:
            out.append("$" + following)
            i += 2
    return "".join(out)


# -- field and resource references ---------------------------------------------------------------
def _format_map(values: dict) -> str:
    return "\n".join(f"{key}={json.dumps(values[key], ensure_ascii=False)}"
                     for key in sorted(values))


def _subscript(path: str, prefix: str) -> str | None:
    if path.startswith(prefix + "['") and path.endswith("']"):
        return path[len(prefix) + 2:-2]
    return None


def field_value(pod: dict, field_path: str) -> str:
    """A ``fieldRef`` value as the kubelet resolves it for env and downwardAPI volumes."""
    meta, spec, status = pod["metadata"], pod["spec"], pod.get("status", {})
    for prefix in ("metadata.labels", "metadata.annotations"):
        key = _subscript(field_path, prefix)
        if key is not None:
            return (meta.get(prefix.split(".")[1]) or {}).get(key, "")
    simple = {
        "metadata.name": meta.get("name", ""),
        "metadata.namespace": meta.get("namespace", "default"),
        "metadata.uid": meta.get("uid", ""),
        "metadata.labels": _format_map(meta.get("labels") or {}),
        "metadata.annotations": _format_map(meta.get("annotations") or {}),
        "spec.nodeName": spec.get("nodeName", ""),
        "spec.serviceAccountName": spec.get("serviceAccountName", ""),
        "status.podIP": status.get("podIP", ""),
        "status.hostIP": status.get("hostIP", ""),
        "status.podIPs": ",".join(entry["ip"] for entry in status.get("podIPs") or []),
        "status.hostIPs": ",".join(entry["ip"] for entry in status.get("hostIPs") or []),
    }
    return simple.get(field_path, "")


def _node_allocatable(cluster: "Cluster", pod: dict) -> dict:
    node = cluster.store.find(NODES, None, pod["spec"].get("nodeName", "")) or {}
    return node.get("status", {}).get("allocatable") or {}


def resource_value(cluster: "Cluster", pod: dict, container: dict, ref: dict) -> str:
    """A ``resourceFieldRef`` value: limits default to the node's allocatable, rounded up."""
    kind, _, resource = ref.get("resource", "").partition(".")
    resources = container.get("resources") or {}
    value = (resources.get(kind) or {}).get(resource)
    if value is None and kind == "limits":
        value = _node_allocatable(cluster, pod).get(resource)
    divisor = parse_quantity(ref.get("divisor") or "1") or 1
    amount = parse_quantity(value or "0") / parse_quantity(divisor)
    return str(math.ceil(amount))


# -- the kubelet's environment -------------------------------------------------------------------
class _References:
    """ConfigMaps and Secrets of one namespace, each read once, as the kubelet caches them."""

    def __init__(self, cluster: "Cluster", namespace: str):
        self.cluster, self.namespace = cluster, namespace
        self._seen: dict[tuple[str, str], dict | None] = {}

    def get(self, kind: str, name: str, optional: bool) -> dict | None:
        key = (kind, name)
        if key not in self._seen:
            rt = CONFIG_MAPS if kind == "configmap" else SECRETS
            self._seen[key] = self.cluster.store.find(rt, self.namespace, name)
        found = self._seen[key]
        if found is None and not optional:
            raise ConfigError(f'{kind} "{name}" not found')
        return found

    @staticmethod
    def values(kind: str, obj: dict) -> dict[str, str]:
        if kind == "configmap":
            return dict(obj.get("data") or {})
        return {key: _decode(value).decode(errors="replace")
                for key, value in (obj.get("data") or {}).items()}


def _key_value(refs: _References, kind: str, ref: dict) -> str | None:
    optional = bool(ref.get("optional"))
    obj = refs.get(kind, ref.get("name", ""), optional)
    if obj is None:
        return None
    values = refs.values(kind, obj)
    key = ref.get("key", "")
    if key not in values:
        if optional:
            return None
        label = "ConfigMap" if kind == "configmap" else "Secret"
        raise ConfigError(f"couldn't find key {key} in {label} {refs.namespace}/{ref.get('name', '')}")
    return values[key]


def _declared_environment(cluster: "Cluster", pod: dict, container: dict,
                          service_env: dict[str, str]) -> dict[str, str]:
    namespace = pod["metadata"].get("namespace", "default")
    refs = _References(cluster, namespace)
    env: dict[str, str] = {}
    for source in container.get("envFrom") or []:
        prefix = source.get("prefix", "")
        for field_name, kind in (("configMapRef", "configmap"), ("secretRef", "secret")):
            ref = source.get(field_name)
            if ref is None:
                continue
            obj = refs.get(kind, ref.get("name", ""), bool(ref.get("optional")))
            if obj is not None:
                for key, value in refs.values(kind, obj).items():
                    env[prefix + key] = value
    for variable in container.get("env") or []:
        value = variable.get("value", "")
        source = variable.get("valueFrom")
        if value:
            value = expand(value, lambda name: env.get(name, service_env.get(name)))
        elif source:
            if "fieldRef" in source:
                value = field_value(pod, source["fieldRef"].get("fieldPath", ""))
            elif "resourceFieldRef" in source:
                value = resource_value(cluster, pod, container, source["resourceFieldRef"])
            elif "configMapKeyRef" in source:
                value = _key_value(refs, "configmap", source["configMapKeyRef"])
            elif "secretKeyRef" in source:
                value = _key_value(refs, "secret", source["secretKeyRef"])
            if value is None:
                continue
        env[variable["name"]] = value
    return env


def _variable_name(name: str) -> str:
    return name.replace("-", "_").upper()


def service_link_variables(service: dict) -> list[tuple[str, str]]:
    """The variables one Service gives a container, in ``envvars.FromServices`` order."""
    spec = service["spec"]
    ip = spec.get("clusterIP") or ""
    ports = spec.get("ports") or []
    if ip in ("", "None") or not ports:
        return []
    prefix = _variable_name(service["metadata"]["name"])
    result = [(f"{prefix}_SERVICE_HOST", ip), (f"{prefix}_SERVICE_PORT", str(ports[0]["port"]))]
    result += [(f"{prefix}_SERVICE_PORT_{_variable_name(port['name'])}", str(port["port"]))
               for port in ports if port.get("name")]
    host = f"[{ip}]" if ":" in ip else ip
    for index, port in enumerate(ports):
        protocol = port.get("protocol") or "TCP"
        url = f"{protocol.lower()}://{host}:{port['port']}"
        if index == 0:
            result.append((f"{prefix}_PORT", url))
        port_prefix = f"{prefix}_PORT_{port['port']}_{protocol.upper()}"
        result += [(port_prefix, url), (f"{port_prefix}_PROTO", protocol.lower()),
                   (f"{port_prefix}_PORT", str(port["port"])), (f"{port_prefix}_ADDR", ip)]
    return result


def container_started_at(pod: dict, container_name: str) -> str | None:
    """When the container instance was created: its ``startedAt``, else the pod's ``startTime``."""
    state = _status(pod, container_name).get("state", {})
    started = (state.get("running") or state.get("terminated") or {}).get("startedAt")
    return started or pod.get("status", {}).get("startTime")


def service_environment(cluster: "Cluster", pod: dict, started_at: str | None) -> dict[str, str]:
    """The service link variables, from Services that existed when the container was created."""
    namespace = pod["metadata"].get("namespace", "default")
    links = pod["spec"].get("enableServiceLinks", True) is not False
    cutoff = parse_rfc3339(started_at) if started_at else cluster.now
    chosen: dict[str, dict] = {}
    for service in cluster.store.iter_stored(SERVICES):
        meta = service["metadata"]
        if parse_rfc3339(meta["creationTimestamp"]) > cutoff:
            continue
        if (meta.get("namespace"), meta["name"]) == MASTER_SERVICE:
            chosen.setdefault(meta["name"], service)
        elif meta.get("namespace") == namespace and links:
            chosen[meta["name"]] = service
    return {name: value for service in chosen.values()
            for name, value in service_link_variables(service)}


def _shuffled(items: list, seed: int) -> list:
    random.Random(seed).shuffle(items)
    return items


def _kubelet_environment(cluster: "Cluster", pod: dict, container: dict) -> list[tuple[str, str]]:
    service_env = service_environment(cluster, pod, container_started_at(pod, container["name"]))
    declared = _declared_environment(cluster, pod, container, service_env)
    status = _status(pod, container["name"])
    seed = _seed(pod["metadata"].get("uid", ""), container["name"], status.get("restartCount", 0))
    result = _shuffled(list(declared.items()), seed)
    result += _shuffled([(k, v) for k, v in service_env.items() if k not in declared], seed + 1)
    return result


def container_config_error(cluster: "Cluster", pod: dict, container_name: str) -> str | None:
    """The kubelet's message when the container's env cannot be built (CreateContainerConfigError):
    ``configmap "x" not found``, ``secret "x" not found``, ``couldn't find key k in ConfigMap
    default/x``; None when it can."""
    try:
        _declared_environment(cluster, pod, _container(pod, container_name), {})
    except ConfigError as error:
        return str(error)
    return None


def _replace_or_append(env: list[tuple[str, str]], additions) -> None:
    index = {name: position for position, (name, _) in enumerate(env)}
    for name, value in additions:
        if name in index:
            env[index[name]] = (name, value)
        else:
            index[name] = len(env)
            env.append((name, value))


def container_environment(cluster: "Cluster", pod: dict, container_name: str,
                          tty: bool = False) -> list[tuple[str, str]]:
    """What ``env`` prints inside the container, in order (see the module docstring).

    Raises ``ConfigError`` when the kubelet could not have created the container at all.
    """
    container = _container(pod, container_name)
    image = _image(container)
    image_env = list(image.env) if image else [("PATH", images.NODE_PATH)]
    kubelet_env = _kubelet_environment(cluster, pod, container)
    declared = {name for name, _ in kubelet_env}
    config_env = kubelet_env + [(k, v) for k, v in image_env if k not in declared]
    env = [("PATH", images.NODE_PATH), ("HOSTNAME", pod_hostname(pod))]
    if tty:
        env.append(("TERM", "xterm"))
    _replace_or_append(env, config_env)
    if not any(name == "HOME" for name, _ in env):
        env.append(("HOME", ROOT_HOME))
    return env


# -- files ---------------------------------------------------------------------------------------
def volume_key(pod: dict, volume_name: str) -> str:
    """Where an emptyDir's files live in the ``volumes`` store: ``<pod uid>/<volume name>``.

    The store is ``{volume_key: {relative path: text}}``; a binary file is ``{"base64": ...}``
    and a directory is a relative path ending in ``/`` with the value ``""``.
    """
    return f"{pod['metadata']['uid']}/{volume_name}"


def write_volume_file(volumes: dict, pod: dict, volume_name: str, path: str,
                      content: FileContent) -> dict:
    """Store ``content`` at ``path`` (relative to the volume) in an emptyDir; returns ``volumes``."""
    stored = content if isinstance(content, str) else {
        "base64": base64.b64encode(content).decode()}
    volumes.setdefault(volume_key(pod, volume_name), {})[path.strip("/")] = stored
    return volumes


def remove_volume_file(volumes: dict, pod: dict, volume_name: str, path: str) -> dict:
    files = volumes.get(volume_key(pod, volume_name), {})
    path = path.strip("/")
    for key in [key for key in files if key == path or key.startswith(path + "/")]:
        del files[key]
    return volumes


def forget_pod_volumes(volumes: dict, pod: dict) -> dict:
    """Drop a deleted pod's emptyDirs (they live exactly as long as the pod)."""
    prefix = f"{pod['metadata']['uid']}/"
    for key in [key for key in volumes if key.startswith(prefix)]:
        del volumes[key]
    return volumes


def writable_location(pod: dict, container_name: str, path: str) -> tuple[str, str] | None:
    """(volume name, path inside it) when ``path`` in the container lies on a writable emptyDir."""
    kinds = {volume["name"]: volume for volume in pod["spec"].get("volumes") or []}
    best = None
    for mount in _container(pod, container_name).get("volumeMounts") or []:
        volume = kinds.get(mount["name"], {})
        root = mount["mountPath"].rstrip("/")
        if path == root or path.startswith(root + "/"):
            if best is None or len(root) > len(best[2]):
                best = (mount, volume, root)
    if best is None or "emptyDir" not in best[1] or best[0].get("readOnly"):
        return None
    mount, _, root = best
    inner = "/".join(part for part in (mount.get("subPath", ""), path[len(root):].strip("/"))
                     if part)
    return mount["name"], inner


def _stored_files(volumes: dict, pod: dict, volume_name: str) -> dict[str, FileContent]:
    files = {}
    for path, value in (volumes.get(volume_key(pod, volume_name)) or {}).items():
        files[path] = _decode(value["base64"]) if isinstance(value, dict) else value
    return files


def _items(values: dict[str, FileContent], items: list[dict] | None) -> dict[str, FileContent]:
    if not items:
        return dict(values)
    return {item.get("path", item["key"]): values[item["key"]] for item in items
            if item.get("key") in values}


def _config_map_files(cluster: "Cluster", namespace: str, source: dict) -> dict[str, FileContent]:
    obj = cluster.store.find(CONFIG_MAPS, namespace, source.get("name", "")) or {}
    values: dict[str, FileContent] = dict(obj.get("data") or {})
    values.update({key: _text(_decode(value)) for key, value in (obj.get("binaryData") or {}).items()})
    return _items(values, source.get("items"))


def _secret_files(cluster: "Cluster", namespace: str, source: dict) -> dict[str, FileContent]:
    name = source.get("secretName") or source.get("name", "")
    obj = cluster.store.find(SECRETS, namespace, name) or {}
    values = {key: _text(_decode(value)) for key, value in (obj.get("data") or {}).items()}
    values.update(obj.get("stringData") or {})
    return _items(values, source.get("items"))


def _downward_files(cluster: "Cluster", pod: dict, items: list[dict]) -> dict[str, FileContent]:
    files = {}
    for item in items or []:
        if "fieldRef" in item:
            files[item["path"]] = field_value(pod, item["fieldRef"].get("fieldPath", ""))
        elif "resourceFieldRef" in item:
            ref = item["resourceFieldRef"]
            try:
                container = _container(pod, ref.get("containerName", ""))
            except KeyError:
                continue
            files[item["path"]] = resource_value(cluster, pod, container, ref)
    return files


def _b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).decode().rstrip("=")


def _stable_uuid(*parts: object) -> str:
    return str(uuidlib.UUID(bytes=hashlib.sha256("\0".join(map(str, parts)).encode()).digest()[:16],
                            version=4))


def service_account_token(cluster: "Cluster", pod: dict, expiration: int = TOKEN_SECONDS) -> str:
    """A bound service-account token as the kubelet mounts it: a JWT signed RS256 by the API
    server, issued when the pod started and re-issued after 80% of its lifetime."""
    meta, spec = pod["metadata"], pod["spec"]
    namespace = meta.get("namespace", "default")
    account = spec.get("serviceAccountName") or "default"
    start = pod.get("status", {}).get("startTime")
    began = int(parse_rfc3339(start)) if start else int(cluster.now)
    refresh = int(expiration * 0.8)
    issued = began + max(0, int(cluster.now) - began) // refresh * refresh
    node_name = spec.get("nodeName", "")
    node = cluster.store.find(NODES, None, node_name) or {}
    sa = cluster.store.find(SERVICE_ACCOUNTS, namespace, account) or {}
    header = {"alg": "RS256", "kid": _b64url(hashlib.sha256(b"minikube sa.pub").digest())}
    claims = {
        "aud": [ISSUER], "exp": issued + TOKEN_EXTENDED_SECONDS, "iat": issued, "iss": ISSUER,
        "jti": _stable_uuid(meta.get("uid"), issued),
        "kubernetes.io": {
            "namespace": namespace,
            "node": {"name": node_name,
                     "uid": node.get("metadata", {}).get("uid") or _stable_uuid(node_name)},
            "pod": {"name": meta["name"], "uid": meta.get("uid", "")},
            "serviceaccount": {"name": account, "uid": sa.get("metadata", {}).get("uid")
                               or _stable_uuid(namespace, account)},
            "warnafter": issued + expiration},
        "nbf": issued, "sub": f"system:serviceaccount:{namespace}:{account}"}
    signing_input = (_b64url(json.dumps(header, separators=(",", ":")).encode()) + "." +
                     _b64url(json.dumps(claims, separators=(",", ":")).encode()))
    signature = b"".join(hashlib.sha256(f"{signing_input}{block}".encode()).digest()
                         for block in range(8))
    return f"{signing_input}.{_b64url(signature)}"


def _cluster_ca() -> str:
    from .minikube_cluster import CLUSTER_CA_CERT
    return CLUSTER_CA_CERT


def _projected_files(cluster: "Cluster", pod: dict, sources: list[dict]) -> dict[str, FileContent]:
    namespace = pod["metadata"].get("namespace", "default")
    files: dict[str, FileContent] = {}
    for source in sources or []:
        if "serviceAccountToken" in source:
            token = source["serviceAccountToken"]
            files[token.get("path", "token")] = service_account_token(
                cluster, pod, int(token.get("expirationSeconds") or TOKEN_SECONDS))
        elif "configMap" in source:
            config_map = source["configMap"]
            found = _config_map_files(cluster, namespace, config_map)
            if config_map.get("name") == "kube-root-ca.crt" and not found:
                found = _items({"ca.crt": _cluster_ca()}, config_map.get("items"))
            files.update(found)
        elif "secret" in source:
            files.update(_secret_files(cluster, namespace, source["secret"]))
        elif "downwardAPI" in source:
            files.update(_downward_files(cluster, pod, source["downwardAPI"].get("items")))
    return files


def volume_files(cluster: "Cluster", pod: dict, volume: dict,
                 volumes: dict | None = None) -> dict[str, FileContent]:
    """The files of one pod volume, by path relative to the volume's root."""
    namespace = pod["metadata"].get("namespace", "default")
    if "configMap" in volume:
        return _config_map_files(cluster, namespace, volume["configMap"])
    if "secret" in volume:
        return _secret_files(cluster, namespace, volume["secret"])
    if "emptyDir" in volume:
        return _stored_files(volumes or {}, pod, volume["name"])
    if "projected" in volume:
        return _projected_files(cluster, pod, volume["projected"].get("sources"))
    if "downwardAPI" in volume:
        return _downward_files(cluster, pod, volume["downwardAPI"].get("items"))
    return {}


def hosts_file(pod: dict) -> str:
    """``/etc/hosts`` as the kubelet writes it for a pod that is not on the host network."""
    lines = ["# Kubernetes-managed hosts file.", "127.0.0.1\tlocalhost",
             "::1\tlocalhost ip6-localhost ip6-loopback", "fe00::0\tip6-localnet",
             "fe00::0\tip6-mcastprefix", "fe00::1\tip6-allnodes", "fe00::2\tip6-allrouters"]
    spec, status = pod["spec"], pod.get("status", {})
    hostname = pod_hostname(pod)
    subdomain = spec.get("subdomain")
    ips = [entry["ip"] for entry in status.get("podIPs") or []] or (
        [status["podIP"]] if status.get("podIP") else [])
    for ip in ips:
        if subdomain:
            namespace = pod["metadata"].get("namespace", "default")
            fqdn = f"{hostname}.{subdomain}.{namespace}.svc.{CLUSTER_DOMAIN}"
            lines.append(f"{ip}\t{fqdn}\t{hostname}")
        else:
            lines.append(f"{ip}\t{hostname}")
    text = "\n".join(lines) + "\n"
    aliases = spec.get("hostAliases") or []
    if aliases:
        text += "\n# Entries added by HostAliases.\n" + "".join(
            f"{alias.get('ip', '')}\t" + "\t".join(alias.get("hostnames") or []) + "\n"
            for alias in aliases)
    return text


def resolv_conf(pod: dict) -> str:
    """``/etc/resolv.conf`` for the pod's ``dnsPolicy`` and ``dnsConfig``."""
    spec = pod["spec"]
    namespace = pod["metadata"].get("namespace", "default")
    policy = spec.get("dnsPolicy", "ClusterFirst")
    if policy == "ClusterFirst" and spec.get("hostNetwork"):
        policy = "Default"
    nameservers, searches, options = [], [], []
    if policy in ("ClusterFirst", "ClusterFirstWithHostNet"):
        nameservers = [CLUSTER_DNS]
        searches = [f"{namespace}.svc.{CLUSTER_DOMAIN}", f"svc.{CLUSTER_DOMAIN}", CLUSTER_DOMAIN]
        options = ["ndots:5"]
    elif policy == "Default":
        return NODE_RESOLV_CONF
    config = spec.get("dnsConfig") or {}
    nameservers += [ns for ns in config.get("nameservers") or [] if ns not in nameservers]
    searches += [s for s in config.get("searches") or [] if s not in searches]
    for option in config.get("options") or []:
        name = option.get("name", "")
        options = [o for o in options if o.split(":")[0] != name]
        options.append(f"{name}:{option['value']}" if option.get("value") is not None else name)
    lines = [f"nameserver {ns}" for ns in nameservers]
    if searches:
        lines.append("search " + " ".join(searches))
    if options:
        lines.append("options " + " ".join(options))
    return "\n".join(lines) + "\n"


def container_files(cluster: "Cluster", pod: dict, container_name: str,
                    volumes: dict | None = None) -> dict[str, FileContent]:
    """Every file the container sees, by absolute path: the image's files, what Docker and the
    kubelet write (/etc/hostname, /etc/hosts, /etc/resolv.conf, /dev/termination-log) and the
    mounted volumes, a mount hiding whatever the image had beneath it.

    ``volumes`` is the emptyDir store; by default the sandbox state's ``volumes`` field.
    """
    if volumes is None:
        volumes = cluster.state.volumes
    container = _container(pod, container_name)
    image = _image(container)
    files: dict[str, FileContent] = {}
    if image is not None:
        root = image.workdir.rstrip("/")
        files.update({f"{root}/{path}": content for path, content in image.files.items()})
    files["/etc/hostname"] = pod_hostname(pod) + "\n"
    if not pod["spec"].get("hostNetwork"):
        files["/etc/hosts"] = hosts_file(pod)
    files["/etc/resolv.conf"] = resolv_conf(pod)
    files[container.get("terminationMessagePath") or "/dev/termination-log"] = ""
    by_name = {volume["name"]: volume for volume in pod["spec"].get("volumes") or []}
    for mount in container.get("volumeMounts") or []:
        volume = by_name.get(mount["name"])
        if volume is None:
            continue
        root = mount["mountPath"].rstrip("/")
        for path in [path for path in files if path.startswith(root + "/")]:
            del files[path]
        content = volume_files(cluster, pod, volume, volumes)
        sub = mount.get("subPath", "").strip("/")
        if sub:
            if sub in content:
                files[root] = content[sub]
                continue
            content = {key[len(sub) + 1:]: value for key, value in content.items()
                       if key.startswith(sub + "/")}
        files.update({f"{root}/{path}": value for path, value in content.items()
                      if not path.endswith("/")})
    return files


def container_directories(cluster: "Cluster", pod: dict, container_name: str,
                          volumes: dict | None = None) -> set[str]:
    """Directories that exist in the container: parents of its files, mount points, the
    working directory and directories made inside emptyDirs."""
    if volumes is None:
        volumes = cluster.state.volumes
    container = _container(pod, container_name)
    image = _image(container)
    found = {"/", container.get("workingDir") or (image.workdir if image else "/")}
    for path in container_files(cluster, pod, container_name, volumes):
        parts = path.split("/")[1:-1]
        found.update("/" + "/".join(parts[:i]) for i in range(1, len(parts) + 1))
    by_name = {volume["name"]: volume for volume in pod["spec"].get("volumes") or []}
    for mount in container.get("volumeMounts") or []:
        root = mount["mountPath"].rstrip("/")
        parts = root.split("/")[1:]
        found.update("/" + "/".join(parts[:i]) for i in range(1, len(parts) + 1))
        volume = by_name.get(mount["name"], {})
        if "emptyDir" in volume:
            for key in (volumes.get(volume_key(pod, mount["name"])) or {}):
                if key.endswith("/"):
                    found.add(f"{root}/{key.rstrip('/')}")
    return found


def working_directory(pod: dict, container_name: str) -> str:
    """Where a shell opened by ``kubectl exec`` starts: ``workingDir`` or the image's WORKDIR."""
    container = _container(pod, container_name)
    image = _image(container)
    return container.get("workingDir") or (image.workdir if image else "/")


def listening_ports(cluster: "Cluster", pod: dict) -> dict[int, str]:
    """Ports open on the pod's loopback and IP, each with the running container that owns it;
    containers share the pod's network namespace, so any of them reaches all of these."""
    ports: dict[int, str] = {}
    for container in pod["spec"].get("containers", []):
        image = _image(container)
        if image is None or "running" not in _status(pod, container["name"]).get("state", {}):
            continue
        for port in image.ports:
            ports.setdefault(port, container["name"])
    return ports
