"""Energy, CO2 and money: the conversions every estimate uses, with their cited constants.

Energy is power times time (:func:`energy_kwh`), CO2 is energy times the grid's carbon
intensity (:func:`co2_kg`, :func:`grid_intensity`), money is time times a price per second
(:func:`money_usd`).

Grid intensities are for 2023, lifecycle basis, from Our World in Data's "Carbon intensity of
electricity generation" (Ember and Energy Institute),
https://ourworldindata.org/grapher/carbon-intensity-electricity (table view, column 2023),
unless marked otherwise. The world figure is Ember's 2023 global average (481 gCO2/kWh, Ember
"Global Electricity Review 2024" as reported by Statista, statista.com/statistics/943137).
Grids change every year: pass ``grams_per_kwh=`` for a newer or a local figure (a supplier's
contract, a data centre's own mix).
"""

from __future__ import annotations

import math

from qml._checks import is_real, real
from qml.errors import EstimateError

__all__ = [
    "JOULES_PER_KWH",
    "GRID_G_CO2_PER_KWH",
    "WORLD_G_CO2_PER_KWH",
    "energy_kwh",
    "co2_kg",
    "grid_intensity",
    "money_usd",
]

JOULES_PER_KWH = 3.6e6  # 1 kWh = 1000 W x 3600 s

WORLD_G_CO2_PER_KWH = 481.0  # Ember, world average 2023

# ISO 3166 alpha-3 -> gCO2e/kWh, 2023 (OWID / Ember and Energy Institute, lifecycle)
GRID_G_CO2_PER_KWH: dict[str, float] = {
    "AUS": 549.0,
    "AUT": 111.0,
    "BEL": 138.0,
    "BRA": 98.0,
    "CAN": 170.0,
    "CHL": 291.0,
    "CHN": 582.0,
    "CRI": 53.0,
    "CZE": 450.0,
    "DEU": 381.0,
    "DNK": 152.0,
    "FIN": 79.0,
    "FRA": 56.0,
    "GRC": 337.0,
    "HUN": 204.0,
    "IND": 713.0,
    "IRL": 291.0,
    "NOR": 30.0,  # Ember via Statista 2023
    # US power sector 2023: ~760 lb CO2/MWh = 345 g/kWh (EIA via statista.com/statistics/1133295);
    # direct combustion CO2, not lifecycle: an under-estimate next to the rows above.
    "USA": 345.0,
}


def energy_kwh(*, power_watts: float, seconds: float) -> float:
    """Attributional energy of running at ``power_watts`` for ``seconds``, in kWh.

    Args:
        power_watts: the device's power, W.
        seconds: how long it runs, s (``inf`` for a register no machine holds).

    Returns:
        ``power_watts * seconds / JOULES_PER_KWH``.

    Raises:
        EstimateError: a negative, NaN or non-numeric power or time (infinity is allowed).

    Example:
        >>> round(energy_kwh(power_watts=15e3, seconds=101), 3)  # Sycamore's run
        0.421
    """
    for name, value in (("power_watts", power_watts), ("seconds", seconds)):
        if not is_real(value) or math.isnan(value) or value < 0:
            raise EstimateError(f"{name} must be a non-negative number, got {value!r}")
    return power_watts * seconds / JOULES_PER_KWH


def co2_kg(energy_kwh: float, grams_per_kwh: float) -> float:
    """Kilograms of CO2e for ``energy_kwh`` at ``grams_per_kwh``.

    Example:
        >>> co2_kg(1000.0, 481.0)
        481.0
    """
    return energy_kwh * grams_per_kwh / 1000.0


def money_usd(*, seconds: float, usd_per_s: float) -> float:
    """US dollars for ``seconds`` of a machine priced at ``usd_per_s``.

    Example:
        >>> money_usd(seconds=60.0, usd_per_s=1.6)  # a minute of IBM Pay-As-You-Go
        96.0
    """
    return seconds * usd_per_s


def grid_intensity(country: str | None = None, *, grams_per_kwh: float | None = None) -> float:
    """gCO2e per kWh for ``country`` (ISO alpha-3, e.g. ``"FRA"``), the world average without one.

    Args:
        country: ISO 3166 alpha-3 code; case-insensitive.
        grams_per_kwh: an explicit figure, which wins over the table.

    Returns:
        Grams of CO2e per kWh.

    Raises:
        EstimateError: a country that is not a string, an unknown country code (the known ones
            are listed), or a figure that is not a non-negative finite number.

    Example:
        >>> grid_intensity("fra"), grid_intensity()
        (56.0, 481.0)
    """
    if grams_per_kwh is not None:
        return real(
            grams_per_kwh,
            name="grams_per_kwh",
            error=EstimateError,
            minimum=0,
            expected="a non-negative number",
        )
    if country is None:
        return WORLD_G_CO2_PER_KWH
    if not isinstance(country, str):
        raise EstimateError(
            f"country must be an ISO 3166 alpha-3 code such as 'FRA', got {country!r}"
        )
    code = country.upper()
    if code not in GRID_G_CO2_PER_KWH:
        raise EstimateError(
            f"no grid intensity for country {country!r}; known: {', '.join(GRID_G_CO2_PER_KWH)} "
            f"(or pass grams_per_kwh=)"
        )
    return GRID_G_CO2_PER_KWH[code]
