"""The cobra/pflag rules kubectl and minikube share: finding the subcommand, parsing flags."""

import pytest

from cluster_engine.tools.kubectl.cobra import (Command, CommandLine, Flag, FlagError,
                                                UnknownCommand, flags_from_help, kubectl_normalize,
                                                parse_go_int)


def tree() -> CommandLine:
    root = Command("kubectl", run=lambda inv: 0, persistent_flags=[
        Flag("namespace", "string", "n", ""), Flag("kubeconfig", "string", "", ""),
        Flag("v", "int", "v", 0)])
    root.add(Command("get", run=lambda inv: 0, flags=[
        Flag("output", "string", "o", ""), Flag("all-namespaces", "bool", "A", False),
        Flag("watch", "bool", "w", False), Flag("label-columns", "stringSlice", "L", [])]))
    root.add(Command("set", run=lambda inv: 0))
    root.add(Command("version", run=lambda inv: 0, flags=[Flag("client", "bool", "", False)]))
    root.add(Command("top", run=lambda inv: 0))
    return CommandLine(root, normalize=kubectl_normalize)


def parse(line: str):
    cli = tree()
    command, rest = cli.find(line.split())
    flags, args, _dash = cli.parse(command, rest)
    return command.name, flags, args


@pytest.mark.parametrize("line", ["get nodes -o wide", "get nodes -owide", "get nodes -o=wide",
                                  "get nodes --output=wide", "get nodes --output wide",
                                  "get -o wide nodes", "-n default get nodes -o wide"])
def test_every_spelling_of_an_output_flag_is_understood(line):
    name, flags, args = parse(line)
    assert (name, flags["output"], args) == ("get", "wide", ["nodes"])


def test_global_flags_may_come_before_the_subcommand():
    name, flags, args = parse("-n kube-system get pods")
    assert (name, flags["namespace"], args) == ("get", "kube-system", ["pods"])


def test_boolean_shorthands_can_be_grouped():
    _name, flags, _args = parse("get pods -Aw")
    assert flags["all-namespaces"] and flags["watch"]


def test_a_double_dash_ends_the_flags():
    _name, flags, args = parse("get pods -- -o wide")
    assert flags["output"] == "" and args == ["pods", "-o", "wide"]


def test_underscores_in_flag_names_read_as_dashes_for_kubectl():
    _name, flags, _args = parse("get pods --all_namespaces")
    assert flags["all-namespaces"] is True


def test_list_flags_accumulate_and_split_on_commas():
    _name, flags, _args = parse("get pods -L app,tier -L version")
    assert flags["label-columns"] == ["app", "tier", "version"]


@pytest.mark.parametrize("line, message", [
    ("get pods --foo", "unknown flag: --foo"),
    ("get pods -x", "unknown shorthand flag: 'x' in -x"),
    ("get pods -Ax", "unknown shorthand flag: 'x' in -x"),
    ("get pods -o", "flag needs an argument: 'o' in -o"),
    ("get pods --output", "flag needs an argument: --output"),
    ("version --client=yes",
     'invalid argument "yes" for "--client" flag: strconv.ParseBool: parsing "yes": invalid syntax'),
    ("get pods -v x",
     'invalid argument "x" for "-v, --v" flag: strconv.ParseInt: parsing "x": invalid syntax'),
])
def test_bad_flags_are_reported_in_pflags_words(line, message):
    with pytest.raises(FlagError) as error:
        parse(line)
    assert str(error.value) == message


def test_an_unknown_command_comes_with_suggestions_in_registration_order():
    with pytest.raises(UnknownCommand) as error:
        parse("ver")
    assert error.value.suggestions == ["get", "set", "version"]


def test_an_unknown_long_flag_swallows_the_next_word_while_looking_for_the_command():
    with pytest.raises(UnknownCommand) as error:
        parse("--foo get nodes")
    assert error.value.name == "nodes"


def test_flags_are_read_from_a_captured_help_page():
    flags = {flag.name: flag for flag in flags_from_help(
        "Options:\n    -A, --all-namespaces=false:\n\tx\n\n    --chunk-size=500:\n\tx\n\n"
        "    -L, --label-columns=[]:\n\tx\n\n    -o, --output='':\n\tx\n\n"
        "    --log-flush-frequency=5s:\n\tx\n")}
    assert (flags["all-namespaces"].kind, flags["all-namespaces"].shorthand) == ("bool", "A")
    assert (flags["chunk-size"].kind, flags["chunk-size"].default) == ("int", 500)
    assert flags["label-columns"].kind == "stringSlice"
    assert (flags["output"].kind, flags["output"].default) == ("string", "")
    assert flags["log-flush-frequency"].kind == "duration"


def test_integers_are_parsed_like_go():
    assert [parse_go_int(text) for text in ("10", "0x1f", "010", "0b11", "-3", "1_0", "x")] == [
        10, 31, 8, 3, -3, None, None]
