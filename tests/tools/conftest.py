"""Fixtures for the tool tests: a fresh sandbox, and one where ``minikube start`` has run."""

import pytest

from tool_sandbox import Machine


@pytest.fixture
def machine() -> Machine:
    return Machine()


@pytest.fixture
def started() -> Machine:
    machine = Machine()
    assert machine.sh("minikube start").status == 0
    return machine
