"""What one training step of the native simulator moves: the features of the step-time model.

Memory and bytes moved come from the simulator's own cost model (:mod:`qml.sim.memory`, checked
against measured peaks in ``tests/qml/test_memory.py``); the angles of diagonal gates (``rz``,
``rzz``, ``cphase`` ...) are counted from the compiled plan's groups, since building a
per-sample diagonal, and its gradient, costs a sweep per angle.
"""

from __future__ import annotations

import dataclasses
import math
from collections.abc import Sequence
from dataclasses import dataclass

import torch

from qml.circuit import Circuit
from qml.observables import Observable
from qml.sim.memory import CostEstimate, estimate

__all__ = ["StepCost", "step_cost"]


@dataclass(frozen=True)
class StepCost:
    """One step: the simulator's memory and traffic model, and its diagonal-gate angles."""

    memory: CostEstimate
    diag_angles: int

    @property
    def diff_method(self) -> str:
        return self.memory.diff_method

    def features(self) -> tuple[float, float, float, float]:
        """``(passes, bytes moved, diag_angles * state bytes, diag_angles)`` of the model."""
        m = self.memory
        moved = m.forward_bytes + m.backward_bytes  # exact ints, beyond float for wide registers
        return (
            moved / (2 * m.state_bytes),
            _float(moved),
            _float(self.diag_angles * m.state_bytes),
            float(self.diag_angles),
        )


def _float(n: int) -> float:
    """``float(n)``, or ``inf`` for integers beyond the float range (registers past ~1000)."""
    try:
        return float(n)
    except OverflowError:
        return math.inf


def step_cost(
    circuit: Circuit,
    observables: Sequence[Observable],
    *,
    batch: int,
    diff_method: str,
    dtype: torch.dtype = torch.complex64,
) -> StepCost:
    """Memory and traffic of one step of the native simulator (see :mod:`qml.sim.memory`),
    and the number of angles its diagonal gates take.

    Args:
        circuit: the circuit.
        observables: its observables (they do not change the traffic model).
        batch: samples per step.
        diff_method: ``"backprop"``, ``"adjoint"`` or ``"none"`` (the forward only).
        dtype: the state's dtype.

    Returns:
        A :class:`StepCost`.
    """
    from qml.sim.compiled import CompiledPlan
    from qml.sim.groups import DiagonalGroup

    # without observables no sign tables of 2**(n/2) entries are built, so this stays cheap
    # for registers no machine could hold
    plan = CompiledPlan(circuit, [])
    method = "backprop" if diff_method == "none" else diff_method
    cost = estimate(plan, batch=batch, dtype=dtype, diff_method=method)
    if diff_method == "none":
        cost = dataclasses.replace(
            cost, backward_bytes=0, step_peak_bytes=cost.forward_peak_bytes, diff_method="none"
        )
    diag = sum(
        len(ref.slots)
        for group in plan.schedule.groups
        if isinstance(group, DiagonalGroup)
        for ref in group.gates
    )
    return StepCost(cost, diag)
