"""``minikube addons``, ``profile``, ``kubectl``, ``ssh`` and ``logs``: managing the cluster.

Each follows minikube v1.35's source for its words, streams and exit codes:

- ``addons list`` draws minikube's table of every addon; ``addons enable|disable`` print the
  maintainer notice and the images used, and change the cluster (``minikube_addons``).
- ``profile list`` draws the profile table; ``profile`` alone names the current profile.
- ``kubectl -- ARGS`` runs the sandbox's kubectl; the first time, minikube downloads a kubectl
  matching the cluster into its cache and shows the two download bars.
- ``ssh`` logs into the node as ``docker``: a nested shell with the node's own files and
  programs (``NodeFileSystem``), or one command with ``ssh -- CMD``.
- ``logs`` prints the ``==> Audit <==`` table from minikube's audit log (kept in the profile by
  ``record_audit``), the ``==> Last Start <==`` log and, for a running cluster, a short section
  per component, in the order and with the headers minikube uses.
"""

from __future__ import annotations

import io
import json
import posixpath
from datetime import datetime, timezone

from ..clock import parse_rfc3339
from ..commands import COMMANDS, CommandContext
from ..minikube_addons import ADDONS, OFFICIAL_MAINTAINERS, is_enabled, set_enabled
from ..minikube_cluster import (KUBERNETES_VERSION, MINIKUBE_VERSION, NODE_IP, NODE_NAME,
                                PROFILE_NAME, enabled_addons, has_kubeconfig_context,
                                profile_status, workers)
from ..printers.duration import human_duration
from ..resources import resolve
from ..shell.filesystem import (FILE_EXISTS, IS_A_DIRECTORY, NO_SUCH_FILE, NOT_A_DIRECTORY,
                                FileInfo, FileSystemError)
from ..shell.nested import interactive_session, new_shell, run_bash
from .kubectl.cobra import Invocation
from .minikube import (EXIT_GUEST_NOT_FOUND, EXIT_PROGRAM_ERROR, EXIT_USAGE, MinikubeExit, Out,
                       implement, profile_flag, read_profile, render_table,
                       running_profile_or_exit)

PODS = resolve("pods")
#: minikube writes every command but these to its audit log.
UNAUDITED = frozenset({"status", "version", "logs", "generate-docs", "profile"})
#: minikube's ``max-audit-entries`` default.
MAX_AUDIT_ROWS = 1000
AUDIT_TIME_FORMAT = "%d %b %y %H:%M %Z"
KUBECTL_SIZE = "54.67 MiB"
NODE_USER = "docker"
NODE_HOME = "/home/docker"
#: What the kicbase image lacks of the shell's programs: the learner's own tools and editors.
NODE_ABSENT_PROGRAMS = frozenset({"kubectl", "minikube", "nano", "emacs"})


# -- the audit log -------------------------------------------------------------------------------
def record_audit(ctx, args: list[str], started: float, ended: float | None) -> None:
    """Append this command to minikube's audit log, as ``audit.LogCommandStart/End`` do."""
    if not args or args[0] in UNAUDITED or (args[0] == "delete" and "--purge" in args):
        return
    if "--skip-audit" in args:
        return
    command, rest = args[0], [arg for arg in args[1:] if arg != "--"]
    row = {"command": command, "args": " ".join(rest), "profile": PROFILE_NAME,
           "user": ctx.env.get("USER", "learner"), "version": MINIKUBE_VERSION,
           "startTime": started, "endTime": ended}
    with ctx.sandbox.transaction() as cluster:
        audit = list(cluster.profile.get("audit", []))[-(MAX_AUDIT_ROWS - 1):] + [row]
        cluster.state.minikube = {**cluster.profile, "audit": audit}


def _audit_time(timestamp: float | None) -> str:
    if timestamp is None:
        return ""
    return datetime.fromtimestamp(timestamp, tz=timezone.utc).strftime(AUDIT_TIME_FORMAT)


def audit_table(profile: dict, length: int) -> str:
    rows = [[row["command"], row["args"], row["profile"], row["user"], row["version"],
             _audit_time(row["startTime"]), _audit_time(row["endTime"])]
            for row in profile.get("audit", [])[-length:]]
    return render_table(["Command", "Args", "Profile", "User", "Version", "Start Time",
                         "End Time"], rows, upper=False)


