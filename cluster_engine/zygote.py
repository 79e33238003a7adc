"""A warm parent for sandbox shells: fork instead of starting Python.

Starting a fresh Python that imports the engine costs ~100 ms; forking a process
that has already imported them costs ~1–2 ms, and the children share its memory pages. The web
server starts one zygote (``python -m cluster_engine zygote --control-fd N``) with the scrubbed
sandbox environment and asks it, over a SOCK_SEQPACKET socket, for a shell:

    request:  {"lang": "ja", "rows": 24, "cols": 80}   + the child's end of its state channel (fd)
    answer:   {"pid": 1234}                             + the master side of the new pty (fd)

It does nothing else; it ends when the web server closes the control socket. Children
are reaped by the kernel (SIGCHLD ignored); a shell reports its exit status over its state
channel.
"""

from __future__ import annotations

import fcntl
import gc
import io
import json
import os
import pty
import resource
import signal
import socket
import struct
import termios

CHILD_MEMORY_LIMIT = 1024 * 1024 * 1024
MAX_REQUEST = 4096
#: What learners type most, module by module: each command's imports and caches are then in the
#: pages every shell shares instead of being copied into each one.
REHEARSAL = (
    "minikube start", "kubectl get nodes", "kubectl get pods -A", "minikube status", "help",
    "kubectl create deployment kubernetes-bootcamp "
    "--image=gcr.io/google-samples/kubernetes-bootcamp:v1",
    "kubectl rollout status deployment/kubernetes-bootcamp",
    'kubectl expose deployment/kubernetes-bootcamp --type="NodePort" --port 8080',
    "kubectl get deployments,rs,services -o wide", "kubectl describe pods",
    "kubectl describe services/kubernetes-bootcamp", "kubectl describe nodes",
    "export POD_NAME=$(kubectl get pods -o go-template --template "
    "'{{range .items}}{{.metadata.name}}{{\"\\n\"}}{{end}}')",
    "kubectl get pods -o jsonpath='{.items[*].metadata.name}'",
    "kubectl logs $POD_NAME", "kubectl exec $POD_NAME -- env",
    'curl -s http://"$(minikube ip):31000"', "kubectl proxy --port 0 & sleep 1; kill %1",
    "curl -s http://localhost:8001/version",
    "kubectl label pods $POD_NAME version=v1", "kubectl scale deployments/kubernetes-bootcamp --replicas=2",
    "kubectl set image deployments/kubernetes-bootcamp "
    "kubernetes-bootcamp=docker.io/jocatalin/kubernetes-bootcamp:v2",
    "kubectl rollout undo deployments/kubernetes-bootcamp",
    "kubectl apply -f - <<EOF", "apiVersion: v1", "kind: ConfigMap", "metadata:", "  name: x",
    "EOF",
    "ls -la; cat /etc/hostname | grep -c m; echo hi > notes.txt; wc -l notes.txt | awk '{print $1}'",
    "kubectl delete deployments/kubernetes-bootcamp services/kubernetes-bootcamp",
)


def limit_sandbox_process() -> None:
    resource.setrlimit(resource.RLIMIT_AS, (CHILD_MEMORY_LIMIT, CHILD_MEMORY_LIMIT))
    resource.setrlimit(resource.RLIMIT_CORE, (0, 0))


def _prepare():
    """Everything a shell needs that does not depend on its learner, done once for all of them.

    A rehearsal of common commands leaves the lazy imports and caches they fill in the pages the
    children share; each child then copies less on first write.
    """
    from . import terminal  # noqa: F401  (readline and the shell, imported before forking)
    from .clock import FakeClock
    from .script import run_script

    run_script(REHEARSAL, io.StringIO(), FakeClock())


def _become_shell(state_fd: int, request: dict) -> None:
    signal.signal(signal.SIGCHLD, signal.SIG_DFL)
    limit_sandbox_process()
    rows, cols = int(request.get("rows", 24)), int(request.get("cols", 80))
    fcntl.ioctl(0, termios.TIOCSWINSZ, struct.pack("HHHH", rows, cols, 0, 0))
    from .terminal import run_terminal

    status = 1
    try:
        status = run_terminal(state_fd, request.get("lang", "en"))
    finally:
        os._exit(status)


def serve(control: socket.socket) -> None:
    _prepare()
    gc.freeze()
    signal.signal(signal.SIGCHLD, signal.SIG_IGN)
    while True:
        try:
            message, fds, _flags, _address = socket.recv_fds(control, MAX_REQUEST, 1)
        except (ConnectionError, OSError):
            return
        if not message:
            return
        if len(fds) != 1:
            for fd in fds:
                os.close(fd)
            continue
        (state_fd,) = fds
        try:
            request = json.loads(message)
        except ValueError:
            os.close(state_fd)
            continue
        pid, master_fd = pty.fork()
        if pid == 0:
            control.close()
            _become_shell(state_fd, request)
        os.close(state_fd)
        try:
            socket.send_fds(control, [json.dumps({"pid": pid}).encode()], [master_fd])
        finally:
            os.close(master_fd)
