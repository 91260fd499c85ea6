"""Where a circuit would run, and what one execution of it costs there.

A target is anything with the :class:`QuantumTarget` surface: a name, a technology, a
:class:`~qml.estimator.profiles.HardwareProfile` (overheads, power, price), its assumptions,
and :meth:`~QuantumTarget.resources` turning a :class:`qml.Circuit` into
:class:`CircuitResources`. :class:`Target` is today's hardware: it pairs a profile with what
transpilation needs (an IBM fake backend, or a basis and a coupling map) and counts transpiled
gates, the critical-path duration of one shot and the product-of-fidelities estimate. The
fault-tolerant projection is the other kind
(:class:`~qml.estimator.fault_tolerant_target.FaultTolerantTarget`). :func:`get_target` looks
hardware targets up by name; the profiles and their constants live in
:mod:`qml.estimator.profiles`.
"""

from __future__ import annotations

import dataclasses
import difflib
import functools
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Protocol, runtime_checkable

from qml._checks import integer
from qml.circuit import Circuit, StatePrep
from qml.errors import EstimateError, InteropError
from qml.estimator.profiles import (
    GENERIC_PROFILES,
    GENERIC_TARGETS,
    NATIVE_GATES,
    HardwareProfile,
    ibm_profile,
    operation_fields,
)

if TYPE_CHECKING:
    from qml.estimator.fault_tolerant import FaultTolerantEstimate

__all__ = ["QuantumTarget", "Target", "CircuitResources", "known_targets", "get_target"]

# rz is a frame change: 0 s and no error (IBM's calibration says so: duration 0, error 0; the QDK
# neutral-atom model calls RZ "free virtual"; for trapped ions an assumption).
VIRTUAL_GATES = frozenset({"rz"})
_CACHE_SIZE = 256


@dataclass(frozen=True, kw_only=True)
class CircuitResources:
    """What one execution (shot) of a circuit needs on a target, after transpilation.

    ``qubits`` is the circuit's width, ``physical_qubits`` the distinct device qubits the
    transpiled circuit touches. ``one_qubit_gates`` counts every 1q gate, virtual ``rz``
    included (which costs 0 s and no error). ``depth`` is Qiskit's ``QuantumCircuit.depth()``
    with the final measurements. ``duration_s`` is the ASAP critical path, readout included;
    ``fidelity`` the product of ``1 - error`` over every gate and readout. On a fault-tolerant
    target the counts are the projection's (physical qubits of the algorithm, logical depth,
    no physical gate counts, runtime, ``1 - error_budget``) and ``fault_tolerant`` holds it.
    """

    target: str
    qubits: int
    physical_qubits: int
    depth: int
    one_qubit_gates: int
    two_qubit_gates: int
    measurements: int
    duration_s: float
    fidelity: float
    fault_tolerant: FaultTolerantEstimate | None = None  # the projection behind these numbers

    def to_dict(self) -> dict[str, Any]:
        return dataclasses.asdict(self)


@runtime_checkable
class QuantumTarget(Protocol):
    """What :func:`~qml.estimator.estimate` asks of a machine.

    ``profile`` gives the per-shot and per-job overheads, the system's power and its price;
    ``resources`` what one execution of a circuit needs there.
    """

    @property
    def name(self) -> str: ...

    @property
    def technology(self) -> str: ...

    @property
    def profile(self) -> HardwareProfile: ...

    @property
    def assumptions(self) -> tuple[str, ...]: ...

    def resources(self, circuit: Circuit) -> CircuitResources: ...


