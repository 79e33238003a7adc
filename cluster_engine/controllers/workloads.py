"""The garbage collector, the deployment controller and the replicaset controller.

These are what kube-controller-manager runs for workloads: a Deployment is turned into
ReplicaSets (one per pod template, named by its hash), a ReplicaSet into pods, and whatever lost
its controlling owner is deleted. Each loop is level-driven: it reads the store as it is, makes at
most one step per object, and writes only when something differs, so a quiet cluster costs no
writes. The rules themselves are the pure functions of ``cluster_engine.workloads``; this module
reads, asks them, writes, and records the events the real controllers record.

Pods are handed to the scheduler and kubelet through the store alone: they are created without
``nodeName`` and deleted the Kubernetes way (``workloads.delete_pod``), and come back Ready when
the kubelet says so. Anything that depends on time passing (a progress deadline, pods becoming
available after ``minReadySeconds``) is a timer, so the state at a given time does not depend on
how the clock got there.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Iterable

from .. import workloads as w
from ..cluster import Cluster, WorkQueue, controller, informer
from ..defaults import admit_pod, default_pod_fields
from ..errors import AlreadyExists, Conflict, NotFound
from ..events import object_reference, record_event
from ..resources import RESOURCE_TYPES
from ..store import clone, status_copy
from ..timers import timer_action

PODS, DEPLOYMENTS, REPLICASETS = w.PODS, w.DEPLOYMENTS, w.REPLICASETS
DEPLOYMENT_CONTROLLER = "deployment-controller"
REPLICASET_CONTROLLER = "replicaset-controller"
RECHECK = "workloads.recheck"
#: A ReplicaSet whose pods only became ready or unready writes its status on the next tick of
#: this grid instead of once per pod, as the real controller's work queue folds a burst of pod
#: updates into one sync: 3,000 pods turning ready cost a few dozen status writes, not 3,000.
STATUS_SYNC_SECONDS = 0.05

_GC_SKIPPED = {"events"}


@timer_action(RECHECK)
def _recheck(cluster: Cluster, kind: str, namespace: str, name: str) -> None:
    """Nothing to do but be due: the reconcile that follows every timer looks again."""


def _schedule_recheck(cluster: Cluster, due: float, kind: str, namespace: str, name: str) -> None:
    args = [kind, namespace, name]
    if due <= cluster.now:
        return
    if any(timer[0] == due and timer[2] == RECHECK and timer[3] == args
           for timer in cluster.state.timers):
        return
    cluster.timers.schedule(due, RECHECK, *args)


def _write(cluster: Cluster, rt, obj: dict, handed_over: bool = False) -> dict | None:
    """Update unless someone changed it since it was read (then the next round sees the news)."""
    try:
        return cluster.store.update(rt, obj, handed_over=handed_over)
    except (Conflict, NotFound):
        return None


def _write_spec(cluster: Cluster, rt, obj: dict) -> dict | None:
    """Write ``obj``, the caller's own copy (its metadata and spec at least), handed over to
    the store; the generation follows the spec. Returns the stored object, for reading."""
    stored = cluster.store.peek(rt, obj["metadata"].get("namespace"), obj["metadata"]["name"])
    if stored is None:
        return None
    w.bump_generation_if_spec_changed(stored, obj)
    return _write(cluster, rt, obj, handed_over=True)


def _deployment_copy(deployment: dict) -> dict:
    """A deployment for a sync to change: its own metadata, annotations and status (the sync
    sets the revision annotation and the status and only reads the spec)."""
    copy_ = status_copy(deployment)
    if "annotations" in copy_["metadata"]:
        copy_["metadata"]["annotations"] = dict(copy_["metadata"]["annotations"])
    return copy_


def _replica_set_copy(rs: dict) -> dict:
    """A ReplicaSet for a deployment sync to change: its own metadata, annotations and spec,
    one level deep (the sync sets annotations and the size); the rest is the stored one's."""
    meta = rs["metadata"]
    return {**rs, "metadata": {**meta, "annotations": dict(meta.get("annotations", {}))},
            "spec": dict(rs["spec"])}


# -- garbage collector ---------------------------------------------------------------------------
@dataclass
class _GarbageQueues:
    """Per type, the keys of objects whose owners may have gone; and the types whose queues
    may hold keys (every one that does), so that an idle pass is a single test."""

    by_type: dict[str, WorkQueue]
    pending: set[str]

    def add(self, qualified_name: str, key: str) -> None:
        self.by_type[qualified_name].add(key)
        self.pending.add(qualified_name)


