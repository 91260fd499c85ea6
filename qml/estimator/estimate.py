"""``qml.estimate``: one model and workload on quantum hardware, in simulation and classically.

QPU time (constants and sources in docs/notes/estimator-constants.md):

    qpu_seconds = executions * shots * (shot_overhead_s + circuit_duration_s)
                  + jobs * job_overhead_s

where ``circuit_duration_s`` is one execution's duration on the target (a transpiled circuit's
critical path including readout, or a fault-tolerant projection's runtime) and
``shot_overhead_s`` the repetition delay (IBM: ``default_rep_delay``). Energy is
*attributional*: the whole system's power times the QPU time. The *marginal* energy of one more
job is near zero for a cryostat that stays cold whether or not it runs: both are reported.
Money is the QPU time times a price per second; CO2 is energy times the grid's carbon intensity
(:mod:`~qml.estimator.footprint`).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

import torch

from qml._checks import boolean, close_matches, is_real
from qml.circuit import Circuit
from qml.errors import EstimateError
from qml.estimator.classical import (
    ClassicalCalibration,
    cached_classical_calibration,
    classical_cost,
)
from qml.estimator.fault_tolerant import QUBIT_PRESETS, QubitParams
from qml.estimator.fault_tolerant_target import FaultTolerantTarget
from qml.estimator.footprint import co2_kg, energy_kwh, grid_intensity, money_usd
from qml.estimator.model import find_quantum_layer, model_parts
from qml.estimator.profiles import HardwareProfile
from qml.estimator.report import MARGINAL_NOTE, Estimate
from qml.estimator.simulation import simulation_cost
from qml.estimator.simulation_calibration import SimulationCalibration
from qml.estimator.targets import QuantumTarget, get_target, known_targets
from qml.estimator.workload import Workload, demand
from qml.observables import Observable

__all__ = ["EstimateOptions", "estimate", "estimate_with", "resolve_target"]


@dataclass(frozen=True, kw_only=True)
class EstimateOptions:
    """How :func:`estimate` prices the work besides the target (see its arguments).

    Raises:
        EstimateError: a bad ``gpu``, ``device`` (or a CUDA device torch does not see),
            ``simulation_calibration`` or ``error_budget``.
    """

    device: str = "cpu"
    gpu: bool = True
    country: str | None = None
    grams_per_kwh: float | None = None
    error_budget: float = 1e-3
    simulation_calibration: SimulationCalibration | None = None
    classical_calibration: ClassicalCalibration | None = None
    watts: float | None = None

    def __post_init__(self) -> None:
        object.__setattr__(self, "gpu", boolean(self.gpu, name="gpu", error=EstimateError))
        device = self.device
        if not isinstance(device, str) or not (device == "cpu" or device.startswith("cuda")):
            raise EstimateError(f"device must be 'cpu', 'cuda' or 'cuda:N', got {device!r}")
        if device.startswith("cuda") and not torch.cuda.is_available():
            raise EstimateError(
                f"device={device!r}, but torch sees no CUDA GPU here; use device='cpu' (the GPU "
                "column then shows the NVIDIA H200 reference)"
            )
        cal = self.simulation_calibration
        if cal is not None and not isinstance(cal, SimulationCalibration):
            raise EstimateError(
                f"simulation_calibration must be a SimulationCalibration, got {type(cal).__name__}"
            )
        budget = self.error_budget
        if not is_real(budget) or not 0 < budget < 1:
            raise EstimateError(f"error_budget must be a number in (0, 1), got {budget!r}")


def estimate(
    model: torch.nn.Module | Circuit,
    observables: Observable | Sequence[Observable] | None = None,
    *,
    target: str | HardwareProfile | QubitParams | QuantumTarget = "ibm_fez",
    workload: Workload,
    device: str = "cpu",
    gpu: bool = True,
    country: str | None = None,
    grams_per_kwh: float | None = None,
    error_budget: float = 1e-3,
    simulation_calibration: SimulationCalibration | None = None,
    classical_calibration: ClassicalCalibration | None = None,
    watts: float | None = None,
) -> Estimate:
    """What ``workload`` on ``model`` costs on ``target``, in simulation and classically.

    Args:
        model: a :class:`~qml.QuantumLayer`, or a :class:`~qml.Circuit` (with ``observables``,
            default ``Z`` on every wire).
        observables: only with a circuit.
        target: a name from :func:`~qml.estimator.targets.known_targets` (``"ibm_fez"``,
            ``"superconducting"``, ``"trapped_ion"``, ``"neutral_atom"``, ...), a
            :class:`~qml.estimator.targets.HardwareProfile`, a fault-tolerant qubit preset
            (``"qubit_gate_ns_e3"``, ...; see :data:`~qml.estimator.QUBIT_PRESETS`) or
            :class:`~qml.estimator.QubitParams`, or any built target
            (:class:`~qml.estimator.targets.QuantumTarget`).
        workload: the :class:`Workload`.
        device: where the simulation and the classical network would run (``"cpu"``/``"cuda"``).
        gpu: also report GPU simulation (a measured calibration where a GPU is present, else the
            NVIDIA H200 reference fit).
        country: ISO alpha-3 code for the grid's carbon intensity (world average by default).
        grams_per_kwh: your own grid intensity instead.
        error_budget: for fault-tolerant presets, in (0, 1).
        simulation_calibration: a
            :class:`~qml.estimator.simulation_calibration.SimulationCalibration` (default: the
            cached one of ``device``, measured on first use, a few seconds).
        classical_calibration: a :class:`~qml.estimator.classical.ClassicalCalibration`.
        watts: power of ``device`` for the simulation and classical energy (default: measured
            or documented figures, see :mod:`qml.estimator.power`).

    Returns:
        An :class:`~qml.estimator.report.Estimate`.

    Raises:
        EstimateError: a model, observables, target, workload or calibration of the wrong
            type, an unknown target (the known ones are listed) or country, a circuit wider than
            the target, a simulator-only gradient method on hardware, an error budget outside
            (0, 1), a non-boolean ``gpu``, or ``watts``/``grams_per_kwh`` that are not
            positive (non-negative) finite numbers.
    """
    _check_workload(workload)
    options = EstimateOptions(
        device=device,
        gpu=gpu,
        country=country,
        grams_per_kwh=grams_per_kwh,
        error_budget=error_budget,
        simulation_calibration=simulation_calibration,
        classical_calibration=classical_calibration,
        watts=watts,
    )
    return estimate_with(model, observables, target=target, workload=workload, options=options)


def resolve_target(
    target: str | HardwareProfile | QubitParams | QuantumTarget, *, error_budget: float
) -> QuantumTarget:
    """The target ``estimate`` was given: a built one as is, a fault-tolerant preset name or
    :class:`QubitParams` as a :class:`FaultTolerantTarget`, anything else through
    :func:`~qml.estimator.targets.get_target` (names case-insensitive).

    Raises:
        EstimateError: an unknown name (with close matches, the known targets and presets).
    """
    if isinstance(target, str) and target not in QUBIT_PRESETS:
        target = target.lower()  # "IBM_FEZ" -> "ibm_fez"
    if isinstance(target, QubitParams) or (isinstance(target, str) and target in QUBIT_PRESETS):
        return FaultTolerantTarget(qubit=target, error_budget=error_budget)
    if isinstance(target, str) and target not in known_targets():
        hint = close_matches(target, [*known_targets(), *QUBIT_PRESETS])
        raise EstimateError(
            f"unknown target {target!r}{hint}; known: {', '.join(known_targets())}, "
            f"or a fault-tolerant preset: {', '.join(QUBIT_PRESETS)}"
        )
    if isinstance(target, QuantumTarget):
        return target
    return get_target(target)


def estimate_with(
    model: torch.nn.Module | Circuit,
    observables: Observable | Sequence[Observable] | None = None,
    *,
    target: str | HardwareProfile | QubitParams | QuantumTarget,
    workload: Workload,
    options: EstimateOptions,
) -> Estimate:
    """:func:`estimate` with its pricing options as one :class:`EstimateOptions`."""
    _check_workload(workload)
    machine = resolve_target(target, error_budget=options.error_budget)
    notes = []
    frozen: frozenset[str] = frozenset()
    if isinstance(model, torch.nn.Module):
        layer, before = find_quantum_layer(model)
        frozen = frozenset(n for n, w in layer.weight_tensors().items() if not w.requires_grad)
        model = layer
        if before and not workload.differentiate_inputs:
            notes.append(
                "a trainable module comes before the quantum layer, but the workload does not "
                "shift input angles: pass Workload(differentiate_inputs=True) to count them"
            )
    circuit, obs = model_parts(model, observables)
    grid = grid_intensity(options.country, grams_per_kwh=options.grams_per_kwh)
    need = demand(circuit, obs, workload, frozen=frozen)
    res = machine.resources(circuit)
    profile = machine.profile

    per_shot = profile.shot_overhead_s + res.duration_s
    shots_s = need.executions * need.shots_per_execution * per_shot
    qpu_s = shots_s + need.jobs * profile.job_overhead_s
    qpu_kwh = energy_kwh(power_watts=profile.system_power_w, seconds=qpu_s)

    device = options.device
    sim = simulation_cost(
        circuit,
        obs,
        workload,
        device=device,
        calibrated=options.simulation_calibration,
        watts=options.watts,
    )
    gsim = None
    if options.gpu and not device.startswith("cuda"):
        gsim = simulation_cost(circuit, obs, workload, device="cuda")
    params = sum(math.prod(s) for s in circuit.weight_shapes.values())
    calibration = options.classical_calibration
    cls = classical_cost(
        in_features=circuit.num_inputs,
        out_features=len(obs),
        parameters=max(1, params),
        samples=workload.samples,
        epochs=workload.epochs,
        batch=workload.batch,
        device=device,
        training=workload.training,
        calibration=cached_classical_calibration(device) if calibration is None else calibration,
        watts=options.watts,
    )
    assumptions = list(machine.assumptions)
    for what, note in (
        ("simulation power", sim.energy_source),
        ("classical power", cls.power.note),
    ):
        if "assum" in note:
            assumptions.append(f"{what}: {note}")
    assumptions.extend(notes)
    return Estimate(
        target=machine.name,
        technology=machine.technology,
        workload=workload,
        qubits=circuit.n_qubits,
        physical_qubits=res.physical_qubits,
        depth=res.depth,
        one_qubit_gates=res.one_qubit_gates,
        two_qubit_gates=res.two_qubit_gates,
        circuit_seconds=res.duration_s,
        fidelity=res.fidelity,
        measurement_groups=need.groups,
        executions=need.executions,
        shots_per_execution=need.shots_per_execution,
        total_shots=need.total_shots,
        jobs=need.jobs,
        qpu_seconds=qpu_s,
        qpu_power_watts=profile.system_power_w,
        qpu_energy_kwh=qpu_kwh,
        marginal_energy_note=MARGINAL_NOTE,
        cost_usd=money_usd(seconds=qpu_s, usd_per_s=profile.price_usd_per_s),
        grid_g_co2_per_kwh=grid,
        co2_kg=co2_kg(qpu_kwh, grid),
        simulation=sim,
        gpu_simulation=gsim,
        classical=cls,
        fault_tolerant=res.fault_tolerant,
        assumptions=tuple(assumptions),
        sources=dict(profile.sources),
    )


def _check_workload(workload: object) -> None:
    if not isinstance(workload, Workload):
        raise EstimateError(f"workload must be a qml.Workload, got {type(workload).__name__}")
