"""``curl`` (8.5.0, as Ubuntu ships it): HTTP requests from the learner's machine or a container.

Where a request goes depends on where curl runs. On the learner's machine (the minikube host)
``localhost`` is whatever ``kubectl proxy`` or ``port-forward`` opened (``loopback.request``), the
node address ``192.168.49.2`` answers on its NodePorts and the API server port, LoadBalancer and
ClusterIPs are reachable only while ``minikube tunnel`` routes the service range, and pod IPs
and cluster DNS names are not reachable at all. Inside a container (``ctx.extra["container"]``,
set by ``kubectl exec``) ``localhost`` is the pod itself and service names, ClusterIPs and pod IPs
all work, as kube-proxy and CoreDNS make them (``services.route``). Nobody is online: every other
name fails to resolve.

A request that reaches a pod is served by the kubelet's ``serve_request``, which counts it and
writes the app's log line; a Service picks its endpoint at random through the sandbox RNG. Errors
are curl's own lines and exit codes (``curl: (7) Failed to connect ...``). A connection that goes
nowhere waits, through ``ctx.sleep``, as long as the kernel or ``--max-time`` lets it.
"""

from __future__ import annotations

import ipaddress
import re
from dataclasses import dataclass, field
from datetime import datetime, timezone
from urllib.parse import urlsplit

from .. import images, loopback, services
from ..commands import command
from ..controllers.kubelet import serve_request
from ..loopback import HttpRequest, HttpResponse
from ..shell.filesystem import FileSystemError, resolve

VERSION = "8.5.0"
USER_AGENT = f"curl/{VERSION}"
TRY_HELP = "curl: try 'curl --help' or 'curl --manual' for more information\n"
#: How long Linux keeps retrying a SYN nobody answers (tcp_syn_retries = 6), in milliseconds.
KERNEL_CONNECT_TIMEOUT_MS = 134_210
LEARNER_CLIENT_IP = "10.244.0.1"
POD_NETWORK = ipaddress.ip_network("10.244.0.0/16")
REDIRECTS = (301, 302, 303, 307, 308)
MAX_REDIRECTS = 50
REASONS = {200: "OK", 201: "Created", 301: "Moved Permanently", 302: "Found",
           400: "Bad Request", 403: "Forbidden", 404: "Not Found", 500: "Internal Server Error"}

_FLAGS = {"-s": "silent", "--silent": "silent", "-S": "show-error", "--show-error": "show-error",
          "-i": "include", "--include": "include", "-I": "head", "--head": "head",
          "-v": "verbose", "--verbose": "verbose", "-L": "location", "--location": "location",
          "-f": "fail", "--fail": "fail", "-k": "insecure", "--insecure": "insecure",
          "-4": "ipv4", "--ipv4": "ipv4", "--http1.1": "http1.1", "-N": "no-buffer",
          "--no-buffer": "no-buffer", "-h": "help", "--help": "help", "-V": "version",
          "--version": "version"}
_VALUED = {"-X": "request", "--request": "request", "-H": "header", "--header": "header",
           "-d": "data", "--data": "data", "--data-raw": "data", "--data-binary": "data",
           "-o": "output", "--output": "output", "-w": "write-out", "--write-out": "write-out",
           "-m": "max-time", "--max-time": "max-time", "--connect-timeout": "connect-timeout",
           "-A": "user-agent", "--user-agent": "user-agent"}
#: When the static pages of the nginx and httpd images were written, as their servers report it.
NGINX_PAGE_MODIFIED = "Tue, 26 Nov 2024 15:55:00 GMT"
HTTPD_PAGE_MODIFIED = "Mon, 11 Jun 2007 18:53:14 GMT"


