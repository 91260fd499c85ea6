"""What simulating a workload costs on this machine's native simulator: memory, time, energy.

Memory and bytes moved come from the simulator's own cost model (:mod:`qml.sim.memory`, checked
against measured peaks in ``tests/qml/test_memory.py``). Time is a bandwidth-and-overhead model

    step_s = step_overhead_s + passes * pass_overhead_s + bytes_moved / bandwidth_bytes_per_s

          + diag_angles * (state_bytes * diag_s_per_byte + diag_overhead_s)

where ``passes = bytes_moved / (2 * state_bytes)`` counts full-state sweeps (each reads and
writes the state) and ``diag_angles`` the angles of diagonal gates (``rz``, ``rzz``, ``cphase``
...): building a per-sample diagonal, and its gradient, costs a sweep per angle. The constants
are fitted (non-negative least squares) to training
steps measured on the machine (:func:`calibrate`, cached per device, CPU model, threads and
torch version), or, for a GPU this machine lacks, to the NVIDIA H200 benchmark in
``docs/bench/h200.json`` (labelled as such).
"""

from __future__ import annotations

import dataclasses
import datetime
import json
import math
import os
import statistics
import sys
import time
import warnings
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path

import torch

from qml.circuit import Circuit
from qml.errors import EstimateError
from qml.estimator.host import host_key
from qml.estimator.workload import Workload
from qml.observables import Observable
from qml.sim.memory import CostEstimate, estimate

__all__ = [
    "CalibrationWarning",
    "SimulationCalibration",
    "SimulationCost",
    "H200_REFERENCE",
    "calibrate",
    "calibration",
    "cache_path",
    "simulation_cost",
    "step_cost",
]

AUTO_BACKPROP_FRACTION = 0.25  # as the torch backend: backprop while it fits this share
MODEL_MAX_QUBITS = 1000  # above, bytes exceed the float range: time and energy are inf

# Calibration circuits, Z on every wire: (family, n, layers, batch). "se": angle encoding +
# strongly entangling layers; "iqp": IQP encoding (diagonal, per-sample) + basic entangler.
CALIBRATION_POINTS = (
    ("se", 5, 2, 4), ("se", 9, 2, 16), ("se", 13, 2, 4), ("se", 15, 2, 32), ("se", 18, 2, 4),
    ("iqp", 7, 2, 8), ("iqp", 11, 2, 4), ("iqp", 14, 2, 4),
)  # fmt: skip

# Repeating a point until it is stable. On a quiet machine the best 3 of a point's steps agree
# within 2-5 % (measured on a shared 2-core host, n = 5..18), so a quiet calibration stops
# after 3 timed steps as before; a busy one repeats up to MAX_REPEATS steps or
# POINT_BUDGET_S seconds of timed steps per point, and keeps the fastest (least disturbed).
STABLE_BEST = 3  # this many fastest steps ...
STABLE_TOLERANCE = 0.05  # ... within this relative distance of the fastest: stable
MAX_REPEATS = 12
POINT_BUDGET_S = 1.5
# Spread of a point: (median - min) / min of its timed steps. On a quiet machine it stays under
# ~0.1; above BUSY_SPREAD (the median over points), or with more than a quarter of the points
# unstable, other work was competing for the cores and the calibration is flagged.
BUSY_SPREAD = 0.25
CALIBRATION_SECONDS_HINT = 5  # a quiet CPU calibration, for the message shown before one


class CalibrationWarning(UserWarning):
    """A timing calibration measured on a busy machine: its time estimates may be off."""


@dataclass(frozen=True)
class StepTiming:
    """Timed repeats of one step: the fastest, the spread and whether the best agreed."""

    seconds: float  # the fastest timed step
    spread: float  # (median - min) / min over the timed steps
    repeats: int  # timed steps taken
    stable: bool  # the best STABLE_BEST agreed within the tolerance


