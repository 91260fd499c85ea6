"""The ``qml`` command line.

- ``qml info``: versions, backends, devices.
- ``qml draw FILE.qasm``: import an OpenQASM 3 circuit through Qiskit and draw it.
- ``qml estimate MODEL --target ibm_fez ...``: QPU, simulation and classical cost
  (:mod:`qml.estimator.cli`; ``qml estimate --help``).
- ``qml bench [--quick] ...``: time a training step on qml and its peers; a :class:`Command`
  that the ``experiments`` package adds through the ``qml.commands`` entry-point group
  (``qml bench --help`` for its flags).
"""

from __future__ import annotations

import argparse
import re
import sys
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

__all__ = ["Command", "COMMAND_GROUP", "main", "build_parser"]


def _info(args: argparse.Namespace) -> int:
    from importlib.metadata import PackageNotFoundError, version

    import torch

    from qml import __version__
    from qml.backends import available_backends

    print(f"qml {__version__}")
    for pkg in ("torch", "numpy", "pennylane", "qiskit", "qiskit-aer", "qiskit-ibm-runtime"):
        try:
            print(f"  {pkg:20s} {version(pkg)}")
        except PackageNotFoundError:
            print(f"  {pkg:20s} not installed")
    print(f"backends: {', '.join(available_backends())}")
    cuda = torch.cuda.is_available()
    print(f"cuda: {torch.cuda.get_device_name(0) if cuda else 'not available'}")
    return 0


def _draw(args: argparse.Namespace) -> int:
    from qml.circuit import Circuit
    from qml.errors import InteropError

    qc = _load_qasm3(args.file)
    try:
        circuit = Circuit.from_qiskit(qc)
    except InteropError as e:
        raise InteropError(f"{args.file!r}: {e}") from e
    print(circuit.draw())
    return 0


_QASM_VERSION = re.compile(r"\A(?:\s|//[^\n]*\n|/\*.*?\*/)*OPENQASM\s+([0-9.]+)", re.DOTALL)


def _load_qasm3(file: str):
    """The Qiskit circuit of the OpenQASM 3 file ``file``; every failure a one-line QmlError.

    Raises:
        InputError: ``file`` is missing, a directory, unreadable, empty, binary or not UTF-8.
        InteropError: the text is OpenQASM 2, or not OpenQASM 3 that Qiskit can import.
    """
    from qml.errors import InputError, InteropError

    path = Path(file)
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        raise InputError(f"no such file {file!r}") from None
    except IsADirectoryError:
        raise InputError(f"{file!r} is a directory, not an OpenQASM 3 file") from None
    except OSError as e:
        raise InputError(f"cannot read {file!r}: {e.strerror or e}") from None
    if b"\x00" in data:
        raise InputError(f"{file!r} is a binary file, not OpenQASM 3 text")
    try:
        text = data.decode("utf-8").removeprefix("\ufeff")  # a byte-order mark is not code
    except UnicodeDecodeError as e:
        raise InputError(
            f"{file!r} is not UTF-8 text (byte {data[e.start]:#04x} at offset {e.start}); "
            "OpenQASM 3 files are UTF-8"
        ) from None
    if not text.strip():
        raise InputError(f"{file!r} is empty; expected an OpenQASM 3 program")
    header = _QASM_VERSION.match(text)
    if header and not header.group(1).startswith("3"):
        raise InteropError(
            f"{file!r} is OpenQASM {header.group(1)}; qml draw reads OpenQASM 3 (convert it "
            "with qiskit.qasm2.load and qiskit.qasm3.dump)"
        )
    from qiskit import qasm3
    from qiskit.exceptions import MissingOptionalLibraryError

    try:
        return qasm3.loads(text)
    except MissingOptionalLibraryError:
        raise InteropError(
            "reading OpenQASM 3 needs qiskit-qasm3-import: pip install 'qml-hybrid[qasm3]'"
        ) from None
    except Exception as e:  # any failure of the third-party parser is a bad file
        raise InteropError(f"{file!r} is not OpenQASM 3 that Qiskit can import: {_why(e)}") from e


def _why(error: BaseException) -> str:
    """A short reason for a failed OpenQASM 3 import, with the line where the parser knows it."""
    seen: BaseException | None = error
    while seen is not None:
        for arg in (seen, *seen.args):
            token = getattr(arg, "offendingToken", None)
            if token is not None and getattr(token, "line", None) is not None:
                text = getattr(token, "text", "")
                return f"syntax error at line {token.line}, column {token.column} near {text!r}"
        seen = seen.__cause__ or seen.__context__
    name = type(error).__name__
    message = str(error).strip().strip("'\"")
    if "Parsing" in name and not message:
        return "syntax error"
    return f"{message} ({name})" if message else name


