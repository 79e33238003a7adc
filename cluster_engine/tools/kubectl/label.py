"""``kubectl label`` and ``kubectl annotate``: add, change or remove metadata keys.

Arguments are resources first, then ``key=value`` and ``key-`` changes (a resource after a
change is refused). A key that already holds a different value is refused unless
``--overwrite``. kubectl v1.32 words the result by comparing the object's JSON before and after:
``not labeled`` when nothing changed, ``unlabeled`` when it got shorter without ``--overwrite``,
``labeled`` otherwise; ``annotate`` always says ``annotated``. Objects are changed one after
another, so an error stops the command after the objects before it were reported.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass

from .app import KubectlError, connect, implement, namespace_of
from .cobra import Invocation
from .mutations import CHANGE_CAUSE, check_target_args, find_targets, output_of, report, update

_LABEL_VALUE = re.compile(r"(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?\Z")
_LABEL_VALUE_RULE = (
    "a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or "
    "'.', and must start and end with an alphanumeric character (e.g. 'MyValue',  or "
    "'my_value',  or '12345', regex used for validation is "
    "'(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?')")


@dataclass
class Changes:
    added: dict[str, str]
    removed: list[str]


def split_resources_and_pairs(args: list[str], noun: str) -> tuple[list[str], list[str]]:
    """``GetResourcesAndPairs``: resources, then the ``k=v`` / ``k-`` words after them."""
    resources, pairs = [], []
    for arg in args:
        is_pair = ("=" in arg and not arg.startswith("=")) or (arg.endswith("-") and arg != "-")
        if is_pair:
            pairs.append(arg)
        elif pairs:
            raise KubectlError(f"all resources must be specified before {noun} changes: {arg}")
        else:
            resources.append(arg)
    return resources, pairs


def parse_label_changes(pairs: list[str]) -> Changes:
    added, removed = {}, []
    for pair in pairs:
        if "=" in pair:
            parts = pair.split("=")
            if len(parts) != 2:
                raise KubectlError(f"invalid label spec: {pair}")
            problems = []
            if len(parts[1]) > 63:
                problems.append("must be no more than 63 characters")
            if not _LABEL_VALUE.match(parts[1]):
                problems.append(_LABEL_VALUE_RULE)
            if problems:
                raise KubectlError(f'invalid label value: "{pair}": {";".join(problems)}')
            added[parts[0]] = parts[1]
        elif pair.endswith("-"):
            removed.append(pair[:-1])
        else:
            raise KubectlError(f"unknown label spec: {pair}")
    if any(key in added for key in removed):
        raise KubectlError("can not both modify and remove a label in the same command")
    return Changes(added, removed)


def parse_annotation_changes(pairs: list[str]) -> Changes:
    added, removed, invalid = {}, [], []
    for pair in pairs:
        if "=" in pair and not pair.startswith("="):
            key, _, value = pair.partition("=")
            added[key] = value
        elif pair.endswith("-") and pair != "-":
            removed.append(pair[:-1])
        else:
            invalid.append(pair)
    if invalid:
        raise KubectlError(f"invalid annotation format: {', '.join(invalid)}")
    both = [key for key in removed if key in added]
    if both:
        raise KubectlError("can not both modify and remove the following annotation(s) in the "
                           f"same command: {', '.join(both)}")
    return Changes(added, removed)


def _refused_labels(current: dict, added: dict) -> str | None:
    clashes = [f"'{key}' already has a value ({current[key]}), and --overwrite is false"
               for key, value in added.items() if key in current and current[key] != value]
    if not clashes:
        return None
    return clashes[0] if len(clashes) == 1 else "[" + ", ".join(clashes) + "]"


def _refused_annotations(current: dict, added: dict) -> str | None:
    clashes = [f"'{key}' already has a value ({current[key]})" for key, value in added.items()
               if key != CHANGE_CAUSE and key in current and current[key] != value]
    if not clashes:
        return None
    return ("--overwrite is false but found the following declared annotation(s): "
            + "; ".join(clashes))


def _change_metadata(invocation: Invocation, field: str, noun: str) -> int:
    flags = invocation.flags
    resources, pairs = split_resources_and_pairs(invocation.args, noun)
    changes = (parse_label_changes(pairs) if field == "labels"
               else parse_annotation_changes(pairs))
    selector, select_all = flags.get("selector") or "", bool(flags.get("all"))
    if select_all and selector:
        raise KubectlError("cannot set --all and --selector at the same time")
    if not resources:
        raise KubectlError("one or more resources must be specified as <resource> <name> or "
                           "<resource>/<name>")
    if not changes.added and not changes.removed:
        raise KubectlError(f"at least one {noun} update is required")
    output = output_of(invocation)
    check_target_args(resources, selector, select_all)
    out = invocation.stdout
    with invocation.ctx.sandbox.transaction() as cluster:
        connect(invocation, cluster)
        for target in find_targets(cluster, resources, namespace_of(invocation), selector,
                                   select_all):
            meta = target.obj["metadata"]
            current = dict(meta.get(field) or {})
            if not flags.get("overwrite"):
                refusal = (_refused_labels if field == "labels"
                           else _refused_annotations)(current, changes.added)
                if refusal:
                    raise KubectlError(refusal)
            if field == "labels" and output.dry_run != "client":
                for key in changes.removed:
                    if key not in current:
                        out.write(f'label "{key}" not found.\n')
            before = json.dumps(target.obj)
            updated = {key: value for key, value in current.items()
                       if key not in changes.removed}
            updated.update(changes.added)
            meta[field] = updated
            after = json.dumps(target.obj)
            if output.dry_run != "client" and updated != current:
                update(cluster, target.rt, target.obj, output)
            if field == "annotations":
                message = "annotated"
            elif before == after:
                message = "not labeled"
            elif not flags.get("overwrite") and len(after) < len(before):
                message = "unlabeled"
            else:
                message = "labeled"
            report(out, target.rt, target.obj, message, output)
    return 0


@implement("label")
def run_label(invocation: Invocation) -> int:
    return _change_metadata(invocation, "labels", "label")


@implement("annotate")
def run_annotate(invocation: Invocation) -> int:
    return _change_metadata(invocation, "annotations", "annotation")
