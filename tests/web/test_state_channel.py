"""The parent's end of the state channel, with the sandbox process's real client on the other end."""

from __future__ import annotations

import asyncio
import socket

import pytest

from cluster_engine.sandbox import StateConflict
from cluster_engine.sidechannel import SideChannelBackend
from tutorial.state_channel import serve_state_channel


class MemoryStateService:
    def __init__(self):
        self.version, self.state, self.calls, self.events = 1, b'{"hello": "\xe4\xb8\x96"}', [], []
        self.conflict_next = False

    async def begin(self, have_version):
        self.calls.append("begin")
        return self.version, None if have_version == self.version else self.state

    async def commit(self, state, object_count):
        self.calls.append("commit")
        if self.conflict_next:
            return None
        self.state, self.version = state, self.version + 1
        return self.version

    async def abort(self):
        self.calls.append("abort")

    async def event(self, event):
        self.events.append(event)


async def exchange(client_steps, service):
    parent_end, child_end = socket.socketpair()
    server = asyncio.create_task(serve_state_channel(parent_end, service))
    client = SideChannelBackend(child_end)
    result = await asyncio.to_thread(client_steps, client)
    client.close()
    await asyncio.wait_for(server, 5)
    return result


async def test_begin_sends_the_state_once_and_then_only_says_it_is_current():
    service = MemoryStateService()

    def steps(client):
        first = client.begin(None)
        client.abort()
        second = client.begin(first[0])
        client.abort()
        return first, second

    first, second = await exchange(steps, service)
    assert first == (1, '{"hello": "世"}')
    assert second == (1, None)


async def test_commit_carries_the_state_and_a_lost_race_is_a_conflict():
    service = MemoryStateService()

    def steps(client):
        client.begin(None)
        version = client.commit('{"n": 2}', 3)
        client.begin(version)
        service.conflict_next = True
        with pytest.raises(StateConflict):
            client.commit('{"n": 3}', 3)
        client.event({"type": "command", "line": "kubectl get nodes"})
        return version

    assert await exchange(steps, service) == 2
    assert service.state == b'{"n": 2}'
    assert service.events == [{"type": "command", "line": "kubectl get nodes"}]


async def test_a_child_that_dies_holding_the_lock_has_it_released():
    service = MemoryStateService()

    def steps(client):
        client.begin(None)

    await exchange(steps, service)
    assert service.calls == ["begin", "abort"]


async def test_nonsense_on_the_channel_closes_it_without_harm():
    service = MemoryStateService()

    def steps(client):
        client._sock.sendall(b"this is not json\n")
        return client._reader.read()

    assert await exchange(steps, service) == b""
    assert service.calls == []
