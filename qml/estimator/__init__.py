"""Resource estimation: what a model costs on quantum hardware, in simulation, and classically.

- :func:`estimate` with a :class:`Workload`: QPU time, energy, CO2 and money on an IBM backend
  (fake-backend calibration), a generic hardware profile or a fault-tolerant preset, beside
  simulating the same work (:mod:`~qml.estimator.simulation`) and a parameter-matched MLP
  (:mod:`~qml.estimator.classical`).
- :func:`estimate_fault_tolerant`: the Azure QRE surface-code projection from logical counts.
- :func:`estimate_shots`: shots for a target precision.
- :mod:`~qml.estimator.scaling`: time and energy against qubit count, with crossovers.
"""

from qml.errors import EstimateError
from qml.estimator.carbon import GRID_G_CO2_PER_KWH, WORLD_G_CO2_PER_KWH, grid_intensity
from qml.estimator.classical import ClassicalCost, classical_cost, matched_mlp
from qml.estimator.energy import energy_kwh
from qml.estimator.fault_tolerant import (
    QUBIT_PRESETS,
    FaultTolerantEstimate,
    LogicalCounts,
    QubitParams,
    estimate_fault_tolerant,
)
from qml.estimator.power import EnergyMeter, PowerReading, device_power
from qml.estimator.report import Estimate, estimate, logical_counts
from qml.estimator.shots import estimate_shots
from qml.estimator.simulation import (
    CalibrationWarning,
    SimulationCalibration,
    SimulationCost,
    calibrate,
)
from qml.estimator.targets import (
    CircuitResources,
    HardwareProfile,
    Target,
    get_target,
    known_targets,
)
from qml.estimator.workload import Workload

__all__ = [
    "Workload",
    "estimate",
    "Estimate",
    "logical_counts",
    "SimulationCost",
    "SimulationCalibration",
    "calibrate",
    "CalibrationWarning",
    "ClassicalCost",
    "classical_cost",
    "matched_mlp",
    "EnergyMeter",
    "PowerReading",
    "device_power",
    "HardwareProfile",
    "Target",
    "CircuitResources",
    "get_target",
    "known_targets",
    "GRID_G_CO2_PER_KWH",
    "WORLD_G_CO2_PER_KWH",
    "grid_intensity",
    "QUBIT_PRESETS",
    "FaultTolerantEstimate",
    "LogicalCounts",
    "QubitParams",
    "estimate_fault_tolerant",
    "estimate_shots",
    "energy_kwh",
    "EstimateError",
]
