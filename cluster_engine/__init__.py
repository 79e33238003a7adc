"""A simulated Minikube cluster and the tools a learner uses on it.

This package is the whole sandbox: the Kubernetes objects and the control loops that move them,
the simulated ``bash``, ``kubectl``, ``minikube`` and ``curl``, and the process that runs inside
each browser terminal. It imports no Django, so the same code runs in a sandbox process, inside the
web server (read-only) and in scripted mode for tests.
"""
