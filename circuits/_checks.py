"""Argument checks shared by the templates."""

from __future__ import annotations

import numbers

from qml.errors import CircuitError


def count(value: object, what: str, *, minimum: int = 1) -> int:
    """``value`` as an int if it is an integer >= ``minimum``, else a CircuitError naming it."""
    if isinstance(value, bool) or not isinstance(value, numbers.Integral) or value < minimum:
        raise CircuitError(f"{what} must be an integer >= {minimum}, got {value!r}")
    return int(value)
