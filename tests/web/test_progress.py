"""Lesson progress judged on the server: live over the terminal sockets, per learner, and reset."""

from __future__ import annotations

import asyncio
import io
import json
import re
import time

import pytest
from channels.db import database_sync_to_async
from django.conf import settings
from django.contrib.auth.models import User
from django.test import Client

from cluster_engine.clock import FakeClock, parse_rfc3339
from cluster_engine.script import run_script
from cluster_engine.state import SandboxState
from tests.web.test_terminal_socket import PROMPT, Terminal, give_session_a_started_cluster, new_session, plain
from tutorial import progress
from tutorial.models import Progress, Sandbox
from tutorial.sandboxes import module_start_state, sandbox_for_session

CREATE_DEPLOYMENT = "kubectl create deployment kubernetes-bootcamp --image=gcr.io/google-samples/kubernetes-bootcamp:v1"


def progress_of(module: str):
    return lambda event: event.get("type") == "progress" and event.get("module") == module


def client_of(session_key: str, **options) -> Client:
    client = Client(**options)
    client.cookies[settings.SESSION_COOKIE_NAME] = session_key
    return client


async def learner_with_a_cluster() -> str:
    session_key = await new_session()
    await give_session_a_started_cluster(session_key)
    return session_key


async def open_terminal(session_key: str, **options) -> Terminal:
    terminal = Terminal(session_key, **options)
    assert await terminal.connect()
    await terminal.read_until(PROMPT)
    return terminal


# --- Live over the sockets --------------------------------------------------------------------


@pytest.mark.django_db(transaction=True)
async def test_a_command_that_passes_a_step_is_announced_on_every_tab_of_the_module():
    session_key = await learner_with_a_cluster()
    first = await open_terminal(session_key, module="deploy", tab=1)
    second = await open_terminal(session_key, module="deploy", tab=2)
    other_module = await open_terminal(session_key, module="cluster", tab=3)
    assert (await first.event_where(progress_of("deploy")))["passed"] == []
    assert (await other_module.event_where(progress_of("cluster")))["passed"] == []

    seen = len(second.events)
    await first.run(CREATE_DEPLOYMENT, "created")
    announced = await first.event_where(lambda event: "create-deployment" in event.get("passed", ()))
    assert announced == {"type": "progress", "module": "deploy", "passed": ["create-deployment"]}
    assert await second.event_where(progress_of("deploy"), since=seen) == announced

    await other_module.run("echo listening", "listening\r\n")
    assert all(event["module"] == "cluster" for event in other_module.events)
    for terminal in (first, second, other_module):
        await terminal.close()


@pytest.mark.django_db(transaction=True)
async def test_a_step_waiting_for_pods_turns_passed_when_they_are_ready_without_another_command():
    session_key = await learner_with_a_cluster()
    terminal = await open_terminal(session_key, module="deploy")
    await terminal.run(CREATE_DEPLOYMENT, "created")
    output = plain(await terminal.run("kubectl get deployments", "kubernetes-bootcamp"))
    assert re.search(r"kubernetes-bootcamp +0/1 ", output), output
    commands_typed = len(terminal.screen)
    event = await terminal.event_where(lambda event: "get-deployments" in event.get("passed", ()), timeout=30)
    assert event["passed"] == ["create-deployment", "get-deployments"]
    assert PROMPT not in terminal.screen[commands_typed:]
    await terminal.close()


@pytest.mark.django_db(transaction=True)
async def test_progress_survives_a_reconnect_and_stays_after_the_cluster_changes():
    session_key = await learner_with_a_cluster()
    terminal = await open_terminal(session_key, module="deploy")
    await terminal.run(CREATE_DEPLOYMENT, "created")
    await terminal.event_where(lambda event: event.get("passed") == ["create-deployment"])
    await terminal.run("kubectl delete deployment kubernetes-bootcamp", "deleted")
    await terminal.close()

    again = Terminal(session_key, module="deploy")
    assert await again.connect()
    assert (await again.event_where(progress_of("deploy")))["passed"] == ["create-deployment"]
    await again.close()


@pytest.mark.django_db(transaction=True)
async def test_each_tab_is_its_own_shell_with_its_own_idle_timeout(settings):
    settings.SANDBOX_IDLE_TIMEOUT = 2
    session_key = await new_session()
    busy = await open_terminal(session_key, module="cluster", tab=1)
    idle = await open_terminal(session_key, module="cluster", tab=2)
    await idle.socket.send_to(text_data=json.dumps(["stdin", "cd /tmp\r"]))
    await idle.read_until("/tmp$ ")
    assert plain(await busy.run("pwd", "\r\n")).splitlines()[1] == "/home/learner"
    for _ in range(3):
        await asyncio.sleep(0.8)
        await busy.run("echo still-typing", "still-typing\r\n")
    assert "without input" in await idle.next_notice(timeout=5)
    await busy.run("echo alive", "alive\r\n")
    await busy.close()