HELP = """\
Usage: curl [options...] <url>
 -d, --data <data>           HTTP POST data
 -f, --fail                  Fail fast with no output on HTTP errors
 -h, --help <category>       Get help for commands
 -i, --include               Include protocol response headers in the output
 -o, --output <file>         Write to file instead of stdout
 -O, --remote-name           Write output to a file named as the remote file
 -s, --silent                Silent mode
 -T, --upload-file <file>    Transfer local FILE to destination
 -u, --user <user:password>  Server user and password
 -A, --user-agent <name>     Send User-Agent <name> to server
 -v, --verbose               Make the operation more talkative
 -V, --version               Show version number and quit

This is not the full help, this menu is stripped into categories.
Use "--help category" to get an overview of all categories.
For all options use the manual or "--help all".
"""
VERSION_TEXT = f"""\
curl {VERSION} (x86_64-pc-linux-gnu) libcurl/{VERSION} OpenSSL/3.0.13 zlib/1.3 brotli/1.1.0 \
zstd/1.5.5 libidn2/2.3.7 libpsl/0.21.2 (+libidn2/2.3.7) libssh/0.10.6/openssl/zlib \
nghttp2/1.59.0 librtmp/2.3 OpenLDAP/2.6.7
Release-Date: 2023-12-06, security patched: 8.5.0-2ubuntu10.6
Protocols: dict file ftp ftps gopher gophers http https imap imaps ldap ldaps mqtt pop3 pop3s \
rtmp rtmps rtsp scp sftp smb smbs smtp smtps telnet tftp
Features: alt-svc AsynchDNS brotli GSS-API HSTS HTTP2 HTTPS-proxy IDN IPv6 Kerberos Largefile \
libz NTLM PSL SPNEGO SSL threadsafe TLS-SRP UnixSockets zstd
"""


class CurlError(Exception):
    """curl gives up: ``curl: (code) message``."""

    def __init__(self, code: int, message: str):
        super().__init__(message)
        self.code = code
        self.message = message


class UsageError(Exception):
    """A command line curl rejects before doing anything (exit 2)."""


@dataclass
class Options:
    urls: list[str] = field(default_factory=list)
    switches: set[str] = field(default_factory=set)
    method: str | None = None
    headers: list[tuple[str, str]] = field(default_factory=list)
    data: list[str] = field(default_factory=list)
    output: str | None = None
    write_out: str | None = None
    max_time: float | None = None
    connect_timeout: float | None = None
    user_agent: str = USER_AGENT


def parse_options(args: list[str]) -> Options:
    options = Options()
    remaining = list(args)
    while remaining:
        arg = remaining.pop(0)
        if arg == "--" or not arg.startswith("-") or arg == "-":
            options.urls.extend(remaining if arg == "--" else [arg])
            if arg == "--":
                break
            continue
        if arg.startswith("--"):
            name, has_value, value = arg.partition("=")
            words = [(name, value if has_value else None)]
        else:
            words, letters = [], arg[1:]
            while letters:
                flag = f"-{letters[0]}"
                if flag in _VALUED and len(letters) > 1:
                    words.append((flag, letters[1:]))
                    break
                words.append((flag, None))
                letters = letters[1:]
        for flag, value in words:
            if flag in _FLAGS and value is None:
                options.switches.add(_FLAGS[flag])
            elif flag in _VALUED:
                if value is None:
                    if not remaining:
                        raise UsageError(f"option {flag}: requires parameter")
                    value = remaining.pop(0)
                _set_value(options, _VALUED[flag], flag, value)
            else:
                raise UsageError(f"option {flag}: is unknown")
    return options


def _seconds(flag: str, value: str) -> float:
    try:
        return float(value)
    except ValueError:
        raise UsageError(f"option {flag}: expected a proper numerical parameter") from None


def _set_value(options: Options, name: str, flag: str, value: str) -> None:
    if name == "request":
        options.method = value
    elif name == "header":
        header, _, content = value.partition(":")
        options.headers.append((header.strip(), content.strip()))
    elif name == "data":
        options.data.append(value)
    elif name == "output":
        options.output = value
    elif name == "write-out":
        options.write_out = value
    elif name == "max-time":
        options.max_time = _seconds(flag, value)
    elif name == "connect-timeout":
        options.connect_timeout = _seconds(flag, value)
    elif name == "user-agent":
        options.user_agent = value


@dataclass(frozen=True)
class Url:
    scheme: str
    host: str
    port: int
    target: str

    @property
    def authority(self) -> str:
        default = 443 if self.scheme == "https" else 80
        host = f"[{self.host}]" if ":" in self.host else self.host
        return host if self.port == default else f"{host}:{self.port}"

    @property
    def text(self) -> str:
        return f"{self.scheme}://{self.authority}{self.target}"


