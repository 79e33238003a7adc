"""The site served for real by Daphne on a free port, for tests that need whole processes.

Browser tests and the scale-out test run the ASGI application exactly as ``make run`` does, each
server with its own data directory (or a shared database, for scale-out) and its log kept for the
failure message.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def prepare(env: dict) -> None:
    """Migrate the database and compile the translations, as ``make setup`` does."""
    subprocess.run([sys.executable, "manage.py", "migrate", "--no-input", "-v", "0"], cwd=REPO, env=env,
                   check=True)
    subprocess.run([str(BIN / "pybabel"), "compile", "-d", "locale", "-D", "django"], cwd=REPO, env=env,
                   check=True, capture_output=True)


class LiveSite:
    def __init__(self, data_dir: Path, extra_env: dict | None = None):
        self.env = {**os.environ, "TUTORIAL_DATA_DIR": str(data_dir), "TUTORIAL_DEBUG": "1",
                    "DJANGO_SETTINGS_MODULE": "config.settings", "PYTHONUNBUFFERED": "1",
                    **(extra_env or {})}
        self.log = data_dir / f"daphne-{id(self)}.log"
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.server: subprocess.Popen | None = None

    def start(self) -> "LiveSite":
        with self.log.open("w") as log_file:
            self.server = subprocess.Popen(
                [str(BIN / "daphne"), "-b", "127.0.0.1", "-p", str(self.port), "config.asgi:application"],
                cwd=REPO, env=self.env, stdout=log_file, stderr=subprocess.STDOUT, start_new_session=True)
        self._wait_until_serving(f"{self.url}/en/")
        return self

    def _wait_until_serving(self, url: str, timeout: float = 30.0) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.server.poll() is not None:
                raise RuntimeError(f"daphne exited with {self.server.returncode}:\n{self.log_tail()}")
            try:
                with urllib.request.urlopen(url, timeout=2) as response:
                    if response.status == 200:
                        return
            except OSError:
                time.sleep(0.2)
        raise RuntimeError(f"daphne did not answer {url} within {timeout} s:\n{self.log_tail()}")

    def log_tail(self) -> str:
        return self.log.read_text(errors="replace")[-3000:] if self.log.exists() else ""

    def stop(self) -> None:
        if self.server is None:
            return
        self.server.terminate()
        try:
            self.server.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.server.kill()
            self.server.wait()
