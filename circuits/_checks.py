"""Argument checks shared by the templates."""

from __future__ import annotations

import numbers
from collections.abc import Iterable

from qml.errors import CircuitError


def count(value: object, what: str, *, minimum: int = 1) -> int:
    """``value`` as an int if it is an integer >= ``minimum``, else a CircuitError naming it."""
    if isinstance(value, bool) or not isinstance(value, numbers.Integral) or value < minimum:
        raise CircuitError(f"{what} must be an integer >= {minimum}, got {value!r}")
    return int(value)


# A template's gates are Python objects of about 1 KB built at ~10 us each (measured:
# strongly_entangling(1000, layers=100), 400,000 gates, 0.46 GB and 3.7 s); past this many a
# typo such as n=10**9 would fill the memory for minutes instead of failing.
MAX_TEMPLATE_OPERATIONS = 2_000_000


def operations(total: int, what: str) -> None:
    """A CircuitError if a template would build more than :data:`MAX_TEMPLATE_OPERATIONS`."""
    if total > MAX_TEMPLATE_OPERATIONS:
        raise CircuitError(
            f"{what} would build {total:,} gates, more than the {MAX_TEMPLATE_OPERATIONS:,} a "
            "template builds; use fewer qubits or layers"
        )


def flag(value: object, what: str) -> bool:
    """``value`` as a bool if it is one (numpy's included), else a CircuitError naming it."""
    if type(value).__module__ == "numpy" and type(value).__name__ in ("bool", "bool_"):
        return bool(value)
    if not isinstance(value, bool):
        raise CircuitError(f"{what} must be True or False, got {value!r}")
    return value


def items(value: object, what: str) -> list:
    """``value`` as a list if it is an ordered sequence (not a string, and not a set, whose
    order Python does not fix), else a CircuitError naming it."""
    unordered = isinstance(value, set | frozenset | dict)
    if isinstance(value, str | bytes) or unordered or not isinstance(value, Iterable):
        raise CircuitError(f"{what} must be an ordered sequence, got {value!r}")
    return list(value)
