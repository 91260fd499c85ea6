"""Hardware profiles: what a quantum device is, each number with its unit and source.

A :class:`HardwareProfile` holds a device's timings, error rates, power and price, each with a
source; values nobody could verify are listed in ``assumptions`` and can be overridden. This
module holds the constants behind the generic ``"superconducting"``, ``"trapped_ion"`` and
``"neutral_atom"`` profiles, those profiles, and the reading of an IBM fake backend's
calibration snapshot into a profile. Sources are in ``docs/notes/estimator-constants.md``;
"ASSUMPTION" marks an unverified default.
"""

from __future__ import annotations

import dataclasses
import math
import statistics
from collections.abc import Mapping
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Any

from qml._checks import integer, is_real
from qml.errors import EstimateError

__all__ = [
    "HardwareProfile",
    "GENERIC_PROFILES",
    "ibm_profile",
    "USER_OVERRIDE",
    "TECHNOLOGIES",
    "NATIVE_GATES",
    "operation_fields",
    "GENERIC_TARGETS",
    "IBM_PAYG_PRICE_USD_PER_S",
    "SC_SYSTEM_POWER_W",
    "IBM_JOB_OVERHEAD_S",
    "IBM_DEFAULT_REP_DELAY_S",
    "SC_NUM_QUBITS",
    "SC_ONE_QUBIT_GATE_S",
    "SC_TWO_QUBIT_GATE_S",
    "SC_READOUT_S",
    "SC_SHOT_OVERHEAD_S",
    "SC_ONE_QUBIT_ERROR",
    "SC_TWO_QUBIT_ERROR",
    "SC_READOUT_ERROR",
    "SC_PRICE_USD_PER_S",
    "ASSUMED_JOB_OVERHEAD_S",
    "ION_NUM_QUBITS",
    "ION_ONE_QUBIT_GATE_S",
    "ION_TWO_QUBIT_GATE_S",
    "ION_ONE_QUBIT_ERROR",
    "ION_TWO_QUBIT_ERROR",
    "ION_READOUT_S",
    "ION_READOUT_ERROR",
    "ION_SHOT_RATE_HZ",
    "ION_SHOT_OVERHEAD_S",
    "AQT_PRICE_EUR_PER_SHOT",
    "ASSUMED_USD_PER_EUR",
    "ION_PRICE_USD_PER_S",
    "ION_SYSTEM_POWER_W",
    "NA_ONE_QUBIT_ERROR",
    "NA_TWO_QUBIT_ERROR",
    "NA_ONE_QUBIT_GATE_S",
    "NA_TWO_QUBIT_GATE_S",
    "NA_READOUT_S",
    "NA_NUM_QUBITS",
    "NA_READOUT_ERROR",
    "NA_SHOT_OVERHEAD_S",
    "NA_SYSTEM_POWER_W",
    "QUERA_PRICE_USD_PER_SHOT",
    "NA_PRICE_USD_PER_S",
]

USER_OVERRIDE = "user override"
# Native gates per technology (a new technology is a row here and a profile below).
# Superconducting: IBM Heron's (fake_fez operation names). Trapped ion: Molmer-Sorensen XX gate
# plus rotations (learn.padho.ai/wiki/trapped-ion-gates). Neutral atom: virtual RZ, SQRT_X, H
# and Rydberg CZ (QDK NeutralAtom instruction set).
NATIVE_GATES: dict[str, tuple[str, ...]] = {
    "superconducting": ("rz", "sx", "x", "cz"),
    "trapped_ion": ("rz", "rx", "ry", "rxx"),
    "neutral_atom": ("rz", "sx", "h", "cz"),
}
TECHNOLOGIES = tuple(NATIVE_GATES)
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

_TWO_QUBIT_IBM = ("cz", "ecr", "cx")  # the entangler an IBM backend calibrates
_ONE_QUBIT_IBM = ("sx", "x", "u2", "u3")  # first one with calibration data is the 1q gate
_TIMES = ("one_qubit_gate_s", "two_qubit_gate_s", "readout_s")
_OVERHEADS = ("shot_overhead_s", "job_overhead_s", "system_power_w", "price_usd_per_s")
_ERRORS = ("one_qubit_error", "two_qubit_error", "readout_error")


