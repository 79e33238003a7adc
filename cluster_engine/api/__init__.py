"""The simulated cluster's Kubernetes REST API: the paths, JSON and errors a real API server has.

``server.handle(cluster, request)`` answers one ``loopback.HttpRequest`` from the sandbox state,
with no sockets involved, so ``kubectl proxy`` + ``curl`` inside the sandbox and the
``serve-api`` HTTP server (``http``) that lets the real ``/usr/bin/kubectl`` talk to a sandbox
share one implementation. ``discovery`` describes the resource types as API discovery does.
"""
