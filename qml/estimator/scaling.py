"""Time and energy against qubit count: QPU, CPU and GPU simulation, the classical network.

:func:`scaling` estimates one circuit family at several widths; :func:`crossovers` finds where
two curves cross (log-linear interpolation between neighbouring widths); :func:`plot_scaling`
draws both panels and marks the crossings.
"""

from __future__ import annotations

import math
import os
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from qml._checks import is_integer
from qml.circuit import Circuit
from qml.errors import EstimateError
from qml.estimator.estimate import EstimateOptions, estimate_with
from qml.estimator.workload import Workload

__all__ = ["ScalingPoint", "scaling", "crossovers", "all_crossovers", "plot_scaling", "CURVES"]

CURVES = ("qpu", "cpu", "gpu", "classical")


@dataclass(frozen=True, kw_only=True)
class ScalingPoint:
    """One width: seconds and kWh per curve (``None`` where a curve has no value)."""

    qubits: int
    seconds: dict[str, float | None]
    energy_kwh: dict[str, float | None]
    fits: dict[str, bool]  # whether the simulation's memory fits the device


def scaling(
    family: Callable[[int], Circuit],
    qubits: Sequence[int],
    *,
    target: Any = "ibm_fez",
    workload: Workload,
    options: EstimateOptions | None = None,
    **fields: Any,
) -> list[ScalingPoint]:
    """Estimate ``family(n)`` (observables ``Z`` on every wire) for each ``n`` in ``qubits``.

    Args:
        family: ``n -> qml.Circuit``.
        qubits: the widths.
        target: as for :func:`~qml.estimator.estimate`.
        workload: the :class:`~qml.estimator.workload.Workload`.
        options: how to price the work (:class:`~qml.estimator.estimate.EstimateOptions`);
            or give its fields as keywords (``gpu=False``, ``country="FRA"``, ...).

    Returns:
        One :class:`ScalingPoint` per distinct width, in increasing order.

    Raises:
        EstimateError: a ``family`` that is not callable, ``qubits`` that is not a non-empty
            sequence of integers >= 1, or what :func:`~qml.estimator.estimate` raises.
    """
    if not callable(family):
        raise EstimateError(f"family must be a callable n -> qml.Circuit, got {family!r}")
    if isinstance(qubits, str | bytes) or not isinstance(qubits, Iterable):
        raise EstimateError(f"qubits must be a sequence of widths, got {qubits!r}")
    widths = list(qubits)
    if not widths:
        raise EstimateError("qubits is empty: give at least one width")
    for n in widths:
        if not is_integer(n) or n < 1:
            raise EstimateError(f"qubits must be integers >= 1, got {n!r} in {qubits!r}")
    if options is not None and fields:
        raise EstimateError(f"give options or its fields, not both (got {sorted(fields)})")
    options = EstimateOptions(**fields) if options is None else options
    out = []
    for n in sorted({int(n) for n in widths}):
        est = estimate_with(family(n), target=target, workload=workload, options=options)
        g = est.gpu_simulation
        out.append(
            ScalingPoint(
                qubits=n,
                seconds={
                    "qpu": est.qpu_seconds,
                    "cpu": est.simulation.seconds,
                    "gpu": g.seconds if g else None,
                    "classical": est.classical.seconds,
                },
                energy_kwh={
                    "qpu": est.qpu_energy_kwh,
                    "cpu": est.simulation.energy_kwh,
                    "gpu": g.energy_kwh if g else None,
                    "classical": est.classical.energy_kwh,
                },
                fits={"cpu": est.simulation.fits, "gpu": bool(g and g.fits)},
            )
        )
    return out


def crossovers(
    points: Sequence[ScalingPoint], a: str, b: str, *, quantity: str = "seconds"
) -> list[float]:
    """Widths where curve ``a`` and curve ``b`` cross (interpolated on a log scale).

    Raises:
        EstimateError: points that are not :class:`ScalingPoint` objects, a curve not in
            :data:`CURVES`, or a quantity other than ``"seconds"`` and ``"energy_kwh"``.

    Example:
        >>> p = [ScalingPoint(qubits=n, seconds={"qpu": 100.0, "cpu": 10.0 ** (n / 10)},
        ...                   energy_kwh={}, fits={}) for n in (10, 20, 30)]
        >>> crossovers(p, "qpu", "cpu")
        [20.0]
    """
    points = _check_points(points)
    _check_quantity(quantity)
    for curve in (a, b):
        if curve not in CURVES:
            raise EstimateError(f"curve must be one of {CURVES}, got {curve!r}")
    found = []
    prev = None
    for p in points:
        va, vb = getattr(p, quantity).get(a), getattr(p, quantity).get(b)
        if va is None or vb is None or va <= 0 or vb <= 0:
            prev = None
            continue
        d = math.log(va) - math.log(vb)
        if prev is not None:
            n0, d0 = prev
            if d == 0:
                found.append(float(p.qubits))
            elif d0 * d < 0:
                found.append(n0 + (p.qubits - n0) * d0 / (d0 - d))
        prev = (p.qubits, d)
    return found