@informer
def _gc_queues(cluster: Cluster) -> _GarbageQueues:
    """The garbage collector's queues, fed with the objects written with new owner references
    and the dependents of anything created or deleted (looked up by owner uid)."""
    queues = cluster.cache.get("gc.queues")
    if queues is not None:
        return queues
    dependents: dict[str, set[tuple[str, str]]] = {}

    def track(qualified_name: str, obj: dict) -> str:
        key = _store_key(obj)
        for ref in obj["metadata"].get("ownerReferences") or ():
            dependents.setdefault(ref.get("uid"), set()).add((qualified_name, key))
        return key

    by_type = {rt.qualified_name: WorkQueue(
                   track(rt.qualified_name, obj) for obj in cluster.store.iter_stored(rt)
                   if obj["metadata"].get("ownerReferences"))
               for rt in RESOURCE_TYPES if rt.qualified_name not in _GC_SKIPPED}
    queues = cluster.cache["gc.queues"] = _GarbageQueues(
        by_type, {qualified_name for qualified_name, queue in by_type.items() if queue})

    def on_write(qualified_name: str, old: dict | None, new: dict | None) -> None:
        references = new["metadata"].get("ownerReferences") if new is not None else None
        if references and (old is None or old["metadata"].get("ownerReferences") != references):
            queues.add(qualified_name, track(qualified_name, new))
        if old is None or new is None:
            uid = (new or old)["metadata"].get("uid")
            for dependent_type, key in dependents.get(uid, ()):
                queues.add(dependent_type, key)

    cluster.store.watch(on_write, *by_type)
    return queues


def _store_key(obj: dict) -> str:
    return f'{obj["metadata"].get("namespace") or ""}/{obj["metadata"]["name"]}'


@controller
def collect_garbage(cluster: Cluster) -> None:
    """Delete what lost all its owners; drop references to owners that are gone."""
    queues = _gc_queues(cluster)
    if not queues.pending:
        return
    exists = w.owner_exists_in(cluster.state.objects)
    for rt in RESOURCE_TYPES:
        if rt.qualified_name in _GC_SKIPPED:
            continue
        bucket = cluster.state.objects.get(rt.qualified_name, {})
        orphaned, trimmed = [], []
        for key in queues.by_type[rt.qualified_name].drain():
            obj = bucket.get(key)
            if obj is None or not obj["metadata"].get("ownerReferences"):
                continue
            present, gone = w.dangling_owner_refs(obj, exists)
            if gone and not present:
                orphaned.append(obj)
            elif gone:
                trimmed.append((obj, present))
        for obj in orphaned:
            meta = obj["metadata"]
            if rt is PODS:
                if not meta.get("deletionTimestamp"):
                    w.delete_pod(cluster, obj)
            else:
                cluster.store.delete(rt, meta.get("namespace"), meta["name"])
        for obj, present in trimmed:
            obj = clone(obj)
            obj["metadata"]["ownerReferences"] = present
            _write(cluster, rt, obj)
    queues.pending = {qualified_name for qualified_name in queues.pending
                      if queues.by_type[qualified_name]}


# -- claiming (adoption and release) -------------------------------------------------------------
def _claim(cluster: Cluster, owner: dict, rt, candidates: list[dict]) -> list[dict]:
    """``ControllerRefManager``: what the owner controls, adopting matching orphans and letting go
    of children whose labels no longer match.

    Verdicts that need no write (someone else's child, or one of ours that stays) are
    remembered per child with all they read of it (owner references, labels, deletion
    timestamp), for as long as the selector holds: a write that leaves those alone, such as
    a status update, leaves the verdict too."""
    uid = owner["metadata"]["uid"]
    selector = owner["spec"].get("selector")
    memos = cluster.cache.setdefault("claims", {})
    memo = memos.get(uid)
    if memo is None or memo[0] != selector:
        memo = memos[uid] = (clone(selector), {})
    verdicts = memo[1]
    claimed = []
    for child in candidates:
        meta = child["metadata"]
        facts = (meta.get("ownerReferences"), meta.get("labels"), meta.get("deletionTimestamp"))
        hit = verdicts.get(meta["name"])
        if hit is not None and hit[0] == facts:
            if hit[1]:
                claimed.append(child)
            continue
        ref = w.controller_ref(child)
        matches = w.selector_matches(selector, meta.get("labels"))
        if ref is not None and ref.get("uid") != uid:
            verdicts[meta["name"]] = (facts, False)
            continue
        if ref is not None:
            if matches or meta.get("deletionTimestamp"):
                verdicts[meta["name"]] = (facts, True)
                claimed.append(child)
                continue
            released = clone(child)
            released["metadata"]["ownerReferences"] = [
                other for other in child["metadata"]["ownerReferences"] if other.get("uid") != uid]
            _write(cluster, rt, released)
            continue
        if matches and not child["metadata"].get("deletionTimestamp"):
            adopted = clone(child)
            adopted["metadata"].setdefault("ownerReferences", []).append(w.owner_reference(owner))
            adopted = _write(cluster, rt, adopted)
            if adopted is not None:
                claimed.append(adopted)
    return claimed


