"""The ``qml`` command line.

Subcommands grow with the project (run, estimate, submit, jobs, bench); today:

- ``qml info``: versions, backends, devices.
- ``qml draw FILE.qasm``: import an OpenQASM 3 circuit through Qiskit and draw it.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence

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


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="qml", description="hybrid quantum-classical ML")
    sub = parser.add_subparsers(dest="command", required=True)
    p_info = sub.add_parser("info", help="versions, backends and devices")
    p_info.set_defaults(func=_info)
    p_draw = sub.add_parser("draw", help="draw an OpenQASM 3 circuit")
    p_draw.add_argument("file", help="path to a .qasm file")
    p_draw.set_defaults(func=_draw)
    args = parser.parse_args(argv)
    return int(args.func(args))


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
