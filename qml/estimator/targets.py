"""Where a circuit would run, and what one execution of it costs there.

A :class:`HardwareProfile` holds a device's timings, error rates, power and price, each with a
source; values nobody could verify are listed in ``assumptions`` and can be overridden. A
:class:`Target` pairs a profile with what transpilation needs (an IBM fake backend, or a basis
and a coupling map) and turns a :class:`qml.Circuit` into :class:`CircuitResources`: transpiled
gate counts, the critical-path duration of one shot and the product-of-fidelities estimate.

IBM profiles (``"ibm_fez"``, ...) are read offline from the calibration snapshots shipped with
``qiskit_ibm_runtime.fake_provider``; the generic ``"superconducting"``, ``"trapped_ion"`` and
``"neutral_atom"`` profiles use the module constants below. Sources are in
``docs/notes/estimator-constants.md``; "ASSUMPTION" marks an unverified default.
"""

from __future__ import annotations

import dataclasses
import difflib
import functools
import math
import numbers
import statistics
from collections.abc import Mapping
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Any

from qml.circuit import Circuit, StatePrep
from qml.errors import InteropError
from qml.estimator.shots import EstimateError

__all__ = [
    "HardwareProfile",
    "Target",
    "CircuitResources",
    "known_targets",
    "get_target",
    "GENERIC_TARGETS",
]

USER_OVERRIDE = "user override"
TECHNOLOGIES = ("superconducting", "trapped_ion", "neutral_atom")
GENERIC_TARGETS = TECHNOLOGIES  # one generic profile per technology, named after it

# -- IBM (per-device values come from the fake backend's snapshot) --------------------------
# https://www.ibm.com/quantum/pricing as transcribed in api-evangelist/ibm-quantum
# plans/ibm-quantum-plans-pricing.yml (Pay-As-You-Go, "1.60" per second); secondary copy.
IBM_PAYG_PRICE_USD_PER_S = 1.60
# ASSUMPTION: no primary IBM system-power figure. Blog figures for a superconducting system incl.
# cryostat and electronics: themariojude.com ("25 kW ... including the cooling process"),
# chicagoquantum.medium.com ("25kW peak power").
SC_SYSTEM_POWER_W = 25e3
# ASSUMPTION: IBM documents no per-job overhead. Its estimate-job-run-time guide shows
# usage_estimation 4.1 quantum seconds for a 2-qubit Bell job; minus an assumed default of
# 4096 shots x ~0.25 ms (rep delay + circuit + readout) ~ 1.1 s leaves ~3 s per job.
IBM_JOB_OVERHEAD_S = 3.0
# conf_fez/torino/manila.json "default_rep_delay": 250.0 (us); used when a snapshot lacks it.
IBM_DEFAULT_REP_DELAY_S = 250e-6

# -- generic superconducting: a Heron-class transmon device on a line -----------------------
# Times and errors: medians of the fake_fez (Heron r2) snapshot of 2025-02-26 in
# qiskit-ibm-runtime 0.51 (cz within the 30-200 ns transmon range of quantumoutpost.com,
# tutorial 34). Price: IQM Resonance "starting at $0.30/sec" (api-evangelist/iqm-quantum-computers).
SC_NUM_QUBITS = 156
SC_ONE_QUBIT_GATE_S = 24e-9
SC_TWO_QUBIT_GATE_S = 84e-9
SC_READOUT_S = 1.56e-6
SC_SHOT_OVERHEAD_S = 250e-6
SC_ONE_QUBIT_ERROR = 2.29e-4
SC_TWO_QUBIT_ERROR = 3.82e-3  # 14 of fez's 352 cz pairs report error 1 (off): excluded
SC_READOUT_ERROR = 7.57e-3
SC_PRICE_USD_PER_S = 0.30
ASSUMED_JOB_OVERHEAD_S = 3.0  # ASSUMPTION: IBM's derived figure, reused for other vendors

