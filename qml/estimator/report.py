"""``qml.estimate``: one model and workload on quantum hardware, in simulation and classically.

QPU time follows the issue's model (docs/notes/estimator-constants.md):

    qpu_seconds = executions * shots * (shot_overhead_s + circuit_duration_s)
                  + jobs * job_overhead_s

where ``circuit_duration_s`` is the transpiled circuit's critical path including readout and
``shot_overhead_s`` the repetition delay (IBM: ``default_rep_delay``). Energy is *attributional*:
the whole system's power times the QPU time. The *marginal* energy of one more job is near zero
for a cryostat that stays cold whether or not it runs: both are reported. Money is the QPU time
times a price per second; CO2 is energy times the grid's carbon intensity.
"""

from __future__ import annotations

import io
import json
import math
from collections.abc import Iterable, Sequence
from dataclasses import asdict, dataclass, field
from typing import Any

import numpy as np
import torch

from qml.circuit import Circuit, StatePrep
from qml.errors import EstimateError
from qml.estimator.carbon import co2_kg, grid_intensity
from qml.estimator.classical import ClassicalCost, classical_cost
from qml.estimator.fault_tolerant import (
    QUBIT_PRESETS,
    FaultTolerantEstimate,
    LogicalCounts,
    QubitParams,
    estimate_fault_tolerant,
)
from qml.estimator.simulation import SimulationCalibration, SimulationCost, simulation_cost
from qml.estimator.targets import get_target, known_targets
from qml.estimator.workload import Workload, demand
from qml.observables import Observable, Z, as_observable

__all__ = [
    "Estimate",
    "estimate",
    "logical_counts",
    "cached_classical_calibration",
    "find_quantum_layer",
]

MARGINAL_NOTE = (
    "attributional: whole-system power x QPU time. The marginal energy of this workload is "
    "near zero for a cryostat kept cold whether or not it runs"
)
CLIFFORD_GATES = frozenset(
    {"h", "x", "y", "z", "s", "sdg", "sx", "sxdg", "cnot", "cz", "cy", "swap"}
)


