"""The simulator's step-time model, fitted to training steps measured on this machine.

    step_s = step_overhead_s + passes * pass_overhead_s + bytes_moved / bandwidth_bytes_per_s
             + diag_angles * (state_bytes * diag_s_per_byte + diag_overhead_s)

with the features of :func:`~qml.estimator.steps.step_cost`: ``passes = bytes_moved / (2 *
state_bytes)`` counts full-state sweeps (each reads and writes the state) and ``diag_angles``
the angles of diagonal gates. The constants are fitted (non-negative least squares) to training
steps measured on the machine (:func:`measure_calibration`, cached per device, CPU model, threads
and torch version by :func:`cached_calibration`), or, for a GPU this machine lacks, to the NVIDIA
H200 benchmark in ``docs/bench/h200.json`` (:data:`H200_REFERENCE`, labelled as such).
"""

from __future__ import annotations

import dataclasses
import datetime
import json
import math
import statistics
import warnings
from collections.abc import Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

import torch

from qml._checks import integer, real
from qml.circuit import Circuit
from qml.errors import EstimateError
from qml.estimator.calibration import (
    CalibrationWarning,
    cache_path,
    load_or_measure,
    save_calibration,
)
from qml.estimator.host import host_key
from qml.estimator.steps import StepCost, step_cost
from qml.estimator.timing import STABLE_BEST, StepTiming, measure_step_timing
from qml.observables import Observable, Z
from qml.sim.memory import CostEstimate

__all__ = [
    "SimulationCalibration",
    "H200_REFERENCE",
    "CALIBRATION_POINTS",
    "calibration_circuit",
    "measure_calibration",
    "cached_calibration",
    "fit_reference",
]

# Calibration circuits, Z on every wire: (family, n, layers, batch). "se": angle encoding +
# strongly entangling layers; "iqp": IQP encoding (diagonal, per-sample) + basic entangler.
CALIBRATION_POINTS = (
    ("se", 5, 2, 4),
    ("se", 9, 2, 16),
    ("se", 13, 2, 4),
    ("se", 15, 2, 32),
    ("se", 18, 2, 4),
    ("iqp", 7, 2, 8),
    ("iqp", 11, 2, 4),
    ("iqp", 14, 2, 4),
)
# Spread of a point: (median - min) / min of its timed steps. On a quiet machine it stays under
# ~0.1; above BUSY_SPREAD (the median over points), or with more than a quarter of the points
# unstable, other work was competing for the cores and the calibration is flagged.
BUSY_SPREAD = 0.25
CALIBRATION_SECONDS_HINT = 5  # a quiet CPU calibration, for the message shown before one
MEASURED_HERE = "measured on this machine"

_POSITIVE = ("bandwidth_bytes_per_s", "adjoint_bandwidth_bytes_per_s")
_NON_NEGATIVE = (
    "pass_overhead_s",
    "step_overhead_s",
    "adjoint_pass_overhead_s",
    "adjoint_step_overhead_s",
    "diag_s_per_byte",
    "diag_overhead_s",
    "adjoint_diag_s_per_byte",
    "adjoint_diag_overhead_s",
)