def repeat_until_stable(
    step: Callable[[], float],
    *,
    min_repeats: int = STABLE_BEST,
    max_repeats: int = MAX_REPEATS,
    tolerance: float = STABLE_TOLERANCE,
    budget_s: float = POINT_BUDGET_S,
) -> StepTiming:
    """Call ``step`` (which returns its own seconds) until its fastest runs agree.

    Stops once at least ``min_repeats`` steps were timed and the fastest ``min(3, min_repeats)``
    lie within ``tolerance`` (relative) of the fastest, or after ``max_repeats`` steps, or once
    the timed steps add up to ``budget_s`` seconds.

    Returns:
        A :class:`StepTiming`: the fastest step, the spread ``(median - min) / min``, the number
        of timed steps and whether the stop was a stable one.

    Raises:
        EstimateError: a non-positive or non-finite step time.
    """
    k = max(1, min(STABLE_BEST, min_repeats))
    times: list[float] = []
    stable = False
    while True:
        t = float(step())
        if not 0.0 < t < math.inf:
            raise EstimateError(f"a timed step took {t!r} s; expected a positive finite time")
        times.append(t)
        best = sorted(times)[:k]
        stable = len(times) >= k and best[-1] <= best[0] * (1.0 + tolerance)
        if len(times) >= min_repeats and stable:
            break
        if len(times) >= max(max_repeats, min_repeats) or sum(times) >= budget_s:
            break
    fastest = min(times)
    spread = (statistics.median(times) - fastest) / fastest
    return StepTiming(seconds=fastest, spread=spread, repeats=len(times), stable=stable)


@dataclass(frozen=True)
class StepCost:
    """One step: the simulator's memory and traffic model, and its diagonal-gate angles."""

    memory: CostEstimate
    diag_angles: int

    @property
    def diff_method(self) -> str:
        return self.memory.diff_method

    def features(self) -> tuple[float, float, float, float]:
        """``(passes, bytes moved, diag_angles * state bytes, diag_angles)`` of the model."""
        m = self.memory
        moved = m.forward_bytes + m.backward_bytes  # exact ints, beyond float for wide registers
        diag = float(self.diag_angles)
        return (
            moved / (2 * m.state_bytes),
            _float(moved),
            _float(self.diag_angles * m.state_bytes),
            diag,
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
    source: str  # "measured on this machine" or where the reference came from
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
        def real(value: object) -> bool:
            return not isinstance(value, bool) and isinstance(value, int | float)

        for name in ("bandwidth_bytes_per_s", "adjoint_bandwidth_bytes_per_s"):
            value = getattr(self, name)
            if not real(value) or not 0 < value < math.inf:
                raise EstimateError(f"{name} must be a finite number > 0, got {value!r}")
        for name in ("pass_overhead_s", "step_overhead_s", "adjoint_pass_overhead_s",
                     "adjoint_step_overhead_s", "diag_s_per_byte", "diag_overhead_s",
                     "adjoint_diag_s_per_byte", "adjoint_diag_overhead_s"):  # fmt: skip
            value = getattr(self, name)
            if not real(value) or not 0 <= value < math.inf:
                raise EstimateError(f"{name} must be a finite number >= 0, got {value!r}")
        m = self.memory_bytes
        if isinstance(m, bool) or not isinstance(m, int) or m < 0:
            raise EstimateError(f"memory_bytes must be an integer >= 0, got {m!r}")
        w = self.measured_watts
        if w is not None and (not real(w) or not 0 < w < math.inf):
            raise EstimateError(f"measured_watts must be a finite number > 0 or None, got {w!r}")
        if self.spread is not None and (not real(self.spread) or not 0 <= self.spread < math.inf):
            raise EstimateError(f"spread must be a finite number >= 0 or None, got {self.spread!r}")

    @property
    def busy(self) -> bool:
        """Whether the spread says other work competed for the machine while calibrating."""
        if self.spread is None:
            return False
        many_unstable = self.unstable_points * 4 > max(1, len(self.point_spreads))
        return self.spread > BUSY_SPREAD or many_unstable

    def predict(self, step: StepCost) -> float:
        """Seconds of one step (see :func:`step_cost`)."""
        passes, moved, diag_bytes, diag = step.features()
        if step.diff_method == "adjoint":
            c, o, bw = (self.adjoint_step_overhead_s, self.adjoint_pass_overhead_s,
                        self.adjoint_bandwidth_bytes_per_s)  # fmt: skip
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
            self.source == "measured on this machine"
            and key["device"] == self.device
            and key["name"] == self.hardware
            and key["threads"] == self.threads
            and key["torch"] == self.torch_version
        )

    def to_dict(self) -> dict:
        d = asdict(self)
        d["points"] = [list(p) for p in self.points]
        return d

    @classmethod
    def from_dict(cls, d: dict) -> SimulationCalibration:
        d = dict(d)
        d["points"] = tuple(tuple(p) for p in d.get("points", ()))
        d["point_spreads"] = tuple(d.get("point_spreads", ()))
        d["point_repeats"] = tuple(d.get("point_repeats", ()))
        return cls(**d)