@dataclass(frozen=True, kw_only=True)
class Estimate:
    """What a workload costs on a target, beside simulation and a classical network.

    Every time is in seconds, energy in kWh, CO2 in kg, money in US dollars.
    """

    target: str
    technology: str
    workload: Workload
    # the circuit on the target
    qubits: int
    physical_qubits: int
    depth: int
    one_qubit_gates: int
    two_qubit_gates: int
    circuit_seconds: float  # one execution's critical path, readout included
    fidelity: float  # product of gate and readout fidelities of one execution
    # what the workload asks
    measurement_groups: int
    executions: int
    shots_per_execution: int
    total_shots: int
    jobs: int
    # what it costs
    qpu_seconds: float
    qpu_power_watts: float
    qpu_energy_kwh: float
    marginal_energy_note: str
    cost_usd: float
    grid_g_co2_per_kwh: float
    co2_kg: float
    simulation: SimulationCost
    gpu_simulation: SimulationCost | None
    classical: ClassicalCost
    fault_tolerant: FaultTolerantEstimate | None = None
    assumptions: tuple[str, ...] = ()
    sources: dict[str, str] = field(default_factory=dict)

    @property
    def simulation_co2_kg(self) -> float:
        return co2_kg(self.simulation.energy_kwh, self.grid_g_co2_per_kwh)

    @property
    def classical_co2_kg(self) -> float:
        return co2_kg(self.classical.energy_kwh, self.grid_g_co2_per_kwh)

    def ratios(self) -> dict[str, dict[str, float]]:
        """QPU over each alternative, ``{"time"|"energy": {"cpu"|"gpu"|"classical": ratio}}``:
        above 1 the QPU costs more. (CO2 follows energy: one grid for all.)"""
        alternatives: dict[str, SimulationCost | ClassicalCost] = {
            "cpu": self.simulation,
            "classical": self.classical,
        }
        if self.gpu_simulation is not None:
            alternatives["gpu"] = self.gpu_simulation
        out: dict[str, dict[str, float]] = {"time": {}, "energy": {}}
        for name, alt in alternatives.items():
            out["time"][name] = _ratio(self.qpu_seconds, alt.seconds)
            out["energy"][name] = _ratio(self.qpu_energy_kwh, alt.energy_kwh)
        return out

    def verdict(self) -> str:
        """One sentence: how the QPU compares with simulating the same work on this machine.

        Example: ``"on ibm_fez this training takes 2.5e+05x the time and 3.1e+08x the energy
        of simulating it on cpu, and 1.2e+06x the time of a parameter-matched MLP"``.
        """
        r = self.ratios()
        work = "training" if self.workload.training else "inference"
        return (
            f"on {self.target} this {work} takes {r['time']['cpu']:.2g}x the time and "
            f"{r['energy']['cpu']:.2g}x the energy of simulating it on {self.simulation.device}, "
            f"and {r['time']['classical']:.2g}x the time of a parameter-matched MLP"
        )

    def to_dict(self) -> dict[str, Any]:
        """Plain data (JSON-safe): every field, the nested costs as dicts."""
        d = asdict(self)
        d["simulation"]["co2_kg"] = self.simulation_co2_kg
        if self.gpu_simulation is not None:
            d["gpu_simulation"]["co2_kg"] = co2_kg(
                self.gpu_simulation.energy_kwh, self.grid_g_co2_per_kwh
            )
        d["classical"] = self.classical.to_dict()
        d["classical"]["co2_kg"] = self.classical_co2_kg
        d["assumptions"] = list(self.assumptions)
        d["ratios"] = self.ratios()
        return d

    def to_json(self, **kwargs: Any) -> str:
        """:meth:`to_dict` as JSON (``kwargs`` go to :func:`json.dumps`, indent 2 by default)."""
        kwargs.setdefault("indent", 2)
        return json.dumps(self.to_dict(), default=str, **kwargs)

    def table(self):
        """A :class:`rich.table.Table`: QPU, simulation and the classical network side by side."""
        from rich.table import Table

        t = Table(title=f"qml estimate: {self.target} ({self.technology})", title_justify="left")
        t.add_column("")
        t.add_column(f"QPU {self.target}", justify="right")
        t.add_column(f"sim {self.simulation.device}", justify="right")
        if self.gpu_simulation is not None:
            t.add_column(f"sim {self.gpu_simulation.hardware}", justify="right")
        t.add_column("classical MLP", justify="right")
        gpu = self.gpu_simulation
        c = self.classical

        def row(label: str, qpu: str, sim: str, gsim: str, cls: str) -> None:
            t.add_row(label, qpu, sim, *([gsim] if gpu is not None else []), cls)

        s = self.simulation
        row("qubits", f"{self.qubits} ({self.physical_qubits} physical)", str(self.qubits),
            str(self.qubits), f"{c.parameters} params")  # fmt: skip
        row("executions", f"{self.executions:,}", f"{s.steps:,} steps",
            f"{gpu.steps:,} steps" if gpu else "", f"{c.steps:,} steps")  # fmt: skip
        row("shots", f"{self.shots_per_execution:,} each", "exact", "exact" if gpu else "", "")
        row("gradient", self.workload.diff_method, s.diff_method, gpu.diff_method if gpu else "",
            f"{c.flops:.3g} FLOPs")  # fmt: skip
        row("memory", "", _bytes(s.memory_bytes), _bytes(gpu.memory_bytes) if gpu else "", "")
        row("time", _seconds(self.qpu_seconds), _seconds(s.seconds),
            _seconds(gpu.seconds) if gpu else "", _seconds(c.seconds))  # fmt: skip
        row("energy", f"{self.qpu_energy_kwh:.3g} kWh", f"{s.energy_kwh:.3g} kWh",
            f"{gpu.energy_kwh:.3g} kWh" if gpu else "", f"{c.energy_kwh:.3g} kWh")  # fmt: skip
        row("CO2", f"{self.co2_kg:.3g} kg", f"{self.simulation_co2_kg:.3g} kg",
            f"{co2_kg(gpu.energy_kwh, self.grid_g_co2_per_kwh):.3g} kg" if gpu else "",
            f"{self.classical_co2_kg:.3g} kg")  # fmt: skip
        row("money", f"${self.cost_usd:,.2f}", "", "", "")
        row("depth", str(self.depth), "", "", "")
        row("2q gates", str(self.two_qubit_gates), "", "", "")
        row("fidelity", f"{self.fidelity:.3g}", "", "", "")
        return t

    def __rich__(self):
        return self.table()

    def __str__(self) -> str:
        from rich.console import Console

        console = Console(width=120, record=True, file=io.StringIO())
        console.print(self.table())
        text = console.export_text()
        if self.assumptions:
            text += "assumptions: " + "; ".join(self.assumptions) + "\n"
        return text