@dataclass(frozen=True, kw_only=True)
class SimulationCalibration:
    """Fitted constants of the step-time model on one device."""

    device: str  # "cpu" or "cuda"
    hardware: str  # CPU model or GPU name
    threads: int
    torch_version: str
    bandwidth_bytes_per_s: float  # backprop steps and forward-only runs
    pass_overhead_s: float
    step_overhead_s: float
    adjoint_bandwidth_bytes_per_s: float  # adjoint steps, fitted on their own
    adjoint_pass_overhead_s: float
    adjoint_step_overhead_s: float
    memory_bytes: int  # device memory the model may fill
    source: str  # MEASURED_HERE or where the reference came from
    created: str
    measured_watts: float | None = None  # average power over the calibration, where RAPL/NVML
    measured_by: str = ""  # ... could tell ("rapl" or "nvml")
    diag_s_per_byte: float = 0.0  # backprop / forward
    diag_overhead_s: float = 0.0
    adjoint_diag_s_per_byte: float = 0.0
    adjoint_diag_overhead_s: float = 0.0
    points: tuple[tuple[int, int, int, str, float, float], ...] = field(default=())
    # (n, layers, batch, diff_method, measured_s, fitted_s) of the runs it was fitted to
    spread: float | None = None  # median over points of (median - min) / min; None: not
    # measured (a reference fit, or a cache written before spreads were recorded)
    point_spreads: tuple[float, ...] = ()  # per point, in the order of ``points``
    point_repeats: tuple[int, ...] = ()  # timed steps per point
    unstable_points: int = 0  # points whose fastest steps never agreed within the tolerance

    def __post_init__(self) -> None:
        for name in _POSITIVE:
            real(
                getattr(self, name),
                name=name,
                error=EstimateError,
                minimum=0,
                exclusive_minimum=True,
                expected="a finite number > 0",
            )
        for name in _NON_NEGATIVE:
            real(
                getattr(self, name),
                name=name,
                error=EstimateError,
                minimum=0,
                expected="a finite number >= 0",
            )
        memory = integer(
            self.memory_bytes,
            name="memory_bytes",
            error=EstimateError,
            minimum=0,
            expected="an integer >= 0",
        )
        object.__setattr__(self, "memory_bytes", memory)
        if self.measured_watts is not None:
            real(
                self.measured_watts,
                name="measured_watts",
                error=EstimateError,
                minimum=0,
                exclusive_minimum=True,
                expected="a finite number > 0 or None",
            )
        if self.spread is not None:
            real(
                self.spread,
                name="spread",
                error=EstimateError,
                minimum=0,
                expected="a finite number >= 0 or None",
            )

    @property
    def busy(self) -> bool:
        """Whether the spread says other work competed for the machine while calibrating."""
        if self.spread is None:
            return False
        many_unstable = self.unstable_points * 4 > max(1, len(self.point_spreads))
        return self.spread > BUSY_SPREAD or many_unstable

    def predict(self, step: StepCost) -> float:
        """Seconds of one step (see :func:`~qml.estimator.steps.step_cost`)."""
        passes, moved, diag_bytes, diag = step.features()
        if step.diff_method == "adjoint":
            c, o = self.adjoint_step_overhead_s, self.adjoint_pass_overhead_s
            bw = self.adjoint_bandwidth_bytes_per_s
            d, do = self.adjoint_diag_s_per_byte, self.adjoint_diag_overhead_s
        else:
            c, o, bw = self.step_overhead_s, self.pass_overhead_s, self.bandwidth_bytes_per_s
            d, do = self.diag_s_per_byte, self.diag_overhead_s
        return c + passes * o + moved / bw + diag_bytes * d + diag * do

    def matches(self, device: str) -> bool:
        """Whether this calibration was measured on ``device`` of this very machine."""
        if device.startswith("cuda") and not torch.cuda.is_available():
            return False
        key = host_key(device)
        return (
            self.source == MEASURED_HERE
            and key["device"] == self.device
            and key["name"] == self.hardware
            and key["threads"] == self.threads
            and key["torch"] == self.torch_version
        )

    def to_dict(self) -> dict[str, Any]:
        d = asdict(self)
        d["points"] = [list(p) for p in self.points]
        return d

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> SimulationCalibration:
        d = dict(d)
        d["points"] = tuple(tuple(p) for p in d.get("points", ()))
        d["point_spreads"] = tuple(d.get("point_spreads", ()))
        d["point_repeats"] = tuple(d.get("point_repeats", ()))
        return cls(**d)