def all_crossovers(
    points: Sequence[ScalingPoint], *, quantity: str = "seconds"
) -> dict[tuple[str, str], list[float]]:
    """:func:`crossovers` of every pair of curves that cross, ``{(a, b): [qubits, ...]}``.

    Example:
        >>> p = [ScalingPoint(qubits=n, seconds={"qpu": 100.0, "cpu": 10.0 ** (n / 10),
        ...                                      "classical": 1.0}, energy_kwh={}, fits={})
        ...      for n in (10, 20, 30)]
        >>> all_crossovers(p)
        {('qpu', 'cpu'): [20.0]}
    """
    points = _check_points(points)
    _check_quantity(quantity)
    out = {}
    for i, a in enumerate(CURVES):
        for b in CURVES[i + 1 :]:
            xs = crossovers(points, a, b, quantity=quantity)
            if xs:
                out[(a, b)] = xs
    return out


def _check_points(points: object) -> list[ScalingPoint]:
    if isinstance(points, str | bytes) or not isinstance(points, Iterable):
        raise EstimateError(f"points must be a list of ScalingPoint, got {points!r}")
    out = list(points)
    for p in out:
        if not isinstance(p, ScalingPoint):
            raise EstimateError(f"points must be ScalingPoints (from scaling()), got {p!r}")
    return out


def _check_quantity(quantity: object) -> None:
    if quantity not in ("seconds", "energy_kwh"):
        raise EstimateError(f"quantity must be 'seconds' or 'energy_kwh', got {quantity!r}")


LABELS = {
    "qpu": "QPU",
    "cpu": "CPU simulation",
    "gpu": "GPU simulation",
    "classical": "classical MLP",
}


def plot_scaling(points: Sequence[ScalingPoint], path: str | Path, *, title: str = "") -> Path:
    """Two panels (time, energy) against qubits, log scale; every crossing of two curves marked.

    Simulation points whose memory exceeds the device are drawn hollow.

    Raises:
        EstimateError: no points or points that are not :class:`ScalingPoint` objects, a path that
            is not a string or path, a missing folder, a format matplotlib cannot write, or no
            matplotlib.
    """
    points = _check_points(points)
    if not points:
        raise EstimateError("points is empty: nothing to plot")
    if not isinstance(path, str | os.PathLike):
        raise EstimateError(f"path must be a string or a path, got {path!r}")
    try:
        import matplotlib

        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
    except ImportError as e:  # pragma: no cover - matplotlib comes with the experiments extra
        raise EstimateError(
            "plotting needs matplotlib: pip install 'qml-hybrid[experiments]'"
        ) from e
    out = Path(path)
    if not out.parent.is_dir():
        raise EstimateError(f"cannot write the plot to {out}: folder {out.parent} does not exist")
    formats = plt.gcf().canvas.get_supported_filetypes()
    plt.close()
    if out.suffix.lstrip(".").lower() not in formats:
        raise EstimateError(
            f"cannot write a plot as {out.suffix or 'no suffix'!r}; use one of "
            f"{', '.join('.' + f for f in sorted(formats))}"
        )
    fig, axes = plt.subplots(1, 2, figsize=(11, 4.2))
    for ax, quantity, unit in zip(
        axes, ("seconds", "energy_kwh"), ("time [s]", "energy [kWh]"), strict=True
    ):
        for curve in CURVES:
            xs = [p.qubits for p in points if getattr(p, quantity).get(curve) is not None]
            ys = [
                getattr(p, quantity)[curve]
                for p in points
                if getattr(p, quantity).get(curve) is not None
            ]
            if not xs:
                continue
            (line,) = ax.plot(xs, ys, marker="o", label=LABELS[curve])
            hollow = [
                (p.qubits, getattr(p, quantity)[curve])
                for p in points
                if curve in p.fits
                and not p.fits[curve]
                and getattr(p, quantity).get(curve) is not None
            ]
            if hollow:
                ax.plot(*zip(*hollow, strict=True), "o", mfc="white", color=line.get_color())
        for (a, b), crossings in all_crossovers(points, quantity=quantity).items():
            for x in crossings:
                ax.axvline(x, color="grey", lw=0.8, ls=":")
                ax.text(
                    x,
                    0.03,
                    f" {LABELS[a]} = {LABELS[b]} at {x:.1f} qubits",
                    transform=ax.get_xaxis_transform(),
                    fontsize=7,
                    ha="right",
                    va="bottom",
                    rotation=90,
                )
        ax.set_yscale("log")
        ax.set_xlabel("qubits")
        ax.set_ylabel(unit)
        ax.grid(True, which="both", alpha=0.3)
    axes[0].legend(fontsize=8)
    if title:
        fig.suptitle(title, fontsize=10)
    fig.tight_layout()
    fig.savefig(out, dpi=120)
    plt.close(fig)
    return out