# Fitted by ``python -m qml.estimator.simulation --fit-reference docs/bench/h200.json``
# to the backprop and adjoint steps of n = 8..20, B = 1..256 measured on an NVIDIA H200
# (docs/performance.md); used for "cuda" where no GPU is present to calibrate on.
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


# Power of the reference GPU when it is not the machine we run on: H200 SXM "up to 700 W"
# (vendor and reseller pages; medium confidence, docs/notes/estimator-constants.md section 5).
H200_SXM_TDP_W = 700.0


def _float(n: int) -> float:
    """``float(n)``, or ``inf`` for integers beyond the float range (registers past ~1000)."""
    try:
        return float(n)
    except OverflowError:
        return math.inf


def cache_path(device: str) -> Path:
    """``$QML_CACHE_DIR`` or ``$XDG_CACHE_HOME/qml`` or ``~/.cache/qml``, then
    ``calibration-<device>.json``."""
    root = os.environ.get("QML_CACHE_DIR") or None  # "" counts as unset
    if root is None:
        xdg = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
        root = str(Path(xdg) / "qml")
    kind = "cuda" if device.startswith("cuda") else "cpu"
    return Path(root) / f"calibration-{kind}.json"


def _calibration_circuit(family: str, n: int, layers: int) -> tuple[Circuit, list[Observable]]:
    from circuits.ansatze import basic_entangler, strongly_entangling
    from circuits.encodings import angle, iqp
    from qml.observables import Z

    if family == "iqp":
        circuit = iqp(n) + basic_entangler(n, layers=layers)
    else:
        circuit = angle(n) + strongly_entangling(n, layers=layers)
    return circuit, [Z(q) for q in range(n)]


def measure_step(
    circuit: Circuit,
    observables: Sequence[Observable],
    *,
    batch: int,
    diff_method: str = "backprop",
    device: str = "cpu",
    repeats: int = 3,
) -> float:
    """Seconds of one training step (forward, loss, backward) of the native simulator: the
    fastest after a warm-up (the least disturbed by other work on the machine), repeated until
    the fastest few agree (see :func:`repeat_until_stable`; at least ``repeats`` steps)."""
    return measure_step_timing(circuit, observables, batch=batch, diff_method=diff_method,
                               device=device, repeats=repeats).seconds  # fmt: skip


def measure_step_timing(
    circuit: Circuit,
    observables: Sequence[Observable],
    *,
    batch: int,
    diff_method: str = "backprop",
    device: str = "cpu",
    repeats: int = STABLE_BEST,
) -> StepTiming:
    """:func:`measure_step` with its spread and repeats (a :class:`StepTiming`)."""
    step = _step_function(circuit, observables, batch=batch, diff_method=diff_method,
                          device=device)  # fmt: skip
    step()  # warm-up: compiles tables, first-touch pages
    return repeat_until_stable(step, min_repeats=max(1, repeats))


def _step_function(
    circuit: Circuit,
    observables: Sequence[Observable],
    *,
    batch: int,
    diff_method: str,
    device: str,
) -> Callable[[], float]:
    """A callable running one training step and returning its seconds."""
    from qml.nn import QuantumLayer

    layer = QuantumLayer(circuit, list(observables), diff_method=diff_method, seed=0).to(device)
    gen = torch.Generator().manual_seed(0)
    x: torch.Tensor | None = None
    if circuit.num_inputs:
        x = torch.rand(batch, circuit.num_inputs, generator=gen).to(device)
    sync = torch.cuda.synchronize if device.startswith("cuda") else (lambda: None)

    def step() -> float:
        start = time.perf_counter()
        out = layer(x) if x is not None else layer()
        out.pow(2).sum().backward()
        sync()
        return time.perf_counter() - start

    return step