# -- addons ------------------------------------------------------------------------------------
@implement("addons list")
def run_addons_list(invocation: Invocation) -> int:
    out = Out(invocation.ctx, invocation.stdout, invocation.stderr)
    if invocation.args:
        out.exit_message("MK_USAGE", out.text("usage: minikube addons list"), EXIT_USAGE)
    profile = read_profile(invocation)
    output = invocation.flags.get("output") or "list"
    exists = profile_status(profile) != "Absent"
    if output == "json":
        data = {name: ({"Profile": PROFILE_NAME,
                        "Status": "enabled" if is_enabled(profile, name) else "disabled"}
                       if exists else {}) for name in sorted(ADDONS)}
        out.line(json.dumps(data, separators=(",", ":")))
        return 0
    if output != "list":
        out.exit_message("MK_USAGE", f"invalid output format: {output}. Valid values: 'list', "
                         "'json'", EXIT_USAGE)
    docs = bool(invocation.flags.get("docs"))
    headers = ["Addon Name", "Profile", "Status", "Maintainer"] if exists else \
        ["Addon Name", "Maintainer"]
    if docs:
        headers.append("Docs")
    rows = []
    for name in sorted(ADDONS):
        addon = ADDONS[name]
        row = [name, addon.maintainer]
        if exists:
            on = is_enabled(profile, name)
            row[1:1] = [PROFILE_NAME, "enabled ✅" if on else "disabled    "]
        if docs:
            row.append(addon.docs or "n/a")
        rows.append(row)
    invocation.stdout.write(render_table(headers, rows))
    return 0


def _addon_profile(invocation: Invocation, out: Out, usage: str) -> dict:
    if len(invocation.args) != 1:
        out.exit_message("MK_USAGE", out.text(usage), EXIT_USAGE)
    profile = read_profile(invocation)
    if profile_status(profile) == "Absent":
        out.profile_not_found(profile_flag(invocation))
    return profile


@implement("addons enable")
def run_addons_enable(invocation: Invocation) -> int:
    ctx = invocation.ctx
    out = Out(ctx, invocation.stdout, invocation.stderr)
    profile = _addon_profile(invocation, out, "usage: minikube addons enable ADDON_NAME")
    name = invocation.args[0]
    addon = ADDONS.get(name)
    if addon is None:
        out.exit_with_issue_link("MK_ADDON_ENABLE", f"enable failed: run callbacks: {name} is "
                                 "not a valid addon", EXIT_PROGRAM_ERROR,
                                 ["addons", "enable", name])
    if addon.maintainer in OFFICIAL_MAINTAINERS:
        out.step("tip", "{addon} is an addon maintained by {maintainer}. For any concerns "
                 "contact minikube on GitHub.\nYou can view the list of minikube maintainers at: "
                 "https://github.com/kubernetes/minikube/blob/master/OWNERS", addon=name,
                 maintainer=addon.maintainer)
    else:
        out.step("warning", "{addon} is a 3rd party addon and is not maintained or verified by "
                 "minikube maintainers, enable at your own risk.", addon=name)
        if addon.verified_maintainer:
            out.step("tip", "{addon} is maintained by {maintainer} for any concerns contact "
                     "{verified} on GitHub.", addon=name, maintainer=addon.maintainer,
                     verified=addon.verified_maintainer)
        else:
            out.step("warning", "{addon} does not currently have an associated maintainer.",
                     addon=name)
    if profile_status(profile) != "Running":
        if not is_enabled(profile, name):
            with ctx.sandbox.transaction() as cluster:
                addons = {**enabled_addons(cluster.profile), name: True}
                cluster.state.minikube = {**cluster.profile, "addons": addons}
        out.step("addon_enable", "The '{addonName}' addon is enabled", addonName=name)
        return 0
    if not is_enabled(profile, name):
        for image in addon.images:
            out.step("option", "Using image {image}", image=image)
        ctx.sleep(1.0 + len(addon.images))
        with ctx.sandbox.transaction() as cluster:
            set_enabled(cluster, name, True, warming_up=True)
    if name == "dashboard":
        out.step("tip", "Some dashboard features require the metrics-server addon. To enable "
                 "all features please run:\n\n\tminikube addons enable metrics-server\n")
    out.step("addon_enable", "The '{addonName}' addon is enabled", addonName=name)
    return 0


