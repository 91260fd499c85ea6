"""Shots for a target precision of an expectation value."""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence

from qml._checks import is_real
from qml.errors import EstimateError

__all__ = ["estimate_shots", "shot_allocation"]


def shot_allocation(variances: Sequence[float], *, error: float) -> tuple[float, list[float]]:
    """The optimal shots for standard error ``error``: in total, and per measured group.

    For groups of variances ``V_g`` the optimal allocation (Rubin, Babbush, McClean 2018,
    "Application of fermionic marginal constraints to hybrid quantum algorithms", NJP 20 053020)
    gives group ``g`` ``M_g = sqrt(V_g) * sum_h sqrt(V_h) / error**2`` shots, and
    ``M = (sum_g sqrt(V_g))**2 / error**2`` in all. The inputs are not checked here.

    Returns:
        ``(M, [M_g, ...])`` as floats (``inf`` when too large), not rounded.

    Example:
        >>> total, per_group = shot_allocation([0.81, 0.01], error=0.01)
        >>> round(total), [round(m) for m in per_group]
        (10000, [9000, 1000])
    """
    roots = [math.sqrt(v) for v in variances]
    total_root = math.fsum(roots) / error  # error**2 may underflow to 0
    return total_root * total_root, [r / error * total_root for r in roots]


def estimate_shots(
    coefficient_groups: Sequence[Sequence[float]],
    *,
    error: float = 0.0016,
    variances: Sequence[float] | None = None,
) -> int:
    """Shots to estimate ``sum_i c_i <P_i>`` to standard error ``error``.

    Commuting terms measured together form a group; with ``Var_g`` the variance of group
    ``g``'s estimator (bounded by ``sum_j c_j**2`` when not given), the optimal allocation needs
    ``M = (sum_g sqrt(Var_g))**2 / error**2`` shots in total, split over the groups as
    :func:`shot_allocation` says (the rule of PennyLane's ``qml.resource.estimate_shots``).

    Args:
        coefficient_groups: the observable's coefficients, one list per measured group.
        error: target standard error, in (0, 1]; 0.0016 Ha is chemical accuracy.
        variances: optional per-group variances instead of the coefficient bound.

    Returns:
        The total number of shots, rounded up.

    Raises:
        EstimateError: no groups or an empty group, a coefficient or variance that is not a
            finite real number, an error outside (0, 1], a negative variance, or a shot count
            too large to represent.

    Example:
        >>> estimate_shots([[-0.32707061, 0.7896887], [0.18121046]], error=0.0016)
        419218
    """
    if not is_real(error) or not 0 < error <= 1:
        raise EstimateError(f"error must be a number in (0, 1], got {error!r}")
    groups = _sequence(coefficient_groups, "coefficient_groups", "lists of coefficients")
    if not groups:
        raise EstimateError(
            f"coefficient_groups is empty (got {coefficient_groups!r}): give at least one group"
        )
    coeffs = []
    for g, group in enumerate(groups):
        row = _sequence(group, f"coefficient group {g}", "coefficients")
        if not row:
            raise EstimateError(
                f"coefficient group {g} is empty (groups: {coefficient_groups!r}): "
                "every measured group has at least one term"
            )
        coeffs.append([_finite(c, f"coefficient in group {g}") for c in row])
    if variances is None:
        values = [math.fsum(c * c for c in row) for row in coeffs]
    else:
        given = _sequence(variances, "variances", "numbers, one per group")
        if len(given) != len(groups):
            raise EstimateError(f"{len(given)} variances for {len(groups)} coefficient groups")
        values = [_finite(v, "variance") for v in given]
    for v in values:
        if v < 0:
            raise EstimateError(f"variances must be non-negative, got {v}")
    shots, _ = shot_allocation(values, error=error)  # inf, not OverflowError, when too large
    if not math.isfinite(shots):
        raise EstimateError(
            f"the shots for coefficients {coefficient_groups!r} at error {error!r} overflow "
            f"({shots!r}): the coefficients or variances are too large"
        )
    return math.ceil(shots)


def _sequence(value: object, what: str, of: str) -> list:
    """``value`` as a list, or :class:`EstimateError` when it is not a sequence."""
    if isinstance(value, (str, bytes)) or not isinstance(value, Iterable):
        raise EstimateError(f"{what} must be a sequence of {of}, got {value!r}")
    return list(value)


def _finite(value: object, what: str) -> float:
    """``value`` as a finite float, or :class:`EstimateError` naming it."""
    if not is_real(value):
        raise EstimateError(f"{what} must be a real number, got {value!r}")
    try:
        number = float(value)  # type: ignore[arg-type]  # a numbers.Real
    except OverflowError:
        number = math.inf
    if not math.isfinite(number):
        raise EstimateError(f"{what} must be finite, got {value!r}")
    return number
