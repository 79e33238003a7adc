"""The container images this cluster can pull, and what each does once it runs.

A real cluster pulls an image from a registry and runs it; this one looks the image up here. An
entry says what the registry knows (repository, tags, digest, size), how long a pull takes, and
how the program inside behaves: whether it keeps running or exits at once, which port it answers
on and with what, the lines it logs, its environment and the files in its working directory
(the tutorial app's ``server.js``). An image that is not here does not exist: its pull fails with
the Docker daemon's words, as it would on minikube's Docker runtime.

Everything is plain data and pure functions; the kubelet and the HTTP side read it.
"""

from __future__ import annotations

import hashlib
import math
import re
from dataclasses import dataclass, field
from datetime import datetime, timezone
from functools import cached_property, lru_cache
from typing import Callable

from .clock import rfc3339
from .rng import SandboxRandom

DOCKER_HUB = "docker.io"
NODE_PATH = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"

_REFERENCE = re.compile(r"^[a-z0-9]+(?:[._-][a-z0-9]+)*(?::[0-9]+)?"
                        r"(?:/[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*)*"
                        r"(?::[A-Za-z0-9_][A-Za-z0-9_.-]{0,127})?(?:@sha256:[0-9a-f]{64})?$")


@dataclass(frozen=True)
class ImageName:
    """An image reference split the way Docker normalises it. The names derived from it are
    formed once: ``parse_image`` hands out one object per reference, and the kubelet asks for
    them at every step of every container."""

    registry: str
    path: str
    tag: str
    digest: str | None = None

    @cached_property
    def repository(self) -> str:
        """``docker.io/library/nginx``: the canonical repository."""
        return f"{self.registry}/{self.path}"

    @cached_property
    def familiar_repository(self) -> str:
        """``nginx``, ``jocatalin/kubernetes-bootcamp``: how Docker prints a Hub repository."""
        if self.registry != DOCKER_HUB:
            return self.repository
        return self.path.removeprefix("library/")

    @cached_property
    def familiar(self) -> str:
        """``nginx:latest``: the name Docker reports in ``containerStatuses[].image``."""
        if self.digest and not self.tag:
            return f"{self.familiar_repository}@{self.digest}"
        return f"{self.familiar_repository}:{self.tag}"


@lru_cache(maxsize=1024)
def parse_image(reference: str) -> ImageName | None:
    """Split and normalise a reference; None when Docker would call it an invalid reference.
    Cached: the kubelet reads the same few references at every step of every pod."""
    if not reference or not _REFERENCE.match(reference):
        return None
    rest, _, digest = reference.partition("@")
    head, _, tail = rest.rpartition("/")
    name, _, tag = tail.partition(":")
    path = f"{head}/{name}" if head else name
    first, _, remainder = path.partition("/")
    if remainder and ("." in first or ":" in first or first == "localhost"):
        registry, path = first, remainder
    else:
        registry = DOCKER_HUB
        if "/" not in path:
            path = f"library/{path}"
    return ImageName(registry, path, tag or ("" if digest else "latest"), digest or None)


@dataclass(frozen=True)
class Request:
    """One HTTP request as the program in a container sees it."""

    pod_name: str
    client_ip: str
    path: str
    at: float
    started_at: float
    total_requests: int
    method: str = "GET"
    user_agent: str = "curl/8.5.0"


@dataclass(frozen=True)
class ImageInfo:
    repository: str
    tag: str
    size: int
    pull_seconds: float
    runs: bool = True
    exit_code: int = 0
    run_seconds: float = 0.0
    stops_on_sigterm: bool = True
    ports: tuple[int, ...] = ()
    env: tuple[tuple[str, str], ...] = (("PATH", NODE_PATH),)
    workdir: str = "/"
    files: dict[str, str] = field(default_factory=dict)
    startup_log: Callable[[str, float, str], list[str]] = lambda pod_name, at, pod_ip: []
    response: Callable[[Request], str] | None = None
    request_log: Callable[[Request], list[str]] = lambda request: []

    @cached_property
    def name(self) -> ImageName:
        """Parsed once per image: the kubelet reads it at every step of every container."""
        return parse_image(f"{self.repository}:{self.tag}")

    @cached_property
    def digest(self) -> str:
        """A stable digest: the same image has the same ID on every learner's cluster."""
        return "sha256:" + hashlib.sha256(f"{self.repository}:{self.tag}".encode()).hexdigest()

    @cached_property
    def image_id(self) -> str:
        """``containerStatuses[].imageID`` under the Docker runtime."""
        return f"docker-pullable://{self.name.familiar_repository}@{self.digest}"

    @property
    def node_image_names(self) -> list[str]:
        """The two names a node lists the image under in ``status.images``."""
        return [f"{self.name.familiar_repository}@{self.digest}", self.name.familiar]


