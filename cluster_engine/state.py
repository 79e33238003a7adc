"""One sandbox's whole state, as one JSON document.

Everything that makes a learner's cluster theirs lives here: the objects, the time the cluster
was last advanced to, pending timers, the random generator, the minikube profile, what the
containers have written to stdout (``logs``, kept by the kubelet) and to their emptyDir volumes
(``volumes``), and the shell's own data.
The web side stores it in the database; the sandbox process borrows it for one command at a
time. ``to_json`` and ``from_json`` are exact inverses.
"""

from __future__ import annotations

import gc
import json
from dataclasses import dataclass, field, fields

SCHEMA_VERSION = 1


class cyclic_collection_paused:  # noqa: N801  (used like contextlib's lower-case helpers)
    """Python's cyclic garbage collector held off while a state is loaded or the controllers
    work on it. A state is a tree of dicts and lists that reference counting frees, yet every
    full collection walks all of it: loading 3,000 pods took 0.5 s instead of 0.2 s, and a
    scale-up to them spent ~15% of its CPU there. Collection resumes, with its usual
    thresholds, when the outermost pause ends. (A class, not a generator: the controllers
    enter it ten thousand times in a big scale-up.)"""

    def __enter__(self) -> None:
        self._paused_here = gc.isenabled()
        if self._paused_here:
            gc.disable()

    def __exit__(self, *exc_info) -> None:
        if self._paused_here:
            gc.enable()


#: What ``minikube`` knows about its (only) profile when nothing has been started yet.
PROFILE_ABSENT = {"status": "Absent"}


@dataclass
class SandboxState:
    objects: dict[str, dict[str, dict]] = field(default_factory=dict)
    counters: dict[str, int] = field(default_factory=dict)
    rng_state: int = 0
    now: float | None = None
    timers: list[list] = field(default_factory=list)
    minikube: dict = field(default_factory=lambda: dict(PROFILE_ABSENT))
    shell: dict = field(default_factory=dict)
    logs: dict = field(default_factory=dict)
    #: What containers wrote to their emptyDir volumes (``containers.volume_key`` → files).
    volumes: dict = field(default_factory=dict)
    #: Ports taken on the learner machine's loopback (``loopback.py``): port → listener record.
    loopback: dict = field(default_factory=dict)
    #: The learner's own files over the machine's base layer (``shell.filesystem.SandboxFileSystem``).
    files: dict = field(default_factory=dict)
    schema: int = SCHEMA_VERSION

    @classmethod
    def fresh(cls, seed: int = 0) -> "SandboxState":
        """A new learner's machine: minikube is installed, no cluster has been started."""
        return cls(rng_state=seed)

    def to_dict(self) -> dict:
        """The fields themselves, not copies: ``asdict`` would deep-copy every object first."""
        return {f.name: getattr(self, f.name) for f in fields(self)}

    def to_json(self) -> str:
        return json.dumps(self.to_dict(), separators=(",", ":"), sort_keys=True)

    @classmethod
    def from_dict(cls, data: dict) -> "SandboxState":
        if data.get("schema") != SCHEMA_VERSION:
            raise ValueError(f"unsupported sandbox state schema {data.get('schema')!r}")
        return cls(**data)

    @classmethod
    def from_json(cls, text: str) -> "SandboxState":
        with cyclic_collection_paused():
            return cls.from_dict(json.loads(text))

    def object_count(self) -> int:
        return sum(len(bucket) for bucket in self.objects.values())
