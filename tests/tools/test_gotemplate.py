"""Go templates as ``kubectl get -o go-template`` runs them.

Every expected value here is what the real kubectl v1.32 printed for the same template and
object (``kubectl annotate --local -f service.json zz- -o go-template=...``, which runs the same
printer on a file without a server).
"""

import pytest

from cluster_engine.printers.gotemplate import (TemplateExecError, TemplateParseError, parse)

SERVICE = {
    "apiVersion": "v1", "kind": "Service",
    "metadata": {"name": "s", "labels": {"b": "2", "a": "1"}},
    "spec": {"ports": [{"port": 8080, "nodePort": 31234, "protocol": "TCP"}], "big": 1000000,
             "f": 1.5, "neg": -3, "nul": None, "t": True, "l": ["x", "y"], "e": "", "m": {}},
}

RENDERED = [
    ('{{.metadata.name}}',
     's'),
    ('{{.nope}}',
     '<no value>'),
    ('{{.nope.x}}',
     '<no value>'),
    ('{{.spec.nul}}',
     '<no value>'),
    ('{{(index .spec.ports 0).nodePort}}',
     '31234'),
    ('{{printf "%d" (index .spec.ports 0).nodePort}}',
     '31234'),
    ('{{.spec.big}} {{.spec.f}} {{.spec.neg}} {{.spec.t}} [{{.spec.e}}]',
     '1000000 1.5 -3 true []'),
    ('{{.metadata.labels}} {{.spec.ports}} {{.spec.l}} {{.spec.m}}',
     'map[a:1 b:2] [map[nodePort:31234 port:8080 protocol:TCP]] [x y] map[]'),
    ('{{range .spec.l}}{{.}}{{"\\n"}}{{end}}',
     'x\ny\n'),
    ('{{range $i, $p := .spec.ports}}{{$i}}={{$p.port}}/{{$p.protocol}}{{end}}',
     '0=8080/TCP'),
    ('{{range $k, $v := .metadata.labels}}{{$k}}:{{$v}};{{end}}',
     'a:1;b:2;'),
    ('{{range .spec.m}}x{{else}}empty{{end}}',
     'empty'),
    ('{{range .nope}}x{{else}}none{{end}}',
     'none'),
    ('{{if .spec.e}}E{{else if .spec.t}}T{{else}}F{{end}}',
     'T'),
    ('{{with .spec.nope}}W{{else}}NW{{end}} {{with .metadata}}{{.name}}{{end}}',
     'NW s'),
    ('{{- /* a comment */ -}}  a  {{- .kind -}}  b',
     'aServiceb'),
    ('{{ $x := .metadata.name }}{{$x}} {{$.kind}}',
     's Service'),
    ('{{$x := 1}}{{$x = 2}}{{$x}}',
     '2'),
    ('{{len .spec.l}} {{len .metadata.labels}} {{len "héllo"}}',
     '2 2 6'),
    ('{{and 1 0}} {{and 1 2}} {{or 0 "" "x"}} {{or 0 ""}} {{not .spec.e}}',
     '0 2 x  true'),
    ('{{print "a" 1 2 "b" "c" 3}}|{{println "x" 2}}|',
     'a1 2bc3|x 2\n|'),
    ('{{"a\\tb"}} {{`raw\\n`}} {{\'a\'}} {{0x1F}} {{1e3}} {{-2}} {{true}}',
     'a\tb raw\\n 97 31 1000 -2 true'),
    ('{{printf "%q %5.2f|%-5d|%x %v" .metadata.name .spec.f .spec.neg 255 .spec.nul}}',
     '"s"  1.50|-3   |ff <nil>'),
    ('{{printf "%s|%10s|%-10s|%5.1f|%05d|%c|%U" "a" "b" "c" 3.14159 42 65 65}}',
     'a|         b|c         |  3.1|00042|A|U+0041'),
    ('{{printf "%v %T %T %T" .spec.l 3 .spec.big .spec.f}}',
     '[x y] int int64 float64'),
    ('{{printf "%d %s" .spec.f}}',
     '%!d(float64=1.5) %!s(MISSING)'),
    ('{{printf "%s" 1 2}}',
     '%!s(int=1)%!(EXTRA int=2)'),
    ('{{printf "%s" .spec.big}} {{printf "%s" .spec.nul}} {{printf "%d" .spec.l}}',
     '%!s(int64=1000000) %!s(<nil>) [%!d(string=x) %!d(string=y)]'),
    ('{{printf "%x %X %o %b %e %g %E" 255 255 8 5 1500.0 0.000012 2.5}}',
     'ff FF 10 101 1.500000e+03 1.2e-05 2.500000E+00'),
    ('{{1234567.0}} {{123456.0}} {{0.0001}} {{0.00001}} {{1e20}} {{1e21}} {{2.5e6}} {{100.0}}',
     '1.234567e+06 123456 0.0001 1e-05 1e+20 1e+21 2.5e+06 100'),
    ('{{.metadata.name | printf "%s-%s" "a"}} {{.spec.big | eq 1000000}} {{"x" | len}}',
     'a-s true 1'),
    ('{{index .metadata.labels "a"}} {{index .metadata.labels "zz"}} {{index . "spec" "l" 1}}',
     '1 <no value> y'),
    ('{{eq .kind "Service"}} {{ne 1 2}} {{eq "a" "b" "a"}} {{lt 1 2}} {{ge 2.5 2.5}} {{le "a" "b"}}',
     'true true true true true true'),
    ('{{ (.metadata).name }} {{(len .spec.l) | printf "%03d"}}',
     's 002'),
    ('{{ define "x" }}[{{.}}]{{end}}{{template "x" .kind}}{{template "x"}}{{block "y" .metadata.name}}<{{.}}>{{end}}',
     '[Service][<no value>]<s>'),
    ('{{ range .spec.l }}{{if eq . "x"}}{{continue}}{{end}}{{.}}{{end}}|{{ range .spec.l }}{{.}}{{break}}{{end}}',
     'y|x'),
    ('{{ .kind | }}',
     'Service'),
    ('{{.spec.nul | printf "%v"}} {{index .spec "nul"}} {{with .spec.nul}}x{{end}}',
     '<nil> <no value> '),
    ('{{.metadata.labels | len | printf "%d labels"}} {{print .spec.l .spec.big}} {{println}}',
     '2 labels [x y] 1000000 \n'),
    ('{{printf "%s|%v" .nope .nope}}',
     '%!s(<nil>)|<nil>'),
]