def parse_url(text: str) -> Url:
    if "://" not in text:
        text = "http://" + text
    scheme = text.split("://", 1)[0].lower()
    if scheme not in ("http", "https"):
        raise CurlError(1, f'Protocol "{scheme}" not supported')
    try:
        parts = urlsplit(text)
        port = parts.port
    except ValueError as error:
        if "Port" in str(error) or "port" in str(error):
            raise CurlError(3, "URL rejected: Port number was not a decimal number between 0 "
                               "and 65535") from None
        raise CurlError(3, "URL rejected: Bad IPv6 address") from None
    if not parts.hostname:
        raise CurlError(3, "URL rejected: No host part in the URL")
    target = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
    return Url(scheme, parts.hostname, port or (443 if scheme == "https" else 80), target)


# -- where the connection goes ---------------------------------------------------------------
def _is_loopback(host: str) -> bool:
    return host in ("localhost", "::1") or host.startswith("127.")


def _loopback_ip(host: str) -> str:
    return "127.0.0.1" if host == "localhost" else host


def _learner_route(cluster, url: Url):
    """The path from the minikube host: no cluster DNS, no route to pods, services only
    through the tunnel."""
    try:
        address = ipaddress.ip_address(url.host)
    except ValueError:
        return services.Unreachable(url.host, "resolve")
    if address in POD_NETWORK or (address in services.SERVICE_CIDR
                                  and not services.tunnel_running(cluster)):
        return services.Unreachable(url.host, "timeout")
    return services.route(cluster, url.host, url.port)


def _now_http_date(cluster) -> str:
    moment = datetime.fromtimestamp(int(cluster.now), tz=timezone.utc)
    return moment.strftime("%a, %d %b %Y %H:%M:%S GMT")


def app_response(cluster, route, request: HttpRequest, client_ip: str,
                  user_agent: str) -> HttpResponse | None:
    pod = route.pod
    body = serve_request(cluster, pod, route.container, request.target.split("?")[0], client_ip,
                         user_agent, request.method)
    if body is None:
        return None
    data = body.encode()
    image = next(c["image"] for c in pod["spec"]["containers"] if c["name"] == route.container)
    headers = _server_headers(images.lookup(image).repository, _now_http_date(cluster),
                              len(data))
    return HttpResponse(200, "OK", headers, b"" if request.method == "HEAD" else data)


def _server_headers(repository: str, date: str, length: int) -> list[tuple[str, str]]:
    """The headers each catalogue program sends, in its own order: nginx and Apache serving a
    static page, the bootcamp's Node.js ``http`` server, Go's ``net/http`` (hello-app)."""
    if repository == "docker.io/library/nginx":
        return [("Server", "nginx/1.27.3"), ("Date", date), ("Content-Type", "text/html"),
                ("Content-Length", str(length)), ("Last-Modified", NGINX_PAGE_MODIFIED),
                ("Connection", "keep-alive"), ("ETag", f'"6745ef54-{length:x}"'),
                ("Accept-Ranges", "bytes")]
    if repository == "docker.io/library/httpd":
        return [("Date", date), ("Server", "Apache/2.4.62 (Unix)"),
                ("Last-Modified", HTTPD_PAGE_MODIFIED), ("ETag", f'"{length:x}-432a5e4a73a80"'),
                ("Accept-Ranges", "bytes"), ("Content-Length", str(length)),
                ("Content-Type", "text/html")]
    if repository.endswith("/kubernetes-bootcamp"):
        return [("Content-Type", "text/plain"), ("Date", date), ("Connection", "keep-alive"),
                ("Content-Length", str(length))]
    return [("Date", date), ("Content-Length", str(length)),
            ("Content-Type", "text/plain; charset=utf-8")]


def _api_server_response(url: Url, request: HttpRequest, insecure: bool) -> HttpResponse:
    if url.scheme == "http":
        return HttpResponse(400, "Bad Request", [], b"Client sent an HTTP request to an HTTPS "
                                                    b"server.\n")
    if not insecure:
        raise CurlError(60, "SSL certificate problem: unable to get local issuer certificate\n"
                            "More details here: https://curl.se/docs/sslcerts.html\n\n"
                            "curl failed to verify the legitimacy of the server and therefore "
                            "could not\nestablish a secure connection to it. To learn more about "
                            "this situation and\nhow to fix it, please visit the web page "
                            "mentioned above.")
    path = request.target.split("?")[0]
    body = ('{\n  "kind": "Status",\n  "apiVersion": "v1",\n  "metadata": {},\n  "status": '
            f'"Failure",\n  "message": "forbidden: User \\"system:anonymous\\" cannot get path '
            f'\\"{path}\\"",\n  "reason": "Forbidden",\n  "details": {{}},\n  "code": 403\n}}')
    return HttpResponse(403, "Forbidden", [("Content-Type", "application/json")],
                        body.encode())