# -- replicaset controller -----------------------------------------------------------------------
@informer
def _replica_set_queue(cluster: Cluster) -> WorkQueue:
    """ReplicaSets to sync: those written, and those a written pod belongs to or could be
    adopted by (an orphan concerns every ReplicaSet of its namespace); a pod that only changed
    its readiness has its ReplicaSet synced on the next status tick. A cluster loaded settled
    starts with none, as the one that saved it had none left: a sync it would do at once
    could otherwise come before the tick the running cluster waits for."""
    queue = cluster.cache.get("replicaset.queue")
    if queue is not None:
        return queue
    queue = cluster.cache["replicaset.queue"] = WorkQueue(
        () if cluster.settled else (_store_key(rs) for rs in cluster.store.iter_stored(REPLICASETS)))
    memberships = _memberships(cluster)
    status_syncs = {f"{timer[3][1]}/{timer[3][2]}" for timer in cluster.state.timers
                    if timer[2] == RECHECK and timer[3][0] == "ReplicaSet"}

    def on_write(qualified_name: str, old: dict | None, new: dict | None) -> None:
        if qualified_name == REPLICASETS.qualified_name:
            queue.add(_store_key(new or old))
        elif qualified_name == PODS.qualified_name:
            readiness_only = False
            if old is not None and new is not None:
                before, after = _claim_facts(old), _claim_facts(new)
                if before == after:
                    return
                readiness_only = before[:-1] == after[:-1]
            refs = [w.controller_ref(pod) for pod in (old, new) if pod is not None]
            orphaned = None in refs
            owners = {ref.get("uid") for ref in refs if ref is not None}
            pod = new or old
            key = _store_key(pod)
            for rs in cluster.store.iter_stored(REPLICASETS, pod["metadata"].get("namespace")):
                if orphaned or rs["metadata"]["uid"] in owners:
                    members = memberships.get(rs["metadata"]["uid"])
                    if members is not None:
                        members.changed.add(key)
                    if readiness_only and not orphaned:
                        _sync_status_on_tick(rs)
                    else:
                        queue.add(_store_key(rs))

    def _sync_status_on_tick(rs: dict) -> None:
        key = _store_key(rs)
        if key not in status_syncs and key not in queue:
            status_syncs.add(key)
            tick = (math.floor(cluster.now / STATUS_SYNC_SECONDS) + 1) * STATUS_SYNC_SECONDS
            cluster.timers.schedule(tick, RECHECK, "ReplicaSet", rs["metadata"]["namespace"],
                                    rs["metadata"]["name"])

    def on_timer(event: str, action: str, args: list) -> None:
        if event == "fired" and action == RECHECK and args[0] == "ReplicaSet":
            status_syncs.discard(f"{args[1]}/{args[2]}")
            queue.add(f"{args[1]}/{args[2]}")

    cluster.store.watch(on_write, REPLICASETS.qualified_name, PODS.qualified_name)
    cluster.timers.listeners.append(on_timer)
    return queue


def _claim_facts(pod: dict) -> tuple:
    """All a ReplicaSet's sync reads of a pod while it stays settled: a pod write that leaves
    these alone cannot change the claim, the replica count or the status. (Timing, which
    ``minReadySeconds`` brings in, is covered by syncing such ReplicaSets every time; the
    finer facts of choosing victims only matter in a sync that writes, and so repeats.)"""
    meta = pod["metadata"]
    return (meta.get("labels"), meta.get("ownerReferences"), meta.get("deletionTimestamp"),
            pod.get("status", {}).get("phase") in ("Succeeded", "Failed"), w.is_ready(pod))


@controller
def reconcile_replica_sets(cluster: Cluster) -> None:
    queue = _replica_set_queue(cluster)
    for key in _waiting_for_availability(cluster):
        queue.add(key)
    for key in queue.drain():
        namespace, name = key.split("/", 1)
        rs = cluster.store.peek(REPLICASETS, namespace, name)
        if rs is not None:
            _sync_replica_set(cluster, rs, queue)


def _waiting_for_availability(cluster: Cluster) -> Iterable[str]:
    """Store keys of the ReplicaSets with ``minReadySeconds``, whose pods become available as
    time passes rather than on a write: they are synced every time."""
    return cluster.index(REPLICASETS.qualified_name, "replicasets.min-ready-seconds",
                         _has_min_ready_seconds).get(True, ())


def _has_min_ready_seconds(rs: dict) -> bool | None:
    return True if rs["spec"].get("minReadySeconds") else None


@dataclass
class _Membership:
    """A ReplicaSet's active pods as its last sync left them, so the next sync re-examines only
    the pods written since (``changed``, fed by the queue's store listener) instead of every pod
    of the namespace: what keeps a 3,000-pod ReplicaSet from costing O(pods) per pod change.

    Valid while the selector and template labels it was built for hold, and only without
    ``minReadySeconds`` (where availability depends on time, not on writes)."""

    shape: tuple
    changed: set[str]
    #: Store key of each active pod it controls → ``pod_status_facts`` of that pod.
    rows: dict[str, tuple[bool, bool, bool]] = field(default_factory=dict)
    #: ``replica_set_totals`` of ``rows``, kept as rows come and go.
    totals: list[int] = field(default_factory=lambda: [0, 0, 0, 0])

    def put(self, key: str, row: tuple[bool, bool, bool] | None) -> None:
        for sign, changed in ((-1, self.rows.pop(key, None)), (1, row)):
            if changed is not None:
                self.totals[0] += sign
                for position, fact in enumerate(changed, start=1):
                    self.totals[position] += sign * fact
        if row is not None:
            self.rows[key] = row


def _memberships(cluster: Cluster) -> dict[str, _Membership]:
    return cluster.cache.setdefault("replicaset.members", {})


