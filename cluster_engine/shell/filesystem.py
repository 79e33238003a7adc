"""The files a shell sees: the learner's machine, or the inside of a container.

Every command that touches files (redirections, globs, ``cd``, ``ls``, ``cat``, Tab completion)
goes through ``ctx.fs``, an object with this shape, and never learns which machine it is on. The
learner's machine keeps its files in the sandbox state, so they survive reconnects and resets
clear them; a container's files come from its image, its volumes and the cluster
(``containers.container_files``).

Paths handed to a FileSystem are absolute and normalised (``resolve`` makes them so). Failures
raise ``FileSystemError`` carrying the C library's words (``No such file or directory``), so a
tool prints ``cat: x: No such file or directory`` exactly as coreutils would.
"""

from __future__ import annotations

import posixpath
from dataclasses import dataclass
from typing import Protocol

NO_SUCH_FILE = "No such file or directory"
IS_A_DIRECTORY = "Is a directory"
NOT_A_DIRECTORY = "Not a directory"
FILE_EXISTS = "File exists"
PERMISSION_DENIED = "Permission denied"
NOT_EMPTY = "Directory not empty"
NO_SPACE = "No space left on device"
READ_ONLY = "Read-only file system"


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


def resolve(cwd: str, path: str) -> str:
    """``path`` as an absolute, normalised path, read relative to ``cwd``."""
    joined = posixpath.normpath(posixpath.join(cwd, path))
    return "/" + joined.lstrip("/") if joined.startswith("//") else joined


class FileSystem(Protocol):
    def info(self, path: str) -> FileInfo | None:
        """What is at ``path``, or None if nothing is."""

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