def _fit(rows: list[tuple[float, ...]]) -> tuple[float, float, float, float, float]:
    """Non-negative least squares of ``t = c + o*passes + moved/bw + d*diag_bytes + do*diag``
    over ``(passes, moved, diag_bytes, diag, t)`` rows, weighted by ``1/t`` (relative errors)."""
    import numpy as np
    from scipy.optimize import nnls

    a = np.array([[1.0, *r[:4]] for r in rows])
    t = np.array([r[4] for r in rows])
    w = 1.0 / t
    coef, _ = nnls(a * w[:, None], t * w)
    c, o, inv_bw, d, do = (float(v) for v in coef)
    return c, o, 1.0 / max(inv_bw, 1e-15), d, do


def calibrate(device: str = "cpu", *, repeats: int = 3, save: bool = True) -> SimulationCalibration:
    """Measure training steps on ``device`` and fit the step-time model (a few seconds).

    Each point is repeated until its fastest steps agree (:func:`repeat_until_stable`); the
    fastest counts, and the spread ``(median - min) / min`` of every point and their median
    are recorded (:attr:`SimulationCalibration.spread`). A spread that says the machine was
    busy gives a :class:`CalibrationWarning`.

    Args:
        device: ``"cpu"`` or ``"cuda"``.
        repeats: the least timed steps per point (the fastest counts).
        save: write the result to :func:`cache_path` for later estimates.

    Returns:
        The fitted :class:`SimulationCalibration`.

    Raises:
        EstimateError: ``repeats`` is not an integer >= 1.

    Warns:
        CalibrationWarning: the spread says other work competed for the machine.
    """
    from qml.estimator.power import EnergyMeter
    from qml.sim.memory import available_bytes

    if isinstance(repeats, bool) or not isinstance(repeats, int) or repeats < 1:
        raise EstimateError(f"repeats must be an integer >= 1, got {repeats!r}")
    measured = []
    timings: list[StepTiming] = []
    with EnergyMeter(device) as meter:
        for family, n, layers, batch in CALIBRATION_POINTS:
            circuit, obs = _calibration_circuit(family, n, layers)
            for method in ("backprop", "adjoint"):
                timing = measure_step_timing(circuit, obs, batch=batch, diff_method=method,
                                             device=device, repeats=repeats)  # fmt: skip
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
        source="measured on this machine",
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
        path = cache_path(device)
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_suffix(".tmp")
        tmp.write_text(json.dumps(cal.to_dict(), indent=2))
        tmp.replace(path)
    return cal


def _busy_message(cal: SimulationCalibration, what: str) -> str:
    worst = sorted(zip(cal.point_spreads, cal.points, strict=False), key=lambda x: -x[0])[:3]
    names = ", ".join(f"n={p[0]} B={p[2]} {p[3]}: {s:.0%}" for s, p in worst)
    return (
        f"{what} of the simulator on {cal.hardware} was measured on a busy machine: step "
        f"times spread {cal.spread:.0%} above their fastest (median over points; worst {names}; "
        f"{cal.unstable_points} of {len(cal.point_spreads)} points never stabilised), so "
        "simulation times may be off; recalibrate on a quiet machine with "
        "`qml estimate --calibrate` or qml.estimator.simulation.calibration(recalibrate=True)"
    )


def announce_calibration(what: str, path: Path, seconds: float) -> None:
    """Tell the user (on stderr) that a calibration is being measured and where it is cached."""
    print(f"qml: calibrating {what} on this machine (~{seconds:.0f} s); cached at {path}",
          file=sys.stderr, flush=True)  # fmt: skip