@dataclass(frozen=True, kw_only=True)
class Target:
    """A profile plus what transpiling for it needs.

    An IBM target transpiles against its fake ``backend`` and costs every gate with that gate's
    own calibration (``backend.target[op][qargs]``), except the gate classes whose profile
    field was overridden, which take the profile value. A generic target transpiles to
    ``basis_gates`` on ``coupling_map`` (edges; ``None`` means all-to-all) and costs gates with
    the profile's values. ``rz`` is virtual everywhere (0 s, no error).
    """

    profile: HardwareProfile
    basis_gates: tuple[str, ...] = ()
    coupling_map: tuple[tuple[int, int], ...] | None = field(default=None, repr=False)
    backend: Any = field(default=None, repr=False, compare=False)
    _cache: dict[Any, CircuitResources] = field(
        default_factory=dict, init=False, repr=False, compare=False
    )

    def __post_init__(self) -> None:
        if not isinstance(self.profile, HardwareProfile):
            raise EstimateError(f"profile must be a HardwareProfile, got {self.profile!r}")
        if self.backend is None and not self.basis_gates:
            raise EstimateError(f"target {self.name!r} needs a backend or basis_gates")
        if self.backend is not None and self.profile.num_qubits > self.backend.num_qubits:
            raise EstimateError(
                f"profile {self.name!r} has num_qubits={self.profile.num_qubits}, but its "
                f"backend {self.backend.name} has {self.backend.num_qubits}"
            )

    @property
    def name(self) -> str:
        return self.profile.name

    @property
    def technology(self) -> str:
        return self.profile.technology

    @property
    def assumptions(self) -> tuple[str, ...]:
        """The profile's unverified fields, as ``"<profile>.<field>"``."""
        return tuple(f"{self.name}.{a}" for a in self.profile.assumptions)

    def with_overrides(self, **changes: Any) -> Target:
        """This target with ``profile.with_overrides(**changes)`` (see there)."""
        return dataclasses.replace(self, profile=self.profile.with_overrides(**changes))

    def resources(
        self, circuit: Circuit, *, optimization_level: int = 1, seed: int = 0
    ) -> CircuitResources:
        """Transpile ``circuit`` (measuring every qubit) and count what one shot needs.

        Inputs and weights stay symbolic, so no angle happens to simplify away. An
        ``amplitude_embedding`` is costed as Qiskit's ``StatePreparation`` of random real
        amplitudes drawn with ``seed`` (the generic case). Results are cached per circuit
        contents, level and seed.

        Args:
            circuit: the circuit; its width must fit ``profile.num_qubits``.
            optimization_level: Qiskit preset pass-manager level, 0 to 3.
            seed: ``seed_transpiler`` (and the amplitudes' seed), a non-negative integer.

        Returns:
            The :class:`CircuitResources` of one execution.

        Raises:
            EstimateError: not a circuit, too wide for the target, a bad level or seed, or a
                circuit Qiskit cannot take.

        Example:
            >>> import qml
            >>> c = qml.Circuit(2)
            >>> _ = c.rxx(0, 1, c.weights("w", ())[()])
            >>> r = get_target("trapped_ion").resources(c)
            >>> r.two_qubit_gates, round(r.duration_s * 1e6), round(r.fidelity, 5)
            (1, 300, 0.99714)
        """
        if not isinstance(circuit, Circuit):
            raise EstimateError(f"circuit must be a qml.Circuit, got {type(circuit).__name__}")
        level = integer(
            optimization_level,
            name="optimization_level",
            error=EstimateError,
            minimum=0,
            maximum=3,
            expected="0, 1, 2 or 3",
        )
        seed = integer(seed, name="seed", error=EstimateError, minimum=0)
        if circuit.n_qubits > self.profile.num_qubits:
            raise EstimateError(
                f"the circuit has {circuit.n_qubits} qubits, but target {self.name!r} has "
                f"only {self.profile.num_qubits}"
            )
        key = (
            circuit.n_qubits,
            tuple(circuit.operations),
            tuple(circuit.input_shapes.items()),
            tuple(circuit.weight_shapes.items()),
            level,
            seed,
        )
        cached = self._cache.get(key)
        if cached is None:
            cached = self._resources(circuit, level, seed)
            if len(self._cache) >= _CACHE_SIZE:
                self._cache.pop(next(iter(self._cache)))
            self._cache[key] = cached
        return cached

    def _resources(self, circuit: Circuit, level: int, seed: int) -> CircuitResources:
        from qiskit.transpiler import CouplingMap, generate_preset_pass_manager

        qc = _measured_qiskit(circuit, seed)
        if self.backend is not None:
            pm = generate_preset_pass_manager(
                optimization_level=level, backend=self.backend, seed_transpiler=seed
            )
        else:
            cmap = None if self.coupling_map is None else CouplingMap(list(self.coupling_map))
            pm = generate_preset_pass_manager(
                optimization_level=level,
                basis_gates=list(self.basis_gates),
                coupling_map=cmap,
                seed_transpiler=seed,
            )
        tq = pm.run(qc)
        finish: dict[int, float] = {}  # physical qubit -> time it is free again [s]
        n_one = n_two = n_measure = 0
        fidelity = 1.0
        for inst in tq.data:
            name = inst.operation.name
            if name == "barrier":
                continue
            qargs = tuple(tq.find_bit(q).index for q in inst.qubits)
            if name != "measure" and len(qargs) not in (1, 2):
                raise EstimateError(f"transpiled circuit has {name} on {len(qargs)} qubits")
            n_measure += name == "measure"
            n_one += name != "measure" and len(qargs) == 1
            n_two += len(qargs) == 2
            duration, error = self._cost(name, qargs)
            start = max(finish.get(q, 0.0) for q in qargs)
            for q in qargs:
                finish[q] = start + duration
            fidelity *= 1.0 - error
        return CircuitResources(
            target=self.name,
            qubits=circuit.n_qubits,
            physical_qubits=len(finish),
            depth=tq.depth(),
            one_qubit_gates=n_one,
            two_qubit_gates=n_two,
            measurements=n_measure,
            duration_s=max(finish.values(), default=0.0),
            fidelity=fidelity,
        )

    def _cost(self, name: str, qargs: tuple[int, ...]) -> tuple[float, float]:
        """(duration [s], error) of gate ``name`` on physical qubits ``qargs``."""
        if name in VIRTUAL_GATES:
            return 0.0, 0.0
        p = self.profile
        kind = "readout" if name == "measure" else "one_qubit" if len(qargs) == 1 else "two_qubit"
        t_field, e_field = operation_fields(kind)
        duration, error = getattr(p, t_field), getattr(p, e_field)
        if self.backend is not None and name in self.backend.target.operation_names:
            props = self.backend.target[name].get(qargs)
            if props is not None:
                if not p.overridden(t_field) and props.duration:
                    duration = props.duration
                # an error of 1 marks an uncalibrated gate in a snapshot: keep the median
                if not p.overridden(e_field) and props.error is not None and props.error < 1:
                    error = props.error
        return duration, error


