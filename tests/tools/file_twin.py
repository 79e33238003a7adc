"""The same files on this machine and in a sandbox, so one command line can run in both.

The real GNU tools and bash are the judge: where they are installed, a line must print the same
words and end with the same status in the sandbox's shell as in a real bash in a directory
holding the same files.
"""

from __future__ import annotations

import io
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path

from cluster_engine.clock import FakeClock
from cluster_engine.sandbox import LocalBackend
from cluster_engine.session import new_shell

BASH = shutil.which("bash")
HOME = "/home/learner"
FILES = {
    "pods.txt": ("NAME                                   READY   STATUS    RESTARTS   AGE\n"
                 "kubernetes-bootcamp-5485cc6795-2dn5v   1/1     Running   0          2m\n"
                 "kubernetes-bootcamp-5485cc6795-8dq9x   1/1     Running   1          2m\n"
                 "nginx-7854ff8877-b4xqz                 0/1     Pending   0          10s\n"),
    "words": "pear 3\napple 10\nfig 1\napple 10\nkiwi 7\n",
    "notes/todo.txt": "expose the deployment\nscale to 4\n",
    "notes/done.txt": "start minikube\n",
    "csv": "name,image,replicas\nweb,nginx:1.25,3\napi,node:20,2\n",
    **{f"letters/{name}": "" for name in ("alpha", "beta", "gamma", "delta", "epsilon", "zeta",
                                         "eta", "theta", "iota", "kappa", "lambda", "mu")},
}


@dataclass
class Outcome:
    status: int
    out: str
    err: str


def sandbox_shell():
    shell = new_shell(LocalBackend(), FakeClock())
    for name, text in FILES.items():
        if "/" in name:
            run(shell, f"mkdir -p {name.rsplit('/', 1)[0]}")
        shell.ctx.fs.write(f"{HOME}/{name}", text)
    return shell


def run(shell, line: str, stdin: str = "") -> Outcome:
    out, err = io.StringIO(), io.StringIO()
    status = shell.run_line(line, out, err, io.StringIO(stdin))
    return Outcome(status, out.getvalue(), err.getvalue())


def real(tmp_path: Path, line: str, stdin: str = "") -> Outcome:
    for name, text in FILES.items():
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text(text)
    done = subprocess.run([BASH, "--norc", "--noprofile", "-c", line], input=stdin,
                          capture_output=True, text=True, cwd=tmp_path, timeout=10,
                          env={"PATH": "/usr/bin:/bin", "LANG": "C.UTF-8", "HOME": str(tmp_path),
                               "TZ": "UTC"})
    #: ``bash -c`` names its line in messages; the learner's interactive bash does not.
    err = done.stderr.replace(f"{BASH}: line 1: ", "bash: ")
    return Outcome(done.returncode, done.stdout, err)
