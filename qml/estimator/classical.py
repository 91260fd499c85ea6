"""The parameter-matched classical network a quantum layer is compared with, and its training cost.

A quantum layer with ``in_features`` inputs, ``out_features`` outputs and ``parameters`` weights
is matched by a one-hidden-layer MLP ``Linear(in, h) - Tanh - Linear(h, out)`` whose parameter
count ``(in + 1) * h + (h + 1) * out`` is closest to ``parameters``. Its training cost uses the
6-FLOPs-per-parameter-per-sample rule and a time model ``steps * overhead + flops / rate`` fitted
on real training steps on the device (:func:`measure_classical_calibration`, cached by
:func:`cached_classical_calibration`).
"""

from __future__ import annotations

import math
import statistics
import time
import warnings
from dataclasses import asdict, dataclass, fields
from typing import Any

import torch

from qml._checks import integer, real
from qml.errors import EstimateError
from qml.estimator.calibration import (
    CLASSICAL_CACHE,
    CalibrationWarning,
    cache_path,
    load_or_measure,
)
from qml.estimator.footprint import energy_kwh
from qml.estimator.host import host_key
from qml.estimator.power import PowerReading, device_power, parse_device, resolve_device

__all__ = [
    "matched_mlp",
    "ClassicalCalibration",
    "measure_classical_calibration",
    "cached_classical_calibration",
    "ClassicalCost",
    "classical_cost",
    "TRAIN_FLOPS_PER_PARAM_PER_SAMPLE",
]

# Kaplan et al. 2020, "Scaling Laws for Neural Language Models", arXiv:2001.08361, Sec. 2.1:
# C ~ 6 N per token (forward ~2N, backward ~2x forward). For an MLP: 2P forward + 4P backward
# per sample; activations and the optimizer update are not counted.
TRAIN_FLOPS_PER_PARAM_PER_SAMPLE = 6
FORWARD_FLOPS_PER_PARAM = 2  # one multiply and one add per weight (same source)

# Calibration shapes (in, hidden, out, batch): one overhead-bound, two throughput-bound.
_SHAPES = {
    "cpu": ((8, 8, 1, 8), (256, 256, 256, 64), (512, 1024, 512, 256)),
    "cuda": ((8, 8, 1, 8), (1024, 1024, 1024, 1024), (4096, 4096, 4096, 4096)),
}
_WARMUP_STEPS = 2
_BLOCK_STEPS = 6  # consecutive steps of one shape per turn; the first is not timed
_MAX_ROUNDS = 40
# Spread of a shape: (median - min) / min of its timed steps; 0.07-0.22 measured on a shared
# 2-core host. Above this (the median over shapes) other work competed for the machine.
CLASSICAL_BUSY_SPREAD = 0.5


def _check_int(value: object, *, name: str, minimum: int) -> int:
    return integer(
        value, name=name, error=EstimateError, minimum=minimum, expected=f"an integer >= {minimum}"
    )


def _mlp_parameters(in_features: int, hidden: int, out_features: int) -> int:
    return (in_features + 1) * hidden + (hidden + 1) * out_features


