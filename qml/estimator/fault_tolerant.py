"""Fault-tolerant resource estimate following the Azure Quantum Resource Estimator's model.

Beverland et al. 2022, "Assessing requirements to scale to practical quantum advantage",
arXiv:2211.07629 (the model of Azure QRE). From logical counts of an algorithm and an error
budget it derives the algorithmic logical qubits (Litinski-style layout), the T states per
rotation, the logical depth, the code distance of a surface code (gate-based qubits) or a
Floquet code (Majorana qubits), and from those physical qubits, runtime and rQOPS. T factories
are not modelled here (their qubits come on top of ``physical_qubits_for_algorithm``).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from qml._checks import integer, is_real, real
from qml.errors import EstimateError

__all__ = [
    "LogicalCounts",
    "QubitParams",
    "QUBIT_PRESETS",
    "FaultTolerantEstimate",
    "estimate_fault_tolerant",
]


_COUNTS = (
    "num_qubits",
    "t_count",
    "rotation_count",
    "rotation_depth",
    "ccz_count",
    "ccix_count",
    "measurement_count",
)
_TIMES_NS = (
    "one_qubit_measurement_time_ns",
    "one_qubit_gate_time_ns",
    "two_qubit_gate_time_ns",
    "t_gate_time_ns",
)
_ERROR_RATES = (
    "one_qubit_measurement_error_rate",
    "one_qubit_gate_error_rate",
    "two_qubit_gate_error_rate",
    "t_gate_error_rate",
)


@dataclass(frozen=True, kw_only=True)
class LogicalCounts:
    """Logical resources of an algorithm (the input of Azure QRE's ``LogicalCounts``)."""

    num_qubits: int
    t_count: int = 0
    rotation_count: int = 0
    rotation_depth: int = 0
    ccz_count: int = 0
    ccix_count: int = 0
    measurement_count: int = 0

    def __post_init__(self) -> None:
        for name in _COUNTS:
            value = integer(getattr(self, name), name=name, error=EstimateError, minimum=0)
            object.__setattr__(self, name, value)  # numpy integers become Python ints
        if self.num_qubits < 1:
            raise EstimateError(f"num_qubits must be at least 1, got {self.num_qubits}")
        if self.rotation_count and not self.rotation_depth:
            raise EstimateError(f"rotation_count is {self.rotation_count} but rotation_depth is 0")


@dataclass(frozen=True, kw_only=True)
class QubitParams:
    """Physical qubit model: times in ns, error rates per operation.

    ``instruction_set`` is ``"gate"`` (surface code) or ``"majorana"`` (Floquet code).
    """

    name: str
    instruction_set: str
    one_qubit_measurement_time_ns: float
    one_qubit_gate_time_ns: float
    two_qubit_gate_time_ns: float
    t_gate_time_ns: float
    one_qubit_measurement_error_rate: float
    one_qubit_gate_error_rate: float
    two_qubit_gate_error_rate: float
    t_gate_error_rate: float

    def __post_init__(self) -> None:
        if not isinstance(self.name, str) or not self.name:
            raise EstimateError(f"name must be a non-empty string, got {self.name!r}")
        if self.instruction_set not in ("gate", "majorana"):
            raise EstimateError(
                f"instruction_set must be 'gate' or 'majorana', got {self.instruction_set!r}"
            )
        for name in _TIMES_NS:
            value = real(
                getattr(self, name),
                name=name,
                error=EstimateError,
                minimum=0,
                exclusive_minimum=True,
                expected="a finite number > 0",
            )
            object.__setattr__(self, name, value)
        for name in _ERROR_RATES:
            value = real(
                getattr(self, name),
                name=name,
                error=EstimateError,
                minimum=0,
                expected="a finite number in [0, 1)",
            )
            if value >= 1:
                raise EstimateError(f"{name} must be a finite number in [0, 1), got {value!r}")
            object.__setattr__(self, name, value)

    @property
    def clifford_error_rate(self) -> float:
        return max(
            self.one_qubit_measurement_error_rate,
            self.one_qubit_gate_error_rate,
            self.two_qubit_gate_error_rate,
        )


def _gate(name, time_ns, error, t_error=1e-6):
    return QubitParams(
        name=name,
        instruction_set="gate",
        one_qubit_measurement_time_ns=2 * time_ns,
        one_qubit_gate_time_ns=time_ns,
        two_qubit_gate_time_ns=time_ns,
        t_gate_time_ns=time_ns,
        one_qubit_measurement_error_rate=error,
        one_qubit_gate_error_rate=error,
        two_qubit_gate_error_rate=error,
        t_gate_error_rate=t_error,
    )


def _majorana(name, error, t_error):
    return QubitParams(
        name=name,
        instruction_set="majorana",
        one_qubit_measurement_time_ns=100,
        one_qubit_gate_time_ns=100,
        two_qubit_gate_time_ns=100,
        t_gate_time_ns=100,
        one_qubit_measurement_error_rate=error,
        one_qubit_gate_error_rate=error,
        two_qubit_gate_error_rate=error,
        t_gate_error_rate=t_error,
    )


# Azure QRE's predefined qubit parameters (learn.microsoft.com, "Target parameters of the
# Resource Estimator"): gate times 50 ns (ns) or 100 us (us), measurement twice the gate time,
# Clifford error 1e-3 / 1e-4, T error 1e-6; Majorana: 100 ns operations, measurement error
# 1e-4 / 1e-6 with T error 5e-2 / 1e-2.
QUBIT_PRESETS: dict[str, QubitParams] = {
    "qubit_gate_ns_e3": _gate("qubit_gate_ns_e3", 50, 1e-3),
    "qubit_gate_ns_e4": _gate("qubit_gate_ns_e4", 50, 1e-4),
    "qubit_gate_us_e3": _gate("qubit_gate_us_e3", 100_000, 1e-3),
    "qubit_gate_us_e4": _gate("qubit_gate_us_e4", 100_000, 1e-4),
    "qubit_maj_ns_e4": _majorana("qubit_maj_ns_e4", 1e-4, 0.05),
    "qubit_maj_ns_e6": _majorana("qubit_maj_ns_e6", 1e-6, 0.01),
}

# Error-correction schemes (Beverland et al. 2022, Appendix; Azure QRE defaults):
# P_logical(d) = crossing_prefactor * (p / threshold) ** ((d + 1) / 2)
SURFACE_CODE_CROSSING_PREFACTOR = 0.03
SURFACE_CODE_THRESHOLD = 0.01
FLOQUET_CODE_CROSSING_PREFACTOR = 0.07
FLOQUET_CODE_THRESHOLD = 0.01
MAX_CODE_DISTANCE = 50


@dataclass(frozen=True)
class FaultTolerantEstimate:
    """Result of :func:`estimate_fault_tolerant` (times in ns)."""

    qubit: str
    error_budget: float
    algorithmic_logical_qubits: int
    t_states_per_rotation: int
    logical_depth: int
    t_states: int
    code_distance: int
    logical_cycle_time_ns: float
    physical_qubits_per_logical: int
    physical_qubits_for_algorithm: int
    runtime_ns: float
    rqops: int
    logical_error_rate_target: float

    def to_dict(self) -> dict:
        return dict(self.__dict__)


def estimate_fault_tolerant(
    counts: LogicalCounts,
    *,
    qubit: str | QubitParams = "qubit_gate_ns_e3",
    error_budget: float = 1e-3,
) -> FaultTolerantEstimate:
    """Physical resources to run ``counts`` fault-tolerantly (T factories aside).

    Args:
        counts: logical counts of the algorithm.
        qubit: one of :data:`QUBIT_PRESETS` or a custom :class:`QubitParams`.
        error_budget: total failure probability, in (0, 1); split equally between logical
            errors, T-state distillation and rotation synthesis (two ways without rotations).

    Raises:
        EstimateError: counts that are not :class:`LogicalCounts`, a qubit that is neither a
            preset name nor a :class:`QubitParams`, an unknown qubit preset (listed), a budget
            outside (0, 1), or no code distance up to 50 reaching the required logical error
            rate.

    Example:
        >>> ft = estimate_fault_tolerant(
        ...     LogicalCounts(num_qubits=100, rotation_count=112_110, rotation_depth=2_001))
        >>> ft.code_distance, ft.physical_qubits_for_algorithm, ft.rqops
        (19, 166060, 30263158)
    """
    if not isinstance(counts, LogicalCounts):
        raise EstimateError(f"counts must be LogicalCounts, got {counts!r}")
    if isinstance(qubit, str):
        if qubit not in QUBIT_PRESETS:
            raise EstimateError(
                f"unknown qubit {qubit!r}; presets: {', '.join(QUBIT_PRESETS)} (or a QubitParams)"
            )
        params = QUBIT_PRESETS[qubit]
    elif isinstance(qubit, QubitParams):
        params = qubit
    else:
        raise EstimateError(
            f"qubit must be a preset name ({', '.join(QUBIT_PRESETS)}) or a QubitParams, "
            f"got {qubit!r}"
        )
    if not is_real(error_budget) or not 0 < error_budget < 1:
        raise EstimateError(f"error_budget must be in (0, 1), got {error_budget!r}")

    q = counts.num_qubits
    # Litinski's layout: 2 Q + ceil(sqrt(8 Q)) + 1 logical qubits for Q algorithm qubits
    q_alg = 2 * q + math.ceil(math.sqrt(8 * q)) + 1
    parts = 3 if counts.rotation_count else 2
    eps_logical = eps_synthesis = error_budget / parts
    t_per_rotation = 0
    if counts.rotation_count:
        # rotation synthesis (Ross & Selinger 2016 as fitted in Beverland et al.)
        t_per_rotation = math.ceil(0.53 * math.log2(counts.rotation_count / eps_synthesis) + 5.3)
    depth = (
        counts.measurement_count
        + counts.rotation_count
        + counts.t_count
        + 3 * (counts.ccz_count + counts.ccix_count)
        + t_per_rotation * counts.rotation_depth
    )
    t_states = (
        counts.t_count
        + 4 * (counts.ccz_count + counts.ccix_count)
        + t_per_rotation * counts.rotation_count
    )
    target = eps_logical / (q_alg * depth) if depth else eps_logical / q_alg
    p = params.clifford_error_rate
    if params.instruction_set == "gate":
        prefactor, threshold = SURFACE_CODE_CROSSING_PREFACTOR, SURFACE_CODE_THRESHOLD
    else:
        prefactor, threshold = FLOQUET_CODE_CROSSING_PREFACTOR, FLOQUET_CODE_THRESHOLD
    if p >= threshold:
        raise EstimateError(f"physical error rate {p} is not below the code threshold {threshold}")
    distance = next(
        (
            d
            for d in range(1, MAX_CODE_DISTANCE + 1, 2)
            if prefactor * (p / threshold) ** ((d + 1) / 2) <= target
        ),
        None,
    )
    if distance is None:
        raise EstimateError(
            f"no code distance up to {MAX_CODE_DISTANCE} reaches a logical error rate of "
            f"{target:.3g} per qubit and cycle with {params.name}"
        )
    if params.instruction_set == "gate":
        # surface code on gate-based qubits: syndrome round = 4 two-qubit gates + 2 measurements
        cycle = 4 * params.two_qubit_gate_time_ns + 2 * params.one_qubit_measurement_time_ns
        cycle *= distance
        per_logical = 2 * distance**2
    else:
        # Floquet code on Majorana qubits: 3 measurement rounds per cycle
        cycle = 3 * params.one_qubit_measurement_time_ns * distance
        per_logical = 4 * distance**2 + 8 * (distance - 1)
    runtime = depth * cycle
    rqops = round(q_alg * 1e9 / cycle)
    return FaultTolerantEstimate(
        qubit=params.name,
        error_budget=float(error_budget),
        algorithmic_logical_qubits=q_alg,
        t_states_per_rotation=t_per_rotation,
        logical_depth=depth,
        t_states=t_states,
        code_distance=distance,
        logical_cycle_time_ns=cycle,
        physical_qubits_per_logical=per_logical,
        physical_qubits_for_algorithm=q_alg * per_logical,
        runtime_ns=runtime,
        rqops=rqops,
        logical_error_rate_target=target,
    )
