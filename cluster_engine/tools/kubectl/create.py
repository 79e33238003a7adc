"""``kubectl create deployment|service|namespace|configmap|secret generic``.

Each generator builds the object exactly as kubectl v1.32 does on the client (what
``--dry-run=client -o yaml`` shows: ``creationTimestamp: null``, ``strategy: {}``,
``resources: {}``) and sends it; the API server's defaults are applied by ``mutations.create``.
Names of containers come from their images the way kubectl derives them (``path.Base`` without
tag or digest, ``_`` turned into ``-``, a random suffix for duplicates).
"""

from __future__ import annotations

import base64
import posixpath

from ...errors import ApiError
from ...resources import resolve
from ...shell.filesystem import resolve as resolve_path
from .app import KubectlError, connect, implement, namespace_of
from .cobra import Invocation
from .from_files import run_create_from_files
from .mutations import (ENV_NAME, ENV_NAME_RULE, create, not_implemented, output_of, report,
                        required_flag_missing, subcommand, usage_error)

DEPLOYMENTS, SERVICES = resolve("deployments"), resolve("services")
NAMESPACES, CONFIGMAPS, SECRETS = resolve("namespaces"), resolve("configmaps"), resolve("secrets")

_OTHER_CREATE = ("clusterrole", "clusterrolebinding", "cronjob", "ingress", "job",
                 "poddisruptionbudget", "priorityclass", "quota", "role", "rolebinding",
                 "serviceaccount", "token")
_ALIASES = {"configmap": ("cm",), "cronjob": ("cj",), "deployment": ("deploy",),
            "ingress": ("ing",), "namespace": ("ns",), "poddisruptionbudget": ("pdb",),
            "priorityclass": ("pc",), "quota": ("resourcequota",), "service": ("svc",),
            "serviceaccount": ("sa",)}
_SERVICE_TYPES = {"clusterip": "ClusterIP", "nodeport": "NodePort",
                  "loadbalancer": "LoadBalancer"}

for _name in sorted(("configmap", "deployment", "namespace", "secret", "service")
                    + _OTHER_CREATE):
    subcommand(f"create {_name}", _ALIASES.get(_name, ()),
               grouping=_name in ("secret", "service"))
for _name in ("docker-registry", "generic", "tls"):
    subcommand(f"create secret {_name}")
for _name in ("clusterip", "externalname", "loadbalancer", "nodeport"):
    subcommand(f"create service {_name}")
for _name in _OTHER_CREATE + ("secret docker-registry", "secret tls", "service externalname"):
    implement(f"create {_name}")(not_implemented)


@implement("create")
def run_create(invocation: Invocation) -> int:
    """``kubectl create -f``."""
    return run_create_from_files(invocation)


def _one_name(invocation: Invocation) -> str | None:
    if len(invocation.args) != 1:
        usage_error(invocation, f"exactly one NAME is required, got {len(invocation.args)}")
        return None
    return invocation.args[0]


def _metadata(invocation: Invocation, name: str, labels: dict | None = None) -> dict:
    metadata = {"creationTimestamp": None}
    if labels:
        metadata["labels"] = labels
    metadata["name"] = name
    if invocation.flags.was_set("namespace"):
        metadata["namespace"] = invocation.flags.get("namespace")
    return metadata


def _send(invocation: Invocation, rt, obj: dict, failure: str | None) -> int:
    """Create ``obj`` (unless a client dry run) and report it; ``failure`` is how the generator
    frames the server's refusal (it prints the error's text after it, not as an API error)."""
    output = output_of(invocation)
    if output.dry_run == "client":
        report(invocation.stdout, rt, obj, "created", output, typed=True)
        return 0
    if rt.namespaced:
        obj["metadata"].setdefault("namespace", namespace_of(invocation))
    with invocation.ctx.sandbox.transaction() as cluster:
        connect(invocation, cluster)
        try:
            stored = create(cluster, rt, obj, output)
        except ApiError as error:
            if failure is None:
                raise
            raise KubectlError(failure + error.message) from None
    report(invocation.stdout, rt, stored, "created", output, typed=True)
    return 0


# -- deployment ----------------------------------------------------------------------------------
def container_names(images: list[str], rng) -> list[str]:
    """kubectl's names for the containers of ``images``."""
    bases = []
    for image in images:
        base = posixpath.basename(image).split(":")[0].split("@")[0]
        bases.append(base.replace("_", "-"))
    return [base + "-" + rng.token(5) if bases.count(base) > 1 else base for base in bases]


@implement("create deployment")
def run_create_deployment(invocation: Invocation) -> int:
    flags = invocation.flags
    images = flags.get("image") or []
    if not images:
        return required_flag_missing(invocation, "image")
    args = invocation.args[:invocation.args_before_dash]
    command = invocation.args[invocation.args_before_dash:]
    if len(args) != 1:
        return usage_error(invocation, f"exactly one NAME is required, got {len(args)}")
    if len(images) > 1 and command:
        raise KubectlError("cannot specify multiple --image options and command")
    name = args[0]
    with invocation.ctx.sandbox.transaction() as cluster:
        names = container_names(images, cluster.rng)
    containers = []
    for image, container_name in zip(images, names):
        container = {"image": image, "name": container_name, "resources": {}}
        if command:
            container["command"] = list(command)
        containers.append(container)
    if flags.get("port", -1) >= 0:
        containers[0]["ports"] = [{"containerPort": flags.get("port")}]
    labels = {"app": name}
    deployment = {
        "apiVersion": "apps/v1", "kind": "Deployment",
        "metadata": _metadata(invocation, name, dict(labels)),
        "spec": {"replicas": flags.get("replicas"), "selector": {"matchLabels": dict(labels)},
                 "strategy": {},
                 "template": {"metadata": {"creationTimestamp": None, "labels": dict(labels)},
                              "spec": {"containers": containers}}},
        "status": {},
    }
    return _send(invocation, DEPLOYMENTS, deployment, "failed to create deployment: ")


