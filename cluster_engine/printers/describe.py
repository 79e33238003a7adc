"""The pages ``kubectl describe`` prints, laid out as kubectl v1.32's describers lay them out.

kubectl writes every page through one "prefix writer": each call writes a format string indented
by two spaces per nesting level into a Go tabwriter (``minwidth=0, padding=2``), so ``Key:\\tvalue``
lines line up with the lines around them that also have a tab, and a line without one (``IPs:``,
``Containers:``) starts a new alignment block. The events table is the one exception: the writer is
flushed before it, so its columns are measured on their own.

The functions here are pure: they get the object and whatever the real describer would have
fetched alongside it (events, pods, ReplicaSets, EndpointSlices, the node's Lease) and return the
page. Fetching is ``tools.kubectl.describe``'s job. This module holds the writer, the blocks every
page shares and the pod page; the other kinds live in ``describe_workloads``,
``describe_services``, ``describe_nodes`` and ``describe_config``.
"""

from __future__ import annotations

import io
import re
from datetime import datetime, timezone
from fractions import Fraction

from ..quantities import parse_quantity
from .duration import human_duration
from .gosort import go_sort
from .tabwriter import describe_writer

LAST_APPLIED_ANNOTATION = "kubectl.kubernetes.io/last-applied-configuration"
MAX_ANNOTATION_LENGTH = 140

_WEEKDAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
_MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")
_TIMESTAMP = re.compile(r"^(\d{4})-(\d\d)-(\d\d)T(\d\d):(\d\d):(\d\d)(\.\d+)?Z$")


class PrefixWriter:
    """kubectl's ``prefixWriter`` over a describe tabwriter, collecting the page as text."""

    def __init__(self):
        self._buffer = io.StringIO()
        self._tabs = describe_writer(self._buffer, measure=len)

    def write(self, level: int, text: str) -> None:
        self._tabs.write("  " * level + text)

    def flush(self) -> None:
        self._tabs.flush()

    def text(self) -> str:
        self._tabs.flush()
        return self._buffer.getvalue()


# -- values ----------------------------------------------------------------------------------------
def parse_timestamp(text: str | None) -> float | None:
    """Seconds since the epoch for an RFC 3339 UTC timestamp (with or without fractions)."""
    match = _TIMESTAMP.match(text or "")
    if match is None:
        return None
    year, month, day, hour, minute, second = (int(part) for part in match.groups()[:6])
    moment = datetime(year, month, day, hour, minute, second, tzinfo=timezone.utc).timestamp()
    return moment + float(match.group(7) or 0)


def rfc1123z(text: str | None) -> str:
    """Go's ``time.RFC1123Z`` for a wire timestamp; a missing one is Go's zero time."""
    moment = parse_timestamp(text)
    if moment is None:
        return "Mon, 01 Jan 0001 00:00:00 +0000"
    when = datetime.fromtimestamp(moment, tz=timezone.utc)
    return (f"{_WEEKDAYS[when.weekday()]}, {when.day:02d} {_MONTHS[when.month - 1]} {when.year} "
            f"{when.hour:02d}:{when.minute:02d}:{when.second:02d} +0000")


def since(text: str | None, now: float) -> str:
    """``translateTimestampSince``: the age of a timestamp, ``<unknown>`` when it is unset."""
    moment = parse_timestamp(text)
    return "<unknown>" if moment is None else human_duration(now - moment)


def go_bool(value) -> str:
    return "true" if value else "false"


class Quantity:
    """A resource quantity that prints itself as ``resource.Quantity.String()`` does."""

    _BINARY_SUFFIXES = ("", "Ki", "Mi", "Gi", "Ti", "Pi", "Ei")
    _DECIMAL_SUFFIXES = {-9: "n", -6: "u", -3: "m", 0: "", 3: "k", 6: "M", 9: "G", 12: "T",
                         15: "P", 18: "E"}

    def __init__(self, value: Fraction = Fraction(0), binary: bool = False):
        self.value = Fraction(value)
        self.binary = binary

    @classmethod
    def parse(cls, text) -> "Quantity":
        return cls(parse_quantity(text), str(text).strip()[-2:] in cls._BINARY_SUFFIXES[1:])

    def __add__(self, other: "Quantity") -> "Quantity":
        return Quantity(self.value + other.value, self.binary if self.value else other.binary)

    def __str__(self) -> str:
        value = self.value
        if value == 0:
            return "0"
        if self.binary and abs(value) >= 1024 and value.denominator == 1:
            number, power = int(value), 0
            while number % 1024 == 0 and power < len(self._BINARY_SUFFIXES) - 1:
                number, power = number // 1024, power + 1
            return f"{number}{self._BINARY_SUFFIXES[power]}"
        if value.denominator == 1:
            number, exponent = int(value), 0
            while number % 1000 == 0 and exponent < 18:
                number, exponent = number // 1000, exponent + 3
            return f"{number}{self._DECIMAL_SUFFIXES[exponent]}"
        for exponent in (-3, -6, -9):
            scaled = value / Fraction(10) ** exponent
            if scaled.denominator == 1 or exponent == -9:
                return f"{-(-scaled.numerator // scaled.denominator)}{self._DECIMAL_SUFFIXES[exponent]}"
        raise AssertionError("unreachable")


