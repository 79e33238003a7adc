"""The admin's view of sandboxes: listed with owner, dates and size; reset in bulk."""

import pytest
from django.contrib.auth import get_user_model

from cluster_engine.clock import FakeClock
from cluster_engine.script import run_script
from cluster_engine.state import SandboxState
from tutorial.models import Sandbox

pytestmark = pytest.mark.django_db


def started_sandbox(session_key: str) -> Sandbox:
    backend = run_script(["minikube start"], open("/dev/null", "w"), FakeClock())
    state = SandboxState.from_json(backend.state_json)
    return Sandbox.objects.create(session_key=session_key, state=backend.state_json,
                                  object_count=state.object_count())


@pytest.fixture
def admin_client(client):
    admin = get_user_model().objects.create_superuser("admin", "admin@example.com", "pw-for-tests")
    client.force_login(admin)
    return client


def test_the_sandbox_list_shows_owner_dates_and_object_count(admin_client):
    sandbox = started_sandbox("a" * 32)
    page = admin_client.get("/admin/tutorial/sandbox/").content.decode()
    assert "aaaaaaaaaaaa…" in page
    assert f'<td class="field-object_count">{sandbox.object_count}</td>' in page
    for column in ("created", "last_active"):
        assert f"column-{column}" in page
    assert sandbox.object_count > 10


def test_a_reset_puts_the_chosen_sandboxes_back_to_a_fresh_machine(admin_client):
    chosen = [started_sandbox("a" * 32), started_sandbox("b" * 32)]
    untouched = started_sandbox("c" * 32)
    response = admin_client.post("/admin/tutorial/sandbox/", {
        "action": "reset_to_fresh_cluster", "_selected_action": [s.pk for s in chosen]}, follow=True)
    assert "2 sandboxes were reset." in response.content.decode()
    for sandbox in chosen:
        sandbox.refresh_from_db()
        state = SandboxState.from_json(sandbox.state)
        assert state.object_count() == 0 and state.minikube["status"] == "Absent"
        assert sandbox.object_count == 0 and sandbox.version == 2
    untouched.refresh_from_db()
    assert untouched.object_count > 0 and untouched.version == 1


def test_the_admin_cannot_invent_a_sandbox(admin_client):
    assert admin_client.get("/admin/tutorial/sandbox/add/").status_code == 403


def test_the_state_itself_is_not_shown_on_the_change_page(admin_client):
    sandbox = started_sandbox("d" * 32)
    page = admin_client.get(f"/admin/tutorial/sandbox/{sandbox.pk}/change/").content.decode()
    assert 'name="state"' not in page


def test_the_progress_list_shows_each_learners_module_and_passed_steps(admin_client):
    from tutorial.models import Progress

    Progress.objects.create(session_key="d" * 32, module="cluster", passed_steps=["help", "get-nodes"])
    page = admin_client.get("/admin/tutorial/progress/").content.decode()
    assert "dddddddddddd…" in page
    assert '<td class="field-steps_passed">2</td>' in page
