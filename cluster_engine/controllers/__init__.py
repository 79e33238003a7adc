"""The control loops of the simulated control plane; importing this package registers them.

Each module registers its loops with ``cluster.controller``. They are level-driven: every call
looks at the objects as they are now and makes one step towards what their specs ask for.
"""

from . import endpoints, kubelet, nodes, scheduler, workloads  # noqa: F401