FAILING = [
    ('{{.metadata.name.x}}',
     'template: output:1:11: executing "output" at <.metadata.name.x>: can\'t evaluate field x in type interface {}'),
    ('{{.spec.nul.x}}',
     'template: output:1:7: executing "output" at <.spec.nul.x>: nil pointer evaluating interface {}.x'),
    ('{{$x := .spec}}{{$x.l.y}}',
     'template: output:1:19: executing "output" at <$x.l.y>: can\'t evaluate field y in type interface {}'),
    ('{{index .spec.l 5}}',
     'template: output:1:2: executing "output" at <index .spec.l 5>: error calling index: index out of range: 5'),
    ('{{lt .spec.big 3.0}}',
     'template: output:1:2: executing "output" at <lt .spec.big 3.0>: error calling lt: incompatible types for comparison'),
    ('{{range .metadata.name}}x{{end}}',
     'template: output:1:17: executing "output" at <.metadata.name>: range can\'t iterate over s'),
    ('{{len .nope}}',
     'template: output:1:2: executing "output" at <len .nope>: error calling len: reflect: call of reflect.Value.Type on zero Value'),
    ('{{len 3}}',
     'template: output:1:2: executing "output" at <len 3>: error calling len: len of type int'),
    ('{{nil}}',
     'template: output:1:2: executing "output" at <nil>: nil is not a command'),
    ('{{.kind 1}}',
     'template: output:1:2: executing "output" at <.kind>: kind is not a method but has arguments'),
    ('{{.kind | .metadata}}',
     'template: output:1:10: executing "output" at <.metadata>: metadata is not a method but has arguments'),
    ('{{printf 3}}',
     'template: output:1:9: executing "output" at <3>: expected string; found 3'),
    ('{{foo}}',
     'template: output:1: function "foo" not defined'),
    ('{{.metadata.name',
     'template: output:1: unclosed action'),
    ('{{if}}x{{end}}',
     'template: output:1: missing value for if'),
    ('{{end}}',
     'template: output:1: unexpected {{end}}'),
    ('{{if .kind}}x',
     'template: output:1: unexpected EOF'),
    ('{{$y}}',
     'template: output:1: undefined variable "$y"'),
    ('{{"abc}}',
     'template: output:1: unterminated quoted string'),
    ('{{if .spec.t}}a{{else}}b{{else}}c{{end}}',
     'template: output:1: expected end; found {{else}}'),
    ('{{template "nope" .}}',
     'template: output:1:11: executing "output" at <{{template "nope" .}}>: template "nope" not defined'),
    ('{{ break }}',
     'template: output:1: {{break}} outside {{range}}'),
    ('{{#}}',
     'template: output:1: unexpected "#" in command'),
    ('{{.kind ~ }}',
     'template: output:1: unexpected "~" in operand'),
    ('{{ 12abc }}',
     'template: output:1: bad number syntax: "12a"'),
    ('{{ ) }}',
     'template: output:1: unexpected right paren'),
    ('{{ (.kind }}',
     'template: output:1: unclosed left paren'),
    ('{{ | .kind }}',
     'template: output:1: unexpected "|" in command'),
    ('{{ .kind é }}',
     'template: output:1: function "é" not defined'),
    ('{{ "abcdefghijklmnop" 3 }}',
     'template: output:1:3: executing "output" at <"abcdefghijklmnop">: can\'t give argument to non-function "abcdefghijklmnop"'),
    ('{{(.spec).l.y}}',
     'template: output:1:3: executing "output" at <.spec>: can\'t evaluate field y in type interface {}'),
    ('{{(index .spec.ports 0).port.x}}',
     'template: output:1:21: executing "output" at <0>: can\'t evaluate field x in type interface {}'),
]


@pytest.mark.parametrize(("template", "expected"), RENDERED)
def test_it_renders_like_the_real_kubectl(template, expected):
    assert parse(template).render(SERVICE) == expected


@pytest.mark.parametrize(("template", "message"), FAILING)
def test_it_fails_with_the_real_kubectls_message(template, message):
    with pytest.raises((TemplateParseError, TemplateExecError)) as failure:
        parse(template).render(SERVICE)
    assert str(failure.value) == message


def test_it_reads_a_missing_key_as_an_error_when_missing_keys_are_not_allowed():
    with pytest.raises(TemplateExecError) as failure:
        parse("{{.nope}}", missing_key_error=True).render(SERVICE)
    assert str(failure.value) == ('template: output:1:2: executing "output" at <.nope>: '
                                  'map has no entry for key "nope"')


def test_it_keeps_the_output_written_before_a_failure():
    out = []
    with pytest.raises(TemplateExecError):
        parse("{{.kind}} {{len .nope}}").execute(SERVICE, out)
    assert "".join(out) == "Service "
