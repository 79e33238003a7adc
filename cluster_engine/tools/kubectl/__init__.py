"""The simulated ``kubectl`` (client v1.32.5), registered as a command of the sandbox shell.

``app`` holds the command tree and kubectl's error framing; each implemented subcommand lives in
its own module and attaches itself with ``@implement``. Importing this package registers
``kubectl`` in ``cluster_engine.commands.COMMANDS``.
"""

from __future__ import annotations

from ...commands import command
from . import cluster_info, describe, get, logs, version  # noqa: F401  (they attach their subcommands)
from . import create, delete, expose, label, rollout, scale, set_cmd  # noqa: F401  (write commands)
from . import apply, edit, from_files, run, wait  # noqa: F401  (manifests, pods, waiting)
from . import exec  # noqa: F401  (commands inside containers)
from . import proxy  # noqa: F401  (the API on the loopback)
from . import node_cmds  # noqa: F401  (cordon, uncordon, drain, taint)
from . import port_forward  # noqa: F401  (a local port reaching a pod)
from . import top  # noqa: F401  (the Metrics API)
from . import config_cmd  # noqa: F401  (the kubeconfig minikube writes)
from . import api_resources  # noqa: F401  (discovery listings)
from . import patch  # noqa: F401  (merge, strategic and JSON patches)
from . import misc  # noqa: F401  (events, dump, auth and the other everyday commands)
from . import explain  # noqa: F401  (field documentation from the served OpenAPI schemas)
from .app import run_kubectl


@command("kubectl")
def kubectl(argv, stdin, stdout, stderr, ctx) -> int:
    return run_kubectl(argv, stdin, stdout, stderr, ctx)
