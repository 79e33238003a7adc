"""Scale-out: two Daphne processes on one PostgreSQL database and one Redis channel layer.

A learner whose tabs land on different servers sees one cluster, and an admin's reset reaches
terminals on every server. Skipped, saying why, where PostgreSQL or Redis is not running.
"""

from __future__ import annotations

import asyncio
import json
import re
import secrets
import socket
import subprocess
import sys
import urllib.request

import pytest
from live_site import REPO, LiveSite, prepare

from cluster_engine.clock import FakeClock
from cluster_engine.script import run_script

POSTGRES = ("127.0.0.1", 5432)
REDIS = ("127.0.0.1", 6379)
PROMPT = ":~$"


def reachable(address) -> bool:
    try:
        socket.create_connection(address, timeout=1).close()
        return True
    except OSError:
        return False


def missing_requirements() -> str | None:
    for module in ("psycopg", "channels_redis"):
        try:
            __import__(module)
        except ImportError:
            return f"{module} is not installed (pip install -e '.[scale-out]')"
    if not reachable(POSTGRES):
        return "PostgreSQL is not running on 127.0.0.1:5432"
    if not reachable(REDIS):
        return "Redis is not running on 127.0.0.1:6379"
    return None


if reason := missing_requirements():
    pytest.skip(reason, allow_module_level=True)

import psycopg  # noqa: E402
import websockets  # noqa: E402


@pytest.fixture(scope="module")
def servers(tmp_path_factory):
    database = f"tutorial_scale_out_{secrets.token_hex(4)}"
    with psycopg.connect("postgresql://postgres@127.0.0.1:5432/test", autocommit=True) as admin:
        admin.execute(f"CREATE DATABASE {database}")
    env = {"TUTORIAL_DATABASE_URL": f"postgresql://postgres@127.0.0.1:5432/{database}",
           "TUTORIAL_REDIS_URL": "redis://127.0.0.1:6379/9"}
    sites = [LiveSite(tmp_path_factory.mktemp(f"server-{name}"), env) for name in "ab"]
    try:
        prepare(sites[0].env)
        yield [site.start() for site in sites]
    finally:
        for site in sites:
            site.stop()
        with psycopg.connect("postgresql://postgres@127.0.0.1:5432/test", autocommit=True) as admin:
            admin.execute(f"DROP DATABASE IF EXISTS {database} WITH (FORCE)")


def session_cookie(site: LiveSite) -> str:
    with urllib.request.urlopen(f"{site.url}/en/modules/cluster/") as response:
        return "; ".join(value.split(";")[0] for key, value in response.headers.items()
                         if key == "Set-Cookie")


class Tab:
    def __init__(self, site: LiveSite, cookie: str):
        self.site, self.cookie, self.screen, self.notices = site, cookie, "", []

    async def __aenter__(self):
        self.socket = await websockets.connect(
            f"ws://127.0.0.1:{self.site.port}/ws/terminal/?lang=en", origin=self.site.url,
            additional_headers={"Cookie": self.cookie})
        await self.read_until(PROMPT, 0)
        return self

    async def __aexit__(self, *exc):
        await self.socket.close()

    async def read_until(self, text: str, since: int, timeout: float = 20) -> None:
        async def receive():
            while text not in self.screen[since:]:
                kind, payload = json.loads(await self.socket.recv())
                if kind in ("stdout", "notice"):
                    self.screen += payload
                if kind == "notice":
                    self.notices.append(payload)
        try:
            await asyncio.wait_for(receive(), timeout)
        except asyncio.TimeoutError:
            raise AssertionError(f"{text!r} never came; screen:\n{self.screen}\n{self.site.log_tail()}")

    async def run(self, command: str, until: str) -> str:
        mark = len(self.screen)
        await self.socket.send(json.dumps(["stdin", command + "\r"]))
        await self.read_until(until, mark)
        return re.sub(r"\x1b\[[0-9;?]*[A-Za-z]", "", self.screen[mark:])


def django(site: LiveSite, code: str) -> str:
    return subprocess.run([sys.executable, "manage.py", "shell", "-v", "0", "-c", code], cwd=REPO, env=site.env,
                          check=True, capture_output=True, text=True).stdout.strip()


def start_the_cluster_of(site: LiveSite) -> None:
    """Write a started cluster into the learner's row directly, sparing the real seconds it takes."""
    state = run_script(["minikube start"], open("/dev/null", "w"), FakeClock(1e9)).state_json
    state_file = site.log.parent / "started-state.json"
    state_file.write_text(state)
    django(site, "from tutorial.models import Sandbox; from django.db.models import F; "
                 f"Sandbox.objects.update(state=open({str(state_file)!r}).read(), version=F('version') + 1)")


async def test_tabs_on_two_servers_share_one_cluster_and_both_see_a_reset(servers):
    first, second = servers
    cookie = session_cookie(first)
    async with Tab(first, cookie) as tab_on_first:
        start_the_cluster_of(first)
        async with Tab(second, cookie) as tab_on_second:
            assert "minikube   Ready" in await tab_on_second.run("kubectl get nodes", "v1.32.0")
            await tab_on_first.run("minikube stop", "1 node stopped.")
            assert "host: Stopped" in await tab_on_second.run("minikube status", "kubeconfig:")

            sandbox_id = django(first, "from tutorial.models import Sandbox; print(Sandbox.objects.get().pk)")
            django(first, f"from tutorial.sandboxes import reset_sandboxes; reset_sandboxes([{sandbox_id}])")
            for tab in (tab_on_first, tab_on_second):
                await tab.read_until("administrator", 0)
            assert 'Profile "minikube" not found' in await tab_on_second.run("minikube status",
                                                                            "minikube start")
