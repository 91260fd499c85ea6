"""The benchmark behind ``qml bench``: one training step of the same model on qml (every
differentiation method) and on PennyLane and Qiskit Machine Learning, in one process.

Also runnable as ``python -m experiments.bench``; see :mod:`experiments.bench.run` for the
flags and ``docs/performance.md`` for the method.
"""

from experiments.bench.run import BenchConfig, main, parse_args, run
from experiments.bench.timing import measure_bandwidth, time_callable

__all__ = ["BenchConfig", "main", "parse_args", "run", "measure_bandwidth", "time_callable"]