# Fitted by ``python -m qml.estimator.simulation_calibration --fit-reference
# docs/bench/h200.json`` to the backprop and adjoint steps of n = 8..20, B = 1..256 measured on
# an NVIDIA H200 (docs/performance.md); used for "cuda" where no GPU is present to calibrate on.
H200_REFERENCE = SimulationCalibration(
    device="cuda",
    hardware="NVIDIA H200",
    threads=16,
    torch_version="2.11.0",
    bandwidth_bytes_per_s=8.35e11,
    pass_overhead_s=6.89e-5,
    step_overhead_s=1.10e-2,
    adjoint_bandwidth_bytes_per_s=8.38e11,
    adjoint_pass_overhead_s=1.14e-4,
    adjoint_step_overhead_s=1.05e-2,
    memory_bytes=141 * 10**9,  # H200: 141 GB HBM3e (NVIDIA H200 product page)
    source="fitted to an NVIDIA H200 benchmark (docs/bench/h200.json), not this machine",
    created="2026-11-27",
)


def calibration_circuit(family: str, n: int, layers: int) -> tuple[Circuit, list[Observable]]:
    """A calibration point's circuit and observables (``Z`` on every wire).

    ``"se"``: ``circuits.encodings.angle(n) + circuits.ansatze.strongly_entangling(n, layers)``;
    ``"iqp"``: ``circuits.encodings.iqp(n) + circuits.ansatze.basic_entangler(n, layers)``,
    written out gate for gate (qml does not import the template package).

    Example:
        >>> circuit, obs = calibration_circuit("iqp", 3, 1)
        >>> circuit.gate_counts(), obs
        ({'h': 3, 'rz': 3, 'rzz': 3, 'rx': 3, 'cnot': 3}, [Z(0), Z(1), Z(2)])
    """
    c = Circuit(n)
    x = c.inputs(n, "x")
    if family == "iqp":
        for q in range(n):
            c.h(q).rz(q, x[q])
        for i in range(n):
            for j in range(i + 1, n):
                c.rzz(i, j, x[i] * x[j])
        w = c.weights("theta", (layers, n))
        ring = [(0, 1)] if n == 2 else [(q, (q + 1) % n) for q in range(n)] if n > 2 else []
        for layer in range(layers):
            for q in range(n):
                c.rx(q, w[layer, q])
            for a, b in ring:
                c.cnot(a, b)
    elif family == "se":
        for q in range(n):
            c.ry(q, x[q])
        w = c.weights("theta", (layers, n, 3))
        for layer in range(layers):
            for q in range(n):
                c.rz(q, w[layer, q, 0]).ry(q, w[layer, q, 1]).rz(q, w[layer, q, 2])
            if n > 1:
                step = layer % (n - 1) + 1
                for q in range(n):
                    c.cnot(q, (q + step) % n)
    else:
        raise EstimateError(f"calibration family must be 'se' or 'iqp', got {family!r}")
    return c, [Z(q) for q in range(n)]


def _fit(rows: Sequence[tuple[float, ...]]) -> tuple[float, float, float, float, float]:
    """Non-negative least squares of ``t = c + o*passes + moved/bw + d*diag_bytes + do*diag``
    over ``(passes, moved, diag_bytes, diag, t)`` rows, weighted by ``1/t`` (relative errors)."""
    import numpy as np
    from scipy.optimize import nnls

    a = np.array([[1.0, *r[:4]] for r in rows])  # (rows, 5) float64
    t = np.array([r[4] for r in rows])  # (rows,) float64
    w = 1.0 / t
    coef, _ = nnls(a * w[:, None], t * w)
    c, o, inv_bw, d, do = (float(v) for v in coef)
    return c, o, 1.0 / max(inv_bw, 1e-15), d, do


