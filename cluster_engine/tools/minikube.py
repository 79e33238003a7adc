"""The simulated ``minikube`` (v1.35.0, docker driver): the learner's way to get a cluster.

``start`` prints minikube's progress lines with pauses between them (real time in the site, the
fake clock in scripted mode) and commits the new or restarted cluster in one short transaction at
the end, so no lock is held while it "works". ``status``, ``ip``, ``stop``, ``delete`` and
``version`` follow minikube's source: the same templates, exit codes (status is a bitmask; a
missing profile is 85, a stopped host 83), streams and, for a Japanese locale, the translations
minikube ships for these messages.

Each styled line starts with an emoji when minikube thinks the terminal can show colour, or with
a plain prefix (``* ``, ``  - ``) otherwise; ``ALWAYS_EMOJI`` keeps the emoji form everywhere for
now so transcripts are the same in a terminal and in scripted mode.
"""

from __future__ import annotations

import hashlib
import json
import re
from dataclasses import dataclass
from typing import TextIO

from ..commands import command
from ..minikube_cluster import (CPUS, DOCKER_VERSION, KICBASE_VERSION,
                                KUBERNETES_VERSION, MEMORY_MB, MINIKUBE_COMMIT, MINIKUBE_VERSION,
                                NODE_IP, PROFILE_NAME, WORKER_MEMORY_MB, StartTimeline,
                                OLDEST_KUBERNETES_VERSION, add_worker, delete_cluster,
                                delete_worker, find_worker, has_kubeconfig_context, machine_name,
                                preload_cached,
                                next_worker_name, profile_status, restart_cluster, start_cluster,
                                start_worker, stop_cluster, stop_worker, workers)
from ..printers.serialize import go_yaml
from ..printers.tabwriter import display_width
from ..printers.wordwrap import wrap_help
from .kubectl.cobra import (Command, CommandLine, Flag, FlagError, Invocation, UnknownCommand,
                            implementer, templater_help)
from .kubectl.help import terminal_columns

#: Emoji prefixes whatever the terminal; set False for minikube's own choice (see wants_color).
ALWAYS_EMOJI = True

HOST_PLATFORM = "Ubuntu 22.04"
EXIT_USAGE = 14
EXIT_PROGRAM_ERROR = 10
EXIT_GUEST_NOT_RUNNING = 83
EXIT_GUEST_NOT_FOUND = 85
EXIT_INTERNET_ERROR = 40
EXIT_CONTROL_PLANE_UNSUPPORTED = 106
STATUS_HOST_NOT_RUNNING = 1
STATUS_CLUSTER_NOT_RUNNING = 2
STATUS_KUBECONFIG_NOT_CONFIGURED = 4

#: style name -> (emoji prefix, plain prefix), from minikube's style table.
STYLES = {
    "happy": ("😄  ", "* "),
    "sparkle": ("✨  ", "* "),
    "notice": ("📌  ", "* "),
    "thumbs_up": ("👍  ", "* "),
    "pulling": ("🚜  ", "* "),
    "file_download": ("💾  ", "* "),
    "starting_vm": ("🔥  ", "* "),
    "docker": ("🐳  ", "* "),
    "sub_step": ("    ▪ ", "  - "),
    "option": ("    ▪ ", "  - "),
    "cni": ("🔗  ", "* "),
    "health_check": ("🔎  ", "* "),
    "addon_enable": ("🌟  ", "* "),
    "ready": ("🏄  ", "* "),
    "running": ("🏃  ", "* "),
    "restarting": ("🔄  ", "* "),
    "stopping": ("✋  ", "* "),
    "shutdown": ("🛑  ", "* "),
    "stopped": ("🛑  ", "* "),
    "deleting_host": ("🔥  ", "* "),
    "deleted": ("💀  ", "* "),
    "shrug": ("🤷  ", "* "),
    "workaround": ("👉  ", "  "),
    "meh": ("🙄  ", "! "),
    "failure": ("❌  ", "X "),
    "warning": ("❗  ", "! "),
    "internet": ("🌐  ", "* "),
    "check": ("✅  ", "* "),
    "success": ("✅  ", "* "),
    "celebrate": ("🎉  ", "* "),
    "sad": ("😿  ", "* "),
    "tip": ("💡  ", "* "),
    "enabling": ("🔌  ", "* "),
    "verifying": ("🤔  ", "* "),
    "launch": ("🚀  ", "* "),
    "addon_disable": ("🌑  ", "* "),
    "url": ("👉  ", "* "),
    "waiting": ("⌛  ", "* "),
    "caching": ("🤹  ", "* "),
}

#: minikube's Japanese catalogue for the messages printed here (empty entries stay English).
JAPANESE = {
    "minikube {version} on {platform}": "{platform} 上の minikube {version}",
    "Automatically selected the {driver} driver. Other choices: {alternates}":
        "{driver} ドライバーが自動的に選択されました。他の選択肢: {alternates}",
    "Using {driver_name} driver with root privileges": "root 権限を持つ {driver_name} ドライバーを使用",
    "Downloading Kubernetes {version} preload ...":
        "ロード済み Kubernetes {version} をダウンロードしています...",
    "Preparing Kubernetes {k8s_version} on {runtime} {runtime_version} ...":
        "{runtime} {runtime_version} で Kubernetes {k8s_version} を準備しています...",
    "Generating certificates and keys ...": "証明書と鍵を作成しています...",
    "Booting up control plane ...": "コントロールプレーンを起動しています...",
    "Configuring RBAC rules ...": "RBAC のルールを設定中です...",
    "Configuring {name} (Container Networking Interface) ...":
        "{name} (コンテナーネットワークインターフェース) を設定中です...",
    "Verifying Kubernetes components...": "Kubernetes コンポーネントを検証しています...",
    "Using image {image}": "{image} イメージを使用しています",
    "Enabled addons: {addons}": "有効なアドオン: {addons}",
    'Done! kubectl is now configured to use "{name}" cluster and "{ns}" namespace by default':
        "終了しました！kubectl がデフォルトで「{name}」クラスターと「{ns}」ネームスペースを使用するよう"
        "設定されました",
    "Using the {driver} driver based on existing profile":
        "既存のプロファイルを元に、{driver} ドライバーを使用します",
    "Using the {driver} driver based on user configuration":
        "ユーザーの設定に基づいて {driver} ドライバーを使用します",
    'Restarting existing {driver_name} {machine_type} for "{cluster}" ...':
        "「{cluster}」のために既存の {driver_name} {machine_type} を再起動しています...",
    'Updating the running {driver_name} "{cluster}" {machine_type} ...':
        "実行中の {driver_name} 「{cluster}」 {machine_type} を更新しています...",
    'Stopping node "{name}"  ...': "「{name}」ノードを停止しています...",
    'Powering off "{profile_name}" via SSH ...': "SSH 経由で「{profile_name}」の電源をオフにしています...",
    "{count} node stopped.": "{count} 台のノードが停止しました。",
    "{count} nodes stopped.": "{count} 台のノードが停止しました。",
    'Deleting "{profile_name}" in {driver_name} ...': "{driver_name} の「{profile_name}」を削除しています...",
    'Deleting container "{name}" ...': "コンテナー「{name}」を削除しています...",
    "Removing {directory} ...": "{directory} を削除しています...",
    'Removed all traces of the "{name}" cluster.': "クラスター「{name}」の全てのトレースを削除しました。",
    'Profile "{cluster}" not found. Run "minikube profile list" to view all profiles.':
        "「{cluster}」プロファイルが見つかりません。全プロファイルを表示するために"
        "「minikube profile list」を実行してください。",
    'To start a cluster, run: "{command}"': "クラスターを起動するためには、「{command}」を実行します",
    '"{name}" profile does not exist, trying anyways.':
        "「{name}」プロファイルは存在しませんが、それでも続行します。",
    "Exiting due to {code}: {message}": "{code} が原因で終了します: {message}",
    "Successfully purged minikube directory located at - [{directory}]":
        "[{directory}] にある minikube ディレクトリーの削除に成功しました",
    "Opening service {namespace_name}/{service_name} in default browser...":
        "デフォルトブラウザーで {namespace_name}/{service_name} サービスを開いています...",
    "service {namespace_name}/{service_name} has no node port":
        "サービス {namespace_name}/{service_name} は NodePort がありません",
    "Because you are using a Docker driver on {operating_system}, the terminal needs to be open "
    "to run it.": "Docker ドライバーを {operating_system} 上で使用しているため、実行するにはターミナルを"
                  "開く必要があります。",
    "Service '{service}' was not found in '{namespace}' namespace.\nYou may select another "
    "namespace by using 'minikube service {service} -n <namespace>'. Or list out all the services "
    "using 'minikube service list'":
        "'{namespace}' ネームスペース中に '{service}' サービスが見つかりませんでした。\n"
        "'minikube service {service} -n <namespace>' を使って別のネームスペースを選択できます。"
        "または、'minikube service list' を使って全サービスを一覧表示してください",
    "You must specify service name(s) or --all": "サービス名か --all を指定する必要があります",
    "The '{addonName}' addon is enabled": "'{addonName}' アドオンが有効です",
    "\"The '{minikube_addon}' addon is disabled": "'{minikube_addon}' アドオンが無効です",
    "\"'{minikube_addon}' is not a valid minikube addon":
        "'{minikube_addon}' は有効な minikube アドオンではありません",
    "usage: minikube addons enable ADDON_NAME": "使用法: minikube addons enable ADDON_NAME",
    "usage: minikube addons disable ADDON_NAME": "使用法: minikube addons disable ADDON_NAME",
    "usage: minikube addons list": "使用法: minikube addons list",
    "Enabling dashboard ...": "ダッシュボードを有効化しています...",
    "Verifying dashboard health ...": "ダッシュボードの状態を検証しています...",
    "Launching proxy ...": "プロキシーを起動しています...",
    "Verifying proxy health ...": "プロキシーの状態を検証しています...",
    "Opening {url} in your default browser...": "デフォルトブラウザーで {url} を開いています...",
}

