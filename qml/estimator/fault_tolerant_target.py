"""A fault-tolerant machine as a target: the Azure QRE projection behind the target surface.

A :class:`FaultTolerantTarget` answers what :class:`~qml.estimator.targets.QuantumTarget` asks:
one execution of a circuit takes the projected runtime of its logical counts
(:func:`~qml.estimator.logical_counts.logical_counts`,
:func:`~qml.estimator.fault_tolerant.estimate_fault_tolerant`) on the projected physical qubits,
and succeeds with probability ``1 - error_budget``. No fault-tolerant machine exists, so power,
price and the per-shot and per-job overheads are today's superconducting figures.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from qml.circuit import Circuit
from qml.errors import EstimateError
from qml.estimator.fault_tolerant import QUBIT_PRESETS, QubitParams, estimate_fault_tolerant
from qml.estimator.logical_counts import logical_counts
from qml.estimator.profiles import GENERIC_PROFILES, HardwareProfile
from qml.estimator.targets import CircuitResources

__all__ = ["FaultTolerantTarget", "FAULT_TOLERANT_ASSUMPTION"]

FAULT_TOLERANT_ASSUMPTION = (
    "fault-tolerant target: system power, price and per-shot overhead are today's "
    "superconducting figures (no fault-tolerant machine exists); T factories not counted"
)


@dataclass(frozen=True, kw_only=True)
class FaultTolerantTarget:
    """A fault-tolerant qubit model (a preset name or :class:`QubitParams`) and error budget.

    Args:
        qubit: one of :data:`~qml.estimator.fault_tolerant.QUBIT_PRESETS` or a
            :class:`~qml.estimator.fault_tolerant.QubitParams`.
        error_budget: total failure probability of one execution, in (0, 1).
        profile: overheads, power and price (default: the generic superconducting profile).

    Raises:
        EstimateError: an unknown preset or a qubit of the wrong type.

    Example:
        >>> import qml
        >>> c = qml.Circuit(2)
        >>> _ = c.rx(0, c.weights("w", 1)[0]).cnot(0, 1)
        >>> t = FaultTolerantTarget(qubit="qubit_gate_ns_e3")
        >>> r = t.resources(c)
        >>> t.technology, r.fault_tolerant.code_distance, r.fidelity
        ('fault-tolerant (surface code)', 9, 0.999)
    """

    qubit: QubitParams | str
    error_budget: float = 1e-3
    profile: HardwareProfile = field(default_factory=lambda: GENERIC_PROFILES["superconducting"])

    def __post_init__(self) -> None:
        if isinstance(self.qubit, str):
            if self.qubit not in QUBIT_PRESETS:
                raise EstimateError(
                    f"unknown qubit {self.qubit!r}; presets: {', '.join(QUBIT_PRESETS)}"
                )
            object.__setattr__(self, "qubit", QUBIT_PRESETS[self.qubit])
        elif not isinstance(self.qubit, QubitParams):
            raise EstimateError(
                f"qubit must be a preset name ({', '.join(QUBIT_PRESETS)}) or a QubitParams, "
                f"got {self.qubit!r}"
            )

    @property
    def params(self) -> QubitParams:
        assert isinstance(self.qubit, QubitParams)  # a preset name was resolved on construction
        return self.qubit

    @property
    def name(self) -> str:
        return self.params.name

    @property
    def technology(self) -> str:
        code = "Floquet code" if self.params.instruction_set == "majorana" else "surface code"
        return f"fault-tolerant ({code})"

    @property
    def assumptions(self) -> tuple[str, ...]:
        return (FAULT_TOLERANT_ASSUMPTION,)

    def resources(self, circuit: Circuit) -> CircuitResources:
        """One execution of ``circuit``, projected fault-tolerantly.

        Returns:
            :class:`~qml.estimator.targets.CircuitResources` with the physical qubits of the
            algorithm, the logical depth, no physical gate counts, the runtime as the duration,
            ``1 - error_budget`` as the fidelity and the projection in ``fault_tolerant``.

        Raises:
            EstimateError: what :func:`~qml.estimator.logical_counts.logical_counts` and
                :func:`~qml.estimator.fault_tolerant.estimate_fault_tolerant` raise.
        """
        counts = logical_counts(circuit)
        ft = estimate_fault_tolerant(counts, qubit=self.params, error_budget=self.error_budget)
        return CircuitResources(
            target=self.name,
            qubits=circuit.n_qubits,
            physical_qubits=ft.physical_qubits_for_algorithm,
            depth=ft.logical_depth,
            one_qubit_gates=0,
            two_qubit_gates=0,
            measurements=counts.measurement_count,
            duration_s=ft.runtime_ns * 1e-9,
            fidelity=1.0 - self.error_budget,
            fault_tolerant=ft,
        )
