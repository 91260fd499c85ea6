"""qml: hybrid quantum-classical machine learning on PyTorch.

Build a :class:`Circuit`, wrap it in a :class:`QuantumLayer`, train it like any ``nn.Module``.
"""

from typing import TYPE_CHECKING, Any

from qml import errors
from qml.circuit import Circuit, Operation
from qml.expr import Expr, InputArray, WeightArray
from qml.gates import GATES
from qml.nn import QuantumLayer
from qml.nn.serialization import load
from qml.observables import Hermitian, I, Observable, PauliSum, PauliWord, X, Y, Z

if TYPE_CHECKING:
    from qml.estimator import (
        Estimate,
        LogicalCounts,
        Workload,
        estimate,
        estimate_fault_tolerant,
        estimate_shots,
    )

__version__ = "0.1.0"

# The estimator (Qiskit transpilation, calibrations, power meters) loads on first use of one of
# these names, not with ``import qml``.
_ESTIMATOR_NAMES = frozenset(
    {
        "Estimate",
        "LogicalCounts",
        "Workload",
        "estimate",
        "estimate_fault_tolerant",
        "estimate_shots",
    }
)


def __getattr__(name: str) -> Any:
    if name in _ESTIMATOR_NAMES:
        import qml.estimator

        value = getattr(qml.estimator, name)
        globals()[name] = value
        return value
    raise AttributeError(f"module 'qml' has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted(set(globals()) | _ESTIMATOR_NAMES)


__all__ = [
    "Circuit",
    "Operation",
    "Expr",
    "InputArray",
    "WeightArray",
    "GATES",
    "LogicalCounts",
    "Workload",
    "estimate",
    "Estimate",
    "estimate_fault_tolerant",
    "estimate_shots",
    "QuantumLayer",
    "load",
    "Observable",
    "PauliWord",
    "PauliSum",
    "Hermitian",
    "X",
    "Y",
    "Z",
    "I",
    "errors",
]
