"""kubectl's JSONPath (``-o jsonpath=...``), checked against the real kubectl v1.32.

The expected values are what the real kubectl printed for the same template and object
(``kubectl annotate --local -f service.json zz- -o jsonpath=...``; ``annotate`` adds the empty
``annotations`` map seen in the object below).
"""

import pytest

from cluster_engine.printers.jsonpath import (JsonPath, JsonPathExecError, JsonPathParseError,
                                              execution_error_message, relaxed)

SERVICE = {
    "apiVersion": "v1", "kind": "Service",
    "metadata": {"annotations": {}, "name": "s", "labels": {"b": "2", "a": "1"}},
    "spec": {"ports": [{"port": 8080, "nodePort": 31234, "protocol": "TCP"}], "big": 1000000,
             "f": 1.5, "neg": -3, "nul": None, "t": True, "l": ["x", "y"], "e": "", "m": {}},
}

RENDERED = [
    ('{.metadata.name}',
     's'),
    ('{.metadata.labels} {.spec.ports} {.spec.l} {.spec.big} {.spec.f} {.spec.nul} {.spec.t} {.spec.m} {.spec.e}|',
     '{"a":"1","b":"2"} [{"nodePort":31234,"port":8080,"protocol":"TCP"}] ["x","y"] 1000000 1.5 null true {} |'),
    ('{.spec.l[*]} {.spec.ports[0].port} {.spec.l[-1]} {.spec.l[0:1]} {..port}',
     'x y 8080 y x 8080'),
    ('{range .spec.l[*]}[{@}]{"\\n"}{end}',
     '[x]\n[y]\n'),
    ('{range .spec.ports[*]}{.port}{"\\t"}{.protocol}{end}',
     '8080\tTCP'),
    ('{range .spec.l}{@}{end}',
     '["x","y"]'),
    ('{range .spec.ports[*]}{range .spec.l[*]}{@}{end}{end}',
     ''),
    ('{.spec.ports[?(@.port==8080)].nodePort} {.spec.ports[?(@.protocol=="TCP")].port} {.spec.ports[?(@.nodePort)].port}',
     '31234 8080 8080'),
    ('{.spec.ports[?(@.port>8000)].port} {.spec.ports[?(@.port<8000)].port}|{.spec.ports[?(@.protocol!="UDP")].port}',
     '8080 |8080'),
    ('{.spec.ports[?(@.port > 8000)].port} {.spec.l[?(@=="x")]}',
     '8080 x'),
    ('{.nope}|{.spec.missing.x}|{.spec.l[*].x}|{.kind.x}|{.spec.l.x}',
     '||||'),
    ('plain text {.kind}',
     'plain text Service'),
    ("{$.kind} {@.kind} {.metadata['name']} {.metadata.labels['a']} {.spec.l[0,1]} {.metadata['name','labels']}",
     'Service Service s 1 x y s {"a":"1","b":"2"}'),
    ('{.spec.l[1:]} {.spec.l[:-1]} {.spec.l[0:2:2]} {.spec.l[1:2]}',
     'y x x y'),
    ('{"a\\"b"}{\'c\'}{.spec.f} {1} {.spec.neg}',
     'a"bc1.5 1 -3'),
    ('{..protocol} {.spec..port}',
     'TCP 8080'),
    ("{.spec.ports[*]['port','protocol']}",
     '8080 TCP'),
    ('{.spec.l[0]}{.spec.l[*]}',
     'xx y'),
    ('{.spec.m.*}',
     ''),
    ('{.}',
     ''),
    ('{.spec.l[1:1]}|{.spec.l[2:]}',
     '|'),
    ('{.spec.l[1:2:3]}{.spec.l[-1:]}',
     'yy'),
    ('{.spec.ports[?(@.port == 8080)].protocol} {.spec.ports[?(@.port>=8080)].port}{.spec.ports[?(@.port<=8080)].port}',
     'TCP 80808080'),
    ('{.spec.m.x.y}|{.spec.nul.x}|{.spec.nul[0]}|{.spec.big.x}',
     '|||'),
    ('{"\\u00e9\\t"}{[\'kind\']}',
     'é\tService'),
]

NOT_PARSED = [
    ('{.kind',
     'unclosed action'),
    ('{.spec.l[a]}',
     'invalid array index a'),
    ('{#}',
     "unrecognized character in action: U+0023 '#'"),
]

