"""``python -m cluster_engine serve-api``: a saved state's API over HTTP, on either clock."""

from __future__ import annotations

import json
import subprocess
import sys
import time
import urllib.request

from cluster_engine.api.http import sandbox_for
from cluster_engine.state import SandboxState


def test_it_serves_a_state_file_on_the_port_it_announces(lab, tmp_path):
    state_file = tmp_path / "state.json"
    state_file.write_text(lab.state_json)
    server = subprocess.Popen(
        [sys.executable, "-m", "cluster_engine", "serve-api", "--state", str(state_file),
         "--port", "0"], stdout=subprocess.PIPE, text=True)
    try:
        announced = server.stdout.readline()
        assert announced.startswith("Serving the Kubernetes API on http://127.0.0.1:")
        url = announced.split()[-1]
        request = urllib.request.Request(f"{url}/api/v1/namespaces/default/pods",
                                         headers={"Accept": "application/json"})
        with urllib.request.urlopen(request, timeout=10) as response:
            assert response.headers["Content-Type"] == "application/json"
            listing = json.load(response)
        assert [pod["metadata"]["name"] for pod in listing["items"]] == lab.pod_names()
    finally:
        server.terminate()
        server.wait(timeout=10)


def test_the_frozen_clock_stays_at_the_states_moment_and_the_real_one_runs_on(lab):
    saved_at = SandboxState.from_json(lab.state_json).now
    frozen = sandbox_for(lab.state_json, "frozen")
    running = sandbox_for(lab.state_json, "real")
    time.sleep(0.05)
    with frozen.transaction() as cluster:
        assert cluster.now == saved_at
    with running.transaction() as cluster:
        assert saved_at + 0.05 <= cluster.now < saved_at + 5
