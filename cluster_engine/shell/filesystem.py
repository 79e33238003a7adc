"""The files a shell sees: the learner's machine, or the inside of a container.

Every command that touches files (redirections, globs, ``cd``, ``ls``, ``cat``, Tab completion)
goes through ``ctx.fs``, an object with this shape, and never learns which machine it is on. The
learner's machine keeps its files in the sandbox state, so they survive reconnects and resets
clear them; a container's files come from its image, its volumes and the cluster
(``containers.container_files``).

Paths handed to a FileSystem are absolute and normalised (``resolve`` makes them so). Failures
raise ``FileSystemError`` carrying the C library's words (``No such file or directory``), so a
tool prints ``cat: x: No such file or directory`` exactly as coreutils would.

The learner's machine (``SandboxFileSystem``) is a read-only base layer, written here as a fresh
Ubuntu 22.04 login shows it, under an overlay of what the learner changed, kept in the sandbox
state's ``files`` field: ``{path: entry}`` where an entry is a file (``text``), a directory, or a
whiteout hiding a base entry the learner deleted. The learner is an ordinary user: the overlay
only ever grows under directories the permission bits let them write (their home, ``/tmp``).

A container (``ContainerFileSystem``) runs as root. Its writes land in an emptyDir volume when the
path lies on one, else in the container's own writable layer, kept in the state's ``volumes``
store under a key that begins with the pod's uid, so it goes when the pod's volumes go.
"""

from __future__ import annotations

import io
import posixpath
from dataclasses import dataclass
from typing import TYPE_CHECKING, Iterator, Protocol, TextIO

from .. import containers
from ..clock import parse_rfc3339
from ..resources import resolve as resolve_resource

if TYPE_CHECKING:
    from ..cluster import Cluster
    from ..sandbox import Sandbox

NO_SUCH_FILE = "No such file or directory"
IS_A_DIRECTORY = "Is a directory"
NOT_A_DIRECTORY = "Not a directory"
FILE_EXISTS = "File exists"
PERMISSION_DENIED = "Permission denied"
NOT_EMPTY = "Directory not empty"
NO_SPACE = "No space left on device"
READ_ONLY = "Read-only file system"

#: What one learner may keep on their machine, in bytes of file text.
MAX_FILE_SIZE = 256 * 1024
MAX_TOTAL_SIZE = 1024 * 1024
#: The overlay holds at most this many entries (files, directories, whiteouts).
MAX_ENTRIES = 2000


class FileSystemError(Exception):
    """An operation the file system refused; ``str()`` is the strerror text."""

    def __init__(self, strerror: str):
        super().__init__(strerror)
        self.strerror = strerror


@dataclass(frozen=True)
class FileInfo:
    kind: str  # "file" or "dir"
    size: int
    mtime: float
    mode: int  # permission bits, e.g. 0o644
    owner: str = "root"
    group: str = "root"


def resolve(cwd: str, path: str) -> str:
    """``path`` as an absolute, normalised path, read relative to ``cwd``."""
    joined = posixpath.normpath(posixpath.join(cwd, path))
    return "/" + joined.lstrip("/") if joined.startswith("//") else joined


class FileSystem(Protocol):
    def info(self, path: str) -> FileInfo | None:
        """What is at ``path``, or None if nothing is; FileSystemError if the way is barred."""

    def read(self, path: str) -> str:
        """The whole text of a file."""

    def write(self, path: str, text: str, append: bool = False) -> None:
        """Create or replace (or append to) a file; its directory must exist."""

    def listdir(self, path: str) -> list[str]:
        """The names in a directory, sorted."""

    def mkdir(self, path: str) -> None:
        """One new directory; its parent must exist."""

    def remove(self, path: str) -> None:
        """A file, or an empty directory."""

    def enter(self, path: str) -> None:
        """Nothing if a process may make ``path`` its working directory, else FileSystemError."""

    def set_mtime(self, path: str, mtime: float) -> None:
        """Change when a file was last modified (``touch``)."""


def collation_key(text: str) -> tuple:
    """Orders names as glibc's en_US.UTF-8 collation does (``ls``, globs, ``sort``): letters and
    digits first, case and punctuation only to break ties, so ``.profile`` sorts among the p's and
    ``README.txt`` among the r's."""
    letters = "".join(char for char in text if char.isalnum())
    return letters.lower(), letters.swapcase(), tuple(not char.isalnum() for char in text), text


def _size(text: str) -> int:
    return len(text.encode("utf-8", "surrogateescape"))


