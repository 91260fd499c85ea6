"""The benchmark behind ``qml bench``: one training step of the same model on qml (every
differentiation method) and on PennyLane and Qiskit Machine Learning, in one process.

``qml bench`` finds :data:`COMMAND` through the ``qml.commands`` entry point in
``pyproject.toml``; ``python -m experiments.bench`` runs the same. See
:mod:`experiments.bench.run` for the flags and ``docs/performance.md`` for the method.
"""

from experiments.bench.run import BenchConfig, main, parse_args, run
from experiments.bench.timing import measure_bandwidth, time_callable
from qml.cli import Command

COMMAND = Command(help="benchmark a training step against peers", main=main)

__all__ = [
    "BenchConfig",
    "COMMAND",
    "main",
    "parse_args",
    "run",
    "measure_bandwidth",
    "time_callable",
]