# -- what the programs print ---------------------------------------------------------------------
def js_date(at: float) -> str:
    """A JavaScript ``Date`` as Node's console prints it: ISO 8601 with milliseconds. (The
    seconds come from ``rfc3339``'s cache; the microseconds are rounded half to even, as
    ``datetime.fromtimestamp`` rounds them.)"""
    fraction, second = math.modf(at)
    micros = round(fraction * 1_000_000)
    if micros >= 1_000_000:
        second, micros = second + 1, micros - 1_000_000
    elif micros < 0:
        second, micros = second - 1, micros + 1_000_000
    return f"{rfc3339(second)[:-1]}.{micros // 1000:03d}Z"


def js_number(value: float) -> str:
    text = f"{value:.3f}".rstrip("0").rstrip(".")
    return text or "0"


def go_log_time(at: float) -> str:
    return datetime.fromtimestamp(int(at), tz=timezone.utc).strftime("%Y/%m/%d %H:%M:%S")


def _clf_time(at: float) -> str:
    return datetime.fromtimestamp(int(at), tz=timezone.utc).strftime("%d/%b/%Y:%H:%M:%S +0000")


BOOTCAMP_SERVER_JS = """\
// A tiny web server that says hello and which pod answered.
const http = require('http');

const port = 8080;
const version = '{version}';
const startedAt = new Date();
const host = process.env.HOSTNAME;
let requests = 0;

http.createServer((request, response) => {{
  requests += 1;
  response.setHeader('Content-Type', 'text/plain');
  response.end(`Hello Kubernetes bootcamp! | Running on: ${{host}} | v=${{version}}\\n`);
  const uptime = (Date.now() - startedAt) / 1000;
  console.log('Running On:', host, '| Total Requests:', requests,
              '| App Uptime:', uptime, 'seconds', '| Log Time:', new Date());
}}).listen(port, () => {{
  console.log('Kubernetes Bootcamp App Started At:', startedAt, '| Running On: ', host, '\\n');
}});
"""


def _bootcamp(tag: str, version: str, repository: str, size: int) -> ImageInfo:
    return ImageInfo(
        repository=repository, tag=tag, size=size, pull_seconds=1.2, ports=(8080,),
        stops_on_sigterm=False,
        env=(("PATH", NODE_PATH), ("NPM_CONFIG_LOGLEVEL", "info"), ("NODE_VERSION", "6.3.1")),
        files={"server.js": BOOTCAMP_SERVER_JS.format(version=version)},
        startup_log=lambda pod, at, ip: [
            f"Kubernetes Bootcamp App Started At: {js_date(at)} | Running On:  {pod} ", ""],
        response=lambda request: (f"Hello Kubernetes bootcamp! | Running on: {request.pod_name}"
                                  f" | v={version}\n"),
        request_log=lambda request: [
            f"Running On: {request.pod_name} | Total Requests: {request.total_requests}"
            f" | App Uptime: {js_number(request.at - request.started_at)} seconds"
            f" | Log Time: {js_date(request.at)}"],
    )


NGINX_WELCOME = """<!DOCTYPE html>
<html>
<head>
<title>Welcome to nginx!</title>
<style>
html { color-scheme: light dark; }
body { width: 35em; margin: 0 auto;
font-family: Tahoma, Verdana, Arial, sans-serif; }
</style>
</head>
<body>
<h1>Welcome to nginx!</h1>
<p>If you see this page, the nginx web server is successfully installed and
working. Further configuration is required.</p>

<p>For online documentation and support please refer to
<a href="http://nginx.org/">nginx.org</a>.<br/>
Commercial support is available at
<a href="http://nginx.com/">nginx.com</a>.</p>

<p><em>Thank you for using nginx.</em></p>
</body>
</html>
"""


def _nginx_startup(pod: str, at: float, ip: str) -> list[str]:
    stamp = go_log_time(at)
    entry = "/docker-entrypoint.sh"
    return [
        f"{entry}: /docker-entrypoint.d/ is not empty, will attempt to perform configuration",
        f"{entry}: Looking for shell scripts in /docker-entrypoint.d/",
        f"{entry}: Launching /docker-entrypoint.d/10-listen-on-ipv6-by-default.sh",
        "10-listen-on-ipv6-by-default.sh: info: Getting the checksum of /etc/nginx/conf.d/default.conf",
        "10-listen-on-ipv6-by-default.sh: info: Enabled listen on IPv6 in /etc/nginx/conf.d/default.conf",
        f"{entry}: Sourcing /docker-entrypoint.d/15-local-resolvers.envsh",
        f"{entry}: Launching /docker-entrypoint.d/20-envsubst-on-templates.sh",
        f"{entry}: Launching /docker-entrypoint.d/30-tune-worker-processes.sh",
        f"{entry}: Configuration complete; ready for start up",
        f"{stamp} [notice] 1#1: using the \"epoll\" event method",
        f"{stamp} [notice] 1#1: nginx/1.27.3",
        f"{stamp} [notice] 1#1: built by gcc 12.2.0 (Debian 12.2.0-14) ",
        f"{stamp} [notice] 1#1: OS: Linux 5.15.0-1057-gcp",
        f"{stamp} [notice] 1#1: getrlimit(RLIMIT_NOFILE): 1048576:1048576",
        f"{stamp} [notice] 1#1: start worker processes",
    ] + [f"{stamp} [notice] 1#1: start worker process {pid}" for pid in range(29, 37)]