def calibration(device: str = "cpu", *, recalibrate: bool = False) -> SimulationCalibration:
    """The cached calibration of ``device`` on this machine, measured now if there is none
    (or ``recalibrate``). A ``"cuda"`` request without a GPU returns :data:`H200_REFERENCE`.

    A measurement is announced on stderr with the cache path. A cache written before spreads
    were recorded is measured again; a cached calibration measured on a busy machine is used,
    with a :class:`CalibrationWarning`.

    Warns:
        CalibrationWarning: the calibration (new or cached) was measured on a busy machine.
    """
    if device.startswith("cuda") and not torch.cuda.is_available():
        return H200_REFERENCE
    path = cache_path(device)
    if not recalibrate and path.exists():
        try:
            cal = SimulationCalibration.from_dict(json.loads(path.read_text()))
        except (ValueError, TypeError):
            cal = None  # unreadable or from another version: measure again
        if cal is not None and cal.matches(device) and cal.spread is not None:
            if cal.busy:
                warnings.warn(_busy_message(cal, f"the cached calibration at {path}"),
                              CalibrationWarning, stacklevel=2)  # fmt: skip
            return cal
    announce_calibration(f"the simulator ({device})", path, CALIBRATION_SECONDS_HINT)
    return calibrate(device)


def step_cost(
    circuit: Circuit,
    observables: Sequence[Observable],
    *,
    batch: int,
    diff_method: str,
    dtype: torch.dtype = torch.complex64,
) -> StepCost:
    """Memory and traffic of one step of the native simulator (see :mod:`qml.sim.memory`),
    and the number of angles its diagonal gates take."""
    from qml.sim.compiled import CompiledPlan

    # the observables do not change the traffic model; without them no sign tables of
    # 2**(n/2) entries are built, so this stays cheap for registers no machine could hold
    plan = CompiledPlan(circuit, [])
    method = "backprop" if diff_method == "none" else diff_method
    cost = estimate(plan, batch=batch, dtype=dtype, diff_method=method)
    if diff_method == "none":  # inference: the forward only
        cost = CostEstimate(
            state_bytes=cost.state_bytes, passes=cost.passes, index_bytes=cost.index_bytes,
            forward_bytes=cost.forward_bytes, backward_bytes=0,
            forward_peak_bytes=cost.forward_peak_bytes, step_peak_bytes=cost.forward_peak_bytes,
            diff_method="none",
        )  # fmt: skip
    diag = sum(len(ref.slots) for g in plan.schedule.groups if g.kind == "diag" for ref in g.items)
    return StepCost(cost, diag)


@dataclass(frozen=True, kw_only=True)
class SimulationCost:
    """Simulating a workload with qml's native simulator on one device."""

    device: str
    hardware: str
    diff_method: str  # the simulator's method (auto resolved)
    memory_bytes: int  # peak of one step
    fits: bool  # whether that peak fits the device's memory
    step_seconds: float
    steps: int
    seconds: float
    power_watts: float
    energy_kwh: float
    energy_source: str  # how the power was obtained (see qml.estimator.power)
    calibration: str  # where the time model's constants came from

    def to_dict(self) -> dict:
        return asdict(self)


def simulation_cost(
    circuit: Circuit,
    observables: Sequence[Observable],
    workload: Workload,
    *,
    device: str = "cpu",
    calibrated: SimulationCalibration | None = None,
    watts: float | None = None,
    dtype: torch.dtype = torch.complex64,
) -> SimulationCost:
    """Memory, time and energy of ``workload`` on the native simulator on ``device``.

    The simulator computes exact expectations, so shots do not enter; parameter-shift and SPSA
    workloads are simulated with the simulator's own best gradient (backprop while its peak
    fits a quarter of the device's memory, else adjoint), as ``diff_method="auto"`` does.
    """
    cal = calibration(device) if calibrated is None else calibrated
    power_w, power_note = _power(cal, device, watts)
    if circuit.n_qubits > MODEL_MAX_QUBITS:  # a state of 2**1000 amplitudes: no model needed
        itemsize = torch.empty((), dtype=dtype).element_size()
        return SimulationCost(
            device=cal.device, hardware=cal.hardware, diff_method="adjoint",
            memory_bytes=workload.batch * 2**circuit.n_qubits * itemsize, fits=False,
            step_seconds=math.inf, steps=workload.steps, seconds=math.inf,
            power_watts=power_w, energy_kwh=math.inf, energy_source=power_note,
            calibration=cal.source,
        )  # fmt: skip
    method = workload.diff_method
    if method in ("parameter-shift", "spsa"):
        back = step_cost(circuit, observables, batch=workload.batch, diff_method="backprop",
                         dtype=dtype)  # fmt: skip
        method = (
            "backprop"
            if back.memory.step_peak_bytes <= AUTO_BACKPROP_FRACTION * cal.memory_bytes
            else "adjoint"
        )
    cost = step_cost(circuit, observables, batch=workload.batch, diff_method=method, dtype=dtype)
    step_s = cal.predict(cost)
    seconds = step_s * workload.steps
    return SimulationCost(
        device=cal.device,
        hardware=cal.hardware,
        diff_method=method,
        memory_bytes=cost.memory.step_peak_bytes,
        fits=cost.memory.step_peak_bytes <= cal.memory_bytes,
        step_seconds=step_s,
        steps=workload.steps,
        seconds=seconds,
        power_watts=power_w,
        energy_kwh=power_w * seconds / 3.6e6,
        energy_source=power_note,
        calibration=cal.source,
    )