def _fitted(measured: list[tuple[tuple, StepCost, float]], **fields: Any) -> SimulationCalibration:
    """Fit backprop and adjoint constants to ``[((n, L, B, method), cost, seconds), ...]``."""
    constants = {}
    for method in ("backprop", "adjoint"):
        rows = [(*step.features(), t) for (*_, m), step, t in measured if m == method]
        constants[method] = _fit(rows)
    (c, o, bw, d, do), (ac, ao, abw, ad, ado) = constants["backprop"], constants["adjoint"]
    cal = SimulationCalibration(
        bandwidth_bytes_per_s=bw,
        pass_overhead_s=o,
        step_overhead_s=c,
        diag_s_per_byte=d,
        diag_overhead_s=do,
        adjoint_bandwidth_bytes_per_s=abw,
        adjoint_pass_overhead_s=ao,
        adjoint_step_overhead_s=ac,
        adjoint_diag_s_per_byte=ad,
        adjoint_diag_overhead_s=ado,
        **fields,
    )
    points = tuple((*key, t, cal.predict(cost)) for key, cost, t in measured)
    return dataclasses.replace(cal, points=points)


def measure_calibration(
    device: str = "cpu", *, repeats: int = STABLE_BEST, save: bool = True
) -> SimulationCalibration:
    """Measure training steps on ``device``, fit the step-time model (a few seconds) and, with
    ``save``, write it to the cache :func:`cached_calibration` reads.

    Each point is repeated until its fastest steps agree
    (:func:`~qml.estimator.timing.repeat_until_stable`); the fastest counts, and the spread
    ``(median - min) / min`` of every point and their median are recorded
    (:attr:`SimulationCalibration.spread`). A spread that says the machine was busy gives a
    :class:`~qml.estimator.calibration.CalibrationWarning`.

    Args:
        device: ``"cpu"`` or ``"cuda"``.
        repeats: the least timed steps per point (the fastest counts).
        save: write the result to :func:`~qml.estimator.calibration.cache_path`.

    Returns:
        The fitted :class:`SimulationCalibration`.

    Raises:
        EstimateError: ``repeats`` is not an integer >= 1.

    Warns:
        CalibrationWarning: the spread says other work competed for the machine.
    """
    from qml.estimator.power import EnergyMeter
    from qml.sim.memory import available_bytes

    integer(repeats, name="repeats", error=EstimateError, minimum=1, expected="an integer >= 1")
    measured = []
    timings: list[StepTiming] = []
    with EnergyMeter(device) as meter:
        for family, n, layers, batch in CALIBRATION_POINTS:
            circuit, obs = calibration_circuit(family, n, layers)
            for method in ("backprop", "adjoint"):
                timing = measure_step_timing(
                    circuit, obs, batch=batch, diff_method=method, device=device, repeats=repeats
                )
                cost = step_cost(circuit, obs, batch=batch, diff_method=method)
                measured.append(((n, layers, batch, method), cost, timing.seconds))
                timings.append(timing)
    key = host_key(device)
    cal = _fitted(
        measured,
        device=str(key["device"]),
        hardware=str(key["name"]),
        threads=int(key["threads"]),  # type: ignore[call-overload]
        torch_version=str(key["torch"]),
        memory_bytes=int(available_bytes(torch.device(device))),
        source=MEASURED_HERE,
        created=datetime.datetime.now(datetime.UTC).isoformat(timespec="seconds"),
        measured_watts=meter.joules / meter.seconds if meter.measured else None,
        measured_by=meter.source if meter.measured else "",
    )
    cal = dataclasses.replace(
        cal,
        spread=statistics.median(t.spread for t in timings),
        point_spreads=tuple(t.spread for t in timings),
        point_repeats=tuple(t.repeats for t in timings),
        unstable_points=sum(not t.stable for t in timings),
    )
    if cal.busy:
        warnings.warn(_busy_message(cal, "this calibration"), CalibrationWarning, stacklevel=2)
    if save:
        save_calibration(cache_path(device), cal.to_dict())
    return cal