@pytest.mark.django_db(transaction=True)
async def test_a_tab_without_a_known_module_runs_but_hears_no_progress():
    terminal = await open_terminal(await new_session(), module="no-such-module")
    await terminal.run("echo fine", "fine\r\n")
    assert terminal.events == []
    assert await database_sync_to_async(Progress.objects.count)() == 0
    await terminal.close()


@pytest.mark.django_db(transaction=True)
async def test_resetting_a_module_restarts_the_terminals_on_its_start_state_and_clears_its_progress():
    session_key = await learner_with_a_cluster()
    terminal = await open_terminal(session_key, module="explore")
    await terminal.run("kubectl get pods", "No resources found")
    await terminal.event_where(lambda event: event.get("passed") == ["get-pods"])
    client = client_of(session_key, enforce_csrf_checks=True)
    await database_sync_to_async(client.get)("/en/modules/explore/")

    refused = await database_sync_to_async(client.post)("/en/modules/explore/reset/")
    assert refused.status_code == 403
    seen = len(terminal.events)
    response = await database_sync_to_async(client.post)(
        "/en/modules/explore/reset/", headers={"X-CSRFToken": client.cookies["csrftoken"].value})
    assert response.json() == {"ok": True}

    assert "start of the module" in await terminal.next_notice()
    assert (await terminal.event_where(progress_of("explore"), since=seen))["passed"] == []
    await terminal.read_until(PROMPT, since=len(terminal.screen))
    output = plain(await terminal.run("kubectl get deployments", "kubernetes-bootcamp"))
    row = next(line.split() for line in output.splitlines() if line.startswith("kubernetes-bootcamp"))
    assert re.fullmatch(r"[0-9]s", row[-1]), output
    output = plain(await terminal.run("kubectl get nodes", "v1.32.0"))
    node = next(line.split() for line in output.splitlines() if line.startswith("minikube"))
    assert re.fullmatch(r"[0-9]+s", node[3]) and int(node[3][:-1]) < 30, output
    assert await database_sync_to_async(lambda: list(Progress.objects.values_list("passed_steps", flat=True)))() \
        in ([], [[]])
    await terminal.close()


# --- Judging and storing ----------------------------------------------------------------------


def started_sandbox(session_key: str, commands: list[str]) -> Sandbox:
    backend = run_script(["minikube start", *commands], io.StringIO(), FakeClock(time.time() - 600))
    return Sandbox.objects.create(session_key=session_key, state=backend.state_json)


def judged(learner, sandbox, lesson, line):
    judgement = progress.record_command(learner, sandbox.pk, lesson, line)
    return judgement.passed, judgement.changed


@pytest.mark.django_db
def test_a_step_needs_all_its_checks_at_once_and_remembers_earlier_commands():
    sandbox = started_sandbox("learner", [CREATE_DEPLOYMENT])
    learner = progress.Learner("learner")
    lesson = progress.find_lesson("deploy")
    assert judged(learner, sandbox, lesson, "kubectl version") == (["create-deployment"], True)
    assert judged(learner, sandbox, lesson, "kubectl get nodes") == (["check-cluster", "create-deployment"], True)
    assert judged(learner, sandbox, lesson, "true") == (["check-cluster", "create-deployment"], False)
    assert judged(learner, sandbox, lesson, "kubectl get deployments") == (
        ["check-cluster", "create-deployment", "get-deployments"], True)


@pytest.mark.django_db
def test_a_step_waiting_for_the_cluster_asks_to_be_judged_again_when_it_changes():
    learner = progress.Learner("learner")
    lesson = progress.find_lesson("deploy")
    state = module_start_state(["minikube start", CREATE_DEPLOYMENT], seed=3, now=time.time())
    sandbox = Sandbox.objects.create(session_key="learner", state=state)
    judgement = progress.record_command(learner, sandbox.pk, lesson, "kubectl get deployments")
    assert judgement.passed == ["create-deployment"]
    assert 0 < judgement.judge_again_in < 60
    assert progress.record_command(learner, sandbox.pk, lesson, "kubectl get nodes").judge_again_in is not None
    ready = run_script(["minikube start", CREATE_DEPLOYMENT], io.StringIO(), FakeClock(time.time() - 600))
    Sandbox.objects.filter(pk=sandbox.pk).update(state=ready.state_json)
    judgement = progress.record_command(learner, sandbox.pk, lesson, None)
    assert judgement.passed == ["create-deployment", "get-deployments"] and judgement.changed
    assert Progress.objects.get().commands == ["kubectl get deployments", "kubectl get nodes"]