def _access_log(size: int) -> Callable[[Request], list[str]]:
    return lambda request: [
        f'{request.client_ip} - - [{_clf_time(request.at)}] "{request.method} {request.path} '
        f'HTTP/1.1" 200 {size} "-" "{request.user_agent}" "-"']


_HTTPD_PAGE = "<html><body><h1>It works!</h1></body></html>\n"


def _httpd_startup(pod: str, at: float, ip: str) -> list[str]:
    moment = datetime.fromtimestamp(at, tz=timezone.utc)
    stamp = moment.strftime("%a %b %d %H:%M:%S.") + f"{moment.microsecond:06d} {moment.year}"
    warning = ("AH00558: httpd: Could not reliably determine the server's fully qualified domain "
               "name, using {ip}. Set the 'ServerName' directive globally to suppress this message")
    warning = warning.format(ip=ip)
    return [warning, warning,
            f"[{stamp}] [mpm_event:notice] [pid 1:tid 1] AH00489: Apache/2.4.62 (Unix) "
            "configured -- resuming normal operations",
            f"[{stamp}] [core:notice] [pid 1:tid 1] AH00094: Command line: 'httpd -D FOREGROUND'"]


def _redis_startup(pod: str, at: float, ip: str) -> list[str]:
    moment = datetime.fromtimestamp(at, tz=timezone.utc)
    stamp = moment.strftime("%d %b %Y %H:%M:%S.") + f"{moment.microsecond // 1000:03d}"
    return [
        f"1:C {stamp} * oO0OoO0OoO0Oo Redis is starting oO0OoO0OoO0Oo",
        f"1:C {stamp} * Redis version=7.4.1, bits=64, commit=00000000, modified=0, pid=1, just started",
        f"1:C {stamp} # Warning: no config file specified, using the default config. In order to "
        "specify a config file use redis-server /path/to/redis.conf",
        f"1:M {stamp} * monotonic clock: POSIX clock_gettime",
        f"1:M {stamp} * Running mode=standalone, port=6379.",
        f"1:M {stamp} * Server initialized",
        f"1:M {stamp} * Ready to accept connections tcp",
    ]


def _hello_app_response(request: Request) -> str:
    return f"Hello, world!\nVersion: 1.0.0\nHostname: {request.pod_name}\n"


CATALOGUE: tuple[ImageInfo, ...] = (
    _bootcamp("v1", "1", "gcr.io/google-samples/kubernetes-bootcamp", 211336459),
    _bootcamp("v2", "2", "docker.io/jocatalin/kubernetes-bootcamp", 211336483),
    ImageInfo(
        repository="docker.io/library/nginx", tag="latest", size=191998640, pull_seconds=1.4,
        ports=(80,), workdir="/",
        env=(("PATH", NODE_PATH), ("NGINX_VERSION", "1.27.3"), ("NJS_VERSION", "0.8.7"),
             ("NJS_RELEASE", "1~bookworm"), ("PKG_RELEASE", "1~bookworm"),
             ("DYNPKG_RELEASE", "1~bookworm")),
        files={"docker-entrypoint.sh": "#!/bin/sh\nset -e\nexec \"$@\"\n"},
        startup_log=_nginx_startup, response=lambda request: NGINX_WELCOME,
        request_log=_access_log(len(NGINX_WELCOME.encode()))),
    ImageInfo(
        repository="docker.io/library/httpd", tag="latest", size=147889370, pull_seconds=1.3,
        ports=(80,), workdir="/usr/local/apache2",
        env=(("PATH", "/usr/local/apache2/bin:" + NODE_PATH),
             ("HTTPD_PREFIX", "/usr/local/apache2"), ("HTTPD_VERSION", "2.4.62")),
        startup_log=_httpd_startup, response=lambda request: _HTTPD_PAGE,
        request_log=lambda request: [
            f'{request.client_ip} - - [{_clf_time(request.at)}] "{request.method} '
            f'{request.path} HTTP/1.1" 200 {len(_HTTPD_PAGE)}']),
    ImageInfo(
        repository="docker.io/library/redis", tag="latest", size=117328764, pull_seconds=1.2,
        ports=(6379,), workdir="/data",
        env=(("PATH", NODE_PATH), ("REDIS_DOWNLOAD_URL",
                                   "http://download.redis.io/releases/redis-7.4.1.tar.gz"),
             ("REDIS_VERSION", "7.4.1")),
        startup_log=_redis_startup),
    ImageInfo(repository="docker.io/library/busybox", tag="latest", size=4269190, pull_seconds=0.9,
              runs=False, exit_code=0, run_seconds=0.05),
    ImageInfo(
        repository="gcr.io/google-samples/hello-app", tag="1.0", size=9858563, pull_seconds=1.0,
        ports=(8080,),
        startup_log=lambda pod, at, ip: [f"{go_log_time(at)} Server listening on port 8080"],
        response=_hello_app_response,
        request_log=lambda request: [f"{go_log_time(request.at)} Serving request: {request.path}"]),
    ImageInfo(repository="registry.k8s.io/pause", tag="3.10", size=736390, pull_seconds=0.5),
)