def _measured_qiskit(circuit: Circuit, seed: int) -> Any:
    """The circuit as a parametric Qiskit circuit with every qubit measured."""
    import numpy as np
    from qiskit import ClassicalRegister, QuantumCircuit
    from qiskit.circuit.library import StatePreparation

    from qml.interop.qiskit import to_qiskit

    ops = circuit.operations
    prep = ops[0] if ops and isinstance(ops[0], StatePrep) else None
    body = circuit
    if prep is not None:
        body = Circuit(circuit.n_qubits)
        for name, size in circuit.input_shapes.items():
            body.inputs(size, name)
        for name, shape in circuit.weight_shapes.items():
            body.weights(name, shape)
        for op in ops[1:]:
            body.append(op.name, op.wires, op.params)
    try:
        qc_body = to_qiskit(body)
    except InteropError as exc:
        raise EstimateError(f"cannot cost this circuit on a target: {exc}") from exc
    qc = QuantumCircuit(circuit.n_qubits)
    if prep is not None:
        amps = np.random.default_rng(seed).standard_normal(2 ** len(prep.wires))
        # qml wire 0 is the most significant bit; Qiskit's first qubit is the least
        qc.append(StatePreparation(amps / np.linalg.norm(amps)), list(reversed(prep.wires)))
    qc.compose(qc_body, inplace=True)
    qc.add_register(ClassicalRegister(circuit.n_qubits))
    qc.measure(range(circuit.n_qubits), range(circuit.n_qubits))
    return qc


def _ibm_names() -> list[str]:
    """``"ibm_<x>"`` for every fake IBM backend ``"fake_<x>"`` (nothing instantiated)."""
    from qml.backends.fake_backends import fake_backend_names

    return ["ibm_" + name.removeprefix("fake_") for name in fake_backend_names()]


def known_targets() -> list[str]:
    """The generic profile names, then ``"ibm_<x>"`` for every fake IBM BackendV2.

    Example:
        >>> names = known_targets()
        >>> names[:3], "ibm_fez" in names, "ibm_manila" in names
        (['superconducting', 'trapped_ion', 'neutral_atom'], True, True)
    """
    return [*GENERIC_TARGETS, *_ibm_names()]


def get_target(name_or_profile: str | HardwareProfile | Target) -> Target:
    """The :class:`Target` for a known name, a :class:`HardwareProfile`, or a built target.

    Names are cached (a fake backend is built once). A profile named like a known IBM target
    reuses that backend's gates, coupling map and calibration.

    Raises:
        EstimateError: an unknown name (with close matches and the known targets) or type.

    Example:
        >>> t = get_target("ibm_fez")
        >>> t.profile.num_qubits, round(t.profile.two_qubit_gate_s * 1e9), t.profile.readout_s
        (156, 84, 1.56e-06)
    """
    if isinstance(name_or_profile, Target):
        return name_or_profile
    if isinstance(name_or_profile, HardwareProfile):
        profile = name_or_profile
        if profile.name in _ibm_names():
            return dataclasses.replace(_named_target(profile.name), profile=profile)
        return _generic_target(profile)
    if not isinstance(name_or_profile, str):
        raise EstimateError(
            f"a target is a name, HardwareProfile or Target, got {type(name_or_profile).__name__}"
        )
    names = known_targets()
    if name_or_profile not in names:
        close = difflib.get_close_matches(name_or_profile, names, n=3)
        hint = f"did you mean {', '.join(close)}? " if close else ""
        raise EstimateError(
            f"unknown target {name_or_profile!r}; {hint}known targets: {', '.join(names)}"
        )
    return _named_target(name_or_profile)


@functools.cache
def _named_target(name: str) -> Target:
    from qml.backends.fake_backends import fake_backend

    if name in GENERIC_TARGETS:
        return _generic_target(GENERIC_PROFILES[name])
    backend = fake_backend(name)
    return Target(profile=ibm_profile(name, backend), backend=backend)


def _generic_target(profile: HardwareProfile) -> Target:
    n = profile.num_qubits
    edges = None
    if not profile.all_to_all and n > 1:  # a line, coupled both ways
        edges = tuple((i, i + 1) for i in range(n - 1)) + tuple((i + 1, i) for i in range(n - 1))
    return Target(profile=profile, basis_gates=NATIVE_GATES[profile.technology], coupling_map=edges)