# -- generic trapped ion ---------------------------------------------------------------------
# learn.padho.ai/wiki/trapped-ion-gates: Quantinuum H2-56 (56 qubits, 2Q fidelity 99.914%),
# single-qubit gates "1-50 us", fidelity "99.99% routine", two-qubit gate time "100-300 us".
ION_NUM_QUBITS = 56
ION_ONE_QUBIT_GATE_S = 10e-6
ION_TWO_QUBIT_GATE_S = 200e-6
ION_ONE_QUBIT_ERROR = 1e-4
ION_TWO_QUBIT_ERROR = 8.6e-4
ION_READOUT_S = 100e-6  # ASSUMPTION: no readout time found
ION_READOUT_ERROR = 1e-3  # ASSUMPTION: no readout error found
# AQT IBEX-Q1 "Speed Metrics 5.5Hz" (scaleway/docs-content PR #5902, aqt-qpus.mdx); the shot
# period includes the circuit itself, so as an overhead it is an upper bound.
ION_SHOT_RATE_HZ = 5.5
ION_SHOT_OVERHEAD_S = 1 / ION_SHOT_RATE_HZ
# same page: "0.021EUR/shot"; per QPU second at 5.5 Hz and an ASSUMED 1.08 USD/EUR.
AQT_PRICE_EUR_PER_SHOT = 0.021
ASSUMED_USD_PER_EUR = 1.08
ION_PRICE_USD_PER_S = AQT_PRICE_EUR_PER_SHOT * ION_SHOT_RATE_HZ * ASSUMED_USD_PER_EUR
ION_SYSTEM_POWER_W = 10e3  # ASSUMPTION: no source (lasers, vacuum, electronics; no cryostat)

# -- generic neutral atom --------------------------------------------------------------------
# Errors: arXiv:2408.08288 ("CZ fidelity of 99.35(4)% and local single-qubit gate fidelity of
# 99.902(8)%"). Times: Microsoft QDK qdk.qre.models.NeutralAtom defaults rydberg_time=500,
# one_qubit_time=1000, measurement_time=10000 (units not shown; ns ASSUMED).
NA_ONE_QUBIT_ERROR = 9.8e-4
NA_TWO_QUBIT_ERROR = 6.5e-3
NA_ONE_QUBIT_GATE_S = 1000e-9
NA_TWO_QUBIT_GATE_S = 500e-9
NA_READOUT_S = 10_000e-9
NA_NUM_QUBITS = 256  # ASSUMPTION: no gate-model array size sourced
NA_READOUT_ERROR = 1e-2  # ASSUMPTION
NA_SHOT_OVERHEAD_S = 0.3  # ASSUMPTION: the commonly quoted 1-10 Hz shot rate is unsourced
NA_SYSTEM_POWER_W = 10e3  # ASSUMPTION: no source
# Amazon Braket pricing, QuEra Aquila 0.01 USD per shot, per QPU second at the assumed period.
QUERA_PRICE_USD_PER_SHOT = 0.01
NA_PRICE_USD_PER_S = QUERA_PRICE_USD_PER_SHOT / NA_SHOT_OVERHEAD_S

# Native gates of the generic targets. Superconducting: IBM Heron's (fake_fez operation names).
# Trapped ion: Molmer-Sorensen XX gate plus rotations (learn.padho.ai/wiki/trapped-ion-gates).
# Neutral atom: virtual RZ, SQRT_X, H and Rydberg CZ (QDK NeutralAtom instruction set).
NATIVE_GATES = {
    "superconducting": ("rz", "sx", "x", "cz"),
    "trapped_ion": ("rz", "rx", "ry", "rxx"),
    "neutral_atom": ("rz", "sx", "h", "cz"),
}
# rz is a frame change: 0 s and no error (IBM's calibration says so: duration 0, error 0; the QDK
# neutral-atom model calls RZ "free virtual"; for trapped ions an assumption).
VIRTUAL_GATES = frozenset({"rz"})
_TWO_QUBIT_IBM = ("cz", "ecr", "cx")  # the entangler an IBM backend calibrates
_ONE_QUBIT_IBM = ("sx", "x", "u2", "u3")  # first one with calibration data is the 1q gate
_TIMES = ("one_qubit_gate_s", "two_qubit_gate_s", "readout_s")
_OVERHEADS = ("shot_overhead_s", "job_overhead_s", "system_power_w", "price_usd_per_s")
_ERRORS = ("one_qubit_error", "two_qubit_error", "readout_error")
_CACHE_SIZE = 256


