"""Targets: IBM profiles equal their fake backend's calibration; resources equal Qiskit's."""

import math
import statistics

import pytest
from qiskit import ClassicalRegister
from qiskit.transpiler import generate_preset_pass_manager
from qiskit_ibm_runtime.fake_provider import FakeFez, FakeKyoto, FakeManilaV2, FakeTorino

import qml
from qml.errors import EstimateError
from qml.estimator.profiles import (
    SC_ONE_QUBIT_ERROR,
    SC_ONE_QUBIT_GATE_S,
    SC_READOUT_ERROR,
    SC_READOUT_S,
    SC_SHOT_OVERHEAD_S,
    SC_TWO_QUBIT_ERROR,
    SC_TWO_QUBIT_GATE_S,
    HardwareProfile,
)
from qml.estimator.targets import CircuitResources, Target, get_target, known_targets
from qml.interop.qiskit import to_qiskit

REL = 1e-12  # float64 sums taken in another order


def _median(backend, op, attr):
    """Median over the backend's gates; an error of 1 marks a disabled gate and is left out."""
    values = [getattr(p, attr) for p in backend.target[op].values()]
    return statistics.median(
        v for v in values if v is not None and not (attr == "error" and v >= 1)
    )


def _reference_transpile(circuit, backend, seed=0, level=1):
    """The same circuit through Qiskit directly: measured, preset pass manager, same seed."""
    qc = to_qiskit(circuit)
    qc.add_register(ClassicalRegister(circuit.n_qubits))
    qc.measure(range(circuit.n_qubits), range(circuit.n_qubits))
    pm = generate_preset_pass_manager(
        optimization_level=level, backend=backend, seed_transpiler=seed
    )
    return pm.run(qc)


def _small_circuit():
    c = qml.Circuit(3)
    x = c.inputs(3)
    w = c.weights("w", (2,))
    c.ry(0, x[0]).cnot(0, 1).rz(2, w[0] * x[1]).cnot(1, 2).rx(1, w[1]).h(2)
    return c


def test_known_targets_lists_generic_and_fake_backends():
    names = known_targets()
    assert names[:3] == ["superconducting", "trapped_ion", "neutral_atom"]
    for n in ("ibm_fez", "ibm_torino", "ibm_manila", "ibm_kyoto"):
        assert n in names
    assert len(names) == len(set(names))
    assert not any(n.startswith("fake_") or n.endswith("v2") for n in names)


@pytest.mark.parametrize(
    ("name", "cls", "twoq"),
    [
        ("ibm_fez", FakeFez, "cz"),
        ("ibm_torino", FakeTorino, "cz"),
        ("ibm_manila", FakeManilaV2, "cx"),
    ],
)
def test_ibm_profile_equals_backend_calibration(name, cls, twoq):
    backend = cls()
    p = get_target(name).profile
    assert p.num_qubits == backend.num_qubits
    assert p.two_qubit_gate_s == _median(backend, twoq, "duration")
    assert p.two_qubit_error == _median(backend, twoq, "error")
    assert p.one_qubit_gate_s == _median(backend, "sx", "duration")
    assert p.one_qubit_error == _median(backend, "sx", "error")
    assert p.readout_s == _median(backend, "measure", "duration")
    assert p.readout_error == _median(backend, "measure", "error")
    assert p.shot_overhead_s == backend.configuration().default_rep_delay
    assert str(backend.properties().last_update_date.date()) in p.sources["two_qubit_gate_s"]
    assert set(p.assumptions) == {"system_power_w", "job_overhead_s"}
    assert p.price_usd_per_s == 1.60 and not p.all_to_all


def test_fez_values_from_the_notes():
    """The snapshot values recorded in docs/notes/estimator-constants.md section 3."""
    p = get_target("ibm_fez").profile
    assert p.two_qubit_gate_s == pytest.approx(84e-9, rel=REL)
    assert p.readout_s == pytest.approx(1560e-9, rel=REL)
    assert p.shot_overhead_s == pytest.approx(250e-6, rel=REL)
    assert p.one_qubit_gate_s == pytest.approx(24e-9, rel=REL)
    assert "2025-02-26" in p.sources["readout_s"]


