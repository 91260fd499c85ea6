"""Argument checks of the templates that :mod:`qml._checks` does not cover."""

from __future__ import annotations

from collections.abc import Iterable

from qml.errors import CircuitError

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


def items(value: object, what: str) -> list:
    """``value`` as a list if it is an ordered sequence (not a string, and not a set, whose
    order Python does not fix), else a CircuitError naming it."""
    unordered = isinstance(value, set | frozenset | dict)
    if isinstance(value, str | bytes) or unordered or not isinstance(value, Iterable):
        raise CircuitError(f"{what} must be an ordered sequence, got {value!r}")
    return list(value)