@dataclass(frozen=True, kw_only=True)
class HardwareProfile:
    """A device's timings (s), error rates, power (W) and price (USD/s), each with a source.

    ``sources`` maps a field name to its citation; ``assumptions`` names the fields whose values
    are unverified defaults. ``shot_overhead_s`` is the time per shot besides the circuit (rep
    delay, reset, reload); ``system_power_w`` is the whole system's draw (cryostat, lasers,
    electronics), attributed to the job while it holds the machine.

    Raises:
        EstimateError: a field out of range (named, with its value).
    """

    name: str
    technology: str
    num_qubits: int
    one_qubit_gate_s: float
    two_qubit_gate_s: float
    readout_s: float
    shot_overhead_s: float
    one_qubit_error: float
    two_qubit_error: float
    readout_error: float
    system_power_w: float
    price_usd_per_s: float
    job_overhead_s: float
    all_to_all: bool
    sources: Mapping[str, str] = field(default_factory=dict)
    assumptions: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        if not isinstance(self.name, str) or not self.name:
            raise EstimateError(f"name must be a non-empty string, got {self.name!r}")
        if self.technology not in TECHNOLOGIES:
            raise EstimateError(
                f"technology must be one of {TECHNOLOGIES}, got {self.technology!r}"
            )
        n = self.num_qubits
        if isinstance(n, bool) or not isinstance(n, numbers.Integral) or n < 1:
            raise EstimateError(f"num_qubits must be a positive integer, got {n!r}")
        for name in _TIMES + _OVERHEADS + _ERRORS:
            value = getattr(self, name)
            ok = not isinstance(value, bool) and isinstance(value, numbers.Real)
            ok = ok and math.isfinite(value)
            low_ok = value > 0 if name in _TIMES else value >= 0
            if not ok or not low_ok or (name in _ERRORS and value >= 1):
                bound = "> 0" if name in _TIMES else "in [0, 1)" if name in _ERRORS else ">= 0"
                raise EstimateError(f"{name} must be a finite number {bound}, got {value!r}")
        if not isinstance(self.all_to_all, bool):
            raise EstimateError(f"all_to_all must be a bool, got {self.all_to_all!r}")
        names = {f.name for f in dataclasses.fields(self)}
        for key, text in dict(self.sources).items():
            if key not in names or not isinstance(text, str):
                raise EstimateError(f"sources entry {key!r}: {text!r} is not a field's citation")
        bad = [a for a in self.assumptions if a not in names]
        if bad:
            raise EstimateError(f"assumptions {bad} are not fields of HardwareProfile")
        object.__setattr__(self, "sources", MappingProxyType(dict(self.sources)))
        object.__setattr__(self, "assumptions", tuple(self.assumptions))

    def with_overrides(self, **changes: Any) -> HardwareProfile:
        """A validated copy with ``changes``; those fields cite "user override", not assumed.

        Raises:
            EstimateError: an unknown field, ``sources``/``assumptions``, or a bad value.

        Example:
            >>> p = get_target("trapped_ion").profile.with_overrides(system_power_w=2e3)
            >>> p.system_power_w, p.sources["system_power_w"], "system_power_w" in p.assumptions
            (2000.0, 'user override', False)
        """
        names = {f.name for f in dataclasses.fields(self)} - {"sources", "assumptions"}
        unknown = sorted(set(changes) - names)
        if unknown:
            raise EstimateError(f"cannot override {unknown}; fields: {sorted(names)}")
        sources = {**self.sources, **dict.fromkeys(changes, USER_OVERRIDE)}
        kept = tuple(a for a in self.assumptions if a not in changes)
        return dataclasses.replace(self, **changes, sources=sources, assumptions=kept)

    def overridden(self, name: str) -> bool:
        """Whether field ``name`` was set by :meth:`with_overrides`."""
        return self.sources.get(name) == USER_OVERRIDE