@implement("addons disable")
def run_addons_disable(invocation: Invocation) -> int:
    ctx = invocation.ctx
    out = Out(ctx, invocation.stdout, invocation.stderr)
    profile = _addon_profile(invocation, out, "usage: minikube addons disable ADDON_NAME")
    name = invocation.args[0]
    if name == "heapster":
        out.exit_message("SVC_ADDON_UNSUPPORTED", "The heapster addon is depreciated. please "
                         "try to disable metrics-server instead", 116)
    if name not in ADDONS:
        out.exit_message("SVC_ADDON_UNSUPPORTED", out.text(
            "\"'{minikube_addon}' is not a valid minikube addon", minikube_addon=name), 116)
    if is_enabled(profile, name):
        ctx.sleep(1.0)
        with ctx.sandbox.transaction() as cluster:
            set_enabled(cluster, name, False)
    out.step("addon_disable", "\"The '{minikube_addon}' addon is disabled", minikube_addon=name)
    return 0


# -- profile -----------------------------------------------------------------------------------
@implement("profile")
def run_profile(invocation: Invocation) -> int:
    out = Out(invocation.ctx, invocation.stdout, invocation.stderr)
    if not invocation.args:
        out.line(profile_flag(invocation))
        return 0
    wanted = invocation.args[0]
    if wanted == "default":
        wanted = PROFILE_NAME
    if wanted != PROFILE_NAME:
        out.exit_message("MK_USAGE", "the simulated environment has a single profile: "
                         f"{PROFILE_NAME}", EXIT_USAGE)
    out.step("check", "minikube profile was successfully set to {profile_name}",
             profile_name=wanted)
    return 0


@implement("profile list")
def run_profile_list(invocation: Invocation) -> int:
    out = Out(invocation.ctx, invocation.stdout, invocation.stderr)
    profile = read_profile(invocation)
    output = invocation.flags.get("output") or "table"
    light = bool(invocation.flags.get("light"))
    state = profile_status(profile)
    if output == "json":
        valid = [] if state == "Absent" else [_profile_json(profile, light)]
        invocation.stdout.write(json.dumps({"invalid": [], "valid": valid},
                                           separators=(",", ":")))
        return 0
    if output != "table":
        out.exit_message("MK_USAGE", f"invalid output format: {output}. Valid values: 'table', "
                         "'json'", EXIT_USAGE)
    if state == "Absent":
        out.line()
        out.step("caching", "Exiting due to {code}: {message}", to_stderr=True,
                 code="MK_USAGE_NO_PROFILE", message="No minikube profile was found.")
        out.step("tip", "Suggestion: \n\n    You can create one using 'minikube start'.\n    ",
                 to_stderr=True)
        out.line()
        raise MinikubeExit(EXIT_USAGE)
    row = [PROFILE_NAME, "docker", "docker", profile.get("nodeIP", NODE_IP),
           str(profile.get("apiServerPort", 8443)),
           profile.get("kubernetesVersion", KUBERNETES_VERSION),
           "Skipped" if light else _profile_state(profile), str(1 + len(workers(profile))), "*",
           "*" if has_kubeconfig_context(profile) else ""]
    invocation.stdout.write(render_table(
        ["Profile", "VM Driver", "Runtime", "IP", "Port", "Version", "Status", "Nodes",
         "Active Profile", "Active Kubecontext"], [row], upper=False))
    return 0


def _profile_state(profile: dict) -> str:
    """cluster.GetState's name: ``OK`` when everything runs, ``Degraded`` with a worker down."""
    if profile_status(profile) != "Running":
        return "Stopped"
    if any(not worker.get("running") for worker in workers(profile)):
        return "Degraded"
    return "OK"


