"""The simulated ``kubectl`` (client v1.32.5), registered as a command of the sandbox shell.

``app`` holds the command tree and kubectl's error framing; each implemented subcommand lives in
its own module and attaches itself with ``@implement``. Importing this package registers
``kubectl`` in ``cluster_engine.commands.COMMANDS``.
"""

from __future__ import annotations

from ...commands import command
from . import cluster_info, describe, get, logs, version  # noqa: F401  (they attach their subcommands)
from . import create, delete, expose, label, rollout, scale, set_cmd  # noqa: F401  (write commands)
from . import exec  # noqa: F401  (commands inside containers)
from . import proxy  # noqa: F401  (the API on the loopback)
from .app import run_kubectl


@command("kubectl")
def kubectl(argv, stdin, stdout, stderr, ctx) -> int:
    return run_kubectl(argv, stdin, stdout, stderr, ctx)