def _matched_hidden(in_features: int, out_features: int, parameters: int) -> int:
    """Hidden width >= 1 whose count is closest to ``parameters`` (ties: the smaller width)."""
    per_unit = in_features + 1 + out_features  # the count grows by this per hidden unit
    h = max(1, (parameters - out_features) // per_unit)
    return min(
        (h, h + 1), key=lambda w: abs(_mlp_parameters(in_features, w, out_features) - parameters)
    )


def matched_mlp(*, in_features: int, out_features: int, parameters: int) -> torch.nn.Sequential:
    """An MLP with the layer's widths and about ``parameters`` trainable parameters.

    ``Linear(in_features, h) - Tanh - Linear(h, out_features)`` with the ``h >= 1`` that brings
    ``(in_features + 1) * h + (h + 1) * out_features`` closest to ``parameters``. With
    ``in_features == 0`` (a layer with no inputs) the first layer is ``Linear(0, h)``: a learned
    bias only, drawn from U(-1, 1) as PyTorch draws a 1-input layer's; it takes ``(B, 0)`` inputs.
    Weights use PyTorch's default initialisation (the global RNG; seed it in your script).

    Args:
        in_features: input width, >= 0.
        out_features: output width, >= 1.
        parameters: the quantum layer's trainable parameter count, >= 1.

    Returns:
        ``torch.nn.Sequential`` mapping ``(B, in_features)`` to ``(B, out_features)`` float32.

    Raises:
        EstimateError: a width or count that is not an integer in range.

    Example:
        >>> mlp = matched_mlp(in_features=4, out_features=1, parameters=43)
        >>> mlp, sum(p.numel() for p in mlp.parameters())  # doctest: +NORMALIZE_WHITESPACE
        (Sequential(
          (0): Linear(in_features=4, out_features=7, bias=True)
          (1): Tanh()
          (2): Linear(in_features=7, out_features=1, bias=True)
        ), 43)
    """
    n_in = _check_int(in_features, name="in_features", minimum=0)
    n_out = _check_int(out_features, name="out_features", minimum=1)
    h = _matched_hidden(n_in, n_out, _check_int(parameters, name="parameters", minimum=1))
    if n_in == 0:
        with warnings.catch_warnings():
            warnings.filterwarnings("ignore", message="Initializing zero-element tensors")
            first = torch.nn.Linear(0, h)
        with torch.no_grad():
            first.bias.uniform_(-1.0, 1.0)
    else:
        first = torch.nn.Linear(n_in, h)
    return torch.nn.Sequential(first, torch.nn.Tanh(), torch.nn.Linear(h, n_out))


@dataclass(frozen=True, kw_only=True)
class ClassicalCalibration:
    """A device's fitted training-step time model: ``overhead + flops / flops_per_s`` per step."""

    device: str
    flops_per_s: float
    step_overhead_s: float
    spread: float | None = None  # median over shapes of (median - min) / min; None: not measured
    shape_spreads: tuple[float, ...] = ()

    @property
    def busy(self) -> bool:
        """Whether the spread says other work competed for the machine while calibrating."""
        return self.spread is not None and self.spread > CLASSICAL_BUSY_SPREAD

    def __post_init__(self) -> None:
        parse_device(self.device)
        if self.spread is not None:
            real(
                self.spread,
                name="spread",
                error=EstimateError,
                minimum=0,
                expected="a finite number >= 0 or None",
            )
        object.__setattr__(self, "shape_spreads", tuple(self.shape_spreads))
        for name in ("flops_per_s", "step_overhead_s"):
            value = getattr(self, name)
            real(value, name=name, error=EstimateError, expected="a finite number")
            if value < 0 or (name == "flops_per_s" and value == 0):
                raise EstimateError(f"{name} must be finite and in range, got {value!r}")

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> ClassicalCalibration:
        """Inverse of :meth:`to_dict`; unknown or missing keys raise :class:`EstimateError`
        (the spreads may be missing: files written before they were recorded)."""
        names = {f.name for f in fields(cls)}
        optional = {"spread", "shape_spreads"}
        if not isinstance(d, dict) or not names - optional <= set(d) <= names:
            keys = sorted(d) if isinstance(d, dict) else d
            raise EstimateError(f"calibration keys must be {sorted(names)}, got {keys!r}")
        return cls(**d)


def _train_step(
    model: torch.nn.Module, opt: torch.optim.Optimizer, x: torch.Tensor, y: torch.Tensor
) -> None:
    opt.zero_grad(set_to_none=True)
    torch.nn.functional.mse_loss(model(x), y).backward()
    opt.step()


def _median_step_times(
    dev: torch.device, shapes: tuple[tuple[int, int, int, int], ...], budget_s: float
) -> tuple[list[float], list[float]]:
    """Median Adam step time per shape ``(in, hidden, out, batch)``, in round-robin blocks,
    and each shape's spread ``(median - min) / min``.

    Taking turns lets a burst of contention from other processes slow all shapes alike, so it
    shifts the fit less than it would if it hit one shape only.
    """
    gen = torch.Generator(device=dev).manual_seed(0)
    runs = []
    for n_in, h, n_out, batch in shapes:
        x = torch.randn(batch, n_in, generator=gen, device=dev)  # (batch, in) float32
        y = torch.randn(batch, n_out, generator=gen, device=dev)  # (batch, out) float32
        model = torch.nn.Sequential(
            torch.nn.Linear(n_in, h), torch.nn.Tanh(), torch.nn.Linear(h, n_out)
        ).to(dev)
        runs.append((model, torch.optim.Adam(model.parameters(), lr=1e-3), x, y))
    sync = torch.cuda.synchronize if dev.type == "cuda" else (lambda: None)
    for run in runs:
        for _ in range(_WARMUP_STEPS):
            _train_step(*run)
    sync()
    times: list[list[float]] = [[] for _ in runs]
    start, rounds = time.perf_counter(), 0
    while rounds == 0 or (rounds < _MAX_ROUNDS and time.perf_counter() - start < budget_s):
        rounds += 1
        for run, record in zip(runs, times, strict=True):
            for j in range(_BLOCK_STEPS):
                t = time.perf_counter()
                _train_step(*run)
                sync()
                if j:  # the block's first step runs with another model's data in cache
                    record.append(time.perf_counter() - t)
    medians = [statistics.median(record) for record in times]
    return medians, [(m - min(r)) / min(r) for m, r in zip(medians, times, strict=True)]


def _fit(flops: list[float], times: list[float]) -> tuple[float, float]:
    """Non-negative least squares of ``t = a + b * f`` in relative error; returns ``(a, b > 0)``."""
    rows = [(1.0 / t, f / t) for f, t in zip(flops, times, strict=True)]  # each row ~ 1
    s11 = sum(r[0] ** 2 for r in rows)
    s12 = sum(r[0] * r[1] for r in rows)
    s22 = sum(r[1] ** 2 for r in rows)
    t1, t2 = sum(r[0] for r in rows), sum(r[1] for r in rows)
    det = s11 * s22 - s12**2
    if det > 0:
        a, b = (t1 * s22 - t2 * s12) / det, (s11 * t2 - s12 * t1) / det
        if a >= 0 and b > 0:
            return a, b
    return 0.0, t2 / s22  # the boundary a = 0 (b = 0 would mean an infinite rate)


def measure_classical_calibration(
    device: str = "cpu", *, seconds: float = 1.0
) -> ClassicalCalibration:
    """Fit the training-step time model on ``device`` from real Adam steps of three MLPs.

    After a few warm-up steps, blocks of timed steps (forward, MSE loss, backward, Adam) of
    the three shapes take turns for about ``seconds``; the median step time per shape is fitted by
    non-negative least squares (relative error) as ``step_overhead_s + 6 * P * batch /
    flops_per_s``. The global RNG state is restored afterwards. A CPU calibration holds for
    the ``torch.get_num_threads()`` in effect while it ran.

    Args:
        device: ``"cpu"``, ``"cuda"`` or ``"cuda:N"``.
        seconds: timing budget, in (0, 60]; the total runs a little longer (warm-up).

    Returns:
        A :class:`ClassicalCalibration` for the resolved device (``"cuda"`` -> ``"cuda:N"``).

    Raises:
        EstimateError: a bad budget or device, or a CUDA device this machine lacks.

    Warns:
        CalibrationWarning: the step times' spread (median over shapes of ``(median - min) /
            min``, recorded as ``spread``) is above :data:`CLASSICAL_BUSY_SPREAD`.

    Example:
        >>> cal = measure_classical_calibration("cpu", seconds=0.2)
        >>> cal.device, cal.flops_per_s > 0, cal.step_overhead_s >= 0
        ('cpu', True, True)
    """
    real(
        seconds,
        name="seconds",
        error=EstimateError,
        minimum=0,
        exclusive_minimum=True,
        maximum=60,
        expected="a number in (0, 60]",
    )
    dev = resolve_device(device)
    shapes = _SHAPES[dev.type]
    flops = [
        float(TRAIN_FLOPS_PER_PARAM_PER_SAMPLE * _mlp_parameters(i, h, o) * b)
        for i, h, o, b in shapes
    ]
    with torch.random.fork_rng(devices=[dev.index] if dev.type == "cuda" else []):
        times, spreads = _median_step_times(dev, shapes, seconds)
    overhead, s_per_flop = _fit(flops, times)
    cal = ClassicalCalibration(
        device=str(dev),
        flops_per_s=1.0 / s_per_flop,
        step_overhead_s=overhead,
        spread=statistics.median(spreads),
        shape_spreads=tuple(spreads),
    )
    if cal.busy:
        warnings.warn(
            f"the MLP timing calibration on {dev} was measured on a busy machine: step times "
            f"spread {cal.spread:.0%} above their fastest (per shape: "
            f"{', '.join(f'{s:.0%}' for s in spreads)}), so classical times may be off; "
            "recalibrate on a quiet machine with `qml estimate --calibrate`",
            CalibrationWarning,
            stacklevel=2,
        )
    return cal


@dataclass(frozen=True, kw_only=True)
class ClassicalCost:
    """Training cost of the matched MLP; ``parameters`` is its actual (closest) count."""

    parameters: int
    hidden: int
    layout: tuple[int, ...]  # (in_features, hidden, out_features)
    flops: float  # 6 * parameters * samples * epochs
    steps: int  # epochs * ceil(samples / batch)
    seconds: float  # steps * step_overhead_s + flops / flops_per_s
    energy_kwh: float  # power.watts x seconds (qml.estimator.footprint)
    device: str
    power: PowerReading

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


def _same_device(a: str, b: str) -> bool:
    da, db = parse_device(a), parse_device(b)
    return da.type == db.type and (da.index is None or db.index is None or da.index == db.index)


def classical_cost(
    *,
    in_features: int,
    out_features: int,
    parameters: int,
    samples: int,
    epochs: int,
    batch: int,
    device: str = "cpu",
    calibration: ClassicalCalibration | None = None,
    watts: float | None = None,
    training: bool = True,
) -> ClassicalCost:
    """Time and energy to train (or, ``training=False``, run) the parameter-matched MLP.

    ``flops = 6 * P * samples * epochs`` (Kaplan et al. 2020, arXiv:2001.08361, Sec. 2.1;
    ``2 * P`` per sample for inference, the forward alone),
    ``steps = epochs * ceil(samples / batch)``, ``seconds = steps * step_overhead_s + flops /
    flops_per_s`` and ``energy_kwh = watts * seconds`` (:func:`~qml.estimator.footprint.energy_kwh`)
    with ``device_power``'s watts.

    Args:
        in_features: the quantum layer's input width, >= 0.
        out_features: its output width, >= 1.
        parameters: its trainable parameter count, >= 1.
        samples: training samples per epoch, >= 1.
        epochs: passes over the data, >= 1.
        batch: samples per optimizer step, >= 1.
        device: ``"cpu"``, ``"cuda"`` or ``"cuda:N"``.
        calibration: the device's time model; None runs
            :func:`measure_classical_calibration` (~1 s).
        watts: power override passed to :func:`~qml.estimator.power.device_power`.
        training: False for inference (forward passes only; the step overhead is the fitted
            training step's, an upper bound).

    Returns:
        A :class:`ClassicalCost`.

    Raises:
        EstimateError: a count out of range, a calibration made for another device, or a bad
            device or ``watts``.

    Example:
        >>> cal = ClassicalCalibration(device="cpu", flops_per_s=1e9, step_overhead_s=1e-4)
        >>> cost = classical_cost(in_features=4, out_features=1, parameters=43, samples=1000,
        ...                       epochs=10, batch=100, calibration=cal, watts=20.0)
        >>> cost.layout, cost.flops, cost.steps, round(cost.seconds, 5)
        ((4, 7, 1), 2580000.0, 100, 0.01258)
    """
    n_in = _check_int(in_features, name="in_features", minimum=0)
    n_out = _check_int(out_features, name="out_features", minimum=1)
    _check_int(parameters, name="parameters", minimum=1)
    n_samples = _check_int(samples, name="samples", minimum=1)
    n_epochs = _check_int(epochs, name="epochs", minimum=1)
    n_batch = _check_int(batch, name="batch", minimum=1)
    if calibration is None:
        calibration = measure_classical_calibration(device)
    elif not isinstance(calibration, ClassicalCalibration):
        raise EstimateError(
            f"calibration must be a ClassicalCalibration, got {type(calibration).__name__}"
        )
    elif not _same_device(calibration.device, device):
        raise EstimateError(f"calibration is for {calibration.device!r}, not device {device!r}")
    power = device_power(device, watts=watts)
    h = _matched_hidden(n_in, n_out, int(parameters))
    p = _mlp_parameters(n_in, h, n_out)
    per_sample = TRAIN_FLOPS_PER_PARAM_PER_SAMPLE if training else FORWARD_FLOPS_PER_PARAM
    flops = float(per_sample * p * n_samples * n_epochs)
    steps = n_epochs * math.ceil(n_samples / n_batch)
    seconds = steps * calibration.step_overhead_s + flops / calibration.flops_per_s
    return ClassicalCost(
        parameters=p,
        hidden=h,
        layout=(n_in, h, n_out),
        flops=flops,
        steps=steps,
        seconds=seconds,
        energy_kwh=energy_kwh(power_watts=power.watts, seconds=seconds),
        device=calibration.device,
        power=power,
    )


def cached_classical_calibration(
    device: str = "cpu", *, recalibrate: bool = False
) -> ClassicalCalibration:
    """The cached MLP timing calibration of ``device`` on this machine, measured now (and cached)
    if there is none, if it was measured elsewhere or before spreads were recorded, or with
    ``recalibrate`` (see :func:`~qml.estimator.calibration.load_or_measure`).

    Warns:
        CalibrationWarning: the calibration (cached or new) was measured on a busy machine.
    """
    path = cache_path(device, kind=CLASSICAL_CACHE)
    key = host_key(device)

    def decode(saved: dict[str, Any]) -> ClassicalCalibration | None:
        if saved.get("host") != key:
            return None
        cached = ClassicalCalibration.from_dict(saved["calibration"])
        return cached if cached.spread is not None else None

    def busy_message(cached: ClassicalCalibration) -> str:
        return (
            f"the cached MLP timing calibration at {path} was measured on a busy machine "
            f"(spread {cached.spread:.0%}); classical times may be off: recalibrate on a quiet "
            "machine with `qml estimate --calibrate`"
        )

    return load_or_measure(
        path=path,
        what=f"the classical MLP ({device})",
        seconds=1,
        decode=decode,
        measure=lambda: measure_classical_calibration(device),
        encode=lambda cal: {"host": key, "calibration": cal.to_dict()},
        busy_message=busy_message,
        recalibrate=recalibrate,
    )