COMMAND_GROUP = "qml.commands"


@dataclass(frozen=True, kw_only=True)
class Command:
    """A subcommand that another installed package adds to ``qml``.

    A package names one in the ``qml.commands`` entry-point group of its metadata (the
    entry point's name is the subcommand); ``qml`` loads it only when it builds its parser.
    The command parses its own flags (``qml NAME --help``).

    Attributes:
        help: the one-line summary ``qml --help`` prints.
        main: runs the command on its arguments and returns the exit status.
    """

    help: str
    main: Callable[[list[str]], int]


def _plugin_commands() -> dict[str, Command | str]:
    """The ``qml.commands`` entry points by name: a :class:`Command`, or why it did not load."""
    from importlib.metadata import entry_points

    commands: dict[str, Command | str] = {}
    for ep in sorted(entry_points(group=COMMAND_GROUP), key=lambda ep: ep.name):
        try:
            command = ep.load()
        except ImportError as e:
            commands[ep.name] = f"cannot load {ep.value}: {e}"
            continue
        if not isinstance(command, Command):
            commands[ep.name] = f"{ep.value} is not a qml.cli.Command, got {command!r}"
            continue
        commands[ep.name] = command
    return commands


def _run_plugin(command: Command | str, name: str, rest: Sequence[str]) -> int:
    if isinstance(command, str):
        print(f"qml {name}: error: {command}", file=sys.stderr)
        return 2
    return int(command.main(list(rest)))


def _version() -> str:
    """The installed distribution's version, else (a bare checkout) ``qml.__version__``."""
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("qml-hybrid")
    except PackageNotFoundError:
        from qml import __version__

        return __version__


def build_parser() -> argparse.ArgumentParser:
    """The parser of the ``qml`` command with every subcommand, the installed plugins' included.

    Returns:
        The top-level ``argparse.ArgumentParser``; its ``func`` default runs a built-in
        subcommand, its ``plugin`` default holds an entry-point :class:`Command`.
    """
    parser = argparse.ArgumentParser(
        prog="qml",
        description="Hybrid quantum-classical machine learning: simulate, run on IBM hardware, "
        "and estimate what a model costs.",
        epilog="Run 'qml COMMAND --help' for the flags of a command.",
    )
    parser.add_argument(
        "--version", action="version", version=f"qml {_version()}", help="print the version"
    )
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    p_info = sub.add_parser(
        "info",
        help="versions, backends and devices",
        description="Print qml's version, its dependencies' versions, the backends and the GPU.",
    )
    p_info.set_defaults(func=_info)
    p_draw = sub.add_parser(
        "draw",
        help="draw an OpenQASM 3 circuit",
        description="Import an OpenQASM 3 file through Qiskit and draw it, one line per wire.",
    )
    p_draw.add_argument("file", help="path to an OpenQASM 3 (.qasm) file")
    p_draw.set_defaults(func=_draw)
    from qml.estimator import cli as estimate_cli

    estimate_cli.add_parser(sub).set_defaults(func=estimate_cli.run)
    for name, command in _plugin_commands().items():
        if name in sub.choices:  # a built-in subcommand keeps its name
            continue
        summary = command.help if isinstance(command, Command) else f"unavailable: {command}"
        p_plugin = sub.add_parser(name, help=summary, add_help=False)
        p_plugin.set_defaults(plugin=command)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run the ``qml`` command with ``argv`` (default: ``sys.argv[1:]``).

    Returns:
        The exit status: 0 on success, 2 on a usage error or a qml error, printed as one line
        ``qml COMMAND: error: ...`` on stderr.

    Raises:
        SystemExit: from argparse, for ``--help``, ``--version`` and usage errors.
    """
    parser = build_parser()
    args, rest = parser.parse_known_args(argv)
    if hasattr(args, "plugin"):
        return _run_plugin(args.plugin, args.command, rest)
    if rest:
        parser.error(f"unrecognized arguments: {' '.join(rest)}")
    from qml.errors import QmlError

    try:
        return int(args.func(args))
    except QmlError as e:
        message = " ".join(line.strip() for line in str(e).splitlines() if line.strip())
        print(f"qml {args.command}: error: {message}", file=sys.stderr)
        return 2


def console() -> None:  # pragma: no cover - the installed ``qml`` command
    """Entry point of the ``qml`` command.

    A benchmark step stopped at its time budget can leave a peer's worker thread computing
    (Qiskit's primitives run jobs in a thread pool); the command then exits without waiting
    for such threads once its own output is written.
    """
    import os
    import threading

    code = main()
    if threading.active_count() > 1:
        sys.stdout.flush()
        sys.stderr.flush()
        os._exit(code)
    sys.exit(code)


if __name__ == "__main__":  # pragma: no cover
    console()
