"""Shots for a target precision of an expectation value."""

from __future__ import annotations

import math
import numbers
from collections.abc import Sequence

from qml.errors import QmlError

__all__ = ["estimate_shots", "EstimateError"]


class EstimateError(QmlError, ValueError):
    """An estimator input is out of range (named in the message)."""


def estimate_shots(
    coefficient_groups: Sequence[Sequence[float]],
    *,
    error: float = 0.0016,
    variances: Sequence[float] | None = None,
) -> int:
    """Shots to estimate ``sum_i c_i <P_i>`` to standard error ``error``.

    Commuting terms measured together form a group; with ``Var_g`` the variance of group
    ``g``'s estimator (bounded by ``sum_j c_j**2`` when not given), the optimal allocation needs
    ``M = (sum_g sqrt(Var_g))**2 / error**2`` shots in total (Rubin, Babbush, McClean 2018,
    "Application of fermionic marginal constraints to hybrid quantum algorithms", NJP 20 053020;
    the rule of PennyLane's ``qml.resource.estimate_shots``).

    Args:
        coefficient_groups: the observable's coefficients, one list per measured group.
        error: target standard error, in (0, 1]; 0.0016 Ha is chemical accuracy.
        variances: optional per-group variances instead of the coefficient bound.

    Returns:
        The total number of shots, rounded up.

    Raises:
        EstimateError: an empty group list, a non-positive error, or a negative variance.

    Example:
        >>> estimate_shots([[-0.32707061, 0.7896887], [0.18121046]], error=0.0016)
        419218
    """
    if isinstance(error, bool) or not isinstance(error, numbers.Real) or not 0 < error <= 1:
        raise EstimateError(f"error must be a number in (0, 1], got {error!r}")
    if not coefficient_groups:
        raise EstimateError("coefficient_groups is empty: give at least one group")
    if variances is None:
        variances = [sum(float(c) ** 2 for c in group) for group in coefficient_groups]
    elif len(variances) != len(coefficient_groups):
        raise EstimateError(
            f"{len(variances)} variances for {len(coefficient_groups)} coefficient groups"
        )
    for v in variances:
        if v < 0:
            raise EstimateError(f"variances must be non-negative, got {v}")
    return math.ceil(sum(math.sqrt(v) for v in variances) ** 2 / error**2)
