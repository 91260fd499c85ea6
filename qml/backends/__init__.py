"""Backends: adapters from the circuit IR to a simulation engine, looked up by name."""

from qml.backends.base import Backend, Capabilities, Executable
from qml.backends.registry import available_backends, get_backend, register_backend
from qml.backends.rows import RowExecutable
from qml.backends.stats import ExecutionStats

__all__ = [
    "Backend",
    "Capabilities",
    "Executable",
    "ExecutionStats",
    "RowExecutable",
    "available_backends",
    "get_backend",
    "register_backend",
]