@dataclass
class Exchange:
    """One request and what came back, for the printing."""

    url: Url
    request: HttpRequest
    ip: str
    response: HttpResponse | None = None
    wait_ms: int = 0
    failure: CurlError | None = None


def _connect_failure(url: Url, reason: str, options: Options) -> tuple[CurlError, int]:
    if reason == "resolve":
        return CurlError(6, f"Could not resolve host: {url.host}"), 0
    limits = [limit for limit in (options.max_time, options.connect_timeout) if limit]
    if limits:
        waited = int(min(limits) * 1000)
        return CurlError(28, f"Connection timed out after {waited + 1} milliseconds"), waited
    return (CurlError(28, f"Failed to connect to {url.host} port {url.port} after "
                          f"{KERNEL_CONNECT_TIMEOUT_MS} ms: Couldn't connect to server"),
            KERNEL_CONNECT_TIMEOUT_MS)


def exchange(cluster, url: Url, request: HttpRequest, options: Options, where) -> Exchange:
    """Send ``request`` from the learner's machine (``where`` None) or a container."""
    insecure = "insecure" in options.switches
    refused = CurlError(7, f"Failed to connect to {url.host} port {url.port} after 0 ms: "
                           "Couldn't connect to server")
    if where is None and _is_loopback(url.host):
        found = loopback.request(cluster, url.port, request)
        if found is None:
            return Exchange(url, request, _loopback_ip(url.host), failure=refused)
        return Exchange(url, request, "127.0.0.1", response=found)
    pod = None
    if where is not None:
        pod = cluster.store.find(services.PODS, where.namespace, where.pod)
        route = services.route(cluster, url.host, url.port, from_pod=pod)
    else:
        route = _learner_route(cluster, url)
    if isinstance(route, services.Unreachable):
        failure, waited = _connect_failure(url, route.reason, options)
        return Exchange(url, request, url.host, wait_ms=waited, failure=failure)
    if isinstance(route, services.Refused):
        return Exchange(url, request, route.ip, failure=refused)
    if route.pod is None:
        try:
            return Exchange(url, request, route.ip,
                            response=_api_server_response(url, request, insecure))
        except CurlError as failure:
            return Exchange(url, request, route.ip, failure=failure)
    if url.scheme == "https":
        return Exchange(url, request, route.ip, failure=CurlError(
            35, "OpenSSL/3.0.13: error:0A00010B:SSL routines::wrong version number"))
    if where is None:
        client_ip = LEARNER_CLIENT_IP
    elif _is_loopback(url.host) or route.pod["metadata"]["uid"] == pod["metadata"]["uid"]:
        client_ip = "127.0.0.1"
    else:
        client_ip = pod.get("status", {}).get("podIP", "")
    response = app_response(cluster, route, request, client_ip, options.user_agent)
    ip = "::1" if url.host == "localhost" else route.ip
    if response is None:
        return Exchange(url, request, ip, failure=CurlError(52, "Empty reply from server"))
    return Exchange(url, request, ip, response=response)


# -- the command --------------------------------------------------------------------------------
def _request_for(url: Url, options: Options) -> HttpRequest:
    body = "&".join(options.data).encode()
    method = options.method or ("HEAD" if "head" in options.switches
                                else "POST" if options.data else "GET")
    headers = [("Host", url.authority), ("User-Agent", options.user_agent), ("Accept", "*/*")]
    if options.data:
        headers += [("Content-Length", str(len(body))),
                    ("Content-Type", "application/x-www-form-urlencoded")]
    given = {name.lower() for name, _ in options.headers}
    headers = [(name, value) for name, value in headers if name.lower() not in given]
    headers += [(name, value) for name, value in options.headers if value]
    return HttpRequest(method, url.target, headers, body)


def _header_block(response: HttpResponse) -> list[str]:
    reason = response.reason or REASONS.get(response.status, "")
    return [f"HTTP/1.1 {response.status} {reason}"] + \
        [f"{name}: {value}" for name, value in response.headers]