def format_label_selector(selector: dict | None) -> str:
    """``metav1.FormatLabelSelector``: ``k=v`` and set expressions joined by commas."""
    if not selector:
        return "<none>"
    parts = [f"{key}={value}" for key, value in sorted((selector.get("matchLabels") or {}).items())]
    for expression in selector.get("matchExpressions") or []:
        operator = expression["operator"]
        values = ",".join(sorted(expression.get("values") or []))
        if operator == "In":
            parts.append(f"{expression['key']} in ({values})")
        elif operator == "NotIn":
            parts.append(f"{expression['key']} notin ({values})")
        elif operator == "Exists":
            parts.append(expression["key"])
        else:
            parts.append(f"!{expression['key']}")
    return ",".join(parts) or "<none>"


def format_labels(labels: dict | None) -> str:
    """``labels.FormatLabels``: sorted ``k=v`` pairs, ``<none>`` for none."""
    return ",".join(f"{key}={value}" for key, value in sorted((labels or {}).items())) or "<none>"


def controller_of(obj: dict) -> str:
    for reference in obj["metadata"].get("ownerReferences") or []:
        if reference.get("controller"):
            return f"{reference['kind']}/{reference['name']}"
    return ""


# -- shared blocks ---------------------------------------------------------------------------------
def write_labels(w: PrefixWriter, title: str, labels: dict | None) -> None:
    w.write(0, f"{title}:\t")
    if not labels:
        w.write(0, "<none>\n")
        return
    for index, key in enumerate(sorted(labels)):
        w.write(0, ("" if index == 0 else "\t") + f"{key}={labels[key]}\n")


def write_annotations(w: PrefixWriter, title: str, annotations: dict | None) -> None:
    w.write(0, f"{title}:\t")
    keys = sorted(key for key in annotations or {} if key != LAST_APPLIED_ANNOTATION)
    if not keys:
        w.write(0, "<none>\n")
        return
    for index, key in enumerate(keys):
        if index:
            w.write(0, "\t")
        value = annotations[key].removesuffix("\n")
        if len(value) + len(key) + 2 > MAX_ANNOTATION_LENGTH or "\n" in value:
            w.write(0, f"{key}:\n")
            for line in value.split("\n"):
                if len(line) > MAX_ANNOTATION_LENGTH - 2:
                    line = line[:MAX_ANNOTATION_LENGTH - 2] + "..."
                w.write(0, f"\t  {line}\n")
        else:
            w.write(0, f"{key}: {value}\n")


def write_tolerations(w: PrefixWriter, title: str, tolerations: list | None) -> None:
    w.write(0, f"{title}:\t")
    if not tolerations:
        w.write(0, "<none>\n")
        return
    for index, toleration in enumerate(sorted(tolerations, key=lambda t: t.get("key", ""))):
        key, value = toleration.get("key", ""), toleration.get("value", "")
        effect = toleration.get("effect", "")
        text = ("" if index == 0 else "\t") + key
        if value:
            text += f"={value}"
        if effect:
            text += f":{effect}"
        if toleration.get("operator") == "Exists" and not value:
            text += " op=Exists" if key or effect else "op=Exists"
        if toleration.get("tolerationSeconds") is not None:
            text += f" for {toleration['tolerationSeconds']}s"
        w.write(0, text + "\n")


def write_taints(w: PrefixWriter, title: str, taints: list | None) -> None:
    w.write(0, f"{title}:\t")
    if not taints:
        w.write(0, "<none>\n")
        return
    ordered = sorted(taints, key=lambda taint: f"{taint.get('effect', '')},{taint['key']}")
    for index, taint in enumerate(ordered):
        text = taint["key"] + (f"={taint['value']}" if taint.get("value") else "")
        text += f":{taint['effect']}" if taint.get("effect") else ""
        w.write(0, ("" if index == 0 else "\t") + text + "\n")


