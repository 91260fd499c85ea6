"""Timing one training step of the native simulator, repeated until the fastest runs agree.

On a quiet machine the best 3 of a point's steps agree within 2-5 % (measured on a shared 2-core
host, n = 5..18), so a quiet measurement stops after 3 timed steps; a busy one repeats up to
:data:`MAX_REPEATS` steps or :data:`POINT_BUDGET_S` seconds of timed steps, and keeps the
fastest (the least disturbed).
"""

from __future__ import annotations

import math
import statistics
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import torch

from qml.circuit import Circuit
from qml.errors import EstimateError
from qml.observables import Observable

__all__ = [
    "StepTiming",
    "repeat_until_stable",
    "measure_step_timing",
    "STABLE_BEST",
    "STABLE_TOLERANCE",
    "MAX_REPEATS",
    "POINT_BUDGET_S",
]

STABLE_BEST = 3  # this many fastest steps ...
STABLE_TOLERANCE = 0.05  # ... within this relative distance of the fastest: stable
MAX_REPEATS = 12
POINT_BUDGET_S = 1.5


@dataclass(frozen=True, kw_only=True)
class StepTiming:
    """Timed repeats of one step: the fastest, the spread and whether the best agreed."""

    seconds: float  # the fastest timed step
    spread: float  # (median - min) / min over the timed steps
    repeats: int  # timed steps taken
    stable: bool  # the best STABLE_BEST agreed within the tolerance


def repeat_until_stable(
    step: Callable[[], float],
    *,
    min_repeats: int = STABLE_BEST,
    max_repeats: int = MAX_REPEATS,
    tolerance: float = STABLE_TOLERANCE,
    budget_s: float = POINT_BUDGET_S,
) -> StepTiming:
    """Call ``step`` (which returns its own seconds) until its fastest runs agree.

    Stops once at least ``min_repeats`` steps were timed and the fastest ``min(3, min_repeats)``
    lie within ``tolerance`` (relative) of the fastest, or after ``max_repeats`` steps, or once
    the timed steps add up to ``budget_s`` seconds.

    Returns:
        A :class:`StepTiming`: the fastest step, the spread ``(median - min) / min``, the number
        of timed steps and whether the stop was a stable one.

    Raises:
        EstimateError: a non-positive or non-finite step time.

    Example:
        >>> timing = repeat_until_stable(lambda: 0.25)
        >>> timing.repeats, timing.seconds, timing.spread, timing.stable
        (3, 0.25, 0.0, True)
    """
    k = max(1, min(STABLE_BEST, min_repeats))
    times: list[float] = []
    stable = False
    while True:
        t = float(step())
        if not 0.0 < t < math.inf:
            raise EstimateError(f"a timed step took {t!r} s; expected a positive finite time")
        times.append(t)
        best = sorted(times)[:k]
        stable = len(times) >= k and best[-1] <= best[0] * (1.0 + tolerance)
        if len(times) >= min_repeats and stable:
            break
        if len(times) >= max(max_repeats, min_repeats) or sum(times) >= budget_s:
            break
    fastest = min(times)
    spread = (statistics.median(times) - fastest) / fastest
    return StepTiming(seconds=fastest, spread=spread, repeats=len(times), stable=stable)


def measure_step_timing(
    circuit: Circuit,
    observables: Sequence[Observable],
    *,
    batch: int,
    diff_method: str = "backprop",
    device: str = "cpu",
    repeats: int = STABLE_BEST,
) -> StepTiming:
    """One training step (forward, loss, backward) of the native simulator, timed.

    After a warm-up, the step is repeated until the fastest few agree
    (:func:`repeat_until_stable`; at least ``repeats`` steps); the fastest is the least
    disturbed by other work on the machine.

    Returns:
        A :class:`StepTiming` (``.seconds``: the fastest step).
    """
    step = _step_function(circuit, observables, batch=batch, diff_method=diff_method, device=device)
    step()  # warm-up: compiles tables, first-touch pages
    return repeat_until_stable(step, min_repeats=max(1, repeats))


def _step_function(
    circuit: Circuit,
    observables: Sequence[Observable],
    *,
    batch: int,
    diff_method: str,
    device: str,
) -> Callable[[], float]:
    """A callable running one training step and returning its seconds."""
    from qml.nn import QuantumLayer

    layer = QuantumLayer(circuit, list(observables), diff_method=diff_method, seed=0).to(device)
    gen = torch.Generator().manual_seed(0)
    x: torch.Tensor | None = None
    if circuit.num_inputs:
        x = torch.rand(batch, circuit.num_inputs, generator=gen).to(device)  # (B, F) float32
    sync = torch.cuda.synchronize if device.startswith("cuda") else (lambda: None)

    def step() -> float:
        start = time.perf_counter()
        out = layer(x) if x is not None else layer()
        out.pow(2).sum().backward()
        sync()
        return time.perf_counter() - start

    return step