def _busy_message(cal: SimulationCalibration, what: str) -> str:
    worst = sorted(zip(cal.point_spreads, cal.points, strict=False), key=lambda x: -x[0])[:3]
    names = ", ".join(f"n={p[0]} B={p[2]} {p[3]}: {s:.0%}" for s, p in worst)
    return (
        f"{what} of the simulator on {cal.hardware} was measured on a busy machine: step "
        f"times spread {cal.spread:.0%} above their fastest (median over points; worst {names}; "
        f"{cal.unstable_points} of {len(cal.point_spreads)} points never stabilised), so "
        "simulation times may be off; recalibrate on a quiet machine with `qml estimate "
        "--calibrate` or qml.estimator.simulation_calibration.cached_calibration(recalibrate=True)"
    )


def cached_calibration(device: str = "cpu", *, recalibrate: bool = False) -> SimulationCalibration:
    """The cached calibration of ``device`` on this machine, measured now (and cached) if there
    is none, if it was measured elsewhere or before spreads were recorded, or with
    ``recalibrate``. A ``"cuda"`` request without a GPU returns :data:`H200_REFERENCE`.

    A measurement is announced on stderr with the cache path; a cached calibration measured on
    a busy machine is used, with a warning
    (:func:`~qml.estimator.calibration.load_or_measure`).

    Warns:
        CalibrationWarning: the calibration (new or cached) was measured on a busy machine.
    """
    if device.startswith("cuda") and not torch.cuda.is_available():
        return H200_REFERENCE
    path = cache_path(device)

    def decode(saved: dict[str, Any]) -> SimulationCalibration | None:
        cal = SimulationCalibration.from_dict(saved)
        return cal if cal.matches(device) and cal.spread is not None else None

    return load_or_measure(
        path=path,
        what=f"the simulator ({device})",
        seconds=CALIBRATION_SECONDS_HINT,
        decode=decode,
        measure=lambda: measure_calibration(device, save=False),
        encode=SimulationCalibration.to_dict,
        busy_message=lambda cal: _busy_message(cal, f"the cached calibration at {path}"),
        recalibrate=recalibrate,
    )


def fit_reference(path: str) -> SimulationCalibration:
    """Fit the model to a ``qml bench`` JSON (backprop and adjoint steps that completed)."""
    data = json.loads(Path(path).read_text())
    measured = []
    for r in data["rows"]:
        if r["framework"] != "qml" or r["method"] not in ("backprop", "adjoint"):
            continue
        if r["status"] != "ok" or r.get("cold") or not r.get("step_s"):
            continue
        state = r["batch"] * 2 ** r["n"] * 8  # complex64
        cost = CostEstimate(
            state_bytes=state,
            passes=0,
            index_bytes=0,
            forward_bytes=r["forward_bytes"],
            backward_bytes=r["backward_bytes"],
            forward_peak_bytes=0,
            step_peak_bytes=0,
            diff_method=r["method"],
        )
        step = StepCost(cost, 0)  # the benchmark's circuits have no diagonal gates
        measured.append(((r["n"], r["layers"], r["batch"], r["method"]), step, r["step_s"]))
    if not {m[0][3] for m in measured} >= {"backprop", "adjoint"}:
        raise EstimateError(f"{path} lacks completed backprop and adjoint steps to fit")
    m = data["machine"]
    return _fitted(
        measured,
        device=m["device"],
        hardware=m.get("gpu") or m["cpu"],
        threads=m["torch_threads"],
        torch_version=m["versions"]["torch"],
        memory_bytes=H200_REFERENCE.memory_bytes,
        source=f"fitted to {path}",
        created=m["created"][:10],
    )


if __name__ == "__main__":
    import sys

    if len(sys.argv) == 3 and sys.argv[1] == "--fit-reference":
        print(json.dumps(fit_reference(sys.argv[2]).to_dict(), indent=2))
    else:
        cal = measure_calibration(sys.argv[1] if len(sys.argv) > 1 else "cpu", save=False)
        print(json.dumps(cal.to_dict(), indent=2))
        print(math.nan if not cal.points else max(p[4] / p[5] for p in cal.points))
