"""PyTorch modules: a circuit plus a backend as an ``nn.Module``."""

from qml.nn.init import INITIALIZERS, initial_weights
from qml.nn.layer import QuantumLayer

__all__ = ["QuantumLayer", "INITIALIZERS", "initial_weights"]