def _power(cal: SimulationCalibration, device: str, watts: float | None) -> tuple[float, str]:
    """Watts of the simulating device and where the figure comes from: ``watts`` if given,
    the H200's TDP for the reference GPU, the power measured while calibrating, else
    :func:`~qml.estimator.power.device_power`."""
    from qml.estimator.power import device_power

    if watts is None and cal.device == "cuda" and not cal.matches(device):
        note = f"NVIDIA H200 SXM TDP {H200_SXM_TDP_W:.0f} W (reference GPU; vendor pages)"
        return H200_SXM_TDP_W, note
    if watts is None and cal.measured_watts is not None and cal.matches(device):
        note = f"{cal.measured_watts:.3g} W measured by {cal.measured_by.upper()} while calibrating"
        return cal.measured_watts, note
    power = device_power(cal.device, watts=watts)
    return power.watts, power.note


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
            state_bytes=state, passes=0, index_bytes=0, forward_bytes=r["forward_bytes"],
            backward_bytes=r["backward_bytes"], forward_peak_bytes=0, step_peak_bytes=0,
            diff_method=r["method"],
        )  # fmt: skip
        step = StepCost(cost, 0)  # the benchmark's circuits have no diagonal gates
        measured.append(((r["n"], r["layers"], r["batch"], r["method"]), step, r["step_s"]))
    if not {m[0][3] for m in measured} >= {"backprop", "adjoint"}:
        raise EstimateError(f"{path} lacks completed backprop and adjoint steps to fit")
    m = data["machine"]
    return _fitted(
        measured, device=m["device"], hardware=m.get("gpu") or m["cpu"],
        threads=m["torch_threads"], torch_version=m["versions"]["torch"],
        memory_bytes=H200_REFERENCE.memory_bytes, source=f"fitted to {path}",
        created=m["created"][:10],
    )  # fmt: skip


def _fitted(measured, **fields) -> SimulationCalibration:
    """Fit backprop and adjoint constants to ``[((n, L, B, method), cost, seconds), ...]``."""
    constants = {}
    for method in ("backprop", "adjoint"):
        rows = [(*step.features(), t) for (*_, m), step, t in measured if m == method]
        constants[method] = _fit(rows)
    (c, o, bw, d, do), (ac, ao, abw, ad, ado) = constants["backprop"], constants["adjoint"]
    cal = SimulationCalibration(
        bandwidth_bytes_per_s=bw, pass_overhead_s=o, step_overhead_s=c, diag_s_per_byte=d,
        diag_overhead_s=do, adjoint_bandwidth_bytes_per_s=abw, adjoint_pass_overhead_s=ao,
        adjoint_step_overhead_s=ac, adjoint_diag_s_per_byte=ad, adjoint_diag_overhead_s=ado,
        **fields,
    )  # fmt: skip
    points = tuple((*key, t, cal.predict(cost)) for key, cost, t in measured)
    return dataclasses.replace(cal, points=points)


if __name__ == "__main__":
    import sys

    if len(sys.argv) == 3 and sys.argv[1] == "--fit-reference":
        print(json.dumps(fit_reference(sys.argv[2]).to_dict(), indent=2))
    else:
        cal = calibrate(sys.argv[1] if len(sys.argv) > 1 else "cpu", save=False)
        print(json.dumps(cal.to_dict(), indent=2))
        print(math.nan if not cal.points else max(p[4] / p[5] for p in cal.points))
