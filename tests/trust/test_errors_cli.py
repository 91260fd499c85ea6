"""The ``qml`` command: one-line errors, exit 2; ``--version``; plain ``--help``."""

from __future__ import annotations

import argparse
import importlib
import importlib.metadata
import re
import sys
from importlib.metadata import PackageNotFoundError, version

import pytest

import qml
from qml import cli

VALID = 'OPENQASM 3.0;\ninclude "stdgates.inc";\nqubit[2] q;\nh q[0];\ncx q[0], q[1];\n'


def _draw_files(tmp_path):
    files = {
        "missing": tmp_path / "missing.qasm",
        "directory": tmp_path,
        "syntax": tmp_path / "syntax.qasm",
        "qasm2": tmp_path / "two.qasm",
        "empty": tmp_path / "empty.qasm",
        "blank": tmp_path / "blank.qasm",
        "binary": tmp_path / "binary.qasm",
        "latin1": tmp_path / "latin1.qasm",
        "no-qubits": tmp_path / "noqubits.qasm",
        "measure": tmp_path / "measure.qasm",
        "unknown-gate": tmp_path / "unknown.qasm",
        "bom-qasm2": tmp_path / "bom2.qasm",
    }
    files["syntax"].write_text("OPENQASM 3.0;\nqubit[1] q;\nh q[0]\n", encoding="utf-8")
    files["qasm2"].write_text(
        'OPENQASM 2.0;\ninclude "qelib1.inc";\nqreg q[1];\nh q[0];\n', encoding="utf-8"
    )
    files["bom-qasm2"].write_text(
        'OPENQASM 2.0;\ninclude "qelib1.inc";\nqreg q[1];\nh q[0];\n', encoding="utf-8-sig"
    )
    files["empty"].write_bytes(b"")
    files["blank"].write_text("\n  \n", encoding="utf-8")
    files["binary"].write_bytes(bytes(range(256)))
    files["latin1"].write_bytes(VALID.replace("qubit", "// caf\xe9\nqubit").encode("latin-1"))
    files["no-qubits"].write_text("OPENQASM 3.0;\n", encoding="utf-8")
    files["measure"].write_text(VALID + "bit[1] c;\nc[0] = measure q[0];\n", encoding="utf-8")
    files["unknown-gate"].write_text(
        'OPENQASM 3.0;\ninclude "stdgates.inc";\nqubit[1] q;\nfoo q[0];\n', encoding="utf-8"
    )
    return files


CASES = {
    "missing": "no such file",
    "directory": "directory",
    "syntax": "syntax",
    "qasm2": "OpenQASM 2",
    "empty": "empty",
    "blank": "empty",
    "binary": "binary",
    "latin1": "UTF-8",
    "no-qubits": "no qubits",
    "measure": "measure",
    "unknown-gate": "foo",
    "bom-qasm2": "OpenQASM 2",
}


@pytest.mark.parametrize("case", list(CASES))
def test_draw_errors_are_one_line_and_exit_2(case, tmp_path, capsys):
    path = _draw_files(tmp_path)[case]
    code = cli.main(["draw", str(path)])
    out, err = capsys.readouterr()
    assert code == 2
    assert out == ""
    lines = err.splitlines()
    assert len(lines) == 1, err
    assert lines[0].startswith("qml draw: error: ")
    assert re.search(CASES[case], lines[0], re.IGNORECASE), lines[0]
    assert "Traceback" not in err


def test_draw_reads_a_file_with_a_byte_order_mark(tmp_path, capsys):
    path = tmp_path / "bom.qasm"
    path.write_text(VALID, encoding="utf-8-sig")
    assert cli.main(["draw", str(path)]) == 0
    out, err = capsys.readouterr()
    assert err == "" and out.strip()


def test_draw_still_draws_a_valid_file(tmp_path, capsys):
    path = tmp_path / "ok.qasm"
    path.write_text(VALID, encoding="utf-8")
    assert cli.main(["draw", str(path)]) == 0
    out, err = capsys.readouterr()
    assert err == ""
    assert len(out.splitlines()) >= 2  # one line per wire


def test_every_qml_error_is_printed_on_one_line(monkeypatch, capsys):
    def fail(args):
        raise qml.errors.InputError("first line\nsecond line")

    monkeypatch.setattr(cli, "_info", fail)
    assert cli.main(["info"]) == 2
    err = capsys.readouterr().err
    assert err.splitlines() == ["qml info: error: first line second line"]


def test_version_flag_prints_the_package_version(capsys):
    with pytest.raises(SystemExit) as exit_info:
        cli.main(["--version"])
    assert exit_info.value.code == 0
    try:
        expected = version("qml-hybrid")
    except PackageNotFoundError:  # pragma: no cover - a bare checkout
        expected = qml.__version__
    assert capsys.readouterr().out.strip() == f"qml {expected}"
    assert expected == qml.__version__


# -- help texts: no Sphinx/RST markup, a help string for every flag ---------------------------