def _profile_json(profile: dict, light: bool) -> dict:
    nodes = [{"Name": "", "IP": profile.get("nodeIP", NODE_IP), "Port": 8443,
              "KubernetesVersion": profile.get("kubernetesVersion", KUBERNETES_VERSION),
              "ContainerRuntime": "docker", "ControlPlane": True, "Worker": True}]
    nodes += [{"Name": worker["name"], "IP": worker["ip"], "Port": 0,
               "KubernetesVersion": profile.get("kubernetesVersion", KUBERNETES_VERSION),
               "ContainerRuntime": "", "ControlPlane": False, "Worker": True}
              for worker in workers(profile)]
    return {"Name": PROFILE_NAME, "Status": "Skipped" if light else _profile_state(profile),
            "Config": {"Name": PROFILE_NAME, "Driver": "docker",
                       "CPUs": profile.get("cpus", 2), "Memory": profile.get("memoryMB", 3900),
                       "KubernetesConfig": {
                           "KubernetesVersion": profile.get("kubernetesVersion",
                                                            KUBERNETES_VERSION),
                           "ClusterName": PROFILE_NAME, "ContainerRuntime": "docker"},
                       "Nodes": nodes, "Addons": enabled_addons(profile)},
            "Active": True, "ActiveKubeContext": has_kubeconfig_context(profile)}


# -- kubectl -----------------------------------------------------------------------------------
def _download_bar(name: str, size: str, speed: str, seconds: str) -> str:
    return f"    > {name}:  {size} / {size} [{'-' * 25}] 100.00% {speed} p/s {seconds}"


@implement("kubectl")
def run_kubectl(invocation: Invocation) -> int:
    ctx = invocation.ctx
    out = Out(ctx, invocation.stdout, invocation.stderr)
    profile = read_profile(invocation)
    if not profile.get("kubectlCached"):
        ctx.sleep(0.3)
        out.line(_download_bar("kubectl.sha256", "64 B", "?", "0s"), to_stderr=True)
        ctx.sleep(1.6)
        out.line(_download_bar("kubectl", KUBECTL_SIZE, "34.17 MiB", "1.8s"), to_stderr=True)
        with ctx.sandbox.transaction() as cluster:
            cluster.state.minikube = {**cluster.profile, "kubectlCached": True}
    return COMMANDS["kubectl"](["kubectl", *invocation.args], invocation.stdin,
                               invocation.stdout, invocation.stderr, ctx)


# -- ssh ---------------------------------------------------------------------------------------
_NODE_DIRECTORIES = frozenset({
    "/", "/bin", "/boot", "/data", "/dev", "/etc", "/home", NODE_HOME, "/kind", "/lib",
    "/lib64", "/media", "/mnt", "/opt", "/proc", "/root", "/run", "/sbin", "/srv", "/sys",
    "/tmp", "/usr", "/usr/bin", "/usr/lib", "/usr/local", "/usr/local/bin", "/usr/sbin", "/var",
    "/var/lib", "/var/lib/minikube", "/var/lib/minikube/binaries", "/var/lib/minikube/certs",
    "/var/lib/kubelet", "/var/log", "/etc/kubernetes", "/etc/kubernetes/manifests",
})
_NODE_FILES = {
    "/etc/hostname": f"{NODE_NAME}\n",
    "/etc/hosts": "127.0.0.1\tlocalhost\n::1\tlocalhost ip6-localhost ip6-loopback\n"
                  f"{NODE_IP}\t{NODE_NAME}\n192.168.49.1\thost.minikube.internal\n"
                  f"{NODE_IP}\tcontrol-plane.minikube.internal\n",
    "/etc/os-release": 'PRETTY_NAME="Ubuntu 22.04.5 LTS"\nNAME="Ubuntu"\nVERSION_ID="22.04"\n'
                       'VERSION="22.04.5 LTS (Jammy Jellyfish)"\nVERSION_CODENAME=jammy\n'
                       "ID=ubuntu\n"
                       "ID_LIKE=debian\nHOME_URL=\"https://www.ubuntu.com/\"\n"
                       'SUPPORT_URL="https://help.ubuntu.com/"\n'
                       'BUG_REPORT_URL="https://bugs.launchpad.net/ubuntu/"\n'
                       'PRIVACY_POLICY_URL="https://www.ubuntu.com/legal/terms-and-policies/'
                       'privacy-policy"\nUBUNTU_CODENAME=jammy\n',
    "/etc/kubernetes/manifests/etcd.yaml": "",
    "/etc/kubernetes/manifests/kube-apiserver.yaml": "",
    "/etc/kubernetes/manifests/kube-controller-manager.yaml": "",
    "/etc/kubernetes/manifests/kube-scheduler.yaml": "",
}
_NODE_FILES_KEY = "nodeFiles"


