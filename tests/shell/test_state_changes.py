"""What a command saves: changes outside the objects (files, listeners) are named, not smuggled.

``Cluster.finish`` sees changes to objects, timers, the random generator and the minikube
profile by itself; whatever else a command writes into the state says so with
``Cluster.mark_state_changed``. A command that changes nothing still costs no database write.
"""

from cluster_engine import loopback
from cluster_engine.clock import FakeClock
from cluster_engine.cluster import Cluster
from cluster_engine.sandbox import LocalBackend, Sandbox
from cluster_engine.shell.filesystem import SandboxFileSystem
from cluster_engine.state import SandboxState


def test_a_cluster_nobody_changed_has_nothing_to_save():
    assert Cluster(SandboxState.fresh(), FakeClock()).finish() is False


def test_a_change_marked_outside_the_objects_is_saved():
    cluster = Cluster(SandboxState.fresh(), FakeClock())
    cluster.mark_state_changed()
    assert cluster.finish() is True


def test_writing_a_file_commits_and_reading_it_does_not():
    backend = LocalBackend()
    files = SandboxFileSystem(Sandbox(backend, FakeClock()))
    files.write("/home/learner/notes.txt", "one\n")
    assert backend.version == 2
    assert files.read("/home/learner/notes.txt") == "one\n"
    assert backend.version == 2
    assert SandboxState.from_json(backend.state_json).files["/home/learner/notes.txt"]["text"] == \
        "one\n"


def test_taking_and_freeing_a_loopback_port_commits_each_time():
    backend = LocalBackend()
    sandbox = Sandbox(backend, FakeClock())
    with sandbox.transaction() as cluster:
        loopback.listen(cluster, 8001, "proxy", 4242)
    assert SandboxState.from_json(backend.state_json).loopback["8001"]["pid"] == 4242
    with sandbox.transaction() as cluster:
        loopback.close_owned_by(cluster, 9999)
    assert backend.version == 2
    with sandbox.transaction() as cluster:
        loopback.close_owned_by(cluster, 4242)
    assert (backend.version, SandboxState.from_json(backend.state_json).loopback) == (3, {})