def sorted_events(events: list[dict]) -> list[dict]:
    """Oldest last-seen first, as ``sort.Sort(SortableEvents)`` leaves them: Go's sort is not
    stable, so events seen in the same second come out in the order its steps give."""
    seen = {id(event): parse_timestamp(event.get("lastTimestamp")) or 0.0 for event in events}
    return go_sort(events, lambda a, b: seen[id(a)] < seen[id(b)])


def write_events(w: PrefixWriter, events: list[dict] | None, now: float) -> None:
    """``DescribeEvents``; ``None`` means events were not asked for (``--show-events=false``)."""
    if events is None:
        return
    if not events:
        w.write(0, "Events:\t<none>\n")
        return
    w.flush()
    w.write(0, "Events:\n  Type\tReason\tAge\tFrom\tMessage\n")
    w.write(1, "----\t------\t----\t----\t-------\n")
    for event in sorted_events(events):
        first_seen = since(event.get("eventTime") or event.get("firstTimestamp"), now)
        count = event.get("count") or 0
        series = event.get("series")
        if series:
            interval = (f"{since(series.get('lastObservedTime'), now)} "
                        f"(x{series.get('count', 0)} over {first_seen})")
        elif count > 1:
            interval = f"{since(event.get('lastTimestamp'), now)} (x{count} over {first_seen})"
        else:
            interval = first_seen
        source = (event.get("source") or {}).get("component") or event.get("reportingComponent", "")
        w.write(1, f"{event.get('type', '')}\t{event.get('reason', '')}\t{interval}\t{source}\t"
                   f"{(event.get('message') or '').strip()}\n")


# -- containers and volumes ------------------------------------------------------------------------
def _ports(ports: list, field: str) -> str:
    return ", ".join(f"{port.get(field, 0)}/{port.get('protocol', 'TCP')}" for port in ports)


def _write_resources(w: PrefixWriter, resources: dict | None, level: int) -> None:
    for section, title in (("limits", "Limits"), ("requests", "Requests")):
        values = (resources or {}).get(section) or {}
        if values:
            w.write(level, f"{title}:\n")
        for name in sorted(values):
            w.write(level + 1, f"{name}:\t{Quantity.parse(values[name])}\n")


def _write_state(w: PrefixWriter, title: str, state: dict) -> None:
    if state.get("running") is not None:
        w.write(2, f"{title}:\tRunning\n")
        w.write(3, f"Started:\t{rfc1123z(state['running'].get('startedAt'))}\n")
    elif state.get("terminated") is not None:
        terminated = state["terminated"]
        w.write(2, f"{title}:\tTerminated\n")
        if terminated.get("reason"):
            w.write(3, f"Reason:\t{terminated['reason']}\n")
        if terminated.get("message"):
            w.write(3, f"Message:\t{terminated['message']}\n")
        w.write(3, f"Exit Code:\t{terminated.get('exitCode', 0)}\n")
        if terminated.get("signal", 0) > 0:
            w.write(3, f"Signal:\t{terminated['signal']}\n")
        w.write(3, f"Started:\t{rfc1123z(terminated.get('startedAt'))}\n")
        w.write(3, f"Finished:\t{rfc1123z(terminated.get('finishedAt'))}\n")
    else:
        w.write(2, f"{title}:\tWaiting\n")
        reason = (state.get("waiting") or {}).get("reason")
        if reason:
            w.write(3, f"Reason:\t{reason}\n")


_PATH_SAFE = frozenset("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"
                       "-_.~$&+,/:;=@")


def _escaped_url_path(path: str) -> str:
    """The path as Go's ``url.URL.String()`` writes it: ``?`` and unsafe bytes percent-encoded."""
    return "".join(chr(byte) if chr(byte) in _PATH_SAFE else f"%{byte:02X}"
                   for byte in path.encode())


def _seccomp(w: PrefixWriter, level: int, security_context: dict | None) -> None:
    profile = (security_context or {}).get("seccompProfile")
    if profile:
        w.write(level, f"SeccompProfile:\t{profile.get('type', '')}\n")
        if profile.get("type") == "Localhost":
            w.write(level + 1 if level else 0,
                    f"LocalhostProfile:\t{profile.get('localhostProfile', '')}\n")