class NodeFileSystem:
    """The minikube node's files as ``minikube ssh`` shows them to the ``docker`` user.

    The kicbase image's layout with the few files a learner might look at; what the learner
    writes in the node lives in the profile (``profile["nodeFiles"]``) until ``minikube delete``.
    """

    def __init__(self, sandbox):
        self.sandbox = sandbox

    def _written(self) -> dict:
        with self.sandbox.transaction() as cluster:
            return dict(cluster.profile.get(_NODE_FILES_KEY, {}))

    def _save(self, path: str, value: dict | None) -> None:
        with self.sandbox.transaction() as cluster:
            files = dict(cluster.profile.get(_NODE_FILES_KEY, {}))
            if value is None:
                files.pop(path, None)
            else:
                files[path] = value
            cluster.state.minikube = {**cluster.profile, _NODE_FILES_KEY: files}

    def info(self, path: str) -> FileInfo | None:
        written = self._written().get(path)
        if written is not None:
            if written["kind"] == "gone":
                return None
            size = len(written.get("text", "").encode()) if written["kind"] == "file" else 4096
            return FileInfo(written["kind"], size, written["mtime"], written["mode"], NODE_USER,
                            NODE_USER)
        if path in _NODE_DIRECTORIES:
            owner = NODE_USER if path == NODE_HOME else "root"
            return FileInfo("dir", 4096, 0.0, 0o755, owner, owner)
        if path in _NODE_FILES:
            return FileInfo("file", len(_NODE_FILES[path].encode()), 0.0, 0o644)
        return None

    def read(self, path: str) -> str:
        info = self.info(path)
        if info is None:
            raise FileSystemError(NO_SUCH_FILE)
        if info.kind == "dir":
            raise FileSystemError(IS_A_DIRECTORY)
        written = self._written().get(path)
        return written["text"] if written else _NODE_FILES[path]

    def write(self, path: str, text: str, append: bool = False) -> None:
        parent = self.info(posixpath.dirname(path))
        if parent is None:
            raise FileSystemError(NO_SUCH_FILE)
        if parent.kind != "dir":
            raise FileSystemError(NOT_A_DIRECTORY)
        existing = self.info(path)
        if existing is not None and existing.kind == "dir":
            raise FileSystemError(IS_A_DIRECTORY)
        if append and existing is not None:
            text = self.read(path) + text
        with self.sandbox.transaction() as cluster:
            now = cluster.now
        self._save(path, {"kind": "file", "text": text, "mode": 0o644, "mtime": now})

    def listdir(self, path: str) -> list[str]:
        info = self.info(path)
        if info is None:
            raise FileSystemError(NO_SUCH_FILE)
        if info.kind != "dir":
            raise FileSystemError(NOT_A_DIRECTORY)
        prefix = path.rstrip("/") + "/"
        names = {candidate[len(prefix):].split("/")[0]
                 for candidate in (*_NODE_DIRECTORIES, *_NODE_FILES, *self._written())
                 if candidate.startswith(prefix) and candidate != path}
        return sorted(name for name in names if self.info(prefix + name) is not None)

    def mkdir(self, path: str) -> None:
        if self.info(path) is not None:
            raise FileSystemError(FILE_EXISTS)
        if self.info(posixpath.dirname(path)) is None:
            raise FileSystemError(NO_SUCH_FILE)
        with self.sandbox.transaction() as cluster:
            now = cluster.now
        self._save(path, {"kind": "dir", "mode": 0o755, "mtime": now})

    def remove(self, path: str) -> None:
        if self.info(path) is None:
            raise FileSystemError(NO_SUCH_FILE)
        self._save(path, {"kind": "gone"})

    def enter(self, path: str) -> None:
        info = self.info(path)
        if info is None:
            raise FileSystemError(NO_SUCH_FILE)
        if info.kind != "dir":
            raise FileSystemError(NOT_A_DIRECTORY)

    def set_mtime(self, path: str, mtime: float) -> None:
        written = self._written().get(path)
        if written is None or written["kind"] == "gone":
            if self.info(path) is None:
                raise FileSystemError(NO_SUCH_FILE)
            return
        self._save(path, {**written, "mtime": mtime})


