"""``kubectl describe`` pages for ConfigMaps, Secrets, ServiceAccounts and Namespaces.

Go ranges over a map's keys in random order; these pages sort them, which is one of the orders
the real kubectl can print.
"""

from __future__ import annotations

import base64
import binascii

from .describe import PrefixWriter, write_annotations, write_events, write_labels


def describe_config_map(config_map: dict, events: list[dict] | None, now: float) -> str:
    meta = config_map["metadata"]
    w = PrefixWriter()
    w.write(0, f"Name:\t{meta['name']}\n")
    w.write(0, f"Namespace:\t{meta.get('namespace', '')}\n")
    write_labels(w, "Labels", meta.get("labels"))
    write_annotations(w, "Annotations", meta.get("annotations"))
    w.write(0, "\nData\n====\n")
    for key, value in sorted((config_map.get("data") or {}).items()):
        w.write(0, f"{key}:\n----\n")
        w.write(0, f"{value}\n")
        w.write(0, "\n")
    w.write(0, "\nBinaryData\n====\n")
    for key, value in sorted((config_map.get("binaryData") or {}).items()):
        w.write(0, f"{key}: {len(_base64_decoded(value))} bytes\n")
    w.write(0, "\n")
    write_events(w, events, now)
    return w.text()


def _base64_decoded(text: str) -> bytes:
    try:
        return base64.b64decode(text)
    except (binascii.Error, ValueError):
        return b""


def describe_secret(secret: dict) -> str:
    meta = secret["metadata"]
    w = PrefixWriter()
    w.write(0, f"Name:\t{meta['name']}\n")
    w.write(0, f"Namespace:\t{meta.get('namespace', '')}\n")
    write_labels(w, "Labels", meta.get("labels"))
    write_annotations(w, "Annotations", meta.get("annotations"))
    w.write(0, f"\nType:\t{secret.get('type', '')}\n")
    w.write(0, "\nData\n====\n")
    for key, value in sorted((secret.get("data") or {}).items()):
        decoded = _base64_decoded(value)
        if key == "token" and secret.get("type") == "kubernetes.io/service-account-token":
            w.write(0, f"{key}:\t{decoded.decode('utf-8', 'replace')}\n")
        else:
            w.write(0, f"{key}:\t{len(decoded)} bytes\n")
    return w.text()


def describe_namespace(namespace: dict) -> str:
    """A namespace without quotas or limit ranges, which is all the simulation has."""
    meta = namespace["metadata"]
    w = PrefixWriter()
    w.write(0, f"Name:\t{meta['name']}\n")
    write_labels(w, "Labels", meta.get("labels"))
    write_annotations(w, "Annotations", meta.get("annotations"))
    w.write(0, f"Status:\t{namespace.get('status', {}).get('phase', '')}\n")
    w.write(0, "\n")
    w.write(0, "No resource quota.\n")
    w.write(0, "\n")
    w.write(0, "No LimitRange resource.\n")
    return w.text()


_SECRET_HEADERS = (("Image pull secrets:", "imagePullSecrets"), ("Mountable secrets: ", "secrets"),
                   ("Tokens:            ", None))


def describe_service_account(account: dict, secrets: list[dict], events: list[dict] | None,
                             now: float) -> str:
    """``secrets``: the Secrets of the account's namespace (for its tokens and missing names)."""
    meta = account["metadata"]
    w = PrefixWriter()
    w.write(0, f"Name:\t{meta['name']}\n")
    w.write(0, f"Namespace:\t{meta.get('namespace', '')}\n")
    write_labels(w, "Labels", meta.get("labels"))
    write_annotations(w, "Annotations", meta.get("annotations"))
    existing = {secret["metadata"]["name"] for secret in secrets}
    tokens = [secret["metadata"]["name"] for secret in secrets
              if secret.get("type") == "kubernetes.io/service-account-token"
              and (secret["metadata"].get("annotations") or {}).get(
                  "kubernetes.io/service-account.name") == meta["name"]
              and (secret["metadata"].get("annotations") or {}).get(
                  "kubernetes.io/service-account.uid") == meta.get("uid")]
    for header, field in _SECRET_HEADERS:
        names = tokens if field is None else [ref["name"] for ref in account.get(field) or []]
        if not names:
            w.write(0, f"{header}\t<none>\n")
        for index, name in enumerate(names):
            missing = " (not found)" if field is not None and name not in existing else ""
            w.write(0, f"{header if index == 0 else ' ' * len(header)}\t{name}{missing}\n")
    write_events(w, events, now)
    return w.text()