def _ratio(a: float, b: float) -> float:
    """``a / b`` for non-negative costs, never NaN: equal costs (both zero or both unbounded)
    give 1, a positive cost over zero and an unbounded over a finite one give ``inf``."""
    if a == b:
        return 1.0
    if b == 0 or math.isinf(a):
        return math.inf
    return a / b


def _bytes(n: int) -> str:
    from qml.sim.memory import format_bytes

    if n >= 1 << 70:  # past ZiB: as a power of two (the float range ends near 2**1024)
        return f"2^{n.bit_length() - 1} B"
    return format_bytes(n)


def _seconds(s: float) -> str:
    if math.isinf(s):
        return "inf"
    for unit, size in (("years", 365.25 * 86400), ("days", 86400), ("h", 3600), ("min", 60)):
        if s >= size:
            return f"{s / size:.3g} {unit}"
    return f"{s:.3g} s"


# Arbitrary rotations per non-Clifford angle of a gate, in a Clifford + Rz decomposition:
# controlled rotations need 2 (e.g. Nielsen & Chuang Fig. 4.6), a controlled phase 3
# (Rz on the control and the target and one conjugated by CNOTs), rxx/ryy/rzz and the
# single-qubit rotations 1 (Clifford conjugation of one Rz).
ROTATIONS_PER_ANGLE = {"crx": 2, "cry": 2, "crz": 2, "cphase": 3}


def logical_counts(circuit: Circuit) -> LogicalCounts:
    """Logical counts of one execution for the fault-tolerant projection: every rotation angle
    that is not a Clifford multiple of pi/2 counts (weights and inputs are arbitrary angles),
    times :data:`ROTATIONS_PER_ANGLE`; ``t``/``tdg`` are T gates, ``ccx`` a CCZ (up to Hadamards),
    and every qubit is measured once.

    Raises:
        EstimateError: not a circuit, or an amplitude embedding (its state preparation has no
            rotation count here).
    """
    if not isinstance(circuit, Circuit):
        raise EstimateError(f"logical_counts needs a qml.Circuit, got {type(circuit).__name__}")
    n = circuit.n_qubits
    layer_of = [0] * n  # rotation depth reached on each wire
    rotations = t_count = ccz = 0
    for op in circuit.operations:
        if isinstance(op, StatePrep):
            raise EstimateError("a fault-tolerant estimate of amplitude embedding is not modelled")
        if op.name in ("t", "tdg"):
            t_count += 1
            continue
        if op.name == "ccx":
            ccz += 1
            continue
        if op.name in CLIFFORD_GATES or not op.params:
            continue
        angles = [p for p in op.params if not _clifford_angle(p)]
        if not angles:
            continue
        count = len(angles) * ROTATIONS_PER_ANGLE.get(op.name, 1)
        rotations += count
        top = max(layer_of[w] for w in op.wires) + count
        for w in op.wires:
            layer_of[w] = top
    return LogicalCounts(
        num_qubits=n, t_count=t_count, ccz_count=ccz, rotation_count=rotations,
        rotation_depth=max(layer_of) if rotations else 0, measurement_count=n,
    )  # fmt: skip


def _clifford_angle(p) -> bool:
    if list(p.leaves()):
        return False
    value = float(p.evaluate({}, {}))
    return math.isclose((value / (math.pi / 2)) % 1.0, 0.0, abs_tol=1e-12) or math.isclose(
        (value / (math.pi / 2)) % 1.0, 1.0, abs_tol=1e-12
    )