def _parents(path: str) -> Iterator[str]:
    """The directories above ``path``, from ``/`` down."""
    parts = path.strip("/").split("/")[:-1]
    yield "/"
    for index in range(1, len(parts) + 1):
        yield "/" + "/".join(parts[:index])


def _child_names(paths, directory: str) -> set[str]:
    prefix = directory.rstrip("/") + "/"
    return {path[len(prefix):] for path in paths
            if path.startswith(prefix) and path != prefix and "/" not in path[len(prefix):]}


# -- the learner's machine -----------------------------------------------------------------------

USER = "learner"
HOME = "/home/learner"
#: When the machine's image was built; the base layer's files date from then.
IMAGE_BUILT = 1763985600.0  # 2025-11-24T12:00:00Z
INSTALLED = 1764072000.0  # 2025-11-25T12:00:00Z, when kubectl and minikube were added

_BASHRC = """\
# ~/.bashrc: read by every interactive bash this user starts.

# Do nothing when not running interactively.
case $- in
    *i*) ;;
      *) return;;
esac

HISTCONTROL=ignoreboth
HISTSIZE=1000
HISTFILESIZE=2000

PS1='\\u@\\h:\\w\\$ '
"""

_PROFILE = """\
# ~/.profile: read by login shells.

if [ -n "$BASH_VERSION" ] && [ -f "$HOME/.bashrc" ]; then
    . "$HOME/.bashrc"
fi

if [ -d "$HOME/bin" ]; then
    PATH="$HOME/bin:$PATH"
fi
"""

_BASH_LOGOUT = """\
# ~/.bash_logout: read when a login shell exits.

if [ "$SHLVL" = 1 ]; then
    [ -x /usr/bin/clear_console ] && /usr/bin/clear_console -q
fi
"""

_OS_RELEASE = """\
PRETTY_NAME="Ubuntu 22.04.5 LTS"
NAME="Ubuntu"
VERSION_ID="22.04"
VERSION="22.04.5 LTS (Jammy Jellyfish)"
VERSION_CODENAME=jammy
ID=ubuntu
ID_LIKE=debian
HOME_URL="https://www.ubuntu.com/"
SUPPORT_URL="https://help.ubuntu.com/"
BUG_REPORT_URL="https://bugs.launchpad.net/ubuntu/"
PRIVACY_POLICY_URL="https://www.ubuntu.com/legal/terms-and-policies/privacy-policy"
UBUNTU_CODENAME=jammy
"""

#: What ``cat`` shows of a program: the start of an ELF header, as a terminal would print it.
_PROGRAM_TEXT = "\x7fELF\x02\x01\x01"


@dataclass(frozen=True)
class _BaseEntry:
    kind: str
    mode: int
    owner: str = "root"
    text: str = ""
    size: int | None = None
    mtime: float = IMAGE_BUILT


def _base_layer() -> dict[str, _BaseEntry]:
    directories = {
        "/": 0o755, "/bin": 0o755, "/boot": 0o755, "/dev": 0o755, "/etc": 0o755, "/home": 0o755,
        "/lib": 0o755, "/media": 0o755, "/mnt": 0o755, "/opt": 0o755, "/proc": 0o555,
        "/root": 0o700, "/run": 0o755, "/sbin": 0o755, "/srv": 0o755, "/sys": 0o555,
        "/tmp": 0o1777, "/usr": 0o755, "/usr/bin": 0o755, "/usr/lib": 0o755,
        "/usr/local": 0o755, "/usr/local/bin": 0o755, "/usr/sbin": 0o755, "/usr/share": 0o755,
        "/var": 0o755, "/var/log": 0o755, "/var/tmp": 0o1777,
    }
    layer = {path: _BaseEntry("dir", mode) for path, mode in directories.items()}
    layer[HOME] = _BaseEntry("dir", 0o750, owner=USER)
    files = {
        f"{HOME}/.bashrc": (_BASHRC, 0o644, USER),
        f"{HOME}/.profile": (_PROFILE, 0o644, USER),
        f"{HOME}/.bash_logout": (_BASH_LOGOUT, 0o644, USER),
        "/etc/hostname": ("minikube-tutorial\n", 0o644, "root"),
        "/etc/os-release": (_OS_RELEASE, 0o644, "root"),
        "/etc/shells": ("# /etc/shells: valid login shells\n/bin/sh\n/bin/bash\n/usr/bin/bash\n",
                        0o644, "root"),
    }
    layer.update({path: _BaseEntry("file", mode, owner, text)
                  for path, (text, mode, owner) in files.items()})
    layer["/usr/local/bin/kubectl"] = _BaseEntry("file", 0o755, text=_PROGRAM_TEXT,
                                                 size=57036952, mtime=INSTALLED)
    layer["/usr/local/bin/minikube"] = _BaseEntry("file", 0o755, text=_PROGRAM_TEXT,
                                                  size=99143904, mtime=INSTALLED)
    return layer


