"""Common measurement sets: one Pauli per wire, and parities.

Example:
    >>> from circuits import observables
    >>> observables.z_all(2), observables.parity([0, 2])
    ([Z(0), Z(1)], Z(0) @ Z(2))
"""

from __future__ import annotations

import numbers
from collections.abc import Iterable, Sequence

import qml
from circuits._checks import MAX_TEMPLATE_OPERATIONS
from qml._checks import integer
from qml.errors import ObservableError
from qml.observables import PauliWord

__all__ = ["x_all", "y_all", "z_all", "parity"]


def _n(n: object) -> int:
    count = integer(n, name="number of qubits n", error=ObservableError, minimum=1)
    if count > MAX_TEMPLATE_OPERATIONS:
        raise ObservableError(
            f"{n:,} observables, more than the {MAX_TEMPLATE_OPERATIONS:,} a template builds"
        )
    return count


def x_all(n: int) -> list[PauliWord]:
    """``[X(0), ..., X(n-1)]``: one output per wire.

    Args:
        n: number of wires, at least 1.

    Returns:
        ``n`` observables; a layer measuring them outputs ``(B, n)``.

    Raises:
        ObservableError: ``n`` is not a positive integer.

    Example:
        >>> x_all(2)
        [X(0), X(1)]
    """
    return [qml.X(q) for q in range(_n(n))]


def y_all(n: int) -> list[PauliWord]:
    """``[Y(0), ..., Y(n-1)]``: one output per wire.

    Args:
        n: number of wires, at least 1.

    Returns:
        ``n`` observables; a layer measuring them outputs ``(B, n)``.

    Raises:
        ObservableError: ``n`` is not a positive integer.

    Example:
        >>> y_all(1)
        [Y(0)]
    """
    return [qml.Y(q) for q in range(_n(n))]


def z_all(n: int) -> list[PauliWord]:
    """``[Z(0), ..., Z(n-1)]``: one output per wire.

    Args:
        n: number of wires, at least 1.

    Returns:
        ``n`` observables; a layer measuring them outputs ``(B, n)``.

    Raises:
        ObservableError: ``n`` is not a positive integer.

    Example:
        >>> z_all(3)
        [Z(0), Z(1), Z(2)]
    """
    return [qml.Z(q) for q in range(_n(n))]


def parity(wires: Sequence[int]) -> PauliWord:
    """``Z(w0) @ Z(w1) @ ...``: +1 on an even number of 1s among ``wires``, -1 on an odd one.

    Args:
        wires: distinct non-negative wires, at least one (or a single wire).

    Returns:
        One Pauli word.

    Raises:
        ObservableError: no wires or not a sequence, a repeated wire, or one that is not a
            non-negative integer.

    Example:
        >>> parity(range(3))
        Z(0) @ Z(1) @ Z(2)
    """
    if isinstance(wires, str | bytes) or not (
        isinstance(wires, numbers.Integral) or isinstance(wires, Iterable)
    ):
        raise ObservableError(f"parity needs a wire or a sequence of wires, got {wires!r}")
    ws = [wires] if isinstance(wires, numbers.Integral) else list(wires)
    if not ws:
        raise ObservableError(f"parity needs at least one wire, got {wires!r}")
    if len(set(ws)) != len(ws):
        raise ObservableError(f"parity needs distinct wires, got {tuple(ws)}")
    out = qml.Z(ws[0])
    for w in ws[1:]:
        out = out @ qml.Z(w)
    return out
