"""The :class:`Estimate` of :func:`~qml.estimator.estimate`, and how it reads: ratios, a
verdict, a table, JSON.

Every time is in seconds, energy in kWh, CO2 in kg, money in US dollars.
"""

from __future__ import annotations

import io
import json
import math
from dataclasses import asdict, dataclass, field
from typing import Any

from qml.estimator.classical import ClassicalCost
from qml.estimator.fault_tolerant import FaultTolerantEstimate
from qml.estimator.footprint import co2_kg
from qml.estimator.simulation import SimulationCost
from qml.estimator.workload import Workload

__all__ = ["Estimate", "MARGINAL_NOTE"]

MARGINAL_NOTE = (
    "attributional: whole-system power x QPU time. The marginal energy of this workload is "
    "near zero for a cryostat kept cold whether or not it runs"
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
        gpu_co2 = co2_kg(gpu.energy_kwh, self.grid_g_co2_per_kwh) if gpu else 0.0
        rows = [
            (
                "qubits",
                f"{self.qubits} ({self.physical_qubits} physical)",
                str(self.qubits),
                str(self.qubits),
                f"{c.parameters} params",
            ),
            (
                "executions",
                f"{self.executions:,}",
                f"{s.steps:,} steps",
                f"{gpu.steps:,} steps" if gpu else "",
                f"{c.steps:,} steps",
            ),
            ("shots", f"{self.shots_per_execution:,} each", "exact", "exact" if gpu else "", ""),
            (
                "gradient",
                self.workload.diff_method,
                s.diff_method,
                gpu.diff_method if gpu else "",
                f"{c.flops:.3g} FLOPs",
            ),
            ("memory", "", _bytes(s.memory_bytes), _bytes(gpu.memory_bytes) if gpu else "", ""),
            (
                "time",
                _seconds(self.qpu_seconds),
                _seconds(s.seconds),
                _seconds(gpu.seconds) if gpu else "",
                _seconds(c.seconds),
            ),
            (
                "energy",
                f"{self.qpu_energy_kwh:.3g} kWh",
                f"{s.energy_kwh:.3g} kWh",
                f"{gpu.energy_kwh:.3g} kWh" if gpu else "",
                f"{c.energy_kwh:.3g} kWh",
            ),
            (
                "CO2",
                f"{self.co2_kg:.3g} kg",
                f"{self.simulation_co2_kg:.3g} kg",
                f"{gpu_co2:.3g} kg" if gpu else "",
                f"{self.classical_co2_kg:.3g} kg",
            ),
        ]
        for cells in rows:
            row(*cells)
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
