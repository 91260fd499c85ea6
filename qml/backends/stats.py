"""Execution statistics of a layer: what the estimator and the benchmark read."""

from __future__ import annotations

from dataclasses import dataclass

__all__ = ["ExecutionStats"]


@dataclass(frozen=True, kw_only=True)
class ExecutionStats:
    """Counters of backend executions, a frozen record that adds up field by field.

    An executable starts from ``ExecutionStats()`` and, after each run, replaces its record with
    ``stats + ExecutionStats(calls=1, ...)``; ``layer.reset_stats()`` starts it again.

    Attributes:
        calls: backend executions (one call may run many circuits).
        circuits: circuits run (rows of angles: samples x shifted variants x measured groups).
        shots: measurements taken (0 for exact simulation).
        seconds: wall time inside backend executions.

    Example:
        >>> ExecutionStats(calls=1, circuits=4) + ExecutionStats(calls=1, circuits=2, shots=20)
        ExecutionStats(calls=2, circuits=6, shots=20, seconds=0.0)
    """

    calls: int = 0
    circuits: int = 0
    shots: int = 0
    seconds: float = 0.0

    def __add__(self, other: ExecutionStats) -> ExecutionStats:
        if not isinstance(other, ExecutionStats):
            return NotImplemented
        return ExecutionStats(
            calls=self.calls + other.calls,
            circuits=self.circuits + other.circuits,
            shots=self.shots + other.shots,
            seconds=self.seconds + other.seconds,
        )
