"""qml: hybrid quantum-classical machine learning on PyTorch.

Build a :class:`Circuit`, wrap it in a :class:`QuantumLayer`, train it like any ``nn.Module``.
"""

from qml import errors
from qml.circuit import Circuit, Operation
from qml.estimator import (
    Estimate,
    LogicalCounts,
    Workload,
    estimate,
    estimate_fault_tolerant,
    estimate_shots,
)
from qml.expr import Expr, InputArray, WeightArray
from qml.gates import GATES
from qml.nn import QuantumLayer
from qml.nn.serialization import load
from qml.observables import Hermitian, I, Observable, PauliSum, PauliWord, X, Y, Z

__version__ = "0.1.0"

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
