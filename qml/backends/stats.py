"""Execution statistics of a layer: what the estimator and the benchmark read."""

from __future__ import annotations

from dataclasses import dataclass

__all__ = ["ExecutionStats"]


@dataclass
class ExecutionStats:
    """Counters since the layer was built (or ``reset()``).

    Attributes:
        calls: backend executions (one call may run many circuits).
        circuits: circuits run (rows of angles: samples x shifted variants).
        shots: measurements taken (0 for exact simulation).
        seconds: wall time inside backend executions.
    """

    calls: int = 0
    circuits: int = 0
    shots: int = 0
    seconds: float = 0.0

    def record(self, *, circuits: int, shots: int | None, seconds: float) -> None:
        self.calls += 1
        self.circuits += circuits
        self.shots += circuits * (shots or 0)
        self.seconds += seconds

    def reset(self) -> None:
        self.calls = self.circuits = self.shots = 0
        self.seconds = 0.0
