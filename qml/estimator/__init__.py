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
from qml.estimator.calibration import CalibrationWarning
from qml.estimator.classical import ClassicalCost, classical_cost, matched_mlp
from qml.estimator.estimate import EstimateOptions, estimate
from qml.estimator.fault_tolerant import (
    QUBIT_PRESETS,
    FaultTolerantEstimate,
    LogicalCounts,
    QubitParams,
    estimate_fault_tolerant,
)
from qml.estimator.fault_tolerant_target import FaultTolerantTarget
from qml.estimator.footprint import (
    GRID_G_CO2_PER_KWH,
    WORLD_G_CO2_PER_KWH,
    co2_kg,
    energy_kwh,
    grid_intensity,
    money_usd,
)
from qml.estimator.logical_counts import logical_counts
from qml.estimator.power import EnergyMeter, PowerReading, device_power
from qml.estimator.profiles import HardwareProfile
from qml.estimator.report import Estimate
from qml.estimator.shots import estimate_shots
from qml.estimator.simulation import SimulationCost
from qml.estimator.simulation_calibration import (
    SimulationCalibration,
    cached_calibration,
    measure_calibration,
)
from qml.estimator.targets import (
    CircuitResources,
    QuantumTarget,
    Target,
    get_target,
    known_targets,
)
from qml.estimator.workload import Workload

__all__ = [
    "Workload",
    "estimate",
    "EstimateOptions",
    "Estimate",
    "logical_counts",
    "SimulationCost",
    "SimulationCalibration",
    "measure_calibration",
    "cached_calibration",
    "CalibrationWarning",
    "ClassicalCost",
    "classical_cost",
    "matched_mlp",
    "EnergyMeter",
    "PowerReading",
    "device_power",
    "HardwareProfile",
    "Target",
    "FaultTolerantTarget",
    "QuantumTarget",
    "CircuitResources",
    "get_target",
    "known_targets",
    "GRID_G_CO2_PER_KWH",
    "WORLD_G_CO2_PER_KWH",
    "grid_intensity",
    "co2_kg",
    "energy_kwh",
    "money_usd",
    "QUBIT_PRESETS",
    "FaultTolerantEstimate",
    "LogicalCounts",
    "QubitParams",
    "estimate_fault_tolerant",
    "estimate_shots",
    "EstimateError",
]
