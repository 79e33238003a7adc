"""The layering design.md asks for, checked: the engine and the pty bridge stay free of Django."""

import subprocess
import sys


def modules_loaded_by(import_lines: str) -> set[str]:
    code = f"{import_lines}\nimport sys\nprint('\\n'.join(sys.modules))"
    output = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True,
                            env={"PATH": "/usr/bin:/bin"}).stdout
    return set(output.split())


def test_cluster_engine_imports_no_django_and_no_channels():
    loaded = modules_loaded_by(
        "import pkgutil, importlib, cluster_engine\n"
        "for info in pkgutil.walk_packages(cluster_engine.__path__, 'cluster_engine.'):\n"
        "    importlib.import_module(info.name)")
    assert "cluster_engine.shell" in loaded
    assert not {name for name in loaded if name.split(".")[0] in {"django", "channels", "daphne"}}


def test_the_pty_bridge_imports_no_django():
    loaded = modules_loaded_by("import tutorial.pty_session, tutorial.state_channel")
    assert "tutorial.pty_session" in loaded
    assert not {name for name in loaded if name.split(".")[0] in {"django", "channels"}}
