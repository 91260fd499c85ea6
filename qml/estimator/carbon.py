"""Grid carbon intensity: grams of CO2-equivalent per kWh of electricity, by country.

Values for 2023, lifecycle basis, from Our World in Data's "Carbon intensity of electricity
generation" (Ember and Energy Institute), https://ourworldindata.org/grapher/carbon-intensity-electricity
(table view, column 2023), unless marked otherwise. The world figure is Ember's 2023 global
average (481 gCO2/kWh, Ember "Global Electricity Review 2024" as reported by Statista,
statista.com/statistics/943137). Grids change every year: pass ``grams_per_kwh=`` for a newer
or a local figure (a supplier's contract, a data centre's own mix).
"""

from __future__ import annotations

import math
import numbers

from qml.errors import EstimateError

__all__ = ["GRID_G_CO2_PER_KWH", "WORLD_G_CO2_PER_KWH", "grid_intensity", "co2_kg"]

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


def grid_intensity(country: str | None = None, *, grams_per_kwh: float | None = None) -> float:
    """gCO2e per kWh for ``country`` (ISO alpha-3, e.g. ``"FRA"``), the world average without one.

    Args:
        country: ISO 3166 alpha-3 code; case-insensitive.
        grams_per_kwh: an explicit figure, which wins over the table.

    Raises:
        EstimateError: a country that is not a string, an unknown country code (the known ones
            are listed), or a figure that is not a non-negative finite number.

    Example:
        >>> grid_intensity("fra"), grid_intensity()
        (56.0, 481.0)
    """
    if grams_per_kwh is not None:
        g = grams_per_kwh
        if isinstance(g, bool) or not isinstance(g, numbers.Real) or not math.isfinite(g) or g < 0:
            raise EstimateError(f"grams_per_kwh must be a non-negative number, got {g!r}")
        return float(g)
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


def co2_kg(energy_kwh: float, grams_per_kwh: float) -> float:
    """Kilograms of CO2e for ``energy_kwh`` at ``grams_per_kwh``.

    Example:
        >>> co2_kg(1000.0, 481.0)
        481.0
    """
    return energy_kwh * grams_per_kwh / 1000.0