def cached_classical_calibration(device: str = "cpu", *, recalibrate: bool = False):
    """The cached MLP timing calibration of ``device`` on this machine (next to the simulator's,
    see :func:`~qml.estimator.simulation.cache_path`), measured now if there is none.

    A measurement is announced on stderr with the cache path; a cache written before spreads
    were recorded is measured again.

    Warns:
        CalibrationWarning: the cached calibration was measured on a busy machine (a new one
            warns from :func:`~qml.estimator.classical.calibrate_classical`).
    """
    import warnings

    from qml.estimator.classical import ClassicalCalibration, calibrate_classical
    from qml.estimator.host import host_key
    from qml.estimator.simulation import CalibrationWarning, announce_calibration, cache_path

    kind = "cuda" if device.startswith("cuda") else "cpu"
    path = cache_path(device).with_name(f"classical-{kind}.json")
    key = host_key(device)
    if not recalibrate and path.exists():
        try:
            saved = json.loads(path.read_text())
            if saved.get("host") == key:
                cached = ClassicalCalibration.from_dict(saved["calibration"])
                if cached.spread is not None:
                    if cached.busy:
                        warnings.warn(
                            f"the cached MLP timing calibration at {path} was measured on a "
                            f"busy machine (spread {cached.spread:.0%}); classical times may "
                            "be off: recalibrate on a quiet machine with "
                            "`qml estimate --calibrate`",
                            CalibrationWarning,
                            stacklevel=2,
                        )
                    return cached
        except (ValueError, TypeError, KeyError, AttributeError, EstimateError):
            pass  # unreadable or stale: measure again
    announce_calibration(f"the classical MLP ({device})", path, 1)
    cal = calibrate_classical(device)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(".tmp")
    tmp.write_text(json.dumps({"host": key, "calibration": cal.to_dict()}, indent=2))
    tmp.replace(path)
    return cal


def find_quantum_layer(module: torch.nn.Module):
    """``(layer, trainable_before)``: the one :class:`~qml.QuantumLayer` inside ``module``, and
    whether a module with trainable parameters is registered before it (registration order
    stands in for the order of the forward pass; its inputs then need gradients).

    Raises:
        EstimateError: no quantum layer, or more than one.
    """
    from qml.nn import QuantumLayer

    if isinstance(module, QuantumLayer):
        return module, False
    layers = [m for m in module.modules() if isinstance(m, QuantumLayer)]
    if len(layers) != 1:
        raise EstimateError(
            f"{type(module).__name__} holds {len(layers)} QuantumLayers; estimate needs one "
            "(estimate each layer on its own)"
        )
    before = False
    for m in module.modules():
        if m is layers[0]:
            break
        if m is not module and any(p.requires_grad for p in m.parameters(recurse=False)):
            before = True  # (the root's own parameters have no place in the order)
    return layers[0], before


def _model_parts(model, observables) -> tuple[Circuit, list[Observable]]:
    from qml.nn import QuantumLayer

    if isinstance(model, QuantumLayer):
        if observables is not None:
            raise EstimateError("a QuantumLayer brings its own observables; drop observables=")
        return model.circuit, list(model.observables)
    if isinstance(model, Circuit):
        if observables is None:
            return model, [Z(q) for q in range(model.n_qubits)]
        if isinstance(observables, Observable):
            observables = [observables]
        if isinstance(observables, str | bytes) or not isinstance(observables, Iterable):
            raise EstimateError(
                f"observables must be an observable or a list of them, got {observables!r}"
            )
        obs = [as_observable(o) for o in observables]
        if not obs:
            raise EstimateError("observables is empty: give at least one")
        for o in obs:
            o.validate(model.n_qubits)
        return model, obs
    raise EstimateError(
        f"estimate needs a qml.QuantumLayer (or a module holding one) or a qml.Circuit, got "
        f"{type(model).__name__}"
    )


