"""Backends: adapters from the circuit IR to a simulation engine, looked up by name."""

from qml.backends.base import Backend, Capabilities, Executable
from qml.backends.registry import available_backends, get_backend, register_backend

__all__ = [
    "Backend",
    "Capabilities",
    "Executable",
    "available_backends",
    "get_backend",
    "register_backend",
]
