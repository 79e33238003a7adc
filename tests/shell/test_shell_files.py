"""The file systems behind ``ctx.fs``: the learner's machine and the inside of a container."""

from __future__ import annotations

import io

import pytest

from cluster_engine.clock import FakeClock
from cluster_engine.defaults import default_pod
from cluster_engine.minikube_cluster import start_cluster
from cluster_engine.resources import resolve
from cluster_engine.sandbox import LocalBackend, Sandbox
from cluster_engine.session import new_shell
from cluster_engine.shell.filesystem import (ContainerFileSystem, FileSystemError,
                                             SandboxFileSystem)
from cluster_engine.state import SandboxState

PODS = resolve("pods")


def fresh_sandbox() -> Sandbox:
    return Sandbox(LocalBackend(), FakeClock())


def refused(action, *args) -> str:
    with pytest.raises(FileSystemError) as error:
        action(*args)
    return error.value.strerror


# -- the learner's machine -------------------------------------------------------------------

def test_it_shows_a_fresh_home_with_the_login_files():
    fs = SandboxFileSystem(fresh_sandbox())
    assert fs.listdir("/home/learner") == [".bash_logout", ".bashrc", ".profile"]
    assert fs.read("/etc/hostname") == "minikube-tutorial\n"
    assert 'VERSION_ID="22.04"' in fs.read("/etc/os-release")
    assert fs.info("/usr/local/bin/kubectl").mode == 0o755
    assert "kubectl" in fs.listdir("/usr/local/bin")


def test_it_keeps_the_learners_files_in_the_sandbox_state():
    backend = LocalBackend()
    fs = SandboxFileSystem(Sandbox(backend, FakeClock()))
    fs.mkdir("/home/learner/app")
    fs.write("/home/learner/app/notes.txt", "one\n")
    fs.write("/home/learner/app/notes.txt", "two\n", append=True)
    again = SandboxFileSystem(Sandbox(backend, FakeClock()))
    assert again.read("/home/learner/app/notes.txt") == "one\ntwo\n"
    saved = SandboxState.from_json(backend.state_json).files
    assert saved["/home/learner/app/notes.txt"]["text"] == "one\ntwo\n"
    assert saved["/home/learner/app"]["kind"] == "dir"


def test_it_hides_a_deleted_base_file_behind_a_whiteout():
    backend = LocalBackend()
    fs = SandboxFileSystem(Sandbox(backend, FakeClock()))
    fs.remove("/home/learner/.bashrc")
    assert fs.info("/home/learner/.bashrc") is None
    assert ".bashrc" not in fs.listdir("/home/learner")
    assert SandboxState.from_json(backend.state_json).files["/home/learner/.bashrc"] == {"kind": "gone"}


def test_it_refuses_what_an_ordinary_user_may_not_do():
    fs = SandboxFileSystem(fresh_sandbox())
    assert refused(fs.listdir, "/root") == "Permission denied"
    assert refused(fs.info, "/root/.bashrc") == "Permission denied"
    assert refused(fs.write, "/etc/motd", "hi") == "Permission denied"
    assert refused(fs.remove, "/etc/hostname") == "Permission denied"
    assert refused(fs.write, "/home/learner/none/x", "") == "No such file or directory"
    assert refused(fs.write, "/home/learner", "") == "Is a directory"
    assert refused(fs.info, "/etc/hostname/x") == "Not a directory"
    assert refused(fs.mkdir, "/tmp") == "File exists"
    assert refused(fs.remove, "/home") == "Directory not empty"


def test_it_answers_no_space_past_the_size_caps():
    fs = SandboxFileSystem(fresh_sandbox())
    assert refused(fs.write, "/tmp/big", "x" * (256 * 1024 + 1)) == "No space left on device"
    for index in range(4):
        fs.write(f"/tmp/part{index}", "x" * (256 * 1024))
    assert refused(fs.write, "/tmp/one-more", "x") == "No space left on device"


def test_it_stamps_writes_with_the_sandbox_clock():
    clock = FakeClock()
    fs = SandboxFileSystem(Sandbox(LocalBackend(), clock))
    clock.advance(90)
    fs.write("/tmp/x", "")
    assert fs.info("/tmp/x").mtime == clock.now()
    assert fs.info("/tmp").mtime == clock.now()


# -- a container -----------------------------------------------------------------------------

@pytest.fixture
def cluster_sandbox() -> Sandbox:
    clock = FakeClock()
    sandbox = Sandbox(LocalBackend(), clock)
    with sandbox.transaction() as cluster:
        start_cluster(cluster)
    for _ in range(30):
        clock.advance(1)
        with sandbox.transaction():
            pass
    with sandbox.transaction() as cluster:
        pod = {"metadata": {"name": "web", "namespace": "default", "labels": {"app": "web"}},
               "spec": {"containers": [
                   {"name": "nginx", "image": "nginx",
                    "volumeMounts": [{"name": "cache", "mountPath": "/cache"},
                                     {"name": "conf", "mountPath": "/etc/conf"}]}],
                   "volumes": [{"name": "cache", "emptyDir": {}},
                               {"name": "conf", "configMap": {"name": "conf"}}]}}
        cluster.store.create(resolve("configmaps"),
                             {"metadata": {"name": "conf", "namespace": "default"},
                              "data": {"greeting": "hello\n"}})
        cluster.store.create(PODS, default_pod(pod, cluster.rng))
    for _ in range(10):
        clock.advance(1)
        with sandbox.transaction():
            pass
    return sandbox


