"""The state document, the random generator, timers and transactions: the engine's foundations."""

import uuid

import pytest

from cluster_engine.clock import FakeClock
from cluster_engine.cluster import Cluster
from cluster_engine.resources import resolve
from cluster_engine.rng import SandboxRandom
from cluster_engine.sandbox import LocalBackend, Sandbox
from cluster_engine.state import SandboxState
from cluster_engine.timers import timer_action

NAMESPACES = resolve("namespaces")
CONFIGMAPS = resolve("configmaps")


@timer_action("test.label-namespace")
def _label_namespace(cluster, name, value):
    namespace = cluster.store.get(NAMESPACES, None, name)
    namespace["metadata"].setdefault("labels", {})[f"at-{int(cluster.now)}"] = value
    cluster.store.update(NAMESPACES, namespace)


def test_state_survives_a_json_round_trip_exactly():
    clock = FakeClock()
    state = SandboxState.fresh(seed=42)
    cluster = Cluster(state, clock)
    cluster.store.create(NAMESPACES, {"metadata": {"name": "日本語-ok"}})
    cluster.timers.schedule(clock.now() + 5, "test.label-namespace", "日本語-ok", "v")
    cluster.finish()
    assert SandboxState.from_json(state.to_json()) == state


def test_the_same_seed_draws_the_same_names_and_a_saved_generator_continues_the_sequence():
    first, second = SandboxRandom(7), SandboxRandom(7)
    assert [first.token(5) for _ in range(3)] == [second.token(5) for _ in range(3)]
    resumed = SandboxRandom(first.state)
    assert resumed.token(5) == first.token(5)
    assert all(c in "bcdfghjklmnpqrstvwxz2456789" for c in first.token(50))


def test_uuids_are_version_4_with_the_rfc_4122_variant_and_use_two_draws_of_64_bits():
    generator = SandboxRandom(11)
    for _ in range(200):
        before = SandboxRandom(generator.state)
        value = uuid.UUID(generator.uuid())
        assert (value.version, value.variant) == (4, uuid.RFC_4122)
        high, low = before.next_u64(), before.next_u64()
        random_bits = ~((0xF << 76) | (0x3 << 62)) & ((1 << 128) - 1)
        assert value.int & random_bits == ((high << 64) | low) & random_bits
        assert before.state == generator.state


def test_advancing_in_one_step_or_many_gives_the_same_state():
    def run(steps):
        clock = FakeClock()
        cluster = Cluster(SandboxState.fresh(seed=1), clock)
        cluster.store.create(NAMESPACES, {"metadata": {"name": "demo"}})
        for delay in (3, 1, 2):
            cluster.timers.schedule(clock.now() + delay, "test.label-namespace", "demo", str(delay))
        for step in steps:
            clock.advance(step)
            cluster.advance()
        cluster.finish()
        return cluster.state.to_json()

    assert run([10]) == run([1, 1, 1, 7]) == run([0.5] * 20)


def test_timers_run_in_due_order_at_their_own_time():
    clock = FakeClock()
    cluster = Cluster(SandboxState.fresh(), clock)
    cluster.store.create(NAMESPACES, {"metadata": {"name": "demo"}})
    cluster.timers.schedule(clock.now() + 2, "test.label-namespace", "demo", "second")
    cluster.timers.schedule(clock.now() + 1, "test.label-namespace", "demo", "first")
    clock.advance(10)
    cluster.advance()
    labels = cluster.store.get(NAMESPACES, None, "demo")["metadata"]["labels"]
    start = int(clock.now()) - 10
    assert labels == {f"at-{start + 1}": "first", f"at-{start + 2}": "second"}


def test_store_hands_out_copies_and_refuses_stale_updates():
    cluster = Cluster(SandboxState.fresh(), FakeClock())
    created = cluster.store.create(CONFIGMAPS, {"metadata": {"name": "c"}, "data": {"k": "v"}})
    created["data"]["k"] = "changed"
    assert cluster.store.get(CONFIGMAPS, "default", "c")["data"] == {"k": "v"}
    cluster.store.update(CONFIGMAPS, created)
    from cluster_engine.errors import Conflict
    with pytest.raises(Conflict):
        cluster.store.update(CONFIGMAPS, created)


class CountingBackend(LocalBackend):
    def __init__(self):
        super().__init__()
        self.calls = []

    def begin(self, have_version):
        self.calls.append("begin")
        return super().begin(have_version)

    def commit(self, state_json, object_count):
        self.calls.append("commit")
        return super().commit(state_json, object_count)

    def abort(self):
        self.calls.append("abort")


def test_a_transaction_commits_only_when_something_changed():
    backend = CountingBackend()
    sandbox = Sandbox(backend, FakeClock())
    with sandbox.transaction() as cluster:
        cluster.store.list(NAMESPACES)
    with sandbox.transaction() as cluster:
        cluster.store.create(NAMESPACES, {"metadata": {"name": "x"}})
    assert backend.calls == ["begin", "abort", "begin", "commit"]
    assert SandboxState.from_json(backend.state_json).object_count() == 1


def test_an_error_inside_a_transaction_saves_nothing_and_drops_the_cached_copy():
    backend = CountingBackend()
    sandbox = Sandbox(backend, FakeClock())
    with pytest.raises(RuntimeError):
        with sandbox.transaction() as cluster:
            cluster.store.create(NAMESPACES, {"metadata": {"name": "half-done"}})
            raise RuntimeError("the command failed half-way")
    with sandbox.transaction() as cluster:
        assert cluster.store.list(NAMESPACES) == []
    assert backend.calls == ["begin", "abort", "begin", "abort"]