def _membership(cluster: Cluster, rs: dict) -> _Membership | None:
    if rs["spec"].get("minReadySeconds"):
        return None
    memberships = _memberships(cluster)
    uid = rs["metadata"]["uid"]
    shape = (rs["spec"].get("selector"),
             rs["spec"].get("template", {}).get("metadata", {}).get("labels"))
    members = memberships.get(uid)
    if members is None or members.shape != shape:
        every_pod = {_store_key(pod) for pod in
                     cluster.store.iter_stored(PODS, rs["metadata"]["namespace"])}
        members = memberships[uid] = _Membership(clone(shape), every_pod)
    return members


def _absorb_changes(cluster: Cluster, rs: dict, members: _Membership) -> None:
    """Claim (adopt, release) the changed pods, in store order, and update their rows."""
    bucket = cluster.state.objects.get(PODS.qualified_name, {})
    changed, members.changed = members.changed, set()
    candidates = []
    for key in sorted(changed):
        members.put(key, None)
        pod = bucket.get(key)
        if pod is not None and pod.get("status", {}).get("phase") not in ("Succeeded", "Failed"):
            candidates.append(pod)
    for claimed in _claim(cluster, rs, PODS, candidates):
        if w.is_active(claimed):
            members.put(_store_key(claimed), w.pod_status_facts(rs, claimed, cluster.now))


def _sync_replica_set(cluster: Cluster, rs: dict, queue: WorkQueue) -> None:
    """Sync the stored ReplicaSet ``rs``, which is only read: a changed status is written in
    a copy."""
    members = _membership(cluster, rs)
    if members is None:
        _sync_replica_set_by_scan(cluster, rs, queue)
        return
    _absorb_changes(cluster, rs, members)
    difference = len(members.rows) - w.replicas_of(rs)
    if not rs["metadata"].get("deletionTimestamp") and difference:
        if difference < 0:
            _create_pods(cluster, rs, -difference)
        else:
            bucket = cluster.state.objects[PODS.qualified_name]
            active = [bucket[key] for key in sorted(members.rows)]
            for pod in w.pods_to_delete(active, difference, cluster.now):
                _delete_pod(cluster, rs, pod)
        _absorb_changes(cluster, rs, members)
    _write_replica_set_status(cluster, rs, w.replica_set_status(rs, members.totals), queue)


def _sync_replica_set_by_scan(cluster: Cluster, rs: dict, queue: WorkQueue) -> None:
    namespace = rs["metadata"]["namespace"]
    candidates = [pod for pod in cluster.store.iter_stored(PODS, namespace)
                  if pod.get("status", {}).get("phase") not in ("Succeeded", "Failed")]
    owned = _claim(cluster, rs, PODS, candidates)
    active = [pod for pod in owned if w.is_active(pod)]
    difference = len(active) - w.replicas_of(rs)
    if not rs["metadata"].get("deletionTimestamp"):
        if difference < 0:
            active += _create_pods(cluster, rs, -difference)
        elif difference > 0:
            victims = w.pods_to_delete(active, difference, cluster.now)
            for pod in victims:
                _delete_pod(cluster, rs, pod)
            gone = {pod["metadata"]["name"] for pod in victims}
            active = [pod for pod in active if pod["metadata"]["name"] not in gone]
    totals = w.replica_set_totals(w.pod_status_facts(rs, pod, cluster.now) for pod in active)
    _write_replica_set_status(cluster, rs, w.replica_set_status(rs, totals), queue)
    _schedule_availability_check(cluster, rs, active)


def _write_replica_set_status(cluster: Cluster, rs: dict, status: dict,
                              queue: WorkQueue) -> None:
    if status == rs.get("status"):
        return
    key = _store_key(rs)
    dirty_already = key in queue
    written = {**rs, "metadata": dict(rs["metadata"]), "status": status}
    if _write(cluster, REPLICASETS, written, handed_over=True) is not None and not dirty_already:
        queue.discard(key)  # its own status write: syncing again would find nothing to do


def _create_pods(cluster: Cluster, rs: dict, count: int) -> list[dict]:
    """Pods of one template are defaulted alike but for what admission adds (a randomly named
    volume): the template's pod is defaulted once, and a copy of it admitted per pod."""
    defaulted = default_pod_fields(w.pod_for(rs))
    involved = object_reference(rs)
    created = []
    for _ in range(count):
        pod = cluster.store.create(PODS, admit_pod(clone(defaulted), cluster.rng),
                                   handed_over=True)
        created.append(pod)
        record_event(cluster, involved, "SuccessfulCreate",
                     f'Created pod: {pod["metadata"]["name"]}', REPLICASET_CONTROLLER)
    return created


def _delete_pod(cluster: Cluster, rs: dict, pod: dict) -> None:
    try:
        w.delete_pod(cluster, pod)
    except NotFound:
        return
    record_event(cluster, object_reference(rs), "SuccessfulDelete",
                 f'Deleted pod: {pod["metadata"]["name"]}', REPLICASET_CONTROLLER)


