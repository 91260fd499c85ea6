"""What simulating a workload costs on this machine's native simulator: memory, time, energy.

Memory and traffic come from the simulator's own cost model (:mod:`~qml.estimator.steps`), time
from the step-time model fitted on this machine or on the NVIDIA H200 reference
(:mod:`~qml.estimator.simulation_calibration`), energy from the device's power
(:mod:`~qml.estimator.power`) times that time.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import asdict, dataclass
from typing import Any

import torch

from qml.circuit import Circuit
from qml.estimator.footprint import energy_kwh
from qml.estimator.power import NVIDIA_H200_SXM_TDP_W, device_power
from qml.estimator.simulation_calibration import SimulationCalibration, cached_calibration
from qml.estimator.steps import step_cost
from qml.estimator.workload import Workload
from qml.observables import Observable
from qml.sim.memory import auto_diff_method

__all__ = ["SimulationCost", "simulation_cost", "MODEL_MAX_QUBITS"]

MODEL_MAX_QUBITS = 1000  # above, bytes exceed the float range: time and energy are inf


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

    def to_dict(self) -> dict[str, Any]:
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
    workloads are simulated with the simulator's own best gradient, as ``diff_method="auto"``
    picks it (:func:`qml.sim.memory.auto_diff_method` against the calibrated device memory).

    Args:
        circuit: the circuit.
        observables: its observables.
        workload: the :class:`~qml.estimator.workload.Workload`.
        device: ``"cpu"``, ``"cuda"`` or ``"cuda:N"``.
        calibrated: the step-time model (default: the cached one of ``device``, see
            :func:`~qml.estimator.simulation_calibration.cached_calibration`).
        watts: the device's power instead of the measured or documented figure.
        dtype: the state's dtype.

    Returns:
        A :class:`SimulationCost`.
    """
    cal = cached_calibration(device) if calibrated is None else calibrated
    power_w, power_note = _power(cal, device, watts)
    if circuit.n_qubits > MODEL_MAX_QUBITS:  # a state of 2**1000 amplitudes: no model needed
        itemsize = torch.empty((), dtype=dtype).element_size()
        return SimulationCost(
            device=cal.device,
            hardware=cal.hardware,
            diff_method="adjoint",
            memory_bytes=workload.batch * 2**circuit.n_qubits * itemsize,
            fits=False,
            step_seconds=math.inf,
            steps=workload.steps,
            seconds=math.inf,
            power_watts=power_w,
            energy_kwh=math.inf,
            energy_source=power_note,
            calibration=cal.source,
        )
    method = workload.diff_method
    if method in ("parameter-shift", "spsa"):
        back = step_cost(
            circuit, observables, batch=workload.batch, diff_method="backprop", dtype=dtype
        )
        method = auto_diff_method(
            backprop_peak_bytes=back.memory.step_peak_bytes, available_bytes=cal.memory_bytes
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
        energy_kwh=energy_kwh(power_watts=power_w, seconds=seconds),
        energy_source=power_note,
        calibration=cal.source,
    )


def _power(cal: SimulationCalibration, device: str, watts: float | None) -> tuple[float, str]:
    """Watts of the simulating device and where the figure comes from: ``watts`` if given,
    the H200's TDP for the reference GPU, the power measured while calibrating, else
    :func:`~qml.estimator.power.device_power`."""
    if watts is None and cal.device == "cuda" and not cal.matches(device):
        note = f"NVIDIA H200 SXM TDP {NVIDIA_H200_SXM_TDP_W:.0f} W (reference GPU; vendor pages)"
        return NVIDIA_H200_SXM_TDP_W, note
    if watts is None and cal.measured_watts is not None and cal.matches(device):
        note = f"{cal.measured_watts:.3g} W measured by {cal.measured_by.upper()} while calibrating"
        return cal.measured_watts, note
    power = device_power(cal.device, watts=watts)
    return power.watts, power.note