_BASE = _base_layer()
_PROGRAM_DIRECTORIES = ("/usr/bin", "/bin", "/usr/local/bin")


def _programs(directory: str) -> set[str]:
    """The programs in ``directory``: the tools the shell finds there, as ``which`` does."""
    from ..commands import COMMANDS
    from .executor import Shell

    return {name for name in COMMANDS if directory in Shell._installed_in(name)}


class SandboxFileSystem:
    """The learner's machine: the base layer above under the overlay in ``state.files``.

    Overlay entries: ``{"kind": "file", "text": ..., "mode": ..., "mtime": ...}``,
    ``{"kind": "dir", "mode": ..., "mtime": ...}`` or ``{"kind": "gone"}`` (a whiteout).
    """

    def __init__(self, sandbox: "Sandbox", user: str = USER):
        self.sandbox = sandbox
        self.user = user

    # Looking things up.

    def _entry(self, files: dict, path: str) -> FileInfo | None:
        if path in files:
            entry = files[path]
            if entry["kind"] == "gone":
                return None
            size = _size(entry["text"]) if entry["kind"] == "file" else 4096
            return FileInfo(entry["kind"], size, entry["mtime"], entry["mode"],
                            entry.get("owner", self.user), entry.get("owner", self.user))
        base = _BASE.get(path)
        if base is None:
            directory, name = posixpath.split(path)
            if directory in _PROGRAM_DIRECTORIES and name in _programs(directory):
                return FileInfo("file", 14648, IMAGE_BUILT, 0o755)
            return None
        size = 4096 if base.kind == "dir" else base.size if base.size is not None else _size(base.text)
        return FileInfo(base.kind, size, base.mtime, base.mode, base.owner, base.owner)

    def _allowed(self, info: FileInfo, access: int) -> bool:
        """``access``: 4 read, 2 write, 1 search/execute."""
        bits = info.mode >> 6 if info.owner == self.user else info.mode
        return bits & access == access

    def _lookup(self, files: dict, path: str) -> FileInfo | None:
        """What is at ``path``, checking every directory on the way as the kernel does."""
        if path != "/":
            for parent in _parents(path):
                found = self._entry(files, parent)
                if found is None:
                    return None
                if found.kind != "dir":
                    raise FileSystemError(NOT_A_DIRECTORY)
                if not self._allowed(found, 1):
                    raise FileSystemError(PERMISSION_DENIED)
        return self._entry(files, path)

    def _files(self, cluster: "Cluster") -> dict:
        return cluster.state.files

    def info(self, path: str) -> FileInfo | None:
        with self.sandbox.transaction() as cluster:
            return self._lookup(self._files(cluster), path)

    def read(self, path: str) -> str:
        with self.sandbox.transaction() as cluster:
            files = self._files(cluster)
            found = self._lookup(files, path)
            if found is None:
                raise FileSystemError(NO_SUCH_FILE)
            if found.kind == "dir":
                raise FileSystemError(IS_A_DIRECTORY)
            if not self._allowed(found, 4):
                raise FileSystemError(PERMISSION_DENIED)
            if path in files:
                return files[path]["text"]
            return _PROGRAM_TEXT if path not in _BASE else _BASE[path].text

    def listdir(self, path: str) -> list[str]:
        with self.sandbox.transaction() as cluster:
            files = self._files(cluster)
            found = self._lookup(files, path)
            if found is None:
                raise FileSystemError(NO_SUCH_FILE)
            if found.kind != "dir":
                raise FileSystemError(NOT_A_DIRECTORY)
            if not self._allowed(found, 4):
                raise FileSystemError(PERMISSION_DENIED)
            names = _child_names(_BASE, path) | _child_names(files, path)
            if path in _PROGRAM_DIRECTORIES:
                names |= _programs(path)
            return sorted(name for name in names
                          if self._entry(files, posixpath.join(path, name)) is not None)

    def enter(self, path: str) -> None:
        with self.sandbox.transaction() as cluster:
            found = self._lookup(self._files(cluster), path)
        if found is None:
            raise FileSystemError(NO_SUCH_FILE)
        if found.kind != "dir":
            raise FileSystemError(NOT_A_DIRECTORY)
        if not self._allowed(found, 1):
            raise FileSystemError(PERMISSION_DENIED)

    # Changing things.

    def _writable_parent(self, files: dict, path: str) -> None:
        parent = self._lookup(files, posixpath.dirname(path))
        if parent is None:
            raise FileSystemError(NO_SUCH_FILE)
        if parent.kind != "dir":
            raise FileSystemError(NOT_A_DIRECTORY)
        if not self._allowed(parent, 3):
            raise FileSystemError(PERMISSION_DENIED)

    def _touch_directory(self, files: dict, path: str, now: float) -> None:
        found = self._entry(files, path)
        files[path] = {"kind": "dir", "mode": found.mode, "mtime": now,
                       **({} if found.owner == self.user else {"owner": found.owner})}

    def _check_room(self, files: dict, path: str, text: str) -> None:
        if _size(text) > MAX_FILE_SIZE:
            raise FileSystemError(NO_SPACE)
        others = sum(_size(entry["text"]) for key, entry in files.items()
                     if key != path and entry["kind"] == "file")
        if others + _size(text) > MAX_TOTAL_SIZE or (path not in files and len(files) >= MAX_ENTRIES):
            raise FileSystemError(NO_SPACE)

    def write(self, path: str, text: str, append: bool = False) -> None:
        with self.sandbox.transaction() as cluster:
            files = self._files(cluster)
            now = cluster.now
            found = self._lookup(files, path)
            if found is not None:
                if found.kind == "dir":
                    raise FileSystemError(IS_A_DIRECTORY)
                if not self._allowed(found, 2):
                    raise FileSystemError(PERMISSION_DENIED)
                if append:
                    text = self.read(path) + text
                mode, owner = found.mode, found.owner
            else:
                self._writable_parent(files, path)
                self._touch_directory(files, posixpath.dirname(path), now)
                mode, owner = 0o664 if self.user != "root" else 0o644, self.user
            self._check_room(files, path, text)
            files[path] = {"kind": "file", "text": text, "mode": mode, "mtime": now,
                           **({} if owner == self.user else {"owner": owner})}
            cluster.mark_state_changed()

    def mkdir(self, path: str) -> None:
        with self.sandbox.transaction() as cluster:
            files = self._files(cluster)
            if self._lookup(files, path) is not None:
                raise FileSystemError(FILE_EXISTS)
            self._writable_parent(files, path)
            self._check_room(files, path, "")
            self._touch_directory(files, posixpath.dirname(path), cluster.now)
            files[path] = {"kind": "dir", "mode": 0o775, "mtime": cluster.now}
            cluster.mark_state_changed()

    def remove(self, path: str) -> None:
        with self.sandbox.transaction() as cluster:
            files = self._files(cluster)
            found = self._lookup(files, path)
            if found is None:
                raise FileSystemError(NO_SUCH_FILE)
            if found.kind == "dir" and self.listdir(path):
                raise FileSystemError(NOT_EMPTY)
            self._writable_parent(files, path)
            self._touch_directory(files, posixpath.dirname(path), cluster.now)
            if path in _BASE:
                files[path] = {"kind": "gone"}
            else:
                files.pop(path, None)
            cluster.mark_state_changed()

    def set_mtime(self, path: str, mtime: float) -> None:
        """Change a file's modification time (``touch`` on a file that exists)."""
        with self.sandbox.transaction() as cluster:
            files = self._files(cluster)
            found = self._lookup(files, path)
            if found is None:
                raise FileSystemError(NO_SUCH_FILE)
            if found.owner != self.user:
                raise FileSystemError(PERMISSION_DENIED)
            if path not in files:
                base = _BASE[path]
                files[path] = ({"kind": "dir", "mode": base.mode, "mtime": mtime}
                               if base.kind == "dir" else
                               {"kind": "file", "text": base.text, "mode": base.mode, "mtime": mtime})
            files[path]["mtime"] = mtime
            cluster.mark_state_changed()