def estimate(
    model,
    observables: Observable | Sequence[Observable] | None = None,
    *,
    target="ibm_fez",
    workload: Workload,
    device: str = "cpu",
    gpu: bool = True,
    country: str | None = None,
    grams_per_kwh: float | None = None,
    error_budget: float = 1e-3,
    simulation_calibration=None,
    classical_calibration=None,
    watts: float | None = None,
) -> Estimate:
    """What ``workload`` on ``model`` costs on ``target``, in simulation and classically.

    Args:
        model: a :class:`~qml.QuantumLayer`, or a :class:`~qml.Circuit` (with ``observables``,
            default ``Z`` on every wire).
        observables: only with a circuit.
        target: a name from :func:`~qml.estimator.targets.known_targets` (``"ibm_fez"``,
            ``"superconducting"``, ``"trapped_ion"``, ``"neutral_atom"``, ...), a
            :class:`~qml.estimator.targets.HardwareProfile`, or a fault-tolerant qubit preset
            (``"qubit_gate_ns_e3"``, ...; see :data:`~qml.estimator.QUBIT_PRESETS`).
        workload: the :class:`Workload`.
        device: where the simulation and the classical network would run (``"cpu"``/``"cuda"``).
        gpu: also report GPU simulation (a measured calibration where a GPU is present, else the
            NVIDIA H200 reference fit).
        country: ISO alpha-3 code for the grid's carbon intensity (world average by default).
        grams_per_kwh: your own grid intensity instead.
        error_budget: for fault-tolerant presets, in (0, 1).
        simulation_calibration: a :class:`~qml.estimator.simulation.SimulationCalibration`
            (default: the cached one of ``device``, measured on first use, a few seconds).
        classical_calibration: a :class:`~qml.estimator.classical.ClassicalCalibration`.
        watts: power of ``device`` for the simulation and classical energy (default: measured
            or documented figures, see :mod:`qml.estimator.power`).

    Returns:
        An :class:`Estimate`.

    Raises:
        EstimateError: a model, observables, target, workload or calibration of the wrong
            type, an unknown target (the known ones are listed) or country, a circuit wider than
            the target, a simulator-only gradient method on hardware, an error budget outside
            (0, 1), a non-boolean ``gpu``, or ``watts``/``grams_per_kwh`` that are not
            positive (non-negative) finite numbers.
    """
    if not isinstance(workload, Workload):
        raise EstimateError(f"workload must be a qml.Workload, got {type(workload).__name__}")
    if isinstance(gpu, np.bool_):
        gpu = bool(gpu)
    if not isinstance(gpu, bool):
        raise EstimateError(f"gpu must be True or False, got {gpu!r}")
    if not isinstance(device, str) or not (device == "cpu" or device.startswith("cuda")):
        raise EstimateError(f"device must be 'cpu', 'cuda' or 'cuda:N', got {device!r}")
    if device.startswith("cuda") and not torch.cuda.is_available():
        raise EstimateError(
            f"device={device!r}, but torch sees no CUDA GPU here; use device='cpu' (the GPU "
            "column then shows the NVIDIA H200 reference)"
        )
    if simulation_calibration is not None and not isinstance(
        simulation_calibration, SimulationCalibration
    ):
        raise EstimateError(
            "simulation_calibration must be a SimulationCalibration, got "
            f"{type(simulation_calibration).__name__}"
        )
    if (
        isinstance(error_budget, bool)
        or not isinstance(error_budget, int | float)
        or not 0 < error_budget < 1
    ):
        raise EstimateError(f"error_budget must be a number in (0, 1), got {error_budget!r}")
    if isinstance(target, str) and target not in QUBIT_PRESETS and target.lower() != target:
        target = target.lower()  # "IBM_FEZ" -> "ibm_fez"
    fault_tolerant = (isinstance(target, str) and target in QUBIT_PRESETS) or isinstance(
        target, QubitParams
    )
    if not fault_tolerant and isinstance(target, str) and target not in known_targets():
        import difflib  # before the workload's own checks: a wrong name is named first

        close = difflib.get_close_matches(target, [*known_targets(), *QUBIT_PRESETS], n=3)
        hint = f" (did you mean {', '.join(map(repr, close))}?)" if close else ""
        raise EstimateError(
            f"unknown target {target!r}{hint}; known: {', '.join(known_targets())}, "
            f"or a fault-tolerant preset: {', '.join(QUBIT_PRESETS)}"
        )
    notes = []
    frozen: frozenset[str] = frozenset()
    if isinstance(model, torch.nn.Module):
        model, before = find_quantum_layer(model)
        frozen = frozenset(n for n, w in model.weight_tensors().items() if not w.requires_grad)
        if before and not workload.differentiate_inputs:
            notes.append(
                "a trainable module comes before the quantum layer, but the workload does not "
                "shift input angles: pass Workload(differentiate_inputs=True) to count them"
            )
    circuit, obs = _model_parts(model, observables)
    grid = grid_intensity(country, grams_per_kwh=grams_per_kwh)
    need = demand(circuit, obs, workload, frozen=frozen)

    ft: FaultTolerantEstimate | None = None
    if fault_tolerant:
        ft = estimate_fault_tolerant(logical_counts(circuit), qubit=target,
                                     error_budget=error_budget)  # fmt: skip
        profile = get_target("superconducting").profile
        circuit_s = ft.runtime_ns * 1e-9
        physical, depth, gates, fidelity = (
            ft.physical_qubits_for_algorithm,
            ft.logical_depth,
            (0, 0),
            1.0 - error_budget,
        )
        assumptions = [
            "fault-tolerant target: system power, price and per-shot overhead are today's "
            "superconducting figures (no fault-tolerant machine exists); T factories not counted"
        ]
        qubit = QUBIT_PRESETS[target] if isinstance(target, str) else target
        name = qubit.name
        code = "Floquet code" if qubit.instruction_set == "majorana" else "surface code"
        technology = f"fault-tolerant ({code})"
    else:
        tgt = get_target(target)
        profile = tgt.profile
        res = tgt.resources(circuit)
        circuit_s = res.duration_s
        physical, depth, fidelity = res.physical_qubits, res.depth, res.fidelity
        gates = (res.one_qubit_gates, res.two_qubit_gates)
        assumptions = [f"{profile.name}.{a}" for a in profile.assumptions]
        name, technology = profile.name, profile.technology

    per_shot = profile.shot_overhead_s + circuit_s
    shots_s = need.executions * need.shots_per_execution * per_shot
    qpu_s = shots_s + need.jobs * profile.job_overhead_s
    qpu_kwh = profile.system_power_w * qpu_s / 3.6e6

    sim = simulation_cost(circuit, obs, workload, device=device,
                          calibrated=simulation_calibration, watts=watts)  # fmt: skip
    gsim = None
    if gpu and not device.startswith("cuda"):
        gsim = simulation_cost(circuit, obs, workload, device="cuda")
    params = sum(math.prod(s) for s in circuit.weight_shapes.values())
    cls = classical_cost(
        in_features=circuit.num_inputs, out_features=len(obs), parameters=max(1, params),
        samples=workload.samples, epochs=workload.epochs, batch=workload.batch, device=device,
        training=workload.training,
        calibration=cached_classical_calibration(device)
        if classical_calibration is None else classical_calibration, watts=watts,
    )  # fmt: skip
    powers = (("simulation power", sim.energy_source), ("classical power", cls.power.note))
    for what, note in powers:
        if "assum" in note:
            assumptions.append(f"{what}: {note}")
    assumptions.extend(notes)
    return Estimate(
        target=name,
        technology=technology,
        workload=workload,
        qubits=circuit.n_qubits,
        physical_qubits=physical,
        depth=depth,
        one_qubit_gates=gates[0],
        two_qubit_gates=gates[1],
        circuit_seconds=circuit_s,
        fidelity=fidelity,
        measurement_groups=need.groups,
        executions=need.executions,
        shots_per_execution=need.shots_per_execution,
        total_shots=need.total_shots,
        jobs=need.jobs,
        qpu_seconds=qpu_s,
        qpu_power_watts=profile.system_power_w,
        qpu_energy_kwh=qpu_kwh,
        marginal_energy_note=MARGINAL_NOTE,
        cost_usd=qpu_s * profile.price_usd_per_s,
        grid_g_co2_per_kwh=grid,
        co2_kg=co2_kg(qpu_kwh, grid),
        simulation=sim,
        gpu_simulation=gsim,
        classical=cls,
        fault_tolerant=ft,
        assumptions=tuple(assumptions),
        sources=dict(profile.sources),
    )