def _write_verbose_request(stderr, done: Exchange) -> None:
    url = done.url
    if not _is_ip(url.host):
        stderr.write(f"* Host {url.host}:{url.port} was resolved.\n")
        if _is_loopback(url.host):
            stderr.write("* IPv6: ::1\n* IPv4: 127.0.0.1\n")
        elif done.failure is None or done.failure.code != 6:
            stderr.write(f"* IPv6: (none)\n* IPv4: {done.ip}\n")
    if done.failure is not None and done.failure.code == 6:
        return
    if url.host == "localhost" and done.ip != "::1":
        stderr.write(f"*   Trying [::1]:{url.port}...\n"
                     f"* connect to ::1 port {url.port} failed: Connection refused\n")
    shown_ip = f"[{done.ip}]" if ":" in done.ip else done.ip
    stderr.write(f"*   Trying {shown_ip}:{url.port}...\n")
    if done.failure is not None and done.failure.code in (7, 28):
        return
    stderr.write(f"* Connected to {url.host} ({done.ip}) port {url.port}\n")
    if done.failure is not None and done.failure.code in (35, 60):
        return
    stderr.write(f"> {done.request.method} {done.request.target} HTTP/1.1\r\n")
    stderr.writelines(f"> {name}: {value}\r\n" for name, value in done.request.headers)
    stderr.write("> \r\n")


def _is_ip(host: str) -> bool:
    try:
        ipaddress.ip_address(host)
    except ValueError:
        return False
    return True


_WRITE_OUT = re.compile(r"%\{([a-z_]+)\}|\\n|\\t|\\r|%%")


def _write_out(template: str, done: Exchange) -> str:
    response = done.response

    def value(match: re.Match) -> str:
        token = match.group(0)
        if token in ("\\n", "\\t", "\\r"):
            return {"\\n": "\n", "\\t": "\t", "\\r": "\r"}[token]
        if token == "%%":
            return "%"
        name = match.group(1)
        values = {"http_code": f"{response.status if response else 0:03d}",
                  "response_code": f"{response.status if response else 0:03d}",
                  "url_effective": done.url.text, "remote_ip": done.ip if response else "",
                  "remote_port": str(done.url.port) if response else "",
                  "size_download": str(len(response.body) if response else 0),
                  "method": done.request.method, "exitcode": "0",
                  "time_total": "0.001000"}
        return values.get(name, "")
    return _WRITE_OUT.sub(value, template)


def _fail(stderr, options: Options, error: CurlError) -> int:
    if "silent" not in options.switches or "show-error" in options.switches:
        stderr.write(f"curl: ({error.code}) {error.message}\n")
    return error.code


@command("curl")
def curl(argv, stdin, stdout, stderr, ctx) -> int:
    try:
        options = parse_options(argv[1:])
    except UsageError as error:
        stderr.write(f"curl: {error}\n{TRY_HELP}")
        return 2
    if "help" in options.switches:
        stdout.write(HELP)
        return 0
    if "version" in options.switches:
        stdout.write(VERSION_TEXT)
        return 0
    if not options.urls:
        stderr.write(TRY_HELP)
        return 2
    where = ctx.extra.get("container")
    status = 0
    for text in options.urls:
        status = _fetch(text, options, where, stdout, stderr, ctx)
    return status


class ProgressMeter:
    """The table curl draws on stderr while the data goes somewhere other than the terminal."""

    HEADER = ("  % Total    % Received % Xferd  Average Speed   Time    Time     Time  Current\n"
              "                                 Dload  Upload   Total   Spent    Left  Speed\n")
    #: How long a transfer inside this machine takes, for the speed columns.
    TRANSFER_MS = 2

    def __init__(self, stderr, shown: bool):
        self.stderr = stderr
        self.shown = shown

    def start(self) -> None:
        if self.shown:
            self.stderr.write(self.HEADER + self._line(0, 0, 0.0))

    def finish(self, total: int, received: int, spent_seconds: float) -> None:
        if self.shown:
            self.stderr.write(self._line(total, received, spent_seconds) + "\n")

    def _line(self, total: int, received: int, spent_seconds: float) -> str:
        average = received * 1000 // self.TRANSFER_MS
        current = average * 105 // 100
        percent = 100 if total and received >= total else 0
        return (f"\r{percent:3d} {_max5(total)}  {percent:3d} {_max5(received)}  "
                f"{0:3d} {_max5(0)}  {_max5(average)}  {_max5(0)} --:--:-- "
                f"{_clock(spent_seconds)} --:--:-- {_max5(current)}")


