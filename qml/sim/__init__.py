"""The native batched statevector simulator: pure kernels plus an execution plan."""

from qml.sim.measure import expval, probabilities, sample_bits
from qml.sim.plan import Plan, compile_plan
from qml.sim.statevector import apply_diagonal, apply_matrix, zero_state

__all__ = [
    "Plan",
    "compile_plan",
    "zero_state",
    "apply_matrix",
    "apply_diagonal",
    "expval",
    "probabilities",
    "sample_bits",
]