def _probe(probe: dict) -> str:
    attributes = (f"delay={probe.get('initialDelaySeconds', 0)}s "
                  f"timeout={probe.get('timeoutSeconds', 1)}s "
                  f"period={probe.get('periodSeconds', 10)}s "
                  f"#success={probe.get('successThreshold', 1)} "
                  f"#failure={probe.get('failureThreshold', 3)}")
    if "exec" in probe:
        return f"exec [{' '.join(probe['exec'].get('command') or [])}] {attributes}"
    if "httpGet" in probe:
        get = probe["httpGet"]
        scheme = get.get("scheme", "HTTP").lower()
        path = _escaped_url_path(get.get("path", ""))
        return f"http-get {scheme}://{get.get('host', '')}:{get.get('port')}{path} {attributes}"
    if "tcpSocket" in probe:
        socket = probe["tcpSocket"]
        return f"tcp-socket {socket.get('host', '')}:{socket.get('port')} {attributes}"
    return f"unknown {attributes}"


def _write_environment(w: PrefixWriter, container: dict, pod: dict | None) -> None:
    env_from = container.get("envFrom") or []
    if env_from:
        w.write(2, "Environment Variables from:\n")
        for source in env_from:
            kind, reference = (("ConfigMap", source["configMapRef"]) if "configMapRef" in source
                               else ("Secret", source.get("secretRef") or {}))
            optional = go_bool(reference.get("optional"))
            prefix = f" with prefix '{source['prefix']}'" if source.get("prefix") else ""
            w.write(3, f"{reference.get('name', '')}\t{kind}{prefix}\tOptional: {optional}\n")
    env = container.get("env") or []
    w.write(2, "Environment:" + ("" if env else "\t<none>") + "\n")
    for variable in env:
        name, value_from = variable["name"], variable.get("valueFrom")
        if value_from is None:
            for index, line in enumerate((variable.get("value") or "").split("\n")):
                w.write(3, (f"{name}:\t{line}\n" if index == 0 else f"\t{line}\n"))
        elif "fieldRef" in value_from:
            field = value_from["fieldRef"]
            resolved = _field_value(pod, field.get("fieldPath", "")) if pod else ""
            w.write(3, f"{name}:\t{resolved} ({field.get('apiVersion', 'v1')}:"
                       f"{field.get('fieldPath', '')})\n")
        elif "resourceFieldRef" in value_from:
            w.write(3, f"{name}:\t ({value_from['resourceFieldRef'].get('resource', '')})\n")
        elif "secretKeyRef" in value_from:
            ref = value_from["secretKeyRef"]
            w.write(3, f"{name}:\t<set to the key '{ref.get('key', '')}' in secret "
                       f"'{ref.get('name', '')}'>\tOptional: {go_bool(ref.get('optional'))}\n")
        elif "configMapKeyRef" in value_from:
            ref = value_from["configMapKeyRef"]
            w.write(3, f"{name}:\t<set to the key '{ref.get('key', '')}' of config map "
                       f"'{ref.get('name', '')}'>\tOptional: {go_bool(ref.get('optional'))}\n")


def _field_value(pod: dict, path: str) -> str:
    """What ``fieldpath.ExtractFieldPathAsString`` gives describe: metadata only (the kubelet
    resolves ``spec.nodeName``, ``status.podIP`` and the like, so describe shows them empty)."""
    meta = pod["metadata"]
    match = re.fullmatch(r"metadata\.(labels|annotations)\['(.+)'\]", path)
    if match:
        return (meta.get(match.group(1)) or {}).get(match.group(2), "")
    if path in ("metadata.name", "metadata.namespace", "metadata.uid"):
        return meta.get(path.split(".")[1], "")
    return ""


def _write_mounts(w: PrefixWriter, container: dict) -> None:
    mounts = container.get("volumeMounts") or []
    w.write(2, "Mounts:" + ("" if mounts else "\t<none>") + "\n")
    for mount in sorted(mounts, key=lambda m: m["mountPath"]):
        flags = ["ro" if mount.get("readOnly") else "rw"]
        if mount.get("subPath"):
            flags.append(f'path="{mount["subPath"]}"')
        w.write(3, f"{mount['mountPath']} from {mount['name']} ({','.join(flags)})\n")