# -- service -------------------------------------------------------------------------------------
def _service_port(spec: str) -> dict:
    port_text, _, target_text = spec.partition(":")
    if not port_text.isdigit():
        raise KubectlError(f'strconv.ParseUint: parsing "{port_text}": invalid syntax')
    port = int(port_text)
    target = target_text or port_text
    name = spec.replace(":", "-") if target_text else port_text
    return {"name": name, "port": port, "protocol": "TCP",
            "targetPort": int(target) if target.isdigit() else target}


def _create_service(invocation: Invocation, service_type: str) -> int:
    name = _one_name(invocation)
    if name is None:
        return 1
    tcp = invocation.flags.get("tcp") or []
    if not tcp:
        raise KubectlError("at least one tcp port specifier must be provided")
    ports = [_service_port(spec) for spec in tcp]
    node_port = invocation.flags.get("node-port") or 0
    if service_type == "NodePort" and node_port:
        ports[0]["nodePort"] = node_port
    spec = {"ports": ports, "selector": {"app": name}, "type": service_type}
    cluster_ip = invocation.flags.get("clusterip") or ""
    if cluster_ip:
        spec["clusterIP"] = cluster_ip
    service = {"apiVersion": "v1", "kind": "Service",
               "metadata": _metadata(invocation, name, {"app": name}),
               "spec": spec, "status": {"loadBalancer": {}}}
    return _send(invocation, SERVICES, service, f"failed to create {service_type} service: ")


for _command, _type in _SERVICE_TYPES.items():
    implement(f"create service {_command}")(
        lambda invocation, service_type=_type: _create_service(invocation, service_type))


# -- namespace, configmap, secret ------------------------------------------------------------------
@implement("create namespace")
def run_create_namespace(invocation: Invocation) -> int:
    name = _one_name(invocation)
    if name is None:
        return 1
    namespace = {"apiVersion": "v1", "kind": "Namespace",
                 "metadata": {"creationTimestamp": None, "name": name},
                 "spec": {}, "status": {}}
    return _send(invocation, NAMESPACES, namespace, None)


def _literal_data(invocation: Invocation) -> dict[str, str]:
    data: dict[str, str] = {}
    for literal in invocation.flags.get("from-literal") or []:
        key, equals, value = literal.partition("=")
        if not equals or not key:
            raise KubectlError(f"invalid literal source {literal}, expected key=value")
        data[key] = value
    return data


def _read_source(invocation: Invocation, given: str):
    """The shell's file system entry at ``given`` (absolute path, info); kubectl's error if the
    learner's files hold nothing there."""
    fs = invocation.ctx.fs
    path = resolve_path(invocation.ctx.cwd, given)
    info = fs.info(path) if fs is not None else None
    if info is None:
        raise KubectlError(f"error reading {given}: no such file or directory")
    return path, info


def _file_data(invocation: Invocation) -> dict[str, str]:
    data: dict[str, str] = {}
    fs = invocation.ctx.fs
    for source in invocation.flags.get("from-file") or []:
        key, equals, given = source.partition("=")
        if not equals:
            key, given = posixpath.basename(source), source
        path, info = _read_source(invocation, given)
        if info.kind == "dir":
            for entry in fs.listdir(path):
                if fs.info(posixpath.join(path, entry)).kind == "file":
                    data[entry] = fs.read(posixpath.join(path, entry))
        else:
            data[key] = fs.read(path)
    return data


def _env_file_data(invocation: Invocation) -> dict[str, str]:
    """``--from-env-file``: ``KEY=value`` lines; a bare ``KEY`` takes the shell's variable."""
    data: dict[str, str] = {}
    for source in invocation.flags.get("from-env-file") or []:
        path, _info = _read_source(invocation, source)
        for line in invocation.ctx.fs.read(path).splitlines():
            line = line.lstrip()
            if not line or line.startswith("#"):
                continue
            key, equals, value = line.partition("=")
            if not ENV_NAME.match(key):
                raise KubectlError(f'"{key}" is not a valid key name: {ENV_NAME_RULE}')
            data[key] = value if equals else invocation.ctx.env.get(key, "")
    return data


def _data(invocation: Invocation) -> dict[str, str]:
    flags = invocation.flags
    if flags.get("from-env-file") and (flags.get("from-file") or flags.get("from-literal")):
        raise KubectlError("from-env-file cannot be combined with from-file or from-literal")
    return {**_file_data(invocation), **_literal_data(invocation),
            **_env_file_data(invocation)}


@implement("create configmap")
def run_create_configmap(invocation: Invocation) -> int:
    name = _one_name(invocation)
    if name is None:
        return 1
    data = _data(invocation)
    configmap = {"apiVersion": "v1", "kind": "ConfigMap",
                 "metadata": _metadata(invocation, name)}
    if data:
        configmap["data"] = data
    return _send(invocation, CONFIGMAPS, configmap, "failed to create configmap: ")


@implement("create secret generic")
def run_create_secret_generic(invocation: Invocation) -> int:
    name = _one_name(invocation)
    if name is None:
        return 1
    data = _data(invocation)
    secret = {"apiVersion": "v1", "kind": "Secret", "metadata": _metadata(invocation, name)}
    if data:
        secret["data"] = {key: base64.b64encode(value.encode()).decode()
                          for key, value in data.items()}
    if invocation.flags.get("type"):
        secret["type"] = invocation.flags.get("type")
    return _send(invocation, SECRETS, secret, "failed to create secret ")