def node_context(outer: CommandContext, tty: bool) -> CommandContext:
    """What an SSH login on the node gives its shell: user ``docker``, its home, the node."""
    env = {"HOME": NODE_HOME, "USER": NODE_USER, "LOGNAME": NODE_USER, "SHELL": "/bin/bash",
           "PATH": "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin",
           "LANG": "C.UTF-8", "PWD": NODE_HOME, "SHLVL": "1"}
    if tty:
        env["TERM"] = outer.env.get("TERM", "xterm-256color")
    return CommandContext(
        sandbox=outer.sandbox, clock=outer.clock, env=env, lang=outer.lang, cwd=NODE_HOME,
        interactive=tty, fs=NodeFileSystem(outer.sandbox), read_line=outer.read_line,
        extra={"hostname": NODE_NAME, "user": NODE_USER, "pid": 1,
               "absent_programs": NODE_ABSENT_PROGRAMS,
               "at_terminal": outer.extra.get("at_terminal", outer.interactive),
               "columns": outer.extra.get("columns")})


@implement("ssh")
def run_ssh(invocation: Invocation) -> int:
    ctx = invocation.ctx
    out = Out(ctx, invocation.stdout, invocation.stderr)
    profile = running_profile_or_exit(invocation, out)
    wanted = invocation.flags.get("node") or ""
    if wanted and wanted not in (PROFILE_NAME, "m01") and not any(
            wanted in (w["name"], f"{PROFILE_NAME}-{w['name']}") for w in workers(profile)):
        out.exit_message("GUEST_NODE_RETRIEVE", f"Node {wanted} does not exist.",
                         EXIT_GUEST_NOT_FOUND)
    command = " ".join(invocation.args)
    if command:
        stdin = invocation.stdin if invocation.stdin is not None else io.StringIO()
        return run_bash(["bash", "-c", command], node_context(ctx, tty=False), stdin,
                        invocation.stdout, invocation.stderr)
    return interactive_session(new_shell(node_context(ctx, tty=ctx.interactive)), io.StringIO(),
                               invocation.stdout, invocation.stderr, farewell="logout")


# -- logs --------------------------------------------------------------------------------------
def _last_start_log(profile: dict, pid: int) -> str:
    """The head of ~/.minikube/logs/lastStart.txt: klog's header and the first steps of start."""
    started = profile.get("startedAt")
    if started is None:
        return "Last start log file not found at /home/learner/.minikube/logs/lastStart.txt\n"
    moment = datetime.fromtimestamp(started, tz=timezone.utc)
    stamp = moment.strftime("%m%d %H:%M:%S.%f")
    steps = ("out.go:345] Setting OutFile to fd 1 ...",
             "out.go:358] isatty.IsTerminal(1) = true",
             "out.go:345] Setting ErrFile to fd 2...",
             "out.go:358] isatty.IsTerminal(2) = true",
             "root.go:338] Updating PATH: /home/learner/.minikube/bin",
             "out.go:352] Setting JSON to false",
             "start.go:129] hostinfo: {\"hostname\":\"minikube-tutorial\",\"os\":\"linux\","
             "\"platform\":\"ubuntu\",\"platformVersion\":\"22.04\",\"kernelArch\":\"x86_64\"}",
             "driver.go:394] Setting default libvirt URI to qemu:///system",
             "start.go:297] selected driver: docker",
             "start.go:901] validating driver \"docker\" against <nil>",
             "start.go:912] status for docker: {Installed:true Healthy:true Running:false "
             "NeedsImprovement:false Error:<nil> Reason: Fix: Doc: Version:}",
             "start_flags.go:947] Wait components to verify : map[apiserver:true "
             "system_pods:true]",
             "cni.go:84] Creating CNI manager for \"\"",
             "cni.go:158] \"docker\" driver + \"docker\" container runtime found on kubernetes "
             "v1.24+, recommending bridge",
             "start.go:340] cluster config:",
             "out.go:177] * Starting \"minikube\" primary control-plane node in \"minikube\" "
             "cluster")
    lines = [f"Log file created at: {moment.strftime('%Y/%m/%d %H:%M:%S')}",
             "Running on machine: minikube-tutorial",
             "Binary: Built with gc go1.23.4 for linux/amd64",
             "Log line format: [IWEF]mmdd hh:mm:ss.uuuuuu threadid file:line] msg"]
    lines += [f"I{stamp} {pid:>8} {step}" for step in steps]
    return "\n".join(lines) + "\n"