def _schedule_availability_check(cluster: Cluster, rs: dict, pods: list[dict]) -> None:
    min_ready = rs["spec"].get("minReadySeconds", 0)
    if not min_ready:
        return
    pending = [since for pod in pods
               if (since := w.available_since(pod, min_ready)) is not None and since > cluster.now]
    if pending:
        _schedule_recheck(cluster, min(pending), "ReplicaSet", rs["metadata"]["namespace"],
                          rs["metadata"]["name"])


# -- deployment controller -----------------------------------------------------------------------
@informer
def _deployment_queue(cluster: Cluster) -> WorkQueue:
    """Deployments to sync: those written, every one of a namespace whose ReplicaSets were
    written (a ReplicaSet may be up for adoption), Recreate ones whose namespace's pods were
    written (they wait for old pods to go), and those whose recheck timer fired."""
    queue = cluster.cache.get("deployment.queue")
    if queue is not None:
        return queue
    queue = cluster.cache["deployment.queue"] = WorkQueue(
        _store_key(d) for d in cluster.store.iter_stored(DEPLOYMENTS))
    recreating = cluster.index(DEPLOYMENTS.qualified_name, "deployments.recreate-by-namespace",
                               lambda d: None if w.is_rolling(d) else d["metadata"]["namespace"])

    def on_write(qualified_name: str, old: dict | None, new: dict | None) -> None:
        obj = new or old
        if qualified_name == DEPLOYMENTS.qualified_name:
            queue.add(_store_key(obj))
        elif qualified_name == REPLICASETS.qualified_name:
            for d in cluster.store.iter_stored(DEPLOYMENTS, obj["metadata"].get("namespace")):
                queue.add(_store_key(d))
        else:
            for key in recreating.get(obj["metadata"].get("namespace"), ()):
                queue.add(key)

    def on_timer(event: str, action: str, args: list) -> None:
        if event == "fired" and action == RECHECK and args[0] == "Deployment":
            queue.add(f"{args[1]}/{args[2]}")

    cluster.store.watch(on_write, DEPLOYMENTS.qualified_name, REPLICASETS.qualified_name,
                        PODS.qualified_name)
    cluster.timers.listeners.append(on_timer)
    return queue


def _progress_deadlines(cluster: Cluster) -> dict[float, set[str]]:
    """Store keys of the deployments by progress deadline, each read again only when that
    deployment is written."""
    return cluster.index(DEPLOYMENTS.qualified_name, "deployments.progress-deadline",
                         _progress_deadline)


def _progress_deadline(deployment: dict) -> float | None:
    return w.progress_deadline(deployment, deployment.get("status", {}))


@controller
def reconcile_deployments(cluster: Cluster) -> None:
    """Time enters a deployment's sync only through its progress deadline: one past it (and
    not yet timed out) is synced every time, as a full resync would."""
    queue = _deployment_queue(cluster)
    for deadline, keys in _progress_deadlines(cluster).items():
        if deadline < cluster.now:
            for key in keys:
                queue.add(key)
    for key in queue.drain():
        namespace, name = key.split("/", 1)
        deployment = cluster.store.peek(DEPLOYMENTS, namespace, name)
        if deployment is not None:
            try:
                _DeploymentSync(cluster, queue, _deployment_copy(deployment)).run()
            except _StaleReplicaSet:
                queue.add(key)


def _same_template(cluster: Cluster, rs: dict, template: dict) -> bool:
    """``EqualIgnoreHash`` of a ReplicaSet's pod template and a deployment's, remembered per
    ReplicaSet while both templates are the same objects: stored objects are replaced, never
    edited, so a changed template is a new object, while the writes that keep it (status,
    scaling) keep the answer."""
    memo = cluster.cache.setdefault("deployment.same-template", {})
    own = rs["spec"]["template"]
    known = memo.get(rs["metadata"]["uid"])
    if known is not None and known[0] is own and known[1] is template:
        return known[2]
    same = w.equal_ignoring_hash(own, template)
    memo[rs["metadata"]["uid"]] = (own, template, same)
    return same


class _StaleReplicaSet(Exception):
    """A sync's write to a ReplicaSet it listed met a Conflict: the sync stops there and the
    deployment is synced again from fresh lists, as the Go controller returns the error and
    requeues (it must not go on deciding from what it knows is out of date)."""