# -- a container ---------------------------------------------------------------------------------

_PODS = resolve_resource("pods")
#: The directories of a Linux root file system, which every catalogue image has.
_ROOT_DIRECTORIES = frozenset({
    "/bin", "/dev", "/etc", "/home", "/lib", "/mnt", "/opt", "/proc", "/root", "/run", "/sbin",
    "/srv", "/sys", "/tmp", "/usr", "/usr/bin", "/usr/lib", "/usr/local", "/usr/local/bin",
    "/usr/sbin", "/usr/share", "/var", "/var/log", "/var/tmp"})


def _layer_key(pod: dict, container_name: str) -> str:
    """Where a container's writable layer lives in the ``volumes`` store.

    A volume's key is ``<uid>/<volume name>`` and a volume name has no ``/``, so this key never
    meets one, and ``containers.forget_pod_volumes`` drops it with the pod. The restart count is
    part of it: a restarted container starts from its image again.
    """
    statuses = pod.get("status", {}).get("containerStatuses") or []
    restarts = next((status.get("restartCount", 0) for status in statuses
                     if status.get("name") == container_name), 0)
    return f"{pod['metadata']['uid']}/{container_name}/{restarts}"


def _text_of(content: containers.FileContent) -> str:
    return content if isinstance(content, str) else content.decode("utf-8", "surrogateescape")