NOT_EXECUTED = [
    ('{.spec.l[5]}',
     'array index out of bounds: index 5, length 2'),
    ('{.spec.l[-3]}',
     'array index out of bounds: index -1, length 2'),
    ('{.spec.l[0:5:1]}',
     'array index out of bounds: index 4, length 2'),
    ('{.spec.l[::-1]}',
     'step must be > 0'),
    ('{end}',
     'not in range, nothing to end'),
    ('{.spec.ports[?(@.port=="8080")].port}',
     'incompatible types for comparison'),
    ('{[0]}',
     'map[string]interface {} is not array or slice'),
    ('{.spec.l[1:5]}',
     'array index out of bounds: index 4, length 2'),
    ('{.spec.l[2:1]}',
     'array index out of bounds: index 2, length 2'),
    ('{.spec.l[:-3]}',
     'array index out of bounds: index -2, length 2'),
    ('{.spec.l[-5:]}',
     'array index out of bounds: index -3, length 2'),
    ('{.spec.e[0]}',
     'string is not array or slice'),
]


@pytest.mark.parametrize(("template", "expected"), RENDERED)
def test_it_renders_like_the_real_kubectl(template, expected):
    assert JsonPath(template).render(SERVICE) == expected


@pytest.mark.parametrize(("template", "message"), NOT_PARSED)
def test_it_rejects_a_template_with_the_real_kubectls_message(template, message):
    with pytest.raises(JsonPathParseError) as failure:
        JsonPath(template)
    assert str(failure.value) == message


@pytest.mark.parametrize(("template", "message"), NOT_EXECUTED)
def test_it_fails_on_the_object_with_the_real_kubectls_message(template, message):
    with pytest.raises(JsonPathExecError) as failure:
        JsonPath(template).render(SERVICE)
    assert str(failure.value) == message


def test_its_execution_error_carries_the_template_and_the_object_as_go_prints_them():
    with pytest.raises(JsonPathExecError) as failure:
        JsonPath("{.spec.l[5]}").render(SERVICE)
    message = "error: " + execution_error_message("{.spec.l[5]}", failure.value, SERVICE) + "\n"
    assert message == 'error: error executing jsonpath "{.spec.l[5]}": Error executing template: array index out of bounds: index 5, length 2. Printing more information for debugging the template:\n\ttemplate was:\n\t\t{.spec.l[5]}\n\tobject given to jsonpath engine was:\n\t\tmap[string]interface {}{"apiVersion":"v1", "kind":"Service", "metadata":map[string]interface {}{"annotations":map[string]interface {}{}, "labels":map[string]interface {}{"a":"1", "b":"2"}, "name":"s"}, "spec":map[string]interface {}{"big":1000000, "e":"", "f":1.5, "l":[]interface {}{"x", "y"}, "m":map[string]interface {}{}, "neg":-3, "nul":interface {}(nil), "ports":[]interface {}{map[string]interface {}{"nodePort":31234, "port":8080, "protocol":"TCP"}}, "t":true}}\n\n\n'


def test_as_json_prints_each_actions_results_as_an_indented_json_array():
    rendered = JsonPath("{.spec.l[*]}{.kind}", output_json=True).render(SERVICE)
    assert rendered == '[\n    "x",\n    "y"\n]\n[\n    "Service"\n]\n'


def test_a_missing_key_is_an_error_when_missing_keys_are_not_allowed():
    with pytest.raises(JsonPathExecError) as failure:
        JsonPath("{.nope}", allow_missing_keys=False).render(SERVICE)
    assert str(failure.value) == "nope is not found"


@pytest.mark.parametrize("expression", [".metadata.name", "metadata.name", "{.metadata.name}",
                                        "{metadata.name}"])
def test_relaxed_paths_all_mean_the_same_field(expression):
    assert relaxed(expression) == "{.metadata.name}"


def test_an_empty_list_has_no_index_zero_but_an_empty_slice():
    empty = {"l": []}
    assert JsonPath("{.l[*]}|{.l[0:]}").render(empty) == "|"
    for template, index in (("{.l[0]}", 0), ("{.l[-1]}", -1), ("{.l[:1]}", 0)):
        with pytest.raises(JsonPathExecError) as failure:
            JsonPath(template).render(empty)
        assert str(failure.value) == f"array index out of bounds: index {index}, length 0"
