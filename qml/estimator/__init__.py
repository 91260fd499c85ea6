"""Resource estimation: what a model costs on quantum hardware, in simulation, and classically.

So far: the fault-tolerant surface-code projection (:mod:`qml.estimator.fault_tolerant`) and
the shot count for a target precision (:mod:`qml.estimator.shots`). The full ``qml.estimate``
of a layer and workload (issue 5) builds on these.
"""

from qml.estimator.energy import energy_kwh
from qml.estimator.fault_tolerant import (
    QUBIT_PRESETS,
    FaultTolerantEstimate,
    LogicalCounts,
    QubitParams,
    estimate_fault_tolerant,
)
from qml.estimator.shots import EstimateError, estimate_shots

__all__ = [
    "QUBIT_PRESETS",
    "FaultTolerantEstimate",
    "LogicalCounts",
    "QubitParams",
    "estimate_fault_tolerant",
    "estimate_shots",
    "energy_kwh",
    "EstimateError",
]