def _container_status(ctx) -> str:
    """``crictl ps -a`` on the node: one line per container the kubelet started there."""
    rows = [("CONTAINER", "IMAGE", "CREATED", "STATE", "NAME", "ATTEMPT", "POD ID", "POD")]
    with ctx.sandbox.transaction() as cluster:
        now = cluster.now
        pods = [pod for pod in cluster.store.list(PODS)
                if pod["spec"].get("nodeName") == NODE_NAME]
    for pod in pods:
        for status in pod["status"].get("containerStatuses", []):
            running = status.get("state", {}).get("running")
            if not running or not status.get("containerID"):
                continue
            created = human_duration(now - parse_rfc3339(running["startedAt"]))
            rows.append((status["containerID"].split("//")[-1][:13], status["imageID"].split(
                "@")[-1].split(":")[-1][:13], f"{created} ago", "Running", status["name"],
                str(status.get("restartCount", 0)), pod["metadata"]["uid"].replace("-", "")[:13],
                pod["metadata"]["name"]))
    widths = [max(len(row[column]) for row in rows) for column in range(len(rows[0]))]
    return "".join("   ".join(cell.ljust(width) for cell, width in zip(row, widths)).rstrip()
                   + "\n" for row in rows)


def _uptime_line(now: float, profile: dict) -> str:
    """``uptime`` in the node: the host's clock, and how long the node container has run."""
    clock = datetime.fromtimestamp(now, tz=timezone.utc).strftime("%H:%M:%S")
    minutes = max(0, int(now - profile.get("startedAt", now)) // 60)
    running = f"{minutes} min" if minutes < 60 else f"{minutes // 60}:{minutes % 60:02d}"
    return f" {clock} up {running},  0 users,  load average: 0.52, 0.61, 0.58"


@implement("logs")
def run_logs(invocation: Invocation) -> int:
    ctx, flags = invocation.ctx, invocation.flags
    out = Out(ctx, invocation.stdout, invocation.stderr)
    profile = read_profile(invocation)
    pid = ctx.shell.next_pid() if ctx.shell else 1
    length = int(flags.get("length") or 60)
    if flags.get("last-start-only"):
        out.line()
        out.line("==> Last Start <==")
        out.line(_last_start_log(profile, pid))
        return 0
    out.line()
    out.line("==> Audit <==")
    out.line(audit_table(profile, length))
    if flags.get("audit"):
        return 0
    out.line()
    out.line("==> Last Start <==")
    out.line(_last_start_log(profile, pid))
    running_profile_or_exit(invocation, out)
    sections = {
        "container status": _container_status(ctx),
        "kernel": (_uptime_line(ctx.clock.now(), profile) + "\n"
                   "Linux minikube 5.15.0-1057-gcp #65~20.04.1-Ubuntu SMP Fri Mar 22 16:51:20 "
                   "UTC 2024 x86_64 x86_64 x86_64 GNU/Linux\n"
                   'PRETTY_NAME="Ubuntu 22.04.5 LTS"\n'),
    }
    describe = io.StringIO()
    COMMANDS["kubectl"](["kubectl", "describe", "nodes"], io.StringIO(), describe, describe, ctx)
    sections["describe nodes"] = describe.getvalue()
    for index, name in enumerate(sorted(sections)):
        if index:
            out.line()
        out.line(f"==> {name} <==")
        out.line(sections[name])
    return 0