@pytest.mark.django_db
def test_only_the_most_recent_commands_are_kept():
    sandbox = started_sandbox("learner", [])
    learner = progress.Learner("learner")
    lesson = progress.find_lesson("cluster")
    for number in range(progress.MAX_COMMANDS + 5):
        progress.record_command(learner, sandbox.pk, lesson, f"echo {number}" + "x" * 3000)
    commands = Progress.objects.get().commands
    assert len(commands) == progress.MAX_COMMANDS
    assert commands[-1].startswith(f"echo {progress.MAX_COMMANDS + 4}x")
    assert len(commands[-1]) == progress.MAX_COMMAND_CHARS


@pytest.mark.django_db
def test_a_logged_in_learner_keeps_progress_across_devices_and_anonymous_ones_do_not_share():
    user = User.objects.create_user("ada")
    lesson = progress.find_lesson("cluster")
    laptop, tablet = progress.Learner("laptop", user.pk), progress.Learner("tablet", user.pk)
    sandbox = started_sandbox("laptop", [])
    progress.record_command(laptop, sandbox.pk, lesson, "minikube version")
    assert progress.passed_steps(tablet, lesson) == ["minikube-version", "minikube-start"]
    assert progress.passed_steps(progress.Learner("laptop"), lesson) == []
    assert progress.passed_steps(progress.Learner("someone-else"), lesson) == []


def test_a_module_start_state_ends_now_as_if_the_learner_had_just_typed_it():
    now = time.time()
    lesson = progress.find_lesson("explore")
    state = SandboxState.from_json(module_start_state(lesson.start, seed=7, now=now))
    assert state.now == pytest.approx(now)
    (node,) = state.objects["nodes"].values()
    started = parse_rfc3339(node["metadata"]["creationTimestamp"])
    assert now - 60 < started < now
    assert "default/kubernetes-bootcamp" in state.objects["deployments.apps"]


# --- Pages ------------------------------------------------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize("lang, shown", [("en", "2 of 6 steps done"), ("ja", "6 ステップ中 2 ステップ完了")])
def test_the_index_shows_each_modules_progress(client, lang, shown):
    client.get("/en/modules/cluster/")
    session_key = client.session.session_key
    Progress.objects.create(session_key=session_key, module="cluster", passed_steps=["help", "get-nodes"])
    page = client.get(f"/{lang}/").content.decode()
    assert page.count(shown) == 1
    assert 'data-passed="2" data-total="6"' in page
    assert page.count('data-passed="0"') == 5


@pytest.mark.django_db
def test_the_module_page_lists_the_passed_steps_in_lesson_order(client):
    client.get("/en/modules/cluster/")
    Progress.objects.create(session_key=client.session.session_key, module="cluster",
                            passed_steps=["help", "minikube-version"])
    assert client.get("/en/modules/cluster/").context["passed_steps"] == ["minikube-version", "help"]


@pytest.mark.django_db
def test_the_language_switch_keeps_the_learners_sandbox(client):
    client.get("/en/modules/cluster/")
    session_key = client.session.session_key
    sandbox = sandbox_for_session(session_key)
    response = client.post("/i18n/setlang/", {"language": "ja", "next": "/ja/modules/cluster/"})
    assert response.status_code == 302 and response["Location"] == "/ja/modules/cluster/"
    assert client.get("/ja/modules/cluster/").status_code == 200
    assert client.session.session_key == session_key
    assert sandbox_for_session(session_key).pk == sandbox.pk
    assert Sandbox.objects.count() == 1


@pytest.mark.django_db
def test_resetting_an_unknown_module_is_not_found_and_a_get_is_not_allowed(client):
    assert client.post("/en/modules/no-such-module/reset/").status_code == 404
    assert client.get("/en/modules/cluster/reset/").status_code == 405


@pytest.mark.django_db(transaction=True)
async def test_a_command_still_running_passes_its_step_while_it_runs():
    session_key = await learner_with_a_cluster()
    proxy_tab = await open_terminal(session_key, module="deploy", tab=2)
    await proxy_tab.event_where(progress_of("deploy"))
    await proxy_tab.socket.send_to(text_data=json.dumps(["stdin", "kubectl proxy\r"]))
    await proxy_tab.read_until("Starting to serve on 127.0.0.1:8001")
    announced = await proxy_tab.event_where(lambda event: "start-proxy" in event.get("passed", ()))
    assert announced["module"] == "deploy"
    await proxy_tab.close()
