"""Validation of user input, one idiom for the whole library.

Every check takes the value first and everything else by keyword, raises the error class the
caller names (one of :mod:`qml.errors`) and words its message one way:
``"<name> must be <expected>, got <value!r>"``. ``bool`` is never accepted as a number.

>>> from qml.errors import ShotsError
>>> integer(100, name="shots", error=ShotsError, minimum=1)
100
>>> integer(True, name="shots", error=ShotsError, minimum=1)
Traceback (most recent call last):
    ...
qml.errors.ShotsError: shots must be a positive integer, got True
"""

from __future__ import annotations

import difflib
import math
import numbers
from collections.abc import Iterable

__all__ = ["is_integer", "is_real", "integer", "real", "boolean", "choice", "close_matches"]


def is_integer(value: object) -> bool:
    """``value`` is an integer and not a ``bool`` (numpy integers count)."""
    return isinstance(value, numbers.Integral) and not isinstance(value, bool)


def is_real(value: object) -> bool:
    """``value`` is a real number and not a ``bool`` (ints, floats, numpy scalars count)."""
    return isinstance(value, numbers.Real) and not isinstance(value, bool)


def _integer_phrase(minimum: int | None, maximum: int | None) -> str:
    if maximum is None:
        if minimum == 1:
            return "a positive integer"
        if minimum == 0:
            return "a non-negative integer"
        if minimum is not None:
            return f"an integer >= {minimum}"
        return "an integer"
    if minimum is None:
        return f"an integer <= {maximum}"
    return f"an integer in [{minimum}, {maximum}]"


def integer(
    value: object,
    *,
    name: str,
    error: type[Exception],
    minimum: int | None = None,
    maximum: int | None = None,
    expected: str | None = None,
) -> int:
    """``value`` as an ``int`` within ``[minimum, maximum]``, else ``error``.

    Args:
        value: what the user passed.
        name: how the message names it (``"shots"``, ``"Workload.batch"``).
        error: the exception class to raise.
        minimum: smallest allowed value, or ``None``.
        maximum: largest allowed value, or ``None``.
        expected: replaces the generated phrase (``"a positive integer"``) in the message.

    Returns:
        ``int(value)``.

    Raises:
        error: ``value`` is not an integer (``bool`` included) or out of range.

    >>> from qml.errors import ParameterError
    >>> integer(3, name="layers", error=ParameterError, minimum=0, maximum=2)
    Traceback (most recent call last):
        ...
    qml.errors.ParameterError: layers must be an integer in [0, 2], got 3
    """
    ok = is_integer(value)
    if ok and minimum is not None and value < minimum:  # type: ignore[operator]
        ok = False
    if ok and maximum is not None and value > maximum:  # type: ignore[operator]
        ok = False
    if not ok:
        phrase = expected or _integer_phrase(minimum, maximum)
        raise error(f"{name} must be {phrase}, got {value!r}")
    return int(value)  # type: ignore[call-overload]


def real(
    value: object,
    *,
    name: str,
    error: type[Exception],
    minimum: float | None = None,
    maximum: float | None = None,
    exclusive_minimum: bool = False,
    finite: bool = True,
    expected: str | None = None,
) -> float:
    """``value`` as a ``float``, finite unless ``finite=False``, within the bounds, else ``error``.

    Args:
        value: what the user passed.
        name: how the message names it.
        error: the exception class to raise.
        minimum: lower bound, inclusive unless ``exclusive_minimum``.
        maximum: upper bound, inclusive.
        exclusive_minimum: the value must be strictly greater than ``minimum``.
        finite: refuse ``inf`` and ``nan`` (``nan`` is always refused).
        expected: replaces the generated phrase in the message.

    Returns:
        ``float(value)``.

    Raises:
        error: ``value`` is not a real number (``bool`` included), not finite, or out of range.

    >>> from qml.errors import InputError
    >>> real(0.0, name="precision", error=InputError, minimum=0, exclusive_minimum=True)
    Traceback (most recent call last):
        ...
    qml.errors.InputError: precision must be a finite real number > 0, got 0.0
    """
    bounds = []
    if minimum is not None:
        bounds.append(f"{'>' if exclusive_minimum else '>='} {minimum:g}")
    if maximum is not None:
        bounds.append(f"<= {maximum:g}")
    kind = "a finite real number" if finite else "a real number"
    phrase = expected or " ".join([kind, " and ".join(bounds)]).strip()
    if not is_real(value):
        raise error(f"{name} must be {phrase}, got {value!r}")
    try:
        number = float(value)  # type: ignore[arg-type]
    except OverflowError:  # a huge int
        number = math.inf if value > 0 else -math.inf  # type: ignore[operator]
    bad = math.isnan(number) or (finite and math.isinf(number))
    if minimum is not None:
        bad = bad or (number <= minimum if exclusive_minimum else number < minimum)
    if maximum is not None:
        bad = bad or number > maximum
    if bad:
        raise error(f"{name} must be {phrase}, got {value!r}")
    return number


def boolean(value: object, *, name: str, error: type[Exception]) -> bool:
    """``value`` if it is a ``bool`` (numpy bools count), else ``error``.

    >>> from qml.errors import BackendError
    >>> boolean(1, name="strict", error=BackendError)
    Traceback (most recent call last):
        ...
    qml.errors.BackendError: strict must be True or False, got 1
    """
    if type(value).__name__ not in ("bool", "bool_"):
        raise error(f"{name} must be True or False, got {value!r}")
    return bool(value)


def close_matches(value: object, options: Iterable[str]) -> str:
    """``" (did you mean 'a', 'b'?)"`` for the options close to ``value``, else ``""``.

    >>> close_matches("adjiont", ["adjoint", "backprop"])
    " (did you mean 'adjoint'?)"
    """
    if not isinstance(value, str):
        return ""
    close = difflib.get_close_matches(value, list(options), n=3)
    return f" (did you mean {', '.join(map(repr, close))}?)" if close else ""


def choice(value: object, *, name: str, options: Iterable[str], error: type[Exception]) -> str:
    """``value`` if it is one of ``options``, else ``error`` listing them and the close ones.

    >>> from qml.errors import DiffMethodError
    >>> choice("adjiont", name="diff_method", options=["adjoint", "backprop"],
    ...        error=DiffMethodError)  # doctest: +ELLIPSIS
    Traceback (most recent call last):
        ...
    qml.errors.DiffMethodError: diff_method must be one of 'adjoint', 'backprop', got 'adjiont' ...
    """
    options = list(options)
    if not isinstance(value, str) or value not in options:
        listed = ", ".join(map(repr, options))
        raise error(f"{name} must be one of {listed}, got {value!r}{close_matches(value, options)}")
    return value