def test_generic_superconducting_constants_are_the_fez_snapshot():
    fez = get_target("ibm_fez").profile
    assert SC_ONE_QUBIT_GATE_S == pytest.approx(fez.one_qubit_gate_s, rel=REL)
    assert SC_TWO_QUBIT_GATE_S == pytest.approx(fez.two_qubit_gate_s, rel=REL)
    assert SC_READOUT_S == pytest.approx(fez.readout_s, rel=REL)
    assert SC_SHOT_OVERHEAD_S == pytest.approx(fez.shot_overhead_s, rel=REL)
    for const, value in (
        (SC_ONE_QUBIT_ERROR, fez.one_qubit_error),
        (SC_TWO_QUBIT_ERROR, fez.two_qubit_error),
        (SC_READOUT_ERROR, fez.readout_error),
    ):
        assert const == pytest.approx(value, rel=2e-3)  # rounded to 3 digits


def test_uncalibrated_snapshot_falls_back_to_a_labelled_assumption():
    """fake_kyoto reports error 1.0 on every ecr pair: the median would be 1."""
    assert all(p.error == 1.0 for p in FakeKyoto().target["ecr"].values())
    p = get_target("ibm_kyoto").profile
    assert p.two_qubit_error == SC_TWO_QUBIT_ERROR
    assert "two_qubit_error" in p.assumptions
    armonk = get_target("ibm_armonk").profile  # one qubit, no two-qubit gate
    assert {"two_qubit_gate_s", "two_qubit_error"} <= set(armonk.assumptions)


def test_resources_equal_independent_transpile_on_fez():
    c = _small_circuit()
    target = get_target("ibm_fez")
    r = target.resources(c, seed=3)
    ref = _reference_transpile(c, FakeFez(), seed=3)
    ops = ref.count_ops()
    assert r.two_qubit_gates == ops["cz"]
    assert r.one_qubit_gates == sum(ops.get(g, 0) for g in ("rz", "sx", "x"))
    assert r.measurements == ops["measure"] == 3
    assert r.depth == ref.depth()
    assert r.qubits == 3 and r.physical_qubits == 3
    # Qiskit's own critical path over the same calibration
    assert r.duration_s == pytest.approx(ref.estimate_duration(target.backend.target), rel=REL)
    assert target.resources(c, seed=3) is r  # cached


def test_single_cz_duration_and_fidelity_by_hand():
    c = qml.Circuit(2)
    c.x(0).cz(0, 1)
    backend = get_target("ibm_fez").backend
    r = get_target("ibm_fez").resources(c)
    ref = _reference_transpile(c, FakeFez())
    cz = next(i for i in ref.data if i.operation.name == "cz")
    a, b = (ref.find_bit(q).index for q in cz.qubits)
    xq = next(ref.find_bit(i.qubits[0]).index for i in ref.data if i.operation.name == "x")
    assert xq == a or xq == b
    t = backend.target
    x, czp = t["x"][(xq,)], t["cz"][(a, b)]
    ma, mb = t["measure"][(a,)], t["measure"][(b,)]
    # x then cz on one qubit; cz starts when x is done; both measure after cz
    assert r.duration_s == pytest.approx(
        x.duration + czp.duration + max(ma.duration, mb.duration), rel=REL
    )
    assert (r.one_qubit_gates, r.two_qubit_gates, r.measurements) == (1, 1, 2)
    expected = (1 - x.error) * (1 - czp.error) * (1 - ma.error) * (1 - mb.error)
    assert r.fidelity == pytest.approx(expected, rel=REL)


def test_override_replaces_calibration_in_resources():
    c = qml.Circuit(2)
    c.cz(0, 1)
    fez = get_target("ibm_fez")
    slow = fez.with_overrides(two_qubit_gate_s=1e-6, readout_error=0.0)
    base, r = fez.resources(c), slow.resources(c)
    assert r.duration_s == pytest.approx(base.duration_s - _cz_time(fez, c) + 1e-6, rel=REL)
    assert r.fidelity > base.fidelity
    assert slow.profile.sources["two_qubit_gate_s"] == "user override"


def _cz_time(target, c):
    ref = _reference_transpile(c, target.backend)
    cz = next(i for i in ref.data if i.operation.name == "cz")
    return target.backend.target["cz"][tuple(ref.find_bit(q).index for q in cz.qubits)].duration


def test_generic_trapped_ion_by_hand():
    c = qml.Circuit(2)
    c.rxx(0, 1, c.weights("w", ())[()])
    p = get_target("trapped_ion").profile
    r = get_target("trapped_ion").resources(c)
    assert (r.one_qubit_gates, r.two_qubit_gates, r.measurements, r.depth) == (0, 1, 2, 2)
    assert r.duration_s == pytest.approx(p.two_qubit_gate_s + p.readout_s, rel=REL)
    expected = (1 - p.two_qubit_error) * (1 - p.readout_error) ** 2
    assert r.fidelity == pytest.approx(expected, rel=REL)