class ContainerFileSystem:
    """The files of one container, as ``kubectl exec`` shows them (the user is root)."""

    def __init__(self, sandbox: "Sandbox", namespace: str, pod_name: str, container_name: str):
        self.sandbox = sandbox
        self.namespace = namespace
        self.pod_name = pod_name
        self.container_name = container_name
        #: The last view computed and the cluster (one transaction) it was computed in.
        self._cached: tuple["Cluster", tuple] | None = None

    def _pod(self, cluster: "Cluster") -> dict:
        pod = cluster.store.find(_PODS, self.namespace, self.pod_name)
        if pod is None:
            raise FileSystemError(NO_SUCH_FILE)
        return pod

    def _view(self, cluster: "Cluster") -> tuple[dict, dict[str, str], set[str], float]:
        """The pod, every file (path → text), every directory, and when the container started;
        computed once per transaction unless this file system writes."""
        if self._cached is not None and self._cached[0] is cluster:
            return self._cached[1]
        view = self._compute_view(cluster)
        self._cached = (cluster, view)
        return view

    def _compute_view(self, cluster: "Cluster") -> tuple[dict, dict[str, str], set[str], float]:
        pod = self._pod(cluster)
        volumes = cluster.state.volumes
        files = {path: _text_of(content) for path, content in
                 containers.container_files(cluster, pod, self.container_name, volumes).items()}
        directories = containers.container_directories(cluster, pod, self.container_name, volumes)
        directories |= _ROOT_DIRECTORIES
        for path, value in (volumes.get(_layer_key(pod, self.container_name)) or {}).items():
            if value is None:
                files.pop(path, None)
                directories.discard(path)
            elif path.endswith("/"):
                directories.add(path.rstrip("/") or "/")
            else:
                files[path] = value
        started = containers.container_started_at(pod, self.container_name)
        return pod, files, directories, parse_rfc3339(started) if started else 0.0

    def info(self, path: str) -> FileInfo | None:
        with self.sandbox.transaction() as cluster:
            _, files, directories, started = self._view(cluster)
            for parent in _parents(path) if path != "/" else ():
                if parent in files:
                    raise FileSystemError(NOT_A_DIRECTORY)
            if path in directories:
                return FileInfo("dir", 4096, started, 0o755)
            if path in files:
                return FileInfo("file", _size(files[path]), started, 0o644)
            return None

    def read(self, path: str) -> str:
        found = self.info(path)
        if found is None:
            raise FileSystemError(NO_SUCH_FILE)
        if found.kind == "dir":
            raise FileSystemError(IS_A_DIRECTORY)
        with self.sandbox.transaction() as cluster:
            return self._view(cluster)[1][path]

    def listdir(self, path: str) -> list[str]:
        found = self.info(path)
        if found is None:
            raise FileSystemError(NO_SUCH_FILE)
        if found.kind != "dir":
            raise FileSystemError(NOT_A_DIRECTORY)
        with self.sandbox.transaction() as cluster:
            _, files, directories, _ = self._view(cluster)
            return sorted(_child_names(files, path) | _child_names(directories, path))

    def enter(self, path: str) -> None:
        found = self.info(path)
        if found is None:
            raise FileSystemError(NO_SUCH_FILE)
        if found.kind != "dir":
            raise FileSystemError(NOT_A_DIRECTORY)

    def _parent_must_be_directory(self, path: str) -> None:
        parent = self.info(posixpath.dirname(path))
        if parent is None:
            raise FileSystemError(NO_SUCH_FILE)
        if parent.kind != "dir":
            raise FileSystemError(NOT_A_DIRECTORY)

    def _store(self, cluster: "Cluster", pod: dict, path: str, value: str | None) -> None:
        """Put ``value`` (text, ``""`` for a directory given as ``path/``, None to delete) at
        ``path``: in the emptyDir it lies on, else in the container's own layer."""
        self._cached = None
        volumes = cluster.state.volumes
        location = containers.writable_location(pod, self.container_name, path.rstrip("/") or "/")
        if location is not None and location[1]:
            volume, inner = location
            if value is None:
                containers.remove_volume_file(volumes, pod, volume, inner)
            elif path.endswith("/"):
                volumes.setdefault(containers.volume_key(pod, volume), {})[inner + "/"] = ""
            else:
                if _size(value) > MAX_FILE_SIZE:
                    raise FileSystemError(NO_SPACE)
                containers.write_volume_file(volumes, pod, volume, inner, value)
        elif self._read_only_mount(pod, path.rstrip("/")):
            raise FileSystemError(READ_ONLY)
        else:
            key = _layer_key(pod, self.container_name)
            stale = key.rsplit("/", 1)[0] + "/"
            for other in [other for other in volumes if other.startswith(stale) and other != key]:
                del volumes[other]
            layer = volumes.setdefault(key, {})
            if value is not None and _size(value) > MAX_FILE_SIZE:
                raise FileSystemError(NO_SPACE)
            layer[path] = value
        cluster.mark_state_changed()

    def _read_only_mount(self, pod: dict, path: str) -> bool:
        """True when ``path`` lies on a mounted volume that is not a writable emptyDir."""
        spec = pod["spec"]
        mounts = [mount for container in spec.get("containers", []) + spec.get("initContainers", [])
                  if container["name"] == self.container_name
                  for mount in container.get("volumeMounts") or []]
        return any(path == mount["mountPath"].rstrip("/")
                   or path.startswith(mount["mountPath"].rstrip("/") + "/") for mount in mounts)

    def write(self, path: str, text: str, append: bool = False) -> None:
        found = self.info(path)
        if found is not None and found.kind == "dir":
            raise FileSystemError(IS_A_DIRECTORY)
        if found is None:
            self._parent_must_be_directory(path)
        elif append:
            text = self.read(path) + text
        with self.sandbox.transaction() as cluster:
            self._store(cluster, self._pod(cluster), path, text)

    def mkdir(self, path: str) -> None:
        if self.info(path) is not None:
            raise FileSystemError(FILE_EXISTS)
        self._parent_must_be_directory(path)
        with self.sandbox.transaction() as cluster:
            self._store(cluster, self._pod(cluster), path + "/", "")

    def remove(self, path: str) -> None:
        found = self.info(path)
        if found is None:
            raise FileSystemError(NO_SUCH_FILE)
        if found.kind == "dir" and self.listdir(path):
            raise FileSystemError(NOT_EMPTY)
        with self.sandbox.transaction() as cluster:
            pod = self._pod(cluster)
            location = containers.writable_location(pod, self.container_name, path)
            if location is not None and location[1]:
                self._store(cluster, pod, path, None)
                return
            if self._read_only_mount(pod, path):
                raise FileSystemError(READ_ONLY)
            layer = cluster.state.volumes.setdefault(_layer_key(pod, self.container_name), {})
            layer.pop(path, None)
            layer.pop(path + "/", None)
            self._cached = None
            if self.info(path) is not None:
                layer[path] = None
            self._cached = None
            cluster.mark_state_changed()

    def set_mtime(self, path: str, mtime: float) -> None:
        """Containers keep no times of their own; ``touch`` on an existing file changes nothing."""
        if self.info(path) is None:
            raise FileSystemError(NO_SUCH_FILE)


class FileOutput(io.TextIOBase):
    """A file a redirection opened for writing: each write reaches the file at once, as it would
    through a file descriptor, so the file holds whatever the command wrote before it stopped."""

    def __init__(self, fs: FileSystem, path: str, errors: TextIO):
        self._fs = fs
        self._path = path
        self._errors = errors
        self._failed = False

    def writable(self) -> bool:
        return True

    def write(self, text: str) -> int:
        if text and not self._failed:
            try:
                self._fs.write(self._path, text, append=True)
            except FileSystemError as error:
                self._failed = True
                self._errors.write(f"bash: write error: {error.strerror}\n")
        return len(text)