@dataclass(frozen=True, kw_only=True)
class CircuitResources:
    """What one execution (shot) of a circuit needs on a target, after transpilation.

    ``qubits`` is the circuit's width, ``physical_qubits`` the distinct device qubits the
    transpiled circuit touches. ``one_qubit_gates`` counts every 1q gate, virtual ``rz``
    included (which costs 0 s and no error). ``depth`` is Qiskit's ``QuantumCircuit.depth()``
    with the final measurements. ``duration_s`` is the ASAP critical path, readout included;
    ``fidelity`` the product of ``1 - error`` over every gate and readout.
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

    def to_dict(self) -> dict[str, Any]:
        return dataclasses.asdict(self)


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
        level = optimization_level
        if (
            isinstance(level, bool)
            or not isinstance(level, numbers.Integral)
            or not 0 <= level <= 3
        ):
            raise EstimateError(f"optimization_level must be 0, 1, 2 or 3, got {level!r}")
        if isinstance(seed, bool) or not isinstance(seed, numbers.Integral) or seed < 0:
            raise EstimateError(f"seed must be a non-negative integer, got {seed!r}")
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
            int(level),
            int(seed),
        )
        cached = self._cache.get(key)
        if cached is None:
            cached = self._resources(circuit, int(level), int(seed))
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
        t_field = "readout_s" if kind == "readout" else f"{kind}_gate_s"
        e_field = f"{kind}_error"
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


@functools.lru_cache(maxsize=1)
def _fake_backend_classes() -> dict[str, type]:
    """``"ibm_<x>"`` -> fake BackendV2 class, from class attributes (nothing instantiated)."""
    import inspect

    import qiskit_ibm_runtime.fake_provider as fake_provider
    from qiskit.providers import BackendV2

    out = {}
    for cls in vars(fake_provider).values():
        if inspect.isclass(cls) and issubclass(cls, BackendV2):
            backend_name = getattr(cls, "backend_name", None)
            if (
                isinstance(backend_name, str)
                and backend_name.startswith("fake_")
                and backend_name != "fake_fractional"  # a test backend, not a device
            ):
                out["ibm_" + backend_name.removeprefix("fake_")] = cls
    return dict(sorted(out.items()))


def known_targets() -> list[str]:
    """The generic profile names, then ``"ibm_<x>"`` for every fake IBM BackendV2.

    Example:
        >>> names = known_targets()
        >>> names[:3], "ibm_fez" in names, "ibm_manila" in names
        (['superconducting', 'trapped_ion', 'neutral_atom'], True, True)
    """
    return [*GENERIC_TARGETS, *_fake_backend_classes()]


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
        if profile.name in _fake_backend_classes():
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
    if name in GENERIC_TARGETS:
        return _generic_target(_GENERIC_PROFILES[name])
    backend = _fake_backend_classes()[name]()
    return Target(profile=_ibm_profile(name, backend), backend=backend)


def _generic_target(profile: HardwareProfile) -> Target:
    n = profile.num_qubits
    edges = None
    if not profile.all_to_all and n > 1:  # a line, coupled both ways
        edges = tuple((i, i + 1) for i in range(n - 1)) + tuple((i + 1, i) for i in range(n - 1))
    return Target(profile=profile, basis_gates=NATIVE_GATES[profile.technology], coupling_map=edges)


def _ibm_profile(name: str, backend: Any) -> HardwareProfile:
    """Medians of the backend's calibration snapshot; missing values fall back to SC_*."""
    target, props = backend.target, backend.properties()
    date = getattr(props, "last_update_date", None)
    snap = f"{backend.name} calibration snapshot {date.date() if date else '(undated)'}"
    ops = set(target.operation_names)
    values: dict[str, Any] = {}
    sources: dict[str, str] = {}
    assumptions: list[str] = []

    def median(op: str | None, attr: str) -> float | None:
        if op is None or op not in ops:
            return None
        raw = [getattr(p, attr) for p in target[op].values() if p is not None]
        # error 1 marks an uncalibrated gate; a zero duration is no calibration
        good = [v for v in raw if v is not None and (v < 1 if attr == "error" else v > 0)]
        return statistics.median(good) if good else None

    def put(field_name: str, value: float | None, source: str, fallback: float) -> None:
        if value is None:
            values[field_name] = fallback
            sources[field_name] = f"not in {snap}; generic superconducting default"
            assumptions.append(field_name)
        else:
            values[field_name], sources[field_name] = value, source

    one = next((g for g in _ONE_QUBIT_IBM if median(g, "duration") is not None), None)
    two = next((g for g in _TWO_QUBIT_IBM if g in ops), None)
    for kind, op, t_fb, e_fb in (
        ("one_qubit", one, SC_ONE_QUBIT_GATE_S, SC_ONE_QUBIT_ERROR),
        ("two_qubit", two, SC_TWO_QUBIT_GATE_S, SC_TWO_QUBIT_ERROR),
        ("readout", "measure", SC_READOUT_S, SC_READOUT_ERROR),
    ):
        t_field = "readout_s" if kind == "readout" else f"{kind}_gate_s"
        put(t_field, median(op, "duration"), f"{snap}: median {op} duration", t_fb)
        put(f"{kind}_error", median(op, "error"), f"{snap}: median {op} error", e_fb)
    rep = getattr(backend.configuration(), "default_rep_delay", None)
    put("shot_overhead_s", rep, f"{snap}: configuration().default_rep_delay", SC_SHOT_OVERHEAD_S)
    values["num_qubits"] = backend.num_qubits
    sources["num_qubits"] = snap
    return HardwareProfile(
        name=name,
        technology="superconducting",
        system_power_w=SC_SYSTEM_POWER_W,
        price_usd_per_s=IBM_PAYG_PRICE_USD_PER_S,
        job_overhead_s=IBM_JOB_OVERHEAD_S,
        all_to_all=False,
        sources={**sources, **_IBM_SOURCES},
        assumptions=(*assumptions, "system_power_w", "job_overhead_s"),
        **values,
    )