def write_containers(w: PrefixWriter, label: str, containers: list, statuses: list | None,
                     pod: dict | None, space: str = "") -> None:
    """``describeContainers``: a pod's containers with their status, or a template's without."""
    by_name = {status["name"]: status for status in statuses or []}
    w.write(0, f"{space}{label}:{'' if containers else ' <none>'}\n")
    name_indent = " " if space else ""
    for container in containers:
        status = by_name.get(container["name"])
        w.write(1, f"{name_indent}{container['name']}:\n")
        if status is not None:
            w.write(2, f"Container ID:\t{status.get('containerID', '')}\n")
        w.write(2, f"Image:\t{container.get('image', '')}\n")
        if status is not None:
            w.write(2, f"Image ID:\t{status.get('imageID', '')}\n")
        ports = container.get("ports") or []
        container_ports, host_ports = _ports(ports, "containerPort"), _ports(ports, "hostPort")
        w.write(2, (f"Ports:\t{container_ports}\n" if "," in container_ports
                    else f"Port:\t{container_ports or '<none>'}\n"))
        w.write(2, (f"Host Ports:\t{host_ports}\n" if "," in host_ports
                    else f"Host Port:\t{host_ports or '<none>'}\n"))
        _seccomp(w, 2, container.get("securityContext"))
        for field, title in (("command", "Command"), ("args", "Args")):
            if container.get(field):
                w.write(2, f"{title}:\n")
                for word in container[field]:
                    for line in word.split("\n"):
                        w.write(3, f"{line}\n")
        if status is not None:
            _write_state(w, "State", status.get("state") or {})
            if (status.get("lastState") or {}).get("terminated") is not None:
                _write_state(w, "Last State", status["lastState"])
            w.write(2, f"Ready:\t{'True' if status.get('ready') else 'False'}\n")
            w.write(2, f"Restart Count:\t{status.get('restartCount', 0)}\n")
        _write_resources(w, container.get("resources"), 2)
        for field, title in (("livenessProbe", "Liveness"), ("readinessProbe", "Readiness"),
                             ("startupProbe", "Startup")):
            if container.get(field):
                w.write(2, f"{title}:\t{_probe(container[field])}\n")
        _write_environment(w, container, pod)
        _write_mounts(w, container)


def _optional(value) -> str:
    return "<nil>" if value is None else go_bool(value)


def write_volumes(w: PrefixWriter, volumes: list | None, space: str = "") -> None:
    if not volumes:
        w.write(0, f"{space}Volumes:\t<none>\n")
        return
    w.write(0, f"{space}Volumes:\n")
    name_indent = " " if space else ""
    for volume in volumes:
        w.write(1, f"{name_indent}{volume['name']}:\n")
        if "projected" in volume:
            w.write(2, "Type:\tProjected (a volume that contains injected data from multiple "
                       "sources)\n")
            for source in volume["projected"].get("sources") or []:
                if "secret" in source:
                    w.write(2, f"SecretName:\t{source['secret'].get('name', '')}\n"
                               f"    SecretOptionalName:\t{_optional(source['secret'].get('optional'))}\n")
                elif "downwardAPI" in source:
                    w.write(2, "DownwardAPI:\ttrue\n")
                elif "configMap" in source:
                    w.write(2, f"ConfigMapName:\t{source['configMap'].get('name', '')}\n"
                               f"    ConfigMapOptional:\t{_optional(source['configMap'].get('optional'))}\n")
                elif "serviceAccountToken" in source:
                    w.write(2, "TokenExpirationSeconds:\t"
                               f"{source['serviceAccountToken'].get('expirationSeconds', 3607)}\n")
        elif "emptyDir" in volume:
            empty_dir = volume["emptyDir"] or {}
            limit = f"{Quantity.parse(empty_dir['sizeLimit'])}" if empty_dir.get("sizeLimit") else "<unset>"
            w.write(2, "Type:\tEmptyDir (a temporary directory that shares a pod's lifetime)\n"
                       f"    Medium:\t{empty_dir.get('medium', '')}\n"
                       f"    SizeLimit:\t{limit}\n")
        elif "configMap" in volume:
            config_map = volume["configMap"]
            w.write(2, "Type:\tConfigMap (a volume populated by a ConfigMap)\n"
                       f"    Name:\t{config_map.get('name', '')}\n"
                       f"    Optional:\t{go_bool(config_map.get('optional'))}\n")
        elif "secret" in volume:
            secret = volume["secret"]
            w.write(2, "Type:\tSecret (a volume populated by a Secret)\n"
                       f"    SecretName:\t{secret.get('secretName', '')}\n"
                       f"    Optional:\t{go_bool(secret.get('optional'))}\n")
        elif "hostPath" in volume:
            host_path = volume["hostPath"]
            w.write(2, "Type:\tHostPath (bare host directory volume)\n"
                       f"    Path:\t{host_path.get('path', '')}\n"
                       f"    HostPathType:\t{host_path.get('type', '')}\n")
        else:
            w.write(1, "<unknown>\n")