def operation_fields(kind: str) -> tuple[str, str]:
    """The :class:`HardwareProfile` fields of an operation kind: ``(time, error)``.

    >>> operation_fields("two_qubit")
    ('two_qubit_gate_s', 'two_qubit_error')
    >>> operation_fields("readout")
    ('readout_s', 'readout_error')
    """
    return ("readout_s" if kind == "readout" else f"{kind}_gate_s"), f"{kind}_error"


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
        integer(self.num_qubits, name="num_qubits", error=EstimateError, minimum=1)
        for name in _TIMES + _OVERHEADS + _ERRORS:
            value = getattr(self, name)
            ok = is_real(value) and math.isfinite(value)
            low_ok = ok and (value > 0 if name in _TIMES else value >= 0)
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
            >>> from qml.estimator import get_target
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


def ibm_profile(name: str, backend: Any) -> HardwareProfile:
    """The profile ``name`` of an IBM (fake) backend: the medians of its calibration snapshot.

    Values missing from the snapshot fall back to the generic superconducting ``SC_*``
    constants and are listed in ``assumptions``.

    Args:
        name: the profile's name (``"ibm_fez"``).
        backend: a Qiskit ``BackendV2`` with a calibrated ``target`` and ``properties()``.

    Returns:
        A :class:`HardwareProfile` of technology ``"superconducting"``.
    """
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
        t_field, e_field = operation_fields(kind)
        put(t_field, median(op, "duration"), f"{snap}: median {op} duration", t_fb)
        put(e_field, median(op, "error"), f"{snap}: median {op} error", e_fb)
    rep = getattr(backend.configuration(), "default_rep_delay", None)
    put(
        "shot_overhead_s",
        rep,
        f"{snap}: configuration().default_rep_delay",
        IBM_DEFAULT_REP_DELAY_S,
    )
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
GENERIC_PROFILES = {
    "superconducting": HardwareProfile(
        name="superconducting",
        technology="superconducting",
        num_qubits=SC_NUM_QUBITS,
        one_qubit_gate_s=SC_ONE_QUBIT_GATE_S,
        two_qubit_gate_s=SC_TWO_QUBIT_GATE_S,
        readout_s=SC_READOUT_S,
        shot_overhead_s=SC_SHOT_OVERHEAD_S,
        one_qubit_error=SC_ONE_QUBIT_ERROR,
        two_qubit_error=SC_TWO_QUBIT_ERROR,
        readout_error=SC_READOUT_ERROR,
        system_power_w=SC_SYSTEM_POWER_W,
        price_usd_per_s=SC_PRICE_USD_PER_S,
        job_overhead_s=ASSUMED_JOB_OVERHEAD_S,
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
        name="trapped_ion",
        technology="trapped_ion",
        num_qubits=ION_NUM_QUBITS,
        one_qubit_gate_s=ION_ONE_QUBIT_GATE_S,
        two_qubit_gate_s=ION_TWO_QUBIT_GATE_S,
        readout_s=ION_READOUT_S,
        shot_overhead_s=ION_SHOT_OVERHEAD_S,
        one_qubit_error=ION_ONE_QUBIT_ERROR,
        two_qubit_error=ION_TWO_QUBIT_ERROR,
        readout_error=ION_READOUT_ERROR,
        system_power_w=ION_SYSTEM_POWER_W,
        price_usd_per_s=ION_PRICE_USD_PER_S,
        job_overhead_s=ASSUMED_JOB_OVERHEAD_S,
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
        assumptions=(
            "readout_s",
            "readout_error",
            "system_power_w",
            "price_usd_per_s",
            "job_overhead_s",
        ),
    ),
    "neutral_atom": HardwareProfile(
        name="neutral_atom",
        technology="neutral_atom",
        num_qubits=NA_NUM_QUBITS,
        one_qubit_gate_s=NA_ONE_QUBIT_GATE_S,
        two_qubit_gate_s=NA_TWO_QUBIT_GATE_S,
        readout_s=NA_READOUT_S,
        shot_overhead_s=NA_SHOT_OVERHEAD_S,
        one_qubit_error=NA_ONE_QUBIT_ERROR,
        two_qubit_error=NA_TWO_QUBIT_ERROR,
        readout_error=NA_READOUT_ERROR,
        system_power_w=NA_SYSTEM_POWER_W,
        price_usd_per_s=NA_PRICE_USD_PER_S,
        job_overhead_s=ASSUMED_JOB_OVERHEAD_S,
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
        assumptions=(
            "num_qubits",
            "one_qubit_gate_s",
            "two_qubit_gate_s",
            "readout_s",
            "readout_error",
            "shot_overhead_s",
            "system_power_w",
            "price_usd_per_s",
            "job_overhead_s",
            "all_to_all",
        ),
    ),
}