def _max5(amount: int) -> str:
    """A byte count in at most five characters, as curl's meter writes it."""
    if amount < 100_000:
        return f"{amount:5d}"
    if amount < 10_000 * 1024:
        return f"{amount // 1024:4d}k"
    return f"{amount // (1024 * 1024):4d}M"


def _clock(seconds: float) -> str:
    whole = int(seconds)
    if whole <= 0:
        return "--:--:--"
    return f"{whole // 3600:2d}:{whole // 60 % 60:02d}:{whole % 60:02d}"


def _meter_shown(options: Options, stdout, where, ctx) -> bool:
    """curl draws its meter unless ``-s``, or unless the body goes to the terminal; a program
    run by ``kubectl exec`` without ``-t`` writes to a pipe. Scripted mode and tests have no
    terminal to draw on."""
    if "silent" in options.switches or not ctx.extra.get("at_terminal", ctx.interactive):
        return False
    to_terminal = stdout.isatty() and (where is None or ctx.interactive)
    return bool(options.output) or not to_terminal


def _fetch(text: str, options: Options, where, stdout, stderr, ctx) -> int:
    verbose = "verbose" in options.switches
    try:
        url = parse_url(text)
    except CurlError as error:
        return _fail(stderr, options, error)
    meter = ProgressMeter(stderr, _meter_shown(options, stdout, where, ctx))
    meter.start()
    for _redirect in range(MAX_REDIRECTS + 1):
        request = _request_for(url, options)
        with ctx.sandbox.transaction() as cluster:
            done = exchange(cluster, url, request, options, where)
        if done.wait_ms:
            ctx.sleep(done.wait_ms / 1000)
        if verbose:
            _write_verbose_request(stderr, done)
        if done.failure is not None:
            if verbose:
                stderr.write(_verbose_failure(done))
            meter.finish(0, 0, done.wait_ms / 1000)
            return _fail(stderr, options, done.failure)
        response = done.response
        location = dict((name.lower(), value) for name, value in response.headers).get(
            "location")
        if "location" in options.switches and response.status in REDIRECTS and location:
            url = parse_url(location if "://" in location
                            else f"{url.scheme}://{url.authority}{location}")
            continue
        break
    return _deliver(done, options, meter, stdout, stderr, ctx)


def _verbose_failure(done: Exchange) -> str:
    """The ``*`` lines ``-v`` adds when the transfer fails: the socket's complaint, curl's."""
    lines = []
    failure = done.failure
    if failure.code == 7 or failure.message.startswith("Failed to connect"):
        reason = "Connection refused" if failure.code == 7 else "Connection timed out"
        lines.append(f"connect to {done.ip} port {done.url.port} failed: {reason}")
    lines += [failure.message.splitlines()[0], "Closing connection"]
    return "".join(f"* {line}\n" for line in lines)


def _deliver(done: Exchange, options: Options, meter: ProgressMeter, stdout, stderr,
             ctx) -> int:
    response = done.response
    size = len(response.body)
    verbose = "verbose" in options.switches
    head = _header_block(response)
    if verbose:
        stderr.writelines(f"< {line}\r\n" for line in head)
        stderr.write("< \r\n")
    if "fail" in options.switches and response.status >= 400:
        meter.finish(size, 0, 0.0)
        if verbose:
            stderr.write("* Closing connection\n")
        return _fail(stderr, options, CurlError(
            22, f"The requested URL returned error: {response.status}"))
    text = ""
    if "include" in options.switches or "head" in options.switches:
        text = "".join(f"{line}\r\n" for line in head) + "\r\n"
    if "head" not in options.switches:
        text += response.body.decode(errors="replace")
    if options.output and options.output != "-":
        path = resolve(ctx.cwd, options.output)
        try:
            if path != "/dev/null":
                ctx.fs.write(path, text)
        except FileSystemError as error:
            meter.finish(size, 0, 0.0)
            if "silent" not in options.switches:
                stderr.write(f"Warning: Failed to open the file {options.output}: "
                             f"{error.strerror}\n")
            return _fail(stderr, options, CurlError(23, "Failure writing output to destination"))
    else:
        stdout.write(text)
    meter.finish(size, size, 0.0)
    if verbose:
        stderr.write(f"* Connection #0 to host {done.url.host} left intact\n")
    if options.write_out is not None:
        stdout.write(_write_out(options.write_out, done))
    return 0