# -- pods ------------------------------------------------------------------------------------------
def describe_pod(pod: dict, events: list[dict] | None, now: float) -> str:
    meta, spec, status = pod["metadata"], pod.get("spec", {}), pod.get("status", {})
    w = PrefixWriter()
    w.write(0, f"Name:\t{meta['name']}\n")
    w.write(0, f"Namespace:\t{meta.get('namespace', '')}\n")
    if spec.get("priority") is not None:
        w.write(0, f"Priority:\t{spec['priority']}\n")
    if spec.get("priorityClassName"):
        w.write(0, f"Priority Class Name:\t{spec['priorityClassName']}\n")
    if spec.get("runtimeClassName"):
        w.write(0, f"Runtime Class Name:\t{spec['runtimeClassName']}\n")
    if spec.get("serviceAccountName"):
        w.write(0, f"Service Account:\t{spec['serviceAccountName']}\n")
    if spec.get("nodeName"):
        w.write(0, f"Node:\t{spec['nodeName']}/{status.get('hostIP', '')}\n")
    else:
        w.write(0, "Node:\t<none>\n")
    if status.get("startTime"):
        w.write(0, f"Start Time:\t{rfc1123z(status['startTime'])}\n")
    write_labels(w, "Labels", meta.get("labels"))
    write_annotations(w, "Annotations", meta.get("annotations"))
    if meta.get("deletionTimestamp") and status.get("phase") not in ("Failed", "Succeeded"):
        w.write(0, f"Status:\tTerminating (lasts {since(meta['deletionTimestamp'], now)})\n")
        w.write(0, f"Termination Grace Period:\t{meta.get('deletionGracePeriodSeconds', 0)}s\n")
    else:
        w.write(0, f"Status:\t{status.get('phase', '')}\n")
    if status.get("reason"):
        w.write(0, f"Reason:\t{status['reason']}\n")
    if status.get("message"):
        w.write(0, f"Message:\t{status['message']}\n")
    _seccomp(w, 0, spec.get("securityContext"))
    w.write(0, f"IP:\t{status.get('podIP', '')}\n")
    pod_ips = status.get("podIPs") or []
    if pod_ips:
        w.write(0, "IPs:\n")
        for entry in pod_ips:
            w.write(1, f"IP:\t{entry['ip']}\n")
    else:
        w.write(0, "IPs:\t<none>\n")
    controller = controller_of(pod)
    if controller:
        w.write(0, f"Controlled By:\t{controller}\n")
    if status.get("nominatedNodeName"):
        w.write(0, f"NominatedNodeName:\t{status['nominatedNodeName']}\n")
    if spec.get("initContainers"):
        write_containers(w, "Init Containers", spec["initContainers"],
                         status.get("initContainerStatuses"), pod)
    write_containers(w, "Containers", spec.get("containers") or [],
                     status.get("containerStatuses"), pod)
    conditions = status.get("conditions") or []
    if conditions:
        w.write(0, "Conditions:\n  Type\tStatus\n")
        for condition in conditions:
            w.write(1, f"{condition['type']} \t{condition['status']} \n")
    write_volumes(w, spec.get("volumes"))
    w.write(0, f"QoS Class:\t{status.get('qosClass') or pod_qos_class(pod)}\n")
    write_labels(w, "Node-Selectors", spec.get("nodeSelector"))
    write_tolerations(w, "Tolerations", spec.get("tolerations"))
    write_events(w, events, now)
    return w.text()


def pod_qos_class(pod: dict) -> str:
    """The QoS class the API server would have set (used only when the status lacks one)."""
    requests_seen = limits_seen = False
    guaranteed = True
    for container in pod.get("spec", {}).get("containers") or []:
        resources = container.get("resources") or {}
        requests, limits = resources.get("requests") or {}, resources.get("limits") or {}
        requests_seen = requests_seen or bool(requests)
        limits_seen = limits_seen or bool(limits)
        for name in ("cpu", "memory"):
            if name not in limits or parse_quantity(requests.get(name, limits[name])) != \
                    parse_quantity(limits[name]):
                guaranteed = False
    if not requests_seen and not limits_seen:
        return "BestEffort"
    return "Guaranteed" if guaranteed else "Burstable"