_ALIASES = {("docker.io/library/busybox", "1.36"): ("docker.io/library/busybox", "latest"),
            ("docker.io/library/nginx", "1.27"): ("docker.io/library/nginx", "latest"),
            ("docker.io/library/nginx", "stable"): ("docker.io/library/nginx", "latest"),
            ("docker.io/library/nginx", "alpine"): ("docker.io/library/nginx", "latest")}
_BY_NAME = {(image.repository, image.tag): image for image in CATALOGUE}


@lru_cache(maxsize=1024)
def lookup(reference: str) -> ImageInfo | None:
    """The catalogue entry for a reference as written in a pod spec, or None if it does not exist.
    Cached, like ``parse_image``: the catalogue never changes."""
    name = parse_image(reference)
    if name is None:
        return None
    if name.digest:
        return next((image for image in CATALOGUE
                     if image.repository == name.repository and image.digest == name.digest), None)
    key = _ALIASES.get((name.repository, name.tag), (name.repository, name.tag))
    return _BY_NAME.get(key)


def known_repository(name: ImageName) -> bool:
    return any(image.repository == name.repository for image in CATALOGUE)


def pull_error(reference: str) -> str:
    """What the Docker daemon answers when the image cannot be pulled (the image must be unknown)."""
    name = parse_image(reference)
    if name.registry == DOCKER_HUB:
        if known_repository(name):
            return (f"Error response from daemon: manifest for {name.familiar} not found: "
                    "manifest unknown: manifest unknown")
        return (f"Error response from daemon: pull access denied for {name.familiar_repository}, "
                "repository does not exist or may require 'docker login': denied: requested "
                "access to the resource is denied")
    if name.registry in ("gcr.io", "registry.k8s.io", "quay.io", "ghcr.io") or \
            name.registry.endswith(".gcr.io") or name.registry.endswith(".pkg.dev"):
        reference_part = name.tag or name.digest
        return (f"Error response from daemon: manifest for {name.familiar} not found: manifest "
                f"unknown: Failed to fetch \"{reference_part}\" from request "
                f"\"/v2/{name.path}/manifests/{reference_part}\".")
    return (f"Error response from daemon: Get \"https://{name.registry}/v2/\": dial tcp: lookup "
            f"{name.registry.split(':')[0]} on 192.168.49.1:53: no such host")


def invalid_name_message(reference: str) -> str:
    """The kubelet's message for a reference Docker cannot parse (reason ``InvalidImageName``)."""
    return (f"Failed to apply default image tag \"{reference}\": couldn't parse image name "
            f"\"{reference}\": invalid reference format")


def pull_seconds(image: ImageInfo | None, rng: SandboxRandom, already_present: bool = False) -> float:
    """How long a pull takes, in whole milliseconds: a second or two, a little different each time.

    A pull of an image the node has already (``imagePullPolicy: Always``) only checks the
    manifest; a pull of an image that does not exist fails after one registry round trip.
    """
    if image is None:
        millis = rng.between(300, 900)
    elif already_present:
        millis = rng.between(350, 950)
    else:
        base = int(image.pull_seconds * 1000)
        millis = rng.between(base * 3 // 4, base * 3 // 2)
    return millis / 1000


def go_duration(seconds: float) -> str:
    """A duration as Go's ``time.Duration.String`` writes it (``1.534s``, ``980ms``, ``2m3.5s``)."""
    millis = round(seconds * 1000)
    if millis < 1000:
        return f"{millis}ms"
    minutes, millis = divmod(millis, 60_000)
    secs = f"{millis / 1000:.3f}".rstrip("0").rstrip(".")
    return f"{minutes}m{secs}s" if minutes else f"{secs}s"
