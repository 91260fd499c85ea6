"""The ``qml`` command line.

Subcommands grow with the project (run, estimate, submit, jobs, bench); today:

- ``qml info``: versions, backends, devices.
- ``qml draw FILE.qasm``: import an OpenQASM 3 circuit through Qiskit and draw it.
- ``qml estimate MODEL --target ibm_fez ...``: QPU, simulation and classical cost
  (:mod:`qml.estimator.cli`; ``qml estimate --help``).
- ``qml bench [--quick] ...``: time a training step on qml and its peers
  (:mod:`experiments.bench`; ``qml bench --help`` for its flags).
"""

from __future__ import annotations

import argparse
import importlib
import sys
from collections.abc import Sequence
from pathlib import Path

__all__ = ["main"]


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
    from qiskit import qasm3

    from qml.circuit import Circuit

    with open(args.file, encoding="utf-8") as fh:
        qc = qasm3.loads(fh.read())
    print(Circuit.from_qiskit(qc).draw())
    return 0


def _import_bench():
    """``experiments.bench``, from the installed packages or else from the repository root.

    ``experiments`` sits above qml (experiments -> circuits -> qml), so a checkout that was
    installed before it joined the package list still finds it next to ``qml/``.
    """
    try:
        return importlib.import_module("experiments.bench")
    except ModuleNotFoundError as e:
        if e.name not in ("experiments", "experiments.bench"):
            raise
    import qml

    root = Path(qml.__file__).resolve().parents[1]
    if not (root / "experiments" / "bench" / "__init__.py").is_file():
        return None
    sys.path.insert(0, str(root))
    for name in [m for m in sys.modules if m == "experiments" or m.startswith("experiments.")]:
        del sys.modules[name]  # an unrelated "experiments" found first
    return importlib.import_module("experiments.bench")


def _bench(args: argparse.Namespace, rest: Sequence[str]) -> int:
    bench = _import_bench()
    if bench is None:
        print("qml bench needs the repository checkout (experiments/bench next to qml/)")
        return 2
    return int(bench.main(list(rest)))


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="qml", description="hybrid quantum-classical ML")
    sub = parser.add_subparsers(dest="command", required=True)
    p_info = sub.add_parser("info", help="versions, backends and devices")
    p_info.set_defaults(func=_info)
    p_draw = sub.add_parser("draw", help="draw an OpenQASM 3 circuit")
    p_draw.add_argument("file", help="path to a .qasm file")
    p_draw.set_defaults(func=_draw)
    from qml.estimator import cli as estimate_cli

    estimate_cli.add_parser(sub).set_defaults(func=estimate_cli.run)
    # its flags are parsed by experiments.bench itself (qml bench --help)
    sub.add_parser("bench", help="benchmark a training step against peers", add_help=False)
    args, rest = parser.parse_known_args(argv)
    if args.command == "bench":
        return _bench(args, rest)
    if rest:
        parser.error(f"unrecognized arguments: {' '.join(rest)}")
    from qml.errors import QmlError

    try:
        return int(args.func(args))
    except QmlError as e:
        print(f"qml {args.command}: error: {e}", file=sys.stderr)
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