MARKUP = re.compile(r"``|:(class|mod|func|meth|attr|data|exc|ref|doc):`")


def _walk(parser: argparse.ArgumentParser, name: str):
    """Yield ``(command name, parser)`` for ``parser`` and every subparser below it."""
    yield name, parser
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            for sub_name, sub in action.choices.items():
                yield from _walk(sub, f"{name} {sub_name}")


def _problems(name: str, parser: argparse.ArgumentParser) -> list[str]:
    problems = []
    for text_name in ("description", "epilog", "usage"):
        text = getattr(parser, text_name) or ""
        if MARKUP.search(text):
            problems.append(f"{name}: {text_name} has Sphinx markup: {text[:60]!r}")
    for action in parser._actions:
        if isinstance(action, argparse._HelpAction | argparse._VersionAction):
            continue
        label = "/".join(action.option_strings) or action.dest
        if isinstance(action, argparse._SubParsersAction):
            for choice in action._choices_actions:
                if not choice.help:
                    problems.append(f"{name}: subcommand {choice.dest} has no help")
                elif MARKUP.search(choice.help):
                    problems.append(f"{name}: subcommand {choice.dest} help has markup")
            continue
        if not action.help:
            problems.append(f"{name}: {label} has no help text")
        elif MARKUP.search(action.help):
            problems.append(f"{name}: {label} help has Sphinx markup: {action.help!r}")
    return problems


def _parsers():
    return dict(_walk(cli.build_parser(), "qml"))


@pytest.mark.parametrize("command", ["qml", "qml info", "qml draw", "qml bench"])
def test_help_of_qml_commands_is_plain_and_complete(command):
    assert _problems(command, _parsers()[command]) == []


def test_help_of_qml_bench_flags_is_plain_and_complete(monkeypatch):
    """``qml bench`` parses its own flags (experiments/bench/run.py): catch its parser."""
    bench_run = importlib.import_module("experiments.bench.run")

    class Caught(Exception):
        pass

    def catch(self, args=None, namespace=None):
        raise Caught(self)

    monkeypatch.setattr(argparse.ArgumentParser, "parse_args", catch)
    with pytest.raises(Caught) as caught:
        bench_run.parse_args([])
    assert _problems("qml bench", caught.value.args[0]) == []


def test_help_of_qml_estimate_is_plain_and_complete():
    assert _problems("qml estimate", _parsers()["qml estimate"]) == []


def test_help_output_has_no_markup(capsys):
    for argv in (["--help"], ["info", "--help"], ["draw", "--help"]):
        with pytest.raises(SystemExit):
            cli.main(argv)
        out = capsys.readouterr().out
        assert not MARKUP.search(out), out


def _with_commands(monkeypatch, *extra):
    """``importlib.metadata.entry_points`` that adds ``extra`` to the ``qml.commands`` group."""
    real = importlib.metadata.entry_points

    def entry_points(**selection):
        found = list(real(**selection))
        return found + list(extra) if selection.get("group") == cli.COMMAND_GROUP else found

    monkeypatch.setattr(importlib.metadata, "entry_points", entry_points)


def test_qml_bench_is_the_entry_point_of_the_experiments_package():
    commands = {ep.name: ep for ep in importlib.metadata.entry_points(group=cli.COMMAND_GROUP)}
    assert commands["bench"].value == "experiments.bench:COMMAND"
    assert isinstance(commands["bench"].load(), cli.Command)


def test_a_plugin_command_runs_with_its_own_arguments(monkeypatch, capsys):
    seen = []
    module = type(sys)("qml_test_plugin")
    module.COMMAND = cli.Command(help="a test command", main=lambda argv: seen.append(argv) or 3)
    monkeypatch.setitem(sys.modules, "qml_test_plugin", module)
    entry = importlib.metadata.EntryPoint("hello", "qml_test_plugin:COMMAND", cli.COMMAND_GROUP)
    _with_commands(monkeypatch, entry)
    assert cli.main(["hello", "--flag", "x"]) == 3
    assert seen == [["--flag", "x"]]
    with pytest.raises(SystemExit):
        cli.main(["--help"])
    assert "a test command" in capsys.readouterr().out


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("qml_no_such_module:COMMAND", "cannot load qml_no_such_module:COMMAND"),
        ("qml.cli:build_parser", "qml.cli:build_parser is not a qml.cli.Command"),
    ],
)
def test_a_plugin_command_that_does_not_load_is_a_one_line_error(
    monkeypatch, capsys, value, message
):
    _with_commands(monkeypatch, importlib.metadata.EntryPoint("broken", value, cli.COMMAND_GROUP))
    assert cli.main(["broken", "--quick"]) == 2
    err = capsys.readouterr().err
    assert err.startswith(f"qml broken: error: {message}") and len(err.strip().splitlines()) == 1
    with pytest.raises(SystemExit):
        cli.main(["--help"])
    assert "unavailable" in capsys.readouterr().out