_IBM_SOURCES = {
    "price_usd_per_s": "IBM Pay-As-You-Go 1.60 USD/s (ibm.com/quantum/pricing, secondary copy)",
    "system_power_w": "ASSUMPTION: 25 kW superconducting system, blog figures (no IBM source)",
    "job_overhead_s": "ASSUMPTION: from IBM's 4.1 quantum-second Bell-job usage estimate",
    "all_to_all": "coupling map of the fake backend",
}
_PADHO = "learn.padho.ai/wiki/trapped-ion-gates"
_QDK = "Microsoft QDK qdk.qre.models.NeutralAtom default (ns assumed)"
_INFLEQTION = "arXiv:2408.08288 (Infleqtion 2024)"
_FEZ = "fake_fez calibration snapshot 2025-02-26 (qiskit-ibm-runtime 0.51)"
# fmt: off
_GENERIC_PROFILES = {
    "superconducting": HardwareProfile(
        name="superconducting", technology="superconducting", num_qubits=SC_NUM_QUBITS,
        one_qubit_gate_s=SC_ONE_QUBIT_GATE_S, two_qubit_gate_s=SC_TWO_QUBIT_GATE_S,
        readout_s=SC_READOUT_S, shot_overhead_s=SC_SHOT_OVERHEAD_S,
        one_qubit_error=SC_ONE_QUBIT_ERROR, two_qubit_error=SC_TWO_QUBIT_ERROR,
        readout_error=SC_READOUT_ERROR, system_power_w=SC_SYSTEM_POWER_W,
        price_usd_per_s=SC_PRICE_USD_PER_S, job_overhead_s=ASSUMED_JOB_OVERHEAD_S,
        all_to_all=False,
        sources={
            **dict.fromkeys(("num_qubits", *_TIMES, "shot_overhead_s", *_ERRORS), _FEZ),
            "price_usd_per_s": "IQM Resonance 'starting at $0.30/sec'",
            "system_power_w": _IBM_SOURCES["system_power_w"],
            "job_overhead_s": _IBM_SOURCES["job_overhead_s"],
            "all_to_all": "ASSUMPTION: a line (worst case of heavy-hex/square routing)",
        },
        assumptions=("system_power_w", "job_overhead_s", "all_to_all"),
    ),
    "trapped_ion": HardwareProfile(
        name="trapped_ion", technology="trapped_ion", num_qubits=ION_NUM_QUBITS,
        one_qubit_gate_s=ION_ONE_QUBIT_GATE_S, two_qubit_gate_s=ION_TWO_QUBIT_GATE_S,
        readout_s=ION_READOUT_S, shot_overhead_s=ION_SHOT_OVERHEAD_S,
        one_qubit_error=ION_ONE_QUBIT_ERROR, two_qubit_error=ION_TWO_QUBIT_ERROR,
        readout_error=ION_READOUT_ERROR, system_power_w=ION_SYSTEM_POWER_W,
        price_usd_per_s=ION_PRICE_USD_PER_S, job_overhead_s=ASSUMED_JOB_OVERHEAD_S,
        all_to_all=True,
        sources={
            "num_qubits": f"Quantinuum H2-56 ({_PADHO})",
            "one_qubit_gate_s": f"within '1-50 us' ({_PADHO})",
            "two_qubit_gate_s": f"within '100-300 us' ({_PADHO})",
            "one_qubit_error": f"'99.99% routine' ({_PADHO})",
            "two_qubit_error": f"H2-56 2Q fidelity 99.914% ({_PADHO})",
            "shot_overhead_s": "AQT IBEX-Q1 5.5 Hz (scaleway docs PR #5902); includes circuit",
            "price_usd_per_s": "AQT 0.021 EUR/shot x 5.5 Hz at an ASSUMED 1.08 USD/EUR",
            "all_to_all": f"all-to-all within a trap / via QCCD shuttling ({_PADHO})",
        },
        assumptions=("readout_s", "readout_error", "system_power_w", "price_usd_per_s",
                     "job_overhead_s"),
    ),
    "neutral_atom": HardwareProfile(
        name="neutral_atom", technology="neutral_atom", num_qubits=NA_NUM_QUBITS,
        one_qubit_gate_s=NA_ONE_QUBIT_GATE_S, two_qubit_gate_s=NA_TWO_QUBIT_GATE_S,
        readout_s=NA_READOUT_S, shot_overhead_s=NA_SHOT_OVERHEAD_S,
        one_qubit_error=NA_ONE_QUBIT_ERROR, two_qubit_error=NA_TWO_QUBIT_ERROR,
        readout_error=NA_READOUT_ERROR, system_power_w=NA_SYSTEM_POWER_W,
        price_usd_per_s=NA_PRICE_USD_PER_S, job_overhead_s=ASSUMED_JOB_OVERHEAD_S,
        all_to_all=True,
        sources={
            "one_qubit_gate_s": f"{_QDK}: one_qubit_time=1000",
            "two_qubit_gate_s": f"{_QDK}: rydberg_time=500",
            "readout_s": f"{_QDK}: measurement_time=10000",
            "one_qubit_error": f"{_INFLEQTION}: local 1q fidelity 99.902%",
            "two_qubit_error": f"{_INFLEQTION}: CZ fidelity 99.35%",
            "price_usd_per_s": "Amazon Braket QuEra Aquila 0.01 USD/shot at the ASSUMED period",
            "all_to_all": "ASSUMPTION: atom movement gives any pair (QDK model moves atoms)",
        },
        assumptions=("num_qubits", "one_qubit_gate_s", "two_qubit_gate_s", "readout_s",
                     "readout_error", "shot_overhead_s", "system_power_w", "price_usd_per_s",
                     "job_overhead_s", "all_to_all"),
    ),
}
# fmt: on