STATUS_TEMPLATE = ("{{.Name}}\ntype: Control Plane\nhost: {{.Host}}\nkubelet: {{.Kubelet}}\n"
                   "apiserver: {{.APIServer}}\nkubeconfig: {{.Kubeconfig}}\n"
                   "{{- if .TimeToStop }}\ntimeToStop: {{.TimeToStop}}\n{{- end }}\n"
                   "{{- if .DockerEnv }}\ndocker-env: {{.DockerEnv}}\n{{- end }}\n"
                   "{{- if .PodManEnv }}\npodman-env: {{.PodManEnv}}\n{{- end }}\n\n")
WORKER_STATUS_TEMPLATE = "{{.Name}}\ntype: Worker\nhost: {{.Host}}\nkubelet: {{.Kubelet}}\n\n"


class MinikubeExit(Exception):
    def __init__(self, status: int):
        super().__init__(status)
        self.status = status


# -- output ------------------------------------------------------------------------------------
def wants_color(ctx, stream) -> bool:
    """minikube's rule: MINIKUBE_IN_STYLE decides, else a colour TERM on a terminal."""
    if ALWAYS_EMOJI:
        return True
    override = ctx.env.get("MINIKUBE_IN_STYLE", "")
    if override in ("1", "t", "T", "TRUE", "true", "True"):
        return True
    if override in ("0", "f", "F", "FALSE", "false", "False"):
        return False
    if "color" not in ctx.env.get("TERM", "") and not any(
            word in ctx.env.get("COLORTERM", "") for word in ("truecolor", "24bit", "yes")):
        return False
    return terminal_columns(ctx, stream) is not None


def wants_japanese(env: dict) -> bool:
    for name in ("LC_ALL", "LC_MESSAGES", "LANG"):
        value = env.get(name)
        if value:
            return value.split(".")[0].split("_")[0].split("-")[0] == "ja"
    return False


class Out:
    """minikube's ``out`` package: styled, translated lines on stdout or stderr."""

    def __init__(self, ctx, stdout: TextIO, stderr: TextIO):
        self.ctx = ctx
        self.stdout = stdout
        self.stderr = stderr
        self.japanese = wants_japanese(ctx.env)

    def text(self, template: str, **values) -> str:
        if self.japanese and template in JAPANESE:
            template = JAPANESE[template]
        return template.format(**values)

    def step(self, style: str, template: str, *, to_stderr: bool = False, **values) -> None:
        stream = self.stderr if to_stderr else self.stdout
        emoji, plain = STYLES[style]
        prefix = emoji if wants_color(self.ctx, stream) else plain
        stream.write(prefix + self.text(template, **values) + "\n")
        stream.flush()

    def line(self, text: str = "", *, to_stderr: bool = False) -> None:
        stream = self.stderr if to_stderr else self.stdout
        stream.write(text + "\n")
        stream.flush()

    def exit_message(self, reason_id: str, message: str, status: int,
                     style: str = "failure") -> None:
        """``exit.Message``: a blank line, the failure on stderr, a blank line, then exit."""
        self.line()
        self.step(style, "Exiting due to {code}: {message}", to_stderr=True, code=reason_id,
                  message=message)
        self.line()
        raise MinikubeExit(status)

    def exit_with_issue_link(self, reason_id: str, message: str, status: int,
                             args: list[str]) -> None:
        """``exit.Error``: the failure, then the box asking for a GitHub issue with the log."""
        self.line()
        self.step("failure", "Exiting due to {code}: {message}", to_stderr=True, code=reason_id,
                  message=message)
        emoji = wants_color(self.ctx, self.stderr)
        lines = [
            STYLES["sad"][0 if emoji else 1] + "If the above advice does not help, please let us "
                                               "know:",
            STYLES["url"][0 if emoji else 1] + "https://github.com/kubernetes/minikube/issues/new/"
                                               "choose",
            "",
            "Please run `minikube logs --file=logs.txt` and attach logs.txt to the GitHub issue.",
        ]
        if args[:1] != ["start"]:
            lines += ["Please also attach the following file to the GitHub issue:",
                      "- " + log_file_path(self.ctx, args)]
        self.stderr.write("\n" + issue_box(lines))
        self.line()
        raise MinikubeExit(status)

    def profile_not_found(self, profile: str = PROFILE_NAME) -> None:
        self.step("shrug", 'Profile "{cluster}" not found. Run "minikube profile list" to view all '
                  "profiles.", cluster=profile)
        self.step("workaround", 'To start a cluster, run: "{command}"',
                  command=example_command(profile, "start"))
        raise MinikubeExit(EXIT_GUEST_NOT_FOUND)