def test_all_to_all_needs_no_swaps_but_a_line_does():
    far = qml.Circuit(6)
    far.cnot(0, 5)
    assert get_target("trapped_ion").resources(far).two_qubit_gates == 1
    k4 = qml.Circuit(4)  # every pair interacts: no line layout avoids routing
    for i in range(4):
        for j in range(i + 1, 4):
            k4.cnot(i, j)
    assert get_target("trapped_ion").resources(k4).two_qubit_gates == 6
    assert get_target("neutral_atom").resources(k4).two_qubit_gates == 6
    assert get_target("superconducting").resources(k4).two_qubit_gates > 6


def test_amplitude_embedding_is_costed_as_state_preparation():
    c = qml.Circuit(3)
    c.amplitude_embedding(list(c.inputs(8)))
    r = get_target("trapped_ion").resources(c)
    assert r.two_qubit_gates >= 2 and r.measurements == 3 and 0 < r.fidelity < 1


def test_get_target_accepts_profiles_and_targets():
    t = get_target("ibm_manila")
    assert get_target("ibm_manila") is t and get_target(t) is t
    again = get_target(t.profile.with_overrides(price_usd_per_s=0.5))
    assert isinstance(again, Target) and again.backend is t.backend
    custom = get_target("trapped_ion").profile.with_overrides(name="my_ion", num_qubits=4)
    assert get_target(custom).resources(qml.Circuit(4).h(3)).qubits == 4
    d = get_target("neutral_atom").resources(qml.Circuit(1).h(0)).to_dict()
    assert set(d) == {f for f in CircuitResources.__dataclass_fields__}


def test_unknown_target_lists_known_ones():
    with pytest.raises(EstimateError, match="did you mean ibm_fez") as err:
        get_target("ibm_fezz")
    assert "ibm_torino" in str(err.value) and "trapped_ion" in str(err.value)
    with pytest.raises(EstimateError, match="HardwareProfile"):
        get_target(42)


def test_circuit_wider_than_target():
    with pytest.raises(EstimateError, match=r"6 qubits.*'ibm_manila' has only 5"):
        get_target("ibm_manila").resources(qml.Circuit(6).h(5))
    with pytest.raises(EstimateError, match="optimization_level"):
        get_target("trapped_ion").resources(qml.Circuit(1), optimization_level=4)
    with pytest.raises(EstimateError, match="qml.Circuit"):
        get_target("trapped_ion").resources("not a circuit")


@pytest.mark.parametrize(
    ("changes", "match"),
    [
        ({"two_qubit_gate_s": -1e-9}, "two_qubit_gate_s must be a finite number > 0, got -1e-09"),
        ({"readout_error": 1.0}, r"readout_error must be .* in \[0, 1\), got 1.0"),
        ({"num_qubits": True}, "num_qubits must be a positive integer, got True"),
        ({"price_usd_per_s": math.nan}, "price_usd_per_s"),
        ({"technology": "photonic"}, "photonic"),
        ({"coherence_s": 1.0}, "cannot override"),
        ({"assumptions": ()}, "cannot override"),
    ],
)
def test_bad_overrides_name_the_value(changes, match):
    with pytest.raises(EstimateError, match=match):
        get_target("superconducting").profile.with_overrides(**changes)


def test_override_leaves_assumptions_and_backend_bounds_it():
    p = get_target("ibm_fez").profile.with_overrides(system_power_w=15e3)
    assert "system_power_w" not in p.assumptions and "job_overhead_s" in p.assumptions
    assert p.sources["system_power_w"] == "user override"
    with pytest.raises(EstimateError, match="has 5"):
        get_target("ibm_manila").with_overrides(num_qubits=7)
    with pytest.raises(EstimateError, match="not fields"):
        HardwareProfile(**{**_fields(p), "assumptions": ("nonsense",)})


def _fields(p):
    return {f: getattr(p, f) for f in p.__dataclass_fields__}


@pytest.mark.slow
@pytest.mark.filterwarnings("ignore:Properties of fake_nighthawk")
def test_every_known_target_builds_a_valid_profile():
    for name in known_targets():
        p = get_target(name).profile
        assert p.name == name and 0 <= p.two_qubit_error < 1 and p.readout_s > 0
