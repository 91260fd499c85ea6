"""The native batched statevector simulator.

Pure kernels (:mod:`~qml.sim.statevector`, :mod:`~qml.sim.measure`), the reference interpreter
(:mod:`~qml.sim.plan`), shot sampling (:mod:`~qml.sim.sampling`), and the compiled plan the
layers run (:mod:`~qml.sim.angles`, :mod:`~qml.sim.schedule`, :mod:`~qml.sim.groups`,
:mod:`~qml.sim.kernels`, :mod:`~qml.sim.compiled`, :mod:`~qml.sim.observe`), its gradient
methods (:mod:`~qml.sim.gradients`) and its memory model (:mod:`~qml.sim.memory`).
"""

from qml.sim.compiled import CompiledPlan
from qml.sim.measure import expval, probabilities, sample_bits
from qml.sim.memory import CostEstimate
from qml.sim.plan import ReferencePlan, reference_plan
from qml.sim.sampling import sampled_expvals
from qml.sim.statevector import apply_diagonal, apply_matrix, zero_state

__all__ = [
    "CompiledPlan",
    "CostEstimate",
    "ReferencePlan",
    "reference_plan",
    "sampled_expvals",
    "zero_state",
    "apply_matrix",
    "apply_diagonal",
    "expval",
    "probabilities",
    "sample_bits",
]
