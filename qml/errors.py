"""The project's own typed errors.

Every error a user can provoke derives from :class:`QmlError`, and names the offending value.
They also derive from the closest built-in (``ValueError`` / ``TypeError``) so code that already
catches those keeps working.
"""

from __future__ import annotations

__all__ = [
    "QmlError",
    "CircuitError",
    "ParameterError",
    "ObservableError",
    "InputError",
    "ShotsError",
    "BackendError",
    "DiffMethodError",
    "InteropError",
    "MemoryBudgetError",
    "ModelFileError",
    "EstimateError",
]


class QmlError(Exception):
    """Base class of every error raised by qml."""


class CircuitError(QmlError, ValueError):
    """A circuit is malformed: a wire out of range, a repeated wire, a wrong parameter count."""


class ParameterError(QmlError, ValueError):
    """A symbolic input or weight is declared or used inconsistently."""


class ObservableError(QmlError, ValueError):
    """An observable is not Hermitian, has the wrong size, or acts outside the circuit."""


class InputError(QmlError, ValueError):
    """Data passed to a layer or simulator has the wrong shape, dtype or contains NaN."""


class ShotsError(QmlError, ValueError):
    """A number of shots is not a positive integer."""


class BackendError(QmlError, ValueError):
    """A backend does not exist or cannot do what was asked of it."""


class DiffMethodError(QmlError, ValueError):
    """A differentiation method is unknown or unavailable for the chosen backend."""


class InteropError(QmlError, ValueError):
    """A conversion to or from Qiskit, OpenQASM or PennyLane cannot be made."""


class MemoryBudgetError(QmlError, MemoryError):
    """A simulation would need more memory than the device has; raised before allocating."""


class ModelFileError(QmlError, ValueError):
    """A model file cannot be written or read safely; the message names the path and why."""


class EstimateError(QmlError, ValueError):
    """An estimator input is out of range or unknown (named in the message)."""