def test_a_container_shows_its_image_and_mounted_files(cluster_sandbox):
    fs = ContainerFileSystem(cluster_sandbox, "default", "web", "nginx")
    assert fs.read("/etc/hostname") == "web\n"
    assert fs.read("/etc/conf/greeting") == "hello\n"
    assert "greeting" in fs.listdir("/etc/conf")
    assert fs.info("/cache").kind == "dir"
    assert refused(fs.write, "/etc/conf/greeting", "bye") == "Read-only file system"


def test_a_container_writes_into_its_empty_dir_and_its_own_layer(cluster_sandbox):
    fs = ContainerFileSystem(cluster_sandbox, "default", "web", "nginx")
    fs.mkdir("/cache/pages")
    fs.write("/cache/pages/index.html", "<h1>hi</h1>\n")
    fs.write("/tmp/scratch", "a\n")
    fs.write("/tmp/scratch", "b\n", append=True)
    fs.remove("/etc/hostname")
    again = ContainerFileSystem(cluster_sandbox, "default", "web", "nginx")
    assert again.listdir("/cache") == ["pages"]
    assert again.read("/cache/pages/index.html") == "<h1>hi</h1>\n"
    assert again.read("/tmp/scratch") == "a\nb\n"
    assert again.info("/etc/hostname") is None
    with cluster_sandbox.transaction() as cluster:
        uid = cluster.store.get(PODS, "default", "web")["metadata"]["uid"]
        assert cluster.state.volumes[f"{uid}/cache"] == {
            "pages/": "", "pages/index.html": "<h1>hi</h1>\n"}
        assert cluster.state.volumes[f"{uid}/nginx/0"]["/tmp/scratch"] == "a\nb\n"


def test_a_container_that_is_gone_has_no_files(cluster_sandbox):
    fs = ContainerFileSystem(cluster_sandbox, "default", "gone", "nginx")
    assert refused(fs.read, "/etc/hostname") == "No such file or directory"


# -- the shell on the learner's machine ------------------------------------------------------

def shell_run(shell, line: str, stdin: str = "") -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    status = shell.run_line(line, out, err, io.StringIO(stdin))
    return status, out.getvalue(), err.getvalue()


@pytest.fixture
def shell():
    return new_shell(LocalBackend(), FakeClock())


def test_redirections_create_truncate_and_append(shell):
    shell_run(shell, "echo one > f; echo two >> f; echo three >> f")
    assert shell_run(shell, "cat < f") == (0, "one\ntwo\nthree\n", "")
    shell_run(shell, "echo new > f")
    assert shell.ctx.fs.read("/home/learner/f") == "new\n"
    shell_run(shell, "> empty")
    assert shell.ctx.fs.read("/home/learner/empty") == ""


def test_stderr_and_both_streams_go_to_files(shell):
    assert shell_run(shell, "ls nosuch 2> err; ls nosuch words &> both") == (2, "", "")
    assert shell.ctx.fs.read("/home/learner/err") == (
        "ls: cannot access 'nosuch': No such file or directory\n")
    assert shell.ctx.fs.read("/home/learner/both").count("cannot access") == 2


def test_a_failed_redirection_does_not_run_the_command(shell):
    assert shell_run(shell, "echo hi > /etc/motd; echo $?") == (
        0, "1\n", "bash: /etc/motd: Permission denied\n")
    assert shell_run(shell, "cat < missing") == (1, "", "bash: missing: No such file or directory\n")
    assert shell_run(shell, "echo hi > nodir/f")[2] == "bash: nodir/f: No such file or directory\n"
    assert shell_run(shell, "echo hi >> /tmp")[2] == "bash: /tmp: Is a directory\n"


def test_cd_follows_real_directories(shell):
    assert shell_run(shell, "mkdir -p app/conf; cd app/conf; pwd") == (0, "/home/learner/app/conf\n", "")
    assert shell_run(shell, "cd -; cd ~/app; pwd; cd ..; pwd") == (
        0, "/home/learner\n/home/learner/app\n/home/learner\n", "")
    assert shell_run(shell, "touch f; cd f")[2] == "bash: cd: f: Not a directory\n"
    assert shell_run(shell, "cd /nowhere")[2] == "bash: cd: /nowhere: No such file or directory\n"
    assert shell_run(shell, "cd /tmp && echo hi > note && cat /tmp/note") == (0, "hi\n", "")


def test_a_file_is_not_a_program(shell):
    shell_run(shell, "echo 'echo hi' > run.sh")
    assert shell_run(shell, "./run.sh") == (126, "", "bash: ./run.sh: Permission denied\n")
    assert shell_run(shell, "./gone.sh") == (127, "", "bash: ./gone.sh: No such file or directory\n")
    assert shell_run(shell, "/tmp") == (126, "", "bash: /tmp: Is a directory\n")
    assert shell_run(shell, "/usr/bin/cat /etc/hostname") == (0, "minikube-tutorial\n", "")


def test_a_container_shell_reads_the_container(cluster_sandbox):
    from cluster_engine.commands import CommandContext
    from cluster_engine.shell import Shell

    ctx = CommandContext(sandbox=cluster_sandbox, clock=FakeClock(), cwd="/",
                         env={"HOME": "/root", "PATH": "/usr/bin:/bin"},
                         fs=ContainerFileSystem(cluster_sandbox, "default", "web", "nginx"))
    container = Shell(ctx)
    assert shell_run(container, "cat /etc/conf/greeting; ls /etc/conf") == (0, "hello\ngreeting\n", "")
    assert shell_run(container, "echo cached > /cache/page; cat /cache/*") == (0, "cached\n", "")
    assert shell_run(container, "echo x > /etc/conf/new")[2] == (
        "bash: /etc/conf/new: Read-only file system\n")
