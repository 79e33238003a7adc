"""kubectl's JSON and YAML: Go's escaping, and go-yaml's choice of quotes."""

from cluster_engine.printers.serialize import go_json, go_yaml, yaml_scalar


def test_json_escapes_html_characters_like_go():
    assert go_json({"a": "<none> & more"}) == '{\n    "a": "\\u003cnone\\u003e \\u0026 more"\n}'


def test_json_keeps_non_ascii_text():
    assert go_json({"名前": "値"}, indent=2) == '{\n  "名前": "値"\n}'


def test_json_sorts_keys_only_when_asked():
    assert go_json({"b": 1, "a": 2}, indent=2, sort_keys=True) == '{\n  "a": 2,\n  "b": 1\n}'
    assert go_json({"b": 1, "a": 2}, indent=2) == '{\n  "b": 1,\n  "a": 2\n}'


def test_yaml_quotes_strings_that_would_read_back_as_other_types():
    assert yaml_scalar("1") == '"1"'
    assert yaml_scalar("true") == '"true"'
    assert yaml_scalar("yes") == '"yes"'
    assert yaml_scalar("") == '""'
    assert yaml_scalar("2025-05-15T09:12:10Z") == '"2025-05-15T09:12:10Z"'
    assert yaml_scalar("1.5") == '"1.5"'


def test_yaml_leaves_ordinary_strings_plain():
    assert yaml_scalar("v1.32.5") == "v1.32.5"
    assert yaml_scalar("linux/amd64") == "linux/amd64"
    assert yaml_scalar("<none>") == "<none>"
    assert yaml_scalar("2026_11_25T16_00_00_0000") == "2026_11_25T16_00_00_0000"


def test_yaml_single_quotes_strings_plain_style_cannot_hold():
    assert yaml_scalar("*") == "'*'"
    assert yaml_scalar("a: b") == "'a: b'"
    assert yaml_scalar(" padded") == "' padded'"


def test_yaml_nests_maps_and_keeps_list_items_at_the_parent_indentation():
    document = {"spec": {"containers": [{"name": "web", "ports": [{"containerPort": 8080}]}]},
                "apiVersion": "v1", "metadata": {"labels": {}}}
    assert go_yaml(document) == ("apiVersion: v1\n"
                                 "metadata:\n"
                                 "  labels: {}\n"
                                 "spec:\n"
                                 "  containers:\n"
                                 "  - name: web\n"
                                 "    ports:\n"
                                 "    - containerPort: 8080\n")


def test_yaml_writes_multi_line_strings_as_literal_blocks():
    assert go_yaml({"data": {"Corefile": ".:53 {\n    log\n}\n"}}) == (
        "data:\n  Corefile: |\n    .:53 {\n        log\n    }\n")
    assert go_yaml({"a": "x\ny"}) == "a: |-\n  x\n  y\n"
