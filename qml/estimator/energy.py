"""Energy, CO2 and money from power, time and cited constants."""

from __future__ import annotations

import math
import numbers

from qml.errors import EstimateError

__all__ = ["energy_kwh", "SECONDS_PER_HOUR"]

SECONDS_PER_HOUR = 3600.0
WATT_SECONDS_PER_KWH = 3.6e6


def energy_kwh(*, power_watts: float, seconds: float) -> float:
    """Attributional energy of running at ``power_watts`` for ``seconds``, in kWh.

    Raises:
        EstimateError: a negative, NaN or non-numeric power or time (infinity is allowed: the
            cost of a register no machine holds).

    Example:
        >>> round(energy_kwh(power_watts=15e3, seconds=101), 3)  # Sycamore's run
        0.421
    """
    for name, value in (("power_watts", power_watts), ("seconds", seconds)):
        if (
            isinstance(value, bool)
            or not isinstance(value, numbers.Real)
            or math.isnan(value)
            or value < 0
        ):
            raise EstimateError(f"{name} must be a non-negative number, got {value!r}")
    return power_watts * seconds / WATT_SECONDS_PER_KWH