def render_table(headers: list[str], rows: list[list[str]], upper: bool = True) -> str:
    """The table minikube draws with tablewriter: ``|`` corners, ``-`` rules, headers centred
    (in capitals unless ``upper`` is off), numbers right-aligned, a cell's lines on lines of
    their own."""
    if upper:
        headers = [header.upper() for header in headers]
    split_rows = [[cell.split("\n") for cell in row] for row in rows]
    widths = [display_width(header) for header in headers]
    for row in split_rows:
        for column, lines in enumerate(row):
            widths[column] = max([widths[column]] + [display_width(line) for line in lines])
    rule = "|" + "|".join("-" * (width + 2) for width in widths) + "|\n"

    def centred(text: str, width: int) -> str:
        gap = width - display_width(text)
        return " " * (gap // 2) + text + " " * (gap - gap // 2)

    def aligned(text: str, width: int) -> str:
        gap = " " * (width - display_width(text))
        return gap + text if _NUMBER.fullmatch(text) else text + gap

    text = rule + "| " + " | ".join(centred(h, w) for h, w in zip(headers, widths)) + " |\n"
    text += rule
    for row in split_rows:
        height = max(len(lines) for lines in row)
        for index in range(height):
            cells = [lines[index] if index < len(lines) else "" for lines in row]
            cells += [""] * (len(widths) - len(cells))
            text += "| " + " | ".join(aligned(c, w) for c, w in zip(cells, widths)) + " |\n"
    return text + rule


_NUMBER = re.compile(r"-?(?:\d{1,3}(?:,\d{3})*|\d+)(?:\.\d+)?")


def issue_box(lines: list[str]) -> str:
    """minikube's red rounded box (no colour here) asking for a bug report."""
    width = max(display_width(line) for line in lines) + 8
    body = ["│" + " " * width + "│"]
    body += ["│    " + line + " " * (width - 4 - display_width(line)) + "│" for line in lines]
    body.append("│" + " " * width + "│")
    return "╭" + "─" * width + "╮\n" + "\n".join(body) + "\n╰" + "─" * width + "╯\n"


def log_file_path(ctx, args: list[str]) -> str:
    """Where minikube writes this run's log: a SHA-1 of the user and the arguments names it."""
    digest = hashlib.sha1((ctx.env.get("USER", "learner") + "".join(args)).encode()).hexdigest()
    return f"/tmp/minikube_{args[0]}_{digest}_0.log" if args else f"/tmp/minikube_{digest}_0.log"


def example_command(profile: str, action: str) -> str:
    return f"minikube {action}" if profile == PROFILE_NAME else f"minikube {action} -p {profile}"


# -- the command tree --------------------------------------------------------------------------
def _flag(name: str, kind: str, default, usage: str, shorthand: str = "") -> Flag:
    return Flag(name, kind, shorthand, default, usage=usage)


GLOBAL_FLAGS = [
    _flag("profile", "string", PROFILE_NAME, "The name of the minikube VM being used. This can be "
          "set to allow having multiple instances of minikube independently.", "p"),
    _flag("bootstrapper", "string", "kubeadm", "The name of the cluster bootstrapper that will set "
          "up the Kubernetes cluster.", "b"),
    _flag("user", "string", "", "Specifies the user executing the operation. Useful for auditing "
          "operations executed by 3rd party tools. Defaults to the operating system username."),
    _flag("skip-audit", "bool", False, "Skip recording the current command in the audit logs."),
    _flag("rootless", "bool", False, "Force to use rootless driver (docker and podman driver only)"),
    _flag("add_dir_header", "bool", False, ""),
    _flag("alsologtostderr", "bool", False, ""),
    _flag("log_backtrace_at", "string", ":0", ""),
    _flag("log_dir", "string", "", ""),
    _flag("log_file", "string", "", ""),
    _flag("log_file_max_size", "int", 1800, ""),
    _flag("logtostderr", "bool", False, ""),
    _flag("one_output", "bool", False, ""),
    _flag("skip_headers", "bool", False, ""),
    _flag("skip_log_headers", "bool", False, ""),
    _flag("stderrthreshold", "string", "2", ""),
    _flag("v", "int", 0, "", "v"),
    _flag("vmodule", "string", "", ""),
]

VERSION_FLAGS = [
    _flag("components", "bool", False, "list versions of all components included with minikube. "
          "(the cluster must be running)"),
    _flag("output", "string", "", "One of 'yaml' or 'json'.", "o"),
    _flag("short", "bool", False, "Print just the version number."),
]
STATUS_FLAGS = [
    _flag("format", "string", STATUS_TEMPLATE,
          "Go template format string for the status output.  The format for Go templates can be "
          "found here: https://pkg.go.dev/text/template\nFor the list accessible variables for "
          "the template, see the struct values here: "
          "https://pkg.go.dev/k8s.io/minikube/cmd/minikube/cmd#Status", "f"),
    _flag("layout", "string", "nodes", "output layout (EXPERIMENTAL, JSON only): 'nodes' or "
          "'cluster'", "l"),
    _flag("node", "string", "", "The node to check status for. Defaults to control plane. Leave "
          "blank with default format for status on all nodes.", "n"),
    _flag("output", "string", "text", "minikube status --output OUTPUT. json, text", "o"),
    _flag("watch", "duration", "1s", "Continuously listing/getting the status with optional "
          "interval duration.", "w"),
]
IP_FLAGS = [_flag("node", "string", "", "The node to get IP. Defaults to the primary control "
                  "plane.", "n")]
STOP_FLAGS = [
    _flag("all", "bool", False, "Set flag to stop all profiles (clusters)"),
    _flag("cancel-scheduled", "bool", False, "cancel any existing scheduled stop requests"),
    _flag("keep-context-active", "bool", False, "keep the kube-context active after cluster is "
          "stopped. Defaults to false."),
    _flag("output", "string", "text", "Format to print stdout in. Options include: [text,json]",
          "o"),
    _flag("schedule", "duration", "0s", "Set flag to stop cluster after a set amount of time "
          "(e.g. --schedule=5m)"),
]
DELETE_FLAGS = [
    _flag("all", "bool", False, "Set flag to delete all profiles"),
    _flag("output", "string", "text", "Format to print stdout in. Options include: [text,json]",
          "o"),
    _flag("purge", "bool", False, "Set this flag to delete the '.minikube' folder from your user "
          "directory."),
]
_START_FLAG_SPECS = (
    "force:bool interactive:bool dry-run:bool cpus:string memory:string disk-size:string "
    "download-only:bool cache-images:bool iso-url:stringSlice base-image:string keep-context:bool "
    "embed-certs:bool container-runtime:string:c mount:bool mount-string:string addons:stringSlice "
    "cri-socket:string network-plugin:string enable-default-cni:bool cni:string wait:stringSlice "
    "wait-timeout:duration native-ssh:bool auto-update-drivers:bool install-addons:bool ha:bool "
    "nodes:int:n preload:bool no-kubernetes:bool delete-on-failure:bool force-systemd:bool "
    "network:string output:string:o trace:string extra-disks:int cert-expiration:duration "
    "binary-mirror:string disable-optimizations:bool disable-metrics:bool static-ip:string "
    "gpus:string:g auto-pause-interval:duration kubernetes-version:string namespace:string "
    "extra-config:stringArray feature-gates:string dns-domain:string apiserver-port:int "
    "apiserver-name:string apiserver-names:stringSlice apiserver-ips:stringSlice driver:string:d "
    "vm-driver:string vm:bool listen-address:string ports:stringSlice subnet:string "
    "insecure-registry:stringSlice registry-mirror:stringSlice image-repository:string "
    "image-mirror-country:string service-cluster-ip-range:string docker-env:stringArray "
    "docker-opt:stringArray"
)
START_FLAGS = [Flag(parts[0], parts[1], parts[2] if len(parts) > 2 else "",
                    True if parts[0] in ("install-addons", "preload", "embed-certs",
                                         "cache-images", "interactive") and parts[1] == "bool"
                    else None)
               for parts in (spec.split(":") for spec in _START_FLAG_SPECS.split())]

SHORT_DESCRIPTIONS = {
    "start": "Starts a local Kubernetes cluster",
    "status": "Gets the status of a local Kubernetes cluster",
    "stop": "Stops a running local Kubernetes cluster",
    "delete": "Deletes a local Kubernetes cluster",
    "dashboard": "Access the Kubernetes dashboard running within the minikube cluster",
    "pause": "pause Kubernetes",
    "unpause": "unpause Kubernetes",
    "docker-env": "Provides instructions to point your terminal's docker-cli to the Docker Engine "
                  "inside minikube. (Useful for building docker images directly inside minikube)",
    "podman-env": "Configure environment to use minikube's Podman service",
    "cache": "Manage cache for images",
    "image": "Manage images",
    "addons": "Enable or disable a minikube addon",
    "config": "Modify persistent configuration values",
    "profile": "Get or list the current profiles (clusters)",
    "update-context": "Update kubeconfig in case of an IP or port change",
    "service": "Returns a URL to connect to a service",
    "tunnel": "Connect to LoadBalancer services",
    "mount": "Mounts the specified directory into minikube",
    "ssh": "Log into the minikube environment (for debugging)",
    "kubectl": "Run a kubectl binary matching the cluster version",
    "node": "Add, remove, or list additional nodes",
    "cp": "Copy the specified file into minikube",
    "ssh-key": "Retrieve the ssh identity key path of the specified node",
    "ssh-host": "Retrieve the ssh host key of the specified node",
    "ip": "Retrieves the IP address of the specified node",
    "logs": "Returns logs to debug a local Kubernetes cluster",
    "update-check": "Print current and latest version number",
    "version": "Print the version of minikube",
    "options": "Show a list of global command-line options (applies to all commands).",
    "completion": "Generate command completion for a shell",
    "license": "Outputs the licenses of dependencies to a directory",
}
LONG_DESCRIPTIONS = {
    "minikube": "minikube provisions and manages local Kubernetes clusters optimized for "
                "development workflows.",
    "version": "Print the version of minikube.",
    "status": "Gets the status of a local Kubernetes cluster.\n\tExit status contains the status of "
              "minikube's VM, cluster and Kubernetes encoded on it's bits in this order from right "
              "to left.\n\tEg: 7 meaning: 1 (for minikube NOK) + 2 (for cluster NOK) + 4 (for "
              "Kubernetes NOK)",
    "ip": "Retrieves the IP address of the specified node, and writes it to STDOUT.",
    "stop": "Stops a local Kubernetes cluster. This command stops the underlying VM or container, "
            "but keeps user data intact. The cluster can be started again with the \"start\" "
            "command.",
    "delete": "Deletes a local Kubernetes cluster. This command deletes the VM, and removes all\n"
              "associated files.",
}
NODE_SUBCOMMANDS = (
    ("add", "Adds a node to the given cluster.", [
        _flag("control-plane", "bool", False, "If set, added node will become a control-plane. "
              "Defaults to false. Currently only supported for existing HA (multi-control plane) "
              "clusters."),
        _flag("delete-on-failure", "bool", False, "If set, delete the current cluster if start "
              "fails and try again. Defaults to false."),
        _flag("worker", "bool", True, "If set, added node will be available as worker. Defaults "
              "to true."),
    ]),
    ("delete", "Deletes a node from a cluster.", []),
    ("list", "List nodes.", []),
    ("start", "Starts a node.", [
        _flag("delete-on-failure", "bool", False, "If set, delete the current cluster if start "
              "fails and try again. Defaults to false."),
    ]),
    ("stop", "Stops a node in a cluster.", []),
)
LONG_DESCRIPTIONS.update({
    "node": "Operations on nodes",
    "node add": "Adds a node to the given cluster config, and starts it.",
    "node delete": "Deletes a node from a cluster.",
    "node list": "List existing minikube nodes.",
    "node start": "Starts an existing stopped node in a cluster.",
    "node stop": "Stops a node in a cluster.",
})
SERVICE_FLAGS = [
    _flag("all", "bool", False, 'Forwards all services in a namespace (defaults to "false")'),
    _flag("format", "string", "http://{{.IP}}:{{.Port}}", "Format to output service URL in. This "
          "format will be applied to each url individually and they will be printed one at a "
          "time."),
    _flag("https", "bool", False, 'Open the service URL with https instead of http (defaults to '
          '"false")'),
    _flag("interval", "int", 1, "The initial time interval for each check that wait performs in "
          "seconds"),
    _flag("namespace", "string", "default", "The service namespace", "n"),
    _flag("url", "bool", False, "Display the Kubernetes service URL in the CLI instead of opening "
          "it in the default browser"),
    _flag("wait", "int", 2, "Amount of time to wait for a service in seconds"),
]
SERVICE_LIST_FLAGS = [
    _flag("namespace", "string", "", "The services namespace", "n"),
    _flag("output", "string", "table", "The output format. One of 'json', 'table'", "o"),
]
TUNNEL_FLAGS = [
    _flag("bind-address", "string", "", "set tunnel bind address, empty or '*' indicates the "
          "tunnel should be available for all interfaces"),
    _flag("cleanup", "bool", True, "call with cleanup=true to remove old tunnels", "c"),
]
DASHBOARD_FLAGS = [
    _flag("port", "int", 0, "Exposed port of the proxyfied dashboard. Set to 0 to pick a random "
          "port."),
    _flag("url", "bool", False, "Display dashboard URL instead of opening a browser"),
]
SSH_FLAGS = [
    _flag("native-ssh", "bool", True, "Use native Golang SSH client (default true). Set to "
          "'false' to use the command line 'ssh' command when accessing the docker machine. "
          "Useful for the machine drivers when they will not start with 'Waiting for SSH'."),
    _flag("node", "string", "", "The node to ssh into. Defaults to the primary control plane.",
          "n"),
]
LOGS_FLAGS = [
    _flag("audit", "bool", False, "Show only the audit logs"),
    _flag("file", "string", "", "If present, writes to the provided file instead of stdout."),
    _flag("follow", "bool", False, "Show only the most recent journal entries, and continuously "
          "print new entries as they are appended to the journal.", "f"),
    _flag("last-start-only", "bool", False, "Show only the last start logs."),
    _flag("length", "int", 60, "Number of lines back to go within the log", "n"),
    _flag("node", "string", "", "The node to get logs from. Defaults to the primary control "
          "plane."),
    _flag("problems", "bool", False, "Show only log entries which point to known problems"),
]
KUBECTL_FLAGS = [_flag("ssh", "bool", False, "Use SSH for running kubernetes client on the node")]
ADDONS_SUBCOMMANDS = (
    ("disable", "Disables the addon w/ADDON_NAME within minikube (example: minikube addons "
     "disable dashboard). For a list of available addons use: minikube addons list ", []),
    ("enable", "Enables the addon w/ADDON_NAME within minikube. For a list of available addons "
     "use: minikube addons list ", [
         _flag("force", "bool", False, "If true, will perform potentially dangerous operations. "
               "Use with discretion."),
         _flag("images", "string", "", "Images used by this addon. Separated by commas."),
         _flag("refresh", "bool", False, "If true, pods might get deleted and restarted on addon "
               "enable"),
         _flag("registries", "string", "", "Registries used by this addon. Separated by commas."),
     ]),
    ("list", "Lists all available minikube addons as well as their current statuses "
     "(enabled/disabled)", [
         _flag("docs", "bool", False, "If true, print web links to addons' documentation if "
               "using --output=list (default).", "d"),
         _flag("output", "string", "list", "minikube addons list --output OUTPUT. json, list",
               "o"),
     ]),
)
PROFILE_LIST_FLAGS = [
    _flag("light", "bool", False, "If true, returns list of profiles faster by skipping "
          "validating the status of the cluster.", "l"),
    _flag("output", "string", "table", "The output format. One of 'json', 'table'", "o"),
]
LONG_DESCRIPTIONS.update({
    "service": "Returns the Kubernetes URL(s) for service(s) in your local cluster. In the case "
               "of multiple URLs they will be printed one at a time.",
    "tunnel": "tunnel creates a route to services deployed with type LoadBalancer and sets their "
              "Ingress to their ClusterIP. for a detailed example see "
              "https://minikube.sigs.k8s.io/docs/tasks/loadbalancer",
    "ssh": "Log into or run a command on a machine with SSH; similar to 'docker-machine ssh'.",
    "logs": "Gets the logs of the running instance, used for debugging minikube, not user code.",
    "kubectl": "Run the Kubernetes client, download it if necessary. Remember -- after kubectl!\n"
               "\nThis will run the Kubernetes client (kubectl) with the same version as the "
               "cluster\n\nNormally it will download a binary matching the host operating system "
               "and architecture,\nbut optionally you can also run it directly on the control "
               "plane over the ssh connection.\nThis can be useful if you cannot run kubectl "
               "locally for some reason, like unsupported\nhost. Please be aware that when using "
               "--ssh all paths will apply to the remote machine.",
    "addons": 'addons modifies minikube addons files using subcommands like "minikube addons '
              'enable dashboard"',
    "profile": "profile sets the current minikube profile, or gets the current profile if no "
               "arguments are provided.  This is used to run and manage multiple minikube "
               "instance.  You can return to the default minikube profile by running `minikube "
               "profile default`",
    "profile list": "Lists all valid minikube profiles and detects all possible invalid "
                    "profiles.",
})
COMMAND_GROUPS = [
    ("Basic Commands:", ["start", "status", "stop", "delete", "dashboard", "pause", "unpause"]),
    ("Images Commands:", ["docker-env", "podman-env", "cache", "image"]),
    ("Configuration and Management Commands:", ["addons", "config", "profile", "update-context"]),
    ("Networking and Connectivity Commands:", ["service", "tunnel"]),
    ("Advanced Commands:", ["mount", "ssh", "kubectl", "node", "cp"]),
    ("Troubleshooting Commands:", ["ssh-key", "ssh-host", "ip", "logs", "update-check", "version",
                                   "options"]),
]


def _help_for(name: str):
    def render(command_: Command, ctx) -> str:
        return templater_help(command_, LONG_DESCRIPTIONS.get(name, command_.short))
    return render


def _build_tree() -> Command:
    root = Command("minikube", persistent_flags=GLOBAL_FLAGS, help_text=_help_for("minikube"),
                   groups=COMMAND_GROUPS)
    local_flags = {"version": VERSION_FLAGS, "status": STATUS_FLAGS, "ip": IP_FLAGS,
                   "stop": STOP_FLAGS, "delete": DELETE_FLAGS, "start": START_FLAGS,
                   "service": SERVICE_FLAGS, "tunnel": TUNNEL_FLAGS,
                   "dashboard": DASHBOARD_FLAGS, "ssh": SSH_FLAGS, "logs": LOGS_FLAGS,
                   "kubectl": KUBECTL_FLAGS}
    for name in sorted(SHORT_DESCRIPTIONS):
        root.add(Command(name, short=SHORT_DESCRIPTIONS[name], run=_not_simulated,
                         flags=local_flags.get(name, []), help_text=_help_for(name)))
    node = root.find_child("node")
    node.run = None
    for name, short, flags in NODE_SUBCOMMANDS:
        node.add(Command(name, short=short, run=_not_simulated, flags=flags,
                         help_text=_help_for(f"node {name}")))
    addons = root.find_child("addons")
    addons.run = None
    for name, short, flags in ADDONS_SUBCOMMANDS:
        addons.add(Command(name, short=short, run=_not_simulated, flags=flags,
                           help_text=_help_for(f"addons {name}")))
    root.find_child("service").add(Command(
        "list", short="Lists the URLs for the services in your local cluster",
        run=_not_simulated, flags=SERVICE_LIST_FLAGS, help_text=_help_for("service list")))
    root.find_child("profile").add(Command(
        "list", short="Lists all minikube profiles.", run=_not_simulated,
        flags=PROFILE_LIST_FLAGS, help_text=_help_for("profile list")))
    root.add(Command("generate-docs", run=_not_simulated, hidden=True))
    root.add(Command("help", run=_help, hidden=True))
    return root


def _not_simulated(invocation: Invocation) -> int:
    out = Out(invocation.ctx, invocation.stdout, invocation.stderr)
    out.line(f'Error: unknown command "{invocation.command.name}" for "minikube"', to_stderr=True)
    out.line("Run 'minikube --help' for usage.", to_stderr=True)
    return EXIT_USAGE


def _help(invocation: Invocation) -> int:
    try:
        target, _rest = MINIKUBE.find(invocation.args)
    except UnknownCommand:
        target = ROOT
    _write_help(target, invocation.ctx, invocation.stdout)
    return 0


def _write_help(target: Command, ctx, stdout: TextIO) -> None:
    stdout.write(wrap_help(target.help_text(target, ctx), terminal_columns(ctx, stdout)))


ROOT = _build_tree()
MINIKUBE = CommandLine(ROOT, sort_suggestions=True)


implement = implementer(ROOT)


@command("minikube")
def minikube(argv, stdin, stdout, stderr, ctx) -> int:
    args = list(argv[1:])
    try:
        target, rest = MINIKUBE.find(args)
    except UnknownCommand as unknown:
        message = f'Error: unknown command "{unknown.name}" for "minikube"\n'
        if unknown.suggestions:
            message += "\nDid you mean this?\n" + "".join(f"\t{name}\n"
                                                        for name in unknown.suggestions) + "\n"
        stderr.write(message + "Run 'minikube --help' for usage.\n")
        return EXIT_USAGE
    try:
        flags, positional, before_dash = MINIKUBE.parse(target, rest)
    except FlagError as error:
        stderr.write(f"Error: {error}\nSee '{target.path} --help' for usage.\n")
        return EXIT_USAGE
    if flags.get("help") or not target.runnable:
        _write_help(target, ctx, stdout)
        return 0
    invocation = Invocation(target, positional, flags, before_dash, stdin, stdout, stderr, ctx)
    started = ctx.clock.now()
    ended = None
    try:
        status = target.run(invocation)
        ended = ctx.clock.now()
        return status
    except MinikubeExit as exit_:
        ended = ctx.clock.now()
        return exit_.status
    finally:
        record_audit(ctx, args, started, ended)


def profile_flag(invocation: Invocation) -> str:
    return invocation.flags.get("profile") or PROFILE_NAME


def read_profile(invocation: Invocation) -> dict:
    """The profile as stored; an absent one for a profile name the simulation does not keep."""
    if profile_flag(invocation) != PROFILE_NAME:
        return {"status": "Absent"}
    with invocation.ctx.sandbox.transaction() as cluster:
        return dict(cluster.profile)


# -- version -----------------------------------------------------------------------------------
@implement("version")
def run_version(invocation: Invocation) -> int:
    out = Out(invocation.ctx, invocation.stdout, invocation.stderr)
    output = invocation.flags.get("output") or ""
    data = {"commit": MINIKUBE_COMMIT, "minikubeVersion": MINIKUBE_VERSION}
    if output == "":
        if invocation.flags.get("short"):
            out.line(MINIKUBE_VERSION)
        else:
            out.line(f"minikube version: {MINIKUBE_VERSION}")
            out.line(f"commit: {MINIKUBE_COMMIT}")
    elif output == "json":
        out.line(json.dumps(data, separators=(",", ":")))
    elif output == "yaml":
        out.line(go_yaml(data))
    else:
        out.exit_message("MK_OUTPUT_USAGE", "error: --output must be 'yaml' or 'json'",
                         EXIT_PROGRAM_ERROR)
    return 0


# -- status, ip --------------------------------------------------------------------------------
def cluster_status(profile: dict) -> dict:
    running = profile_status(profile) == "Running"
    state = "Running" if running else "Stopped"
    if running:
        kubeconfig = "Configured" if has_kubeconfig_context(profile) else "Misconfigured"
    else:
        kubeconfig = "Stopped"
    return {"Name": PROFILE_NAME, "Host": state, "Kubelet": state, "APIServer": state,
            "Kubeconfig": kubeconfig, "Worker": False}


def worker_statuses(profile: dict) -> list[dict]:
    cluster_running = profile_status(profile) == "Running"
    statuses = []
    for worker in workers(profile):
        state = "Running" if cluster_running and worker.get("running") else "Stopped"
        statuses.append({"Name": machine_name(worker["name"]), "Host": state, "Kubelet": state,
                         "APIServer": "Irrelevant", "Kubeconfig": "Irrelevant", "Worker": True})
    return statuses


def status_exit_code(status: dict) -> int:
    code = 0
    if status.get("Worker"):
        if status["Host"] != "Running":
            code |= STATUS_HOST_NOT_RUNNING
        if status["Kubelet"] != "Running":
            code |= STATUS_CLUSTER_NOT_RUNNING
        return code
    if status["Host"] != "Running":
        code |= STATUS_HOST_NOT_RUNNING
    if status["APIServer"] != "Running" or status["Kubelet"] != "Running":
        code |= STATUS_CLUSTER_NOT_RUNNING
    if status["Kubeconfig"] != "Configured":
        code |= STATUS_KUBECONFIG_NOT_CONFIGURED
    return code


def render_status_template(template: str, status: dict) -> str:
    """The subset of Go templates minikube's status format uses: fields and ``if`` blocks."""
    def trim_markers(text: str) -> str:
        text = re.sub(r"\s*\{\{-", "{{", text)
        return re.sub(r"-\}\}\s*", "}}", text)

    def conditional(match: re.Match) -> str:
        return match.group(2) if status.get(match.group(1)) else ""

    text = trim_markers(template)
    text = re.sub(r"\{\{\s*if \.(\w+)\s*\}\}(.*?)\{\{\s*end\s*\}\}", conditional, text,
                  flags=re.S)
    return re.sub(r"\{\{\s*\.(\w+)\s*\}\}", lambda match: str(status.get(match.group(1), "")),
                  text)


@implement("status")
def run_status(invocation: Invocation) -> int:
    out = Out(invocation.ctx, invocation.stdout, invocation.stderr)
    output = (invocation.flags.get("output") or "text").lower()
    template = invocation.flags.get("format")
    if output != "text" and template != STATUS_TEMPLATE:
        out.exit_message("MK_USAGE", "Cannot use both --output and --format options", EXIT_USAGE)
    profile = read_profile(invocation)
    if profile_status(profile) == "Absent":
        out.profile_not_found(profile_flag(invocation))
    statuses = [cluster_status(profile)] + worker_statuses(profile)
    wanted = invocation.flags.get("node") or ""
    if wanted:
        statuses = [s for s in statuses if wanted in (s["Name"], s["Name"].split("-")[-1])]
        if not statuses:
            out.exit_message("GUEST_NODE_RETRIEVE", f"retrieving node: Could not find node "
                             f"{wanted}", EXIT_GUEST_NOT_FOUND)
    status = statuses[0]
    if output == "text":
        for each in statuses:
            chosen = template
            if each["Worker"] and template == STATUS_TEMPLATE:
                chosen = WORKER_STATUS_TEMPLATE
            invocation.stdout.write(render_status_template(chosen, each))
    elif output == "json" and len(statuses) > 1:
        invocation.stdout.write(json.dumps(statuses, separators=(",", ":")))
    elif output == "json":
        invocation.stdout.write(json.dumps(status, separators=(",", ":")))
    else:
        out.exit_message("MK_USAGE", f"invalid output format: {output}. Valid values: 'text', "
                         "'json'", EXIT_USAGE)
    invocation.stdout.flush()
    code = 0
    for each in statuses:
        code |= status_exit_code(each)
    return code


@implement("ip")
def run_ip(invocation: Invocation) -> int:
    out = Out(invocation.ctx, invocation.stdout, invocation.stderr)
    profile = running_profile_or_exit(invocation, out)
    wanted = invocation.flags.get("node") or ""
    if wanted and wanted not in (PROFILE_NAME, "m01"):
        worker = find_worker(profile, wanted)
        if worker is None:
            _node_not_found(out, wanted)
        out.line(worker["ip"])
        return 0
    out.line(profile.get("nodeIP", NODE_IP))
    return 0


def _node_not_found(out: Out, name: str) -> None:
    out.exit_message("GUEST_NODE_RETRIEVE", f"retrieving node: Could not find node {name}",
                     EXIT_GUEST_NOT_FOUND)


# -- start -------------------------------------------------------------------------------------
@dataclass(frozen=True)
class Pause:
    """How long each phase of a start takes, in seconds (real or fake time)."""

    short: float = 0.2
    download: float = 1.1
    create: float = 0.9
    prepare: float = 0.4
    certificates: float = 0.5
    control_plane: float = 1.0
    step: float = 0.35


PAUSE = Pause()


def _memory_mb(text: str | None) -> int:
    if not text:
        return MEMORY_MB
    match = re.fullmatch(r"(\d+)\s*([a-zA-Z]*)", text.strip())
    if not match:
        return MEMORY_MB
    number, unit = int(match.group(1)), match.group(2).lower()
    if unit in ("g", "gb", "gi", "gib"):
        return number * 1024
    return number


def _download_line(name: str, size: str, now: float, salt: str) -> str:
    shown = name if len(name) <= 27 else name[:27] + "..."
    speed = 4 + int.from_bytes(hashlib.sha256(f"{now}/{salt}".encode()).digest()[:2], "big") % 3000 / 100
    counters = f"{size} / {size}"
    return f"    > {shown}:  {counters}  100.00% {f'{speed:.2f} MiB/s'[:7]}"


def _semver(text: str) -> tuple[int, int, int] | None:
    match = re.fullmatch(r"(\d+)\.(\d+)\.(\d+)", text)
    return tuple(int(part) for part in match.groups()) if match else None


def _validated_kubernetes_version(out: Out, requested: str) -> str:
    """``--kubernetes-version`` as minikube checks it: ``stable``/``latest`` mean the default,
    anything else must parse as a version this release can run."""
    if requested.lower() in ("stable", "latest"):
        return KUBERNETES_VERSION
    bare = requested.lower().removeprefix("v")
    version = _semver(bare)
    if version is None:
        error = "No Major.Minor.Patch elements found" if bare.count(".") < 2 else \
            f"Invalid character(s) found in patch number {bare.split('.', 2)[2]!r}"
        out.exit_message("MK_USAGE", f'Unable to parse "{bare}": {error}', EXIT_USAGE)
    shown = ".".join(str(part) for part in version)
    if version < _semver(OLDEST_KUBERNETES_VERSION[1:]):
        out.step("warning", "Specified Kubernetes version {specified} is less than the oldest "
                 "supported version: {oldest}. Use `minikube config defaults kubernetes-version` "
                 "for details.", to_stderr=True, specified=shown, oldest=OLDEST_KUBERNETES_VERSION)
        out.step("warning", "You can force an unsupported Kubernetes version via the --force "
                 "flag", to_stderr=True)
        out.exit_message("K8S_OLD_UNSUPPORTED", f"Kubernetes {shown} is not supported by this "
                         "release of minikube", EXIT_CONTROL_PLANE_UNSUPPORTED)
    if version > _semver(KUBERNETES_VERSION[1:]):
        out.step("warning", "Specified Kubernetes version {specified} is newer than the newest "
                 "supported version: {newest}. Use `minikube config defaults kubernetes-version` "
                 "for details.", to_stderr=True, specified=shown, newest=KUBERNETES_VERSION)
        out.step("warning", "Specified Kubernetes version {specified} not found in Kubernetes "
                 "version list", to_stderr=True, specified=shown)
        out.step("verifying", "Searching the internet for Kubernetes version...")
        out.exit_with_issue_link("K8S_FAIL_CONNECT", "error fetching Kubernetes version list "
                                 "from GitHub: Get \"https://api.github.com/repos/kubernetes/"
                                 "kubernetes/releases?per_page=100\": dial tcp: lookup "
                                 "api.github.com: no such host", EXIT_INTERNET_ERROR,
                                 ["start"])
    return "v" + shown


def _environment_lines(out: Out, env: dict) -> None:
    for key in sorted(env):
        if key.startswith("MINIKUBE_") or key == "KUBECONFIG":
            out.step("option", "{key}={value}", key=key, value=env[key])


@implement("start")
def run_start(invocation: Invocation) -> int:
    ctx = invocation.ctx
    out = Out(ctx, invocation.stdout, invocation.stderr)
    flags = invocation.flags
    if profile_flag(invocation) != PROFILE_NAME:
        out.exit_message("MK_USAGE", "the simulated environment has a single profile: "
                         f"{PROFILE_NAME}", EXIT_USAGE)
    with ctx.sandbox.transaction() as cluster:
        state = profile_status(cluster.profile)
        existing_workers = [dict(w) for w in workers(cluster.profile)]
        current_version = cluster.profile.get("kubernetesVersion", KUBERNETES_VERSION)
        requested_version = flags.get("kubernetes-version") or ""
        k8s_version = (current_version if state != "Absent" or not requested_version
                       else requested_version)
        cached = preload_cached(cluster.profile, k8s_version)
    cpus = int(flags.get("cpus")) if (flags.get("cpus") or "").isdigit() else CPUS
    node_count = max(1, flags.get("nodes") or 1)
    memory = _memory_mb(flags.get("memory"))
    if state == "Absent" and node_count > 1 and not flags.get("memory"):
        memory = WORKER_MEMORY_MB
    new_workers = node_count - 1 if state == "Absent" else 0

    out.step("happy", "minikube {version} on {platform}", version=MINIKUBE_VERSION,
             platform=HOST_PLATFORM)
    _environment_lines(out, ctx.env)
    ctx.sleep(PAUSE.short)
    if state == "Absent":
        if flags.get("driver") or flags.get("vm-driver"):
            out.step("sparkle", "Using the {driver} driver based on user configuration",
                     driver="docker")
        else:
            out.step("sparkle", "Automatically selected the {driver} driver. Other choices: "
                     "{alternates}", driver="docker", alternates="none, ssh")
        out.step("notice", "Using {driver_name} driver with root privileges", driver_name="Docker")
        k8s_version = _validated_kubernetes_version(out, k8s_version)
    else:
        out.step("sparkle", "Using the {driver} driver based on existing profile", driver="docker")
        if node_count > 1:
            out.step("warning", 'The cluster {cluster} already exists which means the --nodes '
                     'parameter will be ignored. Use "minikube node add" to add nodes to an '
                     "existing cluster.", cluster=PROFILE_NAME)
    ctx.sleep(PAUSE.short)
    out.step("thumbs_up", 'Starting "{node}" {role} node in "{cluster}" cluster', node=PROFILE_NAME,
             role="primary control-plane", cluster=PROFILE_NAME)
    ctx.sleep(PAUSE.short)
    out.step("pulling", "Pulling base image {version} ...", version=KICBASE_VERSION)
    ctx.sleep(PAUSE.short)

    if state == "Absent":
        if not cached:
            out.step("file_download", "Downloading Kubernetes {version} preload ...",
                     version=k8s_version)
            ctx.sleep(PAUSE.download)
            now = ctx.clock.now()
            out.line(_download_line(f"preloaded-images-k8s-v18-{k8s_version}-docker-overlay2-"
                                    "amd64.tar.lz4",
                                    "333.57 MiB", now, "preload"))
            ctx.sleep(PAUSE.download / 2)
            out.line(_download_line("gcr.io/k8s-minikube/kicbase:v0.0.46", "500.31 MiB", now,
                                    "kicbase"))
            ctx.sleep(PAUSE.short)
        out.step("starting_vm", "Creating {driver_name} {machine_type} (CPUs={cpus}, "
                 "Memory={memory}MB) ...", driver_name="docker", machine_type="container",
                 cpus=cpus, memory=memory)
        ctx.sleep(PAUSE.create)
    elif state == "Stopped":
        out.step("restarting", 'Restarting existing {driver_name} {machine_type} for "{cluster}" '
                 "...", driver_name="docker", machine_type="container", cluster=PROFILE_NAME)
        ctx.sleep(PAUSE.create)
    else:
        out.step("running", 'Updating the running {driver_name} "{cluster}" {machine_type} ...',
                 driver_name="docker", cluster=PROFILE_NAME, machine_type="container")
        ctx.sleep(PAUSE.short)

    out.step("docker", "Preparing Kubernetes {k8s_version} on {runtime} {runtime_version} ...",
             k8s_version=k8s_version, runtime="Docker", runtime_version=DOCKER_VERSION)
    ctx.sleep(PAUSE.prepare)
    control_plane_up = ctx.clock.now()
    if state == "Absent":
        out.step("sub_step", "Generating certificates and keys ...")
        ctx.sleep(PAUSE.certificates)
        out.step("sub_step", "Booting up control plane ...")
        ctx.sleep(PAUSE.control_plane)
        control_plane_up = ctx.clock.now()
        out.step("sub_step", "Configuring RBAC rules ...")
        ctx.sleep(PAUSE.step)
        out.step("cni", "Configuring {name} (Container Networking Interface) ...",
                 name="CNI" if new_workers else "bridge CNI")
        ctx.sleep(PAUSE.step)
    out.step("health_check", "Verifying Kubernetes components...")
    ctx.sleep(PAUSE.step)
    out.step("option", "Using image {image}", image="gcr.io/k8s-minikube/storage-provisioner:v5")
    ctx.sleep(PAUSE.step)

    with ctx.sandbox.transaction() as cluster:
        timeline = StartTimeline(control_plane_up=control_plane_up, finished=cluster.now)
        current = profile_status(cluster.profile)
        if current == "Absent":
            start_cluster(cluster, timeline, kubernetes_version=k8s_version)
        elif current == "Stopped":
            restart_cluster(cluster, timeline)
        elif not has_kubeconfig_context(cluster.profile):
            cluster.state.minikube = {**cluster.profile, "kubeconfigContext": True}
        if memory != MEMORY_MB or cpus != CPUS:
            cluster.state.minikube = {**cluster.profile, "cpus": cpus, "memoryMB": memory}
    out.step("addon_enable", "Enabled addons: {addons}",
             addons="storage-provisioner, default-storageclass")
    node_ips = [NODE_IP]
    for index in range(new_workers):
        node_ips.append(f"192.168.49.{index + 3}")
        _start_worker_lines(out, ctx, f"m{index + 2:02d}", node_ips, cpus, memory, restart=False,
                            k8s_version=k8s_version)
        with ctx.sandbox.transaction() as cluster:
            add_worker(cluster)
    if state == "Stopped":
        for worker in existing_workers:
            node_ips.append(worker["ip"])
            _start_worker_lines(out, ctx, worker["name"], node_ips, cpus, memory, restart=True,
                                k8s_version=k8s_version)
    out.step("ready", 'Done! kubectl is now configured to use "{name}" cluster and "{ns}" '
             "namespace by default", name=PROFILE_NAME, ns="default")
    return 0


def _start_worker_lines(out: Out, ctx, short: str, node_ips: list[str], cpus: int, memory: int,
                        restart: bool, k8s_version: str) -> None:
    """What ``node.Add``/``node.Start`` print for a worker during a multi-node start.

    minikube puts the nodes started before it in the worker's NO_PROXY, and the Docker step
    lists every NO_PROXY value set so far in the process.
    """
    out.line()
    out.step("thumbs_up", 'Starting "{node}" {role} node in "{cluster}" cluster',
             node=machine_name(short), role="worker", cluster=PROFILE_NAME)
    ctx.sleep(PAUSE.short)
    out.step("pulling", "Pulling base image {version} ...", version=KICBASE_VERSION)
    ctx.sleep(PAUSE.short)
    if restart:
        out.step("restarting", 'Restarting existing {driver_name} {machine_type} for "{cluster}" '
                 "...", driver_name="docker", machine_type="container", cluster=machine_name(short))
    else:
        out.step("starting_vm", "Creating {driver_name} {machine_type} (CPUs={cpus}, "
                 "Memory={memory}MB) ...", driver_name="docker", machine_type="container",
                 cpus=cpus, memory=memory)
    ctx.sleep(PAUSE.create)
    out.step("internet", "Found network options:")
    out.step("option", "{key}={value}", key="NO_PROXY", value=",".join(node_ips[:-1]))
    out.step("docker", "Preparing Kubernetes {k8s_version} on {runtime} {runtime_version} ...",
             k8s_version=k8s_version, runtime="Docker", runtime_version=DOCKER_VERSION)
    for count in range(1, len(node_ips)):
        out.step("option", "env {key}={value}", key="NO_PROXY", value=",".join(node_ips[:count]))
    ctx.sleep(PAUSE.prepare)
    out.step("health_check", "Verifying Kubernetes components...")
    ctx.sleep(PAUSE.step)


# -- stop, delete ------------------------------------------------------------------------------
@implement("stop")
def run_stop(invocation: Invocation) -> int:
    ctx = invocation.ctx
    out = Out(ctx, invocation.stdout, invocation.stderr)
    profile = read_profile(invocation)
    state = profile_status(profile)
    if state == "Absent":
        out.profile_not_found(profile_flag(invocation))
    machines = [(PROFILE_NAME, state == "Running")] + [
        (machine_name(w["name"]), state == "Running" and w.get("running"))
        for w in workers(profile)]
    for name, running in machines:
        _stop_machine_lines(out, ctx, name, running)
    with ctx.sandbox.transaction() as cluster:
        if profile_status(cluster.profile) != "Absent":
            stop_cluster(cluster, keep_context=bool(invocation.flags.get("keep-context-active")))
    if len(machines) == 1:
        out.step("stopped", "{count} node stopped.", count=1)
    else:
        out.step("stopped", "{count} nodes stopped.", count=len(machines))
    return 0


def _stop_machine_lines(out: Out, ctx, name: str, running: bool) -> None:
    out.step("stopping", 'Stopping node "{name}"  ...', name=name)
    ctx.sleep(PAUSE.short)
    if running:
        out.step("shutdown", 'Powering off "{profile_name}" via SSH ...', profile_name=name)
        ctx.sleep(PAUSE.create * 2)


@implement("delete")
def run_delete(invocation: Invocation) -> int:
    ctx = invocation.ctx
    out = Out(ctx, invocation.stdout, invocation.stderr)
    if invocation.args:
        out.exit_message("MK_USAGE", "Usage: minikube delete", EXIT_USAGE)
    profile = read_profile(invocation)
    home = ctx.env.get("HOME", "/home/learner")
    if profile_status(profile) == "Absent":
        out.step("meh", '"{name}" profile does not exist, trying anyways.', to_stderr=True,
                 name=PROFILE_NAME)
    else:
        out.step("deleting_host", 'Deleting "{profile_name}" in {driver_name} ...',
                 profile_name=PROFILE_NAME, driver_name="docker")
        ctx.sleep(PAUSE.short)
        out.step("deleting_host", 'Deleting container "{name}" ...', name=PROFILE_NAME)
        ctx.sleep(PAUSE.create)
        out.step("deleting_host", "Removing {directory} ...",
                 directory=f"{home}/.minikube/machines/{PROFILE_NAME}")
        ctx.sleep(PAUSE.short)
    with ctx.sandbox.transaction() as cluster:
        if profile_status(cluster.profile) != "Absent":
            delete_cluster(cluster)
        if invocation.flags.get("purge"):
            cluster.state.minikube = {"status": "Absent"}
    out.step("deleted", 'Removed all traces of the "{name}" cluster.', name=PROFILE_NAME)
    if invocation.flags.get("purge"):
        out.step("deleted", "Successfully purged minikube directory located at - [{directory}]",
                 directory=f"{home}/.minikube")
    return 0


__all__ = ["minikube", "ROOT", "MINIKUBE", "Out", "cluster_status", "status_exit_code",
           "render_status_template"]


# -- node ----------------------------------------------------------------------------------------
def running_profile_or_exit(invocation: Invocation, out: Out) -> dict:
    """mustload.Healthy: the profile must exist and its control plane run."""
    profile = read_profile(invocation)
    state = profile_status(profile)
    if state == "Absent":
        out.profile_not_found(profile_flag(invocation))
    if state != "Running":
        out.step("shrug", "The control-plane node {name} host is not running: state={state}",
                 name=PROFILE_NAME, state=state)
        out.step("workaround", 'To start a cluster, run: "{command}"',
                 command=example_command(PROFILE_NAME, "start"))
        raise MinikubeExit(EXIT_GUEST_NOT_RUNNING)
    return profile


def _named_worker(invocation: Invocation, usage: str) -> tuple[Out, dict, dict]:
    """The output, profile and worker a ``minikube node stop|start NAME`` acts on; exits the
    way minikube does when the profile or the node is missing."""
    out = Out(invocation.ctx, invocation.stdout, invocation.stderr)
    profile = read_profile(invocation)
    if profile_status(profile) == "Absent":
        out.profile_not_found(profile_flag(invocation))
    if not invocation.args:
        out.exit_message("MK_USAGE", usage, EXIT_USAGE)
    worker = find_worker(profile, invocation.args[0])
    if worker is None:
        _node_not_found(out, invocation.args[0])
    return out, profile, worker


@implement("node list")
def run_node_list(invocation: Invocation) -> int:
    out = Out(invocation.ctx, invocation.stdout, invocation.stderr)
    if invocation.args:
        out.exit_message("MK_USAGE", "Usage: minikube node list", EXIT_USAGE)
    profile = read_profile(invocation)
    if profile_status(profile) == "Absent":
        out.profile_not_found(profile_flag(invocation))
    out.line(f"{PROFILE_NAME}\t{profile.get('nodeIP', NODE_IP)}")
    for worker in workers(profile):
        out.line(f"{machine_name(worker['name'])}\t{worker['ip']}")
    return 0


@implement("node add")
def run_node_add(invocation: Invocation) -> int:
    ctx = invocation.ctx
    out = Out(ctx, invocation.stdout, invocation.stderr)
    profile = running_profile_or_exit(invocation, out)
    if invocation.flags.get("control-plane"):
        out.step("failure", "Adding a control-plane node to a non-HA (non-multi-control plane) "
                 "cluster is not currently supported. Please first delete the cluster and use "
                 "'minikube start --ha' to create new one.", to_stderr=True)
        return EXIT_USAGE
    short = next_worker_name(profile)
    out.step("happy", "Adding node {name} to cluster {cluster} as {roles}", name=short,
             cluster=PROFILE_NAME, roles="[worker]")
    if not workers(profile):
        out.step("warning", "Cluster was created without any CNI, adding a node to it might "
                 "cause broken networking.", to_stderr=True)
    ctx.sleep(PAUSE.short)
    out.step("thumbs_up", 'Starting "{node}" {role} node in "{cluster}" cluster',
             node=machine_name(short), role="worker", cluster=PROFILE_NAME)
    ctx.sleep(PAUSE.short)
    out.step("pulling", "Pulling base image {version} ...", version=KICBASE_VERSION)
    ctx.sleep(PAUSE.short)
    memory = profile.get("memoryMB", MEMORY_MB)
    out.step("starting_vm", "Creating {driver_name} {machine_type} (CPUs={cpus}, "
             "Memory={memory}MB) ...", driver_name="docker", machine_type="container",
             cpus=profile.get("cpus", CPUS),
             memory=WORKER_MEMORY_MB if memory == MEMORY_MB else memory)
    ctx.sleep(PAUSE.create)
    out.step("docker", "Preparing Kubernetes {k8s_version} on {runtime} {runtime_version} ...",
             k8s_version=profile.get("kubernetesVersion", KUBERNETES_VERSION), runtime="Docker",
             runtime_version=DOCKER_VERSION)
    ctx.sleep(PAUSE.prepare)
    out.step("health_check", "Verifying Kubernetes components...")
    ctx.sleep(PAUSE.step)
    with ctx.sandbox.transaction() as cluster:
        add_worker(cluster)
    out.step("ready", "Successfully added {name} to {cluster}!", name=short, cluster=PROFILE_NAME)
    return 0


@implement("node stop")
def run_node_stop(invocation: Invocation) -> int:
    ctx = invocation.ctx
    out, profile, worker = _named_worker(invocation, "Usage: minikube node stop [name]")
    name = machine_name(worker["name"])
    running = profile_status(profile) == "Running" and worker.get("running")
    _stop_machine_lines(out, ctx, name, running)
    with ctx.sandbox.transaction() as cluster:
        current = find_worker(cluster.profile, worker["name"])
        if current is not None and current.get("running") and cluster.running:
            stop_worker(cluster, worker["name"])
    out.step("stopped", "Successfully stopped node {name}", name=name)
    return 0


@implement("node start")
def run_node_start(invocation: Invocation) -> int:
    ctx = invocation.ctx
    out, profile, worker = _named_worker(invocation, "Usage: minikube node start [name]")
    name = machine_name(worker["name"])
    if worker.get("running") and profile_status(profile) == "Running":
        out.step("check", "{name} is already running", name=invocation.args[0])
        return 0
    out.step("thumbs_up", 'Starting "{node}" {role} node in "{cluster}" cluster', node=name,
             role="worker", cluster=PROFILE_NAME)
    ctx.sleep(PAUSE.short)
    out.step("pulling", "Pulling base image {version} ...", version=KICBASE_VERSION)
    ctx.sleep(PAUSE.short)
    out.step("restarting", 'Restarting existing {driver_name} {machine_type} for "{cluster}" ...',
             driver_name="docker", machine_type="container", cluster=name)
    ctx.sleep(PAUSE.create)
    out.step("docker", "Preparing Kubernetes {k8s_version} on {runtime} {runtime_version} ...",
             k8s_version=profile.get("kubernetesVersion", KUBERNETES_VERSION), runtime="Docker",
             runtime_version=DOCKER_VERSION)
    ctx.sleep(PAUSE.prepare)
    out.step("health_check", "Verifying Kubernetes components...")
    ctx.sleep(PAUSE.step)
    with ctx.sandbox.transaction() as cluster:
        if find_worker(cluster.profile, worker["name"]) is not None:
            start_worker(cluster, worker["name"])
    out.step("happy", "Successfully started node {name}!", name=name)
    return 0


@implement("node delete")
def run_node_delete(invocation: Invocation) -> int:
    ctx = invocation.ctx
    out = Out(ctx, invocation.stdout, invocation.stderr)
    if not invocation.args:
        out.exit_message("MK_USAGE", "Usage: minikube node delete [name]", EXIT_USAGE)
    profile = running_profile_or_exit(invocation, out)
    requested = invocation.args[0]
    out.step("deleting_host", "Deleting node {name} from cluster {cluster}", name=requested,
             cluster=PROFILE_NAME)
    worker = find_worker(profile, requested)
    if worker is None:
        out.exit_message("GUEST_NODE_DELETE", f"deleting node: retrieve: Could not find node "
                         f"{requested}", EXIT_GUEST_NOT_FOUND)
    name = machine_name(worker["name"])
    _stop_machine_lines(out, ctx, name, bool(worker.get("running")))
    out.step("deleting_host", 'Deleting "{profile_name}" in {driver_name} ...',
             profile_name=name, driver_name="docker")
    ctx.sleep(PAUSE.create)
    with ctx.sandbox.transaction() as cluster:
        if find_worker(cluster.profile, worker["name"]) is not None:
            delete_worker(cluster, worker["name"])
    out.step("deleted", "Node {name} was successfully deleted.", name=requested)
    return 0


from . import minikube_manage, minikube_network  # noqa: E402,F401  (register their commands)
from .minikube_manage import record_audit  # noqa: E402