class _DeploymentSync:
    """One ``syncDeployment`` of one deployment: the Go controller's steps, in its order.

    ``deployment`` is a ``_deployment_copy``; each write hands it to the store and goes on
    with a fresh copy of what was stored, but for the status write, which comes last: after
    it the sync only reads, so it goes on with the stored object itself. The ReplicaSets are
    the stored objects, only read; a change is written in a ``_replica_set_copy``."""

    def __init__(self, cluster: Cluster, queue: WorkQueue, deployment: dict):
        self.cluster = cluster
        self.queue = queue
        self.d = deployment
        self.namespace = deployment["metadata"]["namespace"]
        #: ``_new_and_old``'s answer, once the new ReplicaSet it found needed no write.
        self._found: tuple[dict, list[dict]] | None = None

    @property
    def now(self) -> float:
        return self.cluster.now

    def run(self) -> None:
        if not self.d["spec"].get("selector") or not w.selector_matches(
                self.d["spec"]["selector"],
                self.d["spec"].get("template", {}).get("metadata", {}).get("labels")):
            return
        candidates = list(self.cluster.store.iter_stored(REPLICASETS, self.namespace))
        self.rs_list = _claim(self.cluster, self.d, REPLICASETS, candidates)
        if self.d["metadata"].get("deletionTimestamp"):
            new_rs, old_rss = self._new_and_old(create=False)
            self._write_status(w.deployment_status(self.d, self._all(new_rs, old_rss), new_rs,
                                                   self.now))
            return
        if not self._check_paused_conditions():
            return
        if self.d["spec"].get("paused") or self._is_scaling_event():
            self._sync_scale()
        elif w.is_rolling(self.d):
            self._rollout_rolling()
        else:
            self._rollout_recreate()

    # -- reading and writing ------------------------------------------------------------------
    @staticmethod
    def _all(new_rs: dict | None, old_rss: list[dict]) -> list[dict]:
        return old_rss + ([new_rs] if new_rs is not None else [])

    def _update_deployment(self) -> bool:
        written = _write(self.cluster, DEPLOYMENTS, self.d, handed_over=True)
        if written is None:
            return False
        self.d = _deployment_copy(written)
        return True

    def _write_status(self, status: dict) -> None:
        """The sync's last write. The store listener queues the deployment again for it, as an
        informer would; but when nothing else queued it during this sync (its own other writes
        included), syncing again would find nothing to do, so that is undone. Unless the write
        changes whether the rollout reads as complete and the deployment has more ReplicaSets
        than its history keeps: cleaning up old ReplicaSets reads the status as stored, as the
        Go controller reads its informer's copy."""
        if status == self.d.get("status"):
            return
        key = _store_key(self.d)
        queued_already = key in self.queue
        completion_changed = (w.deployment_complete(self.d, status)
                              != w.deployment_complete(self.d, self.d.get("status", {})))
        self.d["status"] = status
        written = _write(self.cluster, DEPLOYMENTS, self.d, handed_over=True)
        if written is None:
            return
        self.d = written
        if not (queued_already or (completion_changed and self._beyond_history_limit())):
            self.queue.discard(key)

    def _beyond_history_limit(self) -> bool:
        """Whether ``_cleanup`` may find old ReplicaSets to delete: only with more ReplicaSets
        than ``revisionHistoryLimit``."""
        limit = self.d["spec"].get("revisionHistoryLimit")
        return limit is not None and len(self.rs_list) > limit

    def _event(self, message: str) -> None:
        record_event(self.cluster, object_reference(self.d), "ScalingReplicaSet", message,
                     DEPLOYMENT_CONTROLLER)

    def _scale(self, rs: dict, size: int, operation: str | None = None) -> tuple[bool, dict]:
        """``scaleReplicaSet``: size and replica annotations; an event when the size changes."""
        desired = w.replicas_of(self.d)
        resize = w.replicas_of(rs) != size
        candidate = _replica_set_copy(rs)
        reannotate = w.set_replicas_annotations(candidate, desired,
                                                desired + w.max_surge(self.d))
        if not (resize or reannotate):
            return False, rs
        old_size = w.replicas_of(rs)
        candidate["spec"]["replicas"] = size
        written = _write_spec(self.cluster, REPLICASETS, candidate)
        if written is None:
            return False, rs
        if resize:
            operation = operation or ("up" if old_size < size else "down")
            self._event(f'Scaled {operation} replica set {rs["metadata"]["name"]} '
                        f"from {old_size} to {size}")
        return resize, written

    def _scale_and_record(self, rs: dict, size: int) -> tuple[bool, dict]:
        if w.replicas_of(rs) == size:
            return False, rs
        return self._scale(rs, size)

    # -- revisions and the new ReplicaSet ------------------------------------------------------
    def _new_and_old(self, create: bool) -> tuple[dict | None, list[dict]]:
        """``getAllReplicaSetsAndSyncRevision``. A sync asks more than once (whether it is a
        scaling event, then for its step); once the new ReplicaSet it found needed no write,
        asking again of the same list would give the same answer, so that answer is kept."""
        if self._found is not None:
            return self._found
        template = self.d["spec"]["template"]
        matching = sorted((rs for rs in self.rs_list
                           if _same_template(self.cluster, rs, template)),
                          key=w.creation_order)
        new_rs = matching[0] if matching else None
        old_rss = [rs for rs in self.rs_list if rs is not new_rs]
        new_revision = max((w.revision_of(rs) for rs in old_rss), default=0) + 1
        if new_rs is not None:
            synced = self._sync_existing(new_rs, new_revision)
            if synced is new_rs:
                self._found = (new_rs, old_rss)
            return synced, old_rss
        if not create:
            return None, old_rss
        return self._create_new(old_rss, new_revision), old_rss

    def _sync_existing(self, new_rs: dict, new_revision: int) -> dict:
        candidate = _replica_set_copy(new_rs)
        changed = w.set_new_rs_annotations(self.d, candidate, new_revision, exists=True)
        min_ready = self.d["spec"].get("minReadySeconds", 0)
        if candidate["spec"].get("minReadySeconds", 0) != min_ready:
            candidate["spec"]["minReadySeconds"] = min_ready
            changed = True
        if changed:
            new_rs = _write_spec(self.cluster, REPLICASETS, candidate)
            if new_rs is None:
                raise _StaleReplicaSet(candidate["metadata"]["name"])
        deployment_changed = self._set_revision(new_rs)
        if w.has_progress_deadline(self.d) and w.find_condition(self.d.get("status", {}),
                                                                "Progressing") is None:
            w.set_condition(self.d.setdefault("status", {}), w.new_condition(
                "Progressing", "True", w.FOUND_NEW_RS,
                f'Found new replica set "{new_rs["metadata"]["name"]}"', self.now))
            deployment_changed = True
        if deployment_changed:
            self._update_deployment()
        return new_rs

    def _set_revision(self, rs: dict) -> bool:
        revision = rs["metadata"].get("annotations", {}).get(w.REVISION)
        annotations = self.d["metadata"].setdefault("annotations", {})
        if revision is None or annotations.get(w.REVISION) == revision:
            return False
        annotations[w.REVISION] = revision
        return True

    def _create_new(self, old_rss: list[dict], new_revision: int) -> dict | None:
        collisions = self.d.get("status", {}).get("collisionCount")
        template_hash = w.pod_template_hash(self.d["spec"]["template"], collisions)
        rs = w.replica_set_for(self.d, template_hash, 0)
        rs["spec"]["replicas"] = w.new_rs_new_replicas(self.d, old_rss + [rs], rs)
        w.set_new_rs_annotations(self.d, rs, new_revision, exists=False)
        rs["metadata"]["annotations"] = dict(sorted(rs["metadata"]["annotations"].items()))
        try:
            created = self.cluster.store.create(REPLICASETS, rs)
            already_existed = False
        except AlreadyExists:
            existing = self.cluster.store.get(REPLICASETS, self.namespace, rs["metadata"]["name"])
            ref = w.controller_ref(existing)
            if ref is not None and ref.get("uid") == self.d["metadata"]["uid"] and \
                    w.equal_ignoring_hash(existing["spec"]["template"], self.d["spec"]["template"]):
                created, already_existed = existing, True
            else:
                self.d.setdefault("status", {})["collisionCount"] = (collisions or 0) + 1
                self._update_deployment()
                return None
        if not already_existed and w.replicas_of(created) > 0:
            self._event(f'Scaled up replica set {created["metadata"]["name"]} '
                        f"from 0 to {w.replicas_of(created)}")
        if not already_existed and w.has_progress_deadline(self.d):
            w.set_condition(self.d.setdefault("status", {}), w.new_condition(
                "Progressing", "True", w.NEW_RS_CREATED,
                f'Created new replica set "{created["metadata"]["name"]}"', self.now))
            self._set_revision(created)
            self._update_deployment()
        elif self._set_revision(created):
            self._update_deployment()
        self.rs_list.append(created)
        return created

    # -- the three ways of syncing ---------------------------------------------------------------
    def _check_paused_conditions(self) -> bool:
        condition = w.paused_condition(self.d, self.now)
        if condition is None:
            return True
        w.set_condition(self.d.setdefault("status", {}), condition)
        return self._update_deployment()

    def _is_scaling_event(self) -> bool:
        new_rs, old_rss = self._new_and_old(create=False)
        for rs in self._all(new_rs, old_rss):
            if w.replicas_of(rs) <= 0:
                continue
            desired = rs["metadata"].get("annotations", {}).get(w.DESIRED_REPLICAS)
            if desired is not None and desired != str(w.replicas_of(self.d)):
                return True
        return False

    def _sync_scale(self) -> None:
        """``sync``: scaling, paused deployments; no rollout progress."""
        new_rs, old_rss = self._new_and_old(create=False)
        self._proportional_scale(new_rs, old_rss)
        new_rs, old_rss = self._refresh(new_rs, old_rss)
        if self.d["spec"].get("paused"):
            self._cleanup(old_rss)
        all_rss = self._all(new_rs, old_rss)
        self._write_status(w.deployment_status(self.d, all_rss, new_rs, self.now))

    def _proportional_scale(self, new_rs: dict | None, old_rss: list[dict]) -> None:
        target = w.active_or_latest(new_rs, old_rss)
        if target is not None:
            self._scale_and_record(target, w.replicas_of(self.d))
            return
        if w.is_saturated(self.d, new_rs):
            for rs in old_rss:
                if w.replicas_of(rs) > 0:
                    self._scale_and_record(rs, 0)
            return
        if w.is_rolling(self.d):
            active = [rs for rs in self._all(new_rs, old_rss) if w.replicas_of(rs) > 0]
            sizes, operation = w.proportional_sizes(self.d, active)
            for rs in active:
                self._scale(rs, sizes[rs["metadata"]["name"]], operation or None)

    def _refresh(self, new_rs: dict | None, old_rss: list[dict]) -> tuple[dict | None, list[dict]]:
        def fresh(rs):
            return self.cluster.store.peek(REPLICASETS, self.namespace, rs["metadata"]["name"]) or rs
        return (fresh(new_rs) if new_rs is not None else None), [fresh(rs) for rs in old_rss]

    def _rollout_rolling(self) -> None:
        new_rs, old_rss = self._new_and_old(create=True)
        if new_rs is None:
            return
        all_rss = self._all(new_rs, old_rss)
        if self._reconcile_new(all_rss, new_rs) or self._reconcile_old(all_rss, old_rss, new_rs):
            new_rs, old_rss = self._refresh(new_rs, old_rss)
            self._sync_rollout_status(self._all(new_rs, old_rss), new_rs)
            return
        if w.deployment_complete(self.d, self.d.get("status", {})):
            self._cleanup(old_rss)
        self._sync_rollout_status(all_rss, new_rs)

    def _reconcile_new(self, all_rss: list[dict], new_rs: dict) -> bool:
        desired = w.replicas_of(self.d)
        if w.replicas_of(new_rs) == desired:
            return False
        if w.replicas_of(new_rs) > desired:
            return self._scale_and_record(new_rs, desired)[0]
        return self._scale_and_record(new_rs, w.new_rs_new_replicas(self.d, all_rss, new_rs))[0]

    def _reconcile_old(self, all_rss: list[dict], old_rss: list[dict], new_rs: dict) -> bool:
        if w.total_replicas(old_rss) == 0:
            return False
        budget = w.max_scaled_down(self.d, all_rss, new_rs)
        if budget <= 0:
            return False
        scaled = False
        old_active = [rs for rs in old_rss if w.replicas_of(rs) > 0]
        cleaned = w.unhealthy_cleanup(old_active, budget)
        refreshed = []
        for rs in old_active:
            if rs["metadata"]["name"] in cleaned:
                changed, rs = self._scale_and_record(rs, cleaned[rs["metadata"]["name"]])
                scaled |= changed
            refreshed.append(rs)
        sizes = w.old_scale_down(self.d, refreshed + [new_rs], refreshed)
        for rs in refreshed:
            if rs["metadata"]["name"] in sizes:
                scaled |= self._scale_and_record(rs, sizes[rs["metadata"]["name"]])[0]
        return scaled

    def _rollout_recreate(self) -> None:
        new_rs, old_rss = self._new_and_old(create=False)
        all_rss = self._all(new_rs, old_rss)
        scaled_down = False
        for rs in old_rss:
            if w.replicas_of(rs) > 0:
                scaled_down |= self._scale_and_record(rs, 0)[0]
        if scaled_down:
            new_rs, old_rss = self._refresh(new_rs, old_rss)
            self._sync_rollout_status(self._all(new_rs, old_rss), new_rs)
            return
        if self._old_pods_running(new_rs, old_rss):
            self._sync_rollout_status(all_rss, new_rs)
            return
        if new_rs is None:
            new_rs, old_rss = self._new_and_old(create=True)
            if new_rs is None:
                return
        _scaled, new_rs = self._scale_and_record(new_rs, w.replicas_of(self.d))
        if w.deployment_complete(self.d, self.d.get("status", {})):
            self._cleanup(old_rss)
        self._sync_rollout_status(self._all(new_rs, old_rss), new_rs)

    def _old_pods_running(self, new_rs: dict | None, old_rss: list[dict]) -> bool:
        if sum(rs.get("status", {}).get("replicas", 0) for rs in old_rss) > 0:
            return True
        old_uids = {rs["metadata"]["uid"] for rs in old_rss}
        selector = self.d["spec"]["selector"]
        for pod in self.cluster.store.iter_stored(PODS, self.namespace):
            ref = w.controller_ref(pod)
            if ref is None or ref.get("uid") not in old_uids:
                continue
            if not w.selector_matches(selector, pod["metadata"].get("labels")):
                continue
            if pod.get("status", {}).get("phase") not in ("Succeeded", "Failed"):
                return True
        return False

    def _cleanup(self, old_rss: list[dict]) -> None:
        """``cleanupDeployment``: keep ``revisionHistoryLimit`` old ReplicaSets with no pods."""
        limit = self.d["spec"].get("revisionHistoryLimit")
        if limit is None:
            return
        alive = [rs for rs in old_rss if not rs["metadata"].get("deletionTimestamp")]
        surplus = len(alive) - limit
        if surplus <= 0:
            return
        for rs in sorted(alive, key=lambda rs: (w.revision_of(rs), w.creation_order(rs)))[:surplus]:
            status = rs.get("status", {})
            if (status.get("replicas", 0) != 0 or w.replicas_of(rs) != 0
                    or rs["metadata"].get("generation", 0) > status.get("observedGeneration", 0)):
                continue
            try:
                self.cluster.store.delete(REPLICASETS, self.namespace, rs["metadata"]["name"])
            except NotFound:
                pass

    def _sync_rollout_status(self, all_rss: list[dict], new_rs: dict | None) -> None:
        status = w.rollout_status(self.d, all_rss, new_rs, self.now)
        self._write_status(status)
        if w.deployment_complete(self.d, status):
            return
        deadline = w.progress_deadline(self.d, status)
        if deadline is not None:
            _schedule_recheck(self.cluster, deadline + 1, "Deployment", self.namespace,
                              self.d["metadata"]["name"])
