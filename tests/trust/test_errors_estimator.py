"""Every mistake at the estimator's public entry points is a typed EstimateError naming the value;
no raw exception and no silent NaN."""

import dataclasses
import math
import re

import numpy as np
import pytest

import qml
from circuits import ansatze, encodings
from qml.estimator import (
    EstimateError,
    LogicalCounts,
    QubitParams,
    Workload,
    estimate_fault_tolerant,
    grid_intensity,
    logical_counts,
)
from qml.estimator import scaling as sc
from tests.estimator.calibrations import FIXED, SIM

WORK = Workload(samples=10, batch=5, shots=100)
CIRCUIT = encodings.angle(3) + ansatze.basic_entangler(3, layers=1)
QUBIT = dict(
    name="q",
    instruction_set="gate",
    one_qubit_measurement_time_ns=100.0,
    one_qubit_gate_time_ns=50.0,
    two_qubit_gate_time_ns=50.0,
    t_gate_time_ns=50.0,
    one_qubit_measurement_error_rate=1e-4,
    one_qubit_gate_error_rate=1e-4,
    two_qubit_gate_error_rate=1e-4,
    t_gate_error_rate=1e-6,
)


def _family(n):
    return encodings.angle(n) + ansatze.basic_entangler(n, layers=1)


def _names(value):
    return re.escape(repr(value))


@pytest.mark.parametrize("bad", ["yes", None, 1, 0.0])
def test_estimate_gpu_must_be_a_bool(bad):
    with pytest.raises(EstimateError, match=rf"gpu must be True or False, got {_names(bad)}"):
        qml.estimate(CIRCUIT, workload=WORK, gpu=bad, **FIXED)
    est = qml.estimate(CIRCUIT, workload=WORK, gpu=np.bool_(False), **FIXED)  # numpy's bool is
    assert est.gpu_simulation is None  # a bool


@pytest.mark.parametrize("bad", [3, 2.5, object()])
def test_estimate_observables_of_the_wrong_type(bad):
    with pytest.raises(EstimateError, match="observables must be an observable"):
        qml.estimate(CIRCUIT, observables=bad, workload=WORK, **FIXED)


@pytest.mark.parametrize("bad", [3, math.nan, ["FRA"], b"FRA"])
def test_estimate_country_must_be_a_string(bad):
    with pytest.raises(EstimateError, match=rf"country must be an ISO.*{_names(bad)}"):
        qml.estimate(CIRCUIT, workload=WORK, country=bad, **FIXED)
    with pytest.raises(EstimateError, match="country must be"):
        grid_intensity(bad)


def test_logical_counts_needs_a_circuit():
    with pytest.raises(EstimateError, match="logical_counts needs a qml.Circuit, got int"):
        logical_counts(3)


def test_logical_counts_turns_numpy_ints_into_ints():
    counts = LogicalCounts(num_qubits=np.int64(4), t_count=np.int32(2))
    assert type(counts.num_qubits) is int and type(counts.t_count) is int
    ft = estimate_fault_tolerant(counts)
    assert type(ft.algorithmic_logical_qubits) is int
    ref = estimate_fault_tolerant(LogicalCounts(num_qubits=4, t_count=2))
    assert ft == ref


@pytest.mark.parametrize("bad", [None, {"num_qubits": 3}, 3])
def test_estimate_fault_tolerant_counts_of_the_wrong_type(bad):
    with pytest.raises(EstimateError, match=rf"counts must be LogicalCounts, got {_names(bad)}"):
        estimate_fault_tolerant(bad)


@pytest.mark.parametrize("bad", [3, None, 1.5])
def test_estimate_fault_tolerant_qubit_of_the_wrong_type(bad):
    counts = LogicalCounts(num_qubits=4, rotation_count=10, rotation_depth=3)
    with pytest.raises(EstimateError, match=rf"qubit must be a preset name.*{_names(bad)}"):
        estimate_fault_tolerant(counts, qubit=bad)


@pytest.mark.parametrize(
    ("field", "bad"),
    [
        ("one_qubit_measurement_time_ns", math.nan),
        ("t_gate_time_ns", 0.0),
        ("two_qubit_gate_time_ns", -5.0),
        ("one_qubit_gate_time_ns", "50"),
        ("two_qubit_gate_error_rate", -1e-4),
        ("t_gate_error_rate", 1.0),
        ("one_qubit_gate_error_rate", math.inf),
        ("one_qubit_measurement_error_rate", True),
        ("instruction_set", "xyz"),
        ("name", ""),
        ("name", 3),
    ],
)
def test_qubit_params_are_validated(field, bad):
    with pytest.raises(EstimateError, match=rf"{field} must be .*{_names(bad)}"):
        QubitParams(**{**QUBIT, field: bad})


def test_a_nan_qubit_time_no_longer_reaches_the_estimate():
    counts = LogicalCounts(num_qubits=4, rotation_count=10, rotation_depth=3)
    with pytest.raises(EstimateError, match="one_qubit_measurement_time_ns"):
        estimate_fault_tolerant(
            counts, qubit=QubitParams(**{**QUBIT, "one_qubit_measurement_time_ns": math.nan})
        )


@pytest.mark.parametrize(
    ("field", "bad"),
    [
        ("bandwidth_bytes_per_s", math.nan),
        ("bandwidth_bytes_per_s", 0.0),
        ("adjoint_bandwidth_bytes_per_s", -1.0),
        ("step_overhead_s", math.inf),
        ("pass_overhead_s", -1e-4),
        ("diag_s_per_byte", math.nan),
        ("memory_bytes", 1.5),
        ("memory_bytes", -1),
        ("measured_watts", 0.0),
        ("spread", math.nan),
        ("bandwidth_bytes_per_s", "1e10"),
    ],
)
def test_simulation_calibration_constants_are_validated(field, bad):
    with pytest.raises(EstimateError, match=rf"{field} must be .*{_names(bad)}"):
        dataclasses.replace(SIM, **{field: bad})


@pytest.mark.parametrize("bad", [3, "23", None, b"12"])
def test_scaling_qubits_must_be_a_sequence(bad):
    with pytest.raises(EstimateError, match="qubits"):
        sc.scaling(_family, bad, workload=WORK, gpu=False, **FIXED)


@pytest.mark.parametrize("bad", [[0], [2, -1], [1.5], ["3"], [True]])
def test_scaling_widths_must_be_positive_ints(bad):
    with pytest.raises(
        EstimateError, match=rf"qubits must be integers >= 1, got {_names(bad[-1])}"
    ):
        sc.scaling(_family, bad, workload=WORK, gpu=False, **FIXED)


def test_scaling_accepts_numpy_widths_and_reports_ints():
    points = sc.scaling(_family, np.array([3, 2]), workload=WORK, gpu=False, **FIXED)
    assert [p.qubits for p in points] == [2, 3] and all(type(p.qubits) is int for p in points)
    ref = qml.estimate(_family(2), workload=WORK, gpu=False, **FIXED)
    assert points[0].seconds["qpu"] == ref.qpu_seconds


def test_scaling_family_must_be_callable():
    with pytest.raises(EstimateError, match="family must be a callable"):
        sc.scaling(3, [2], workload=WORK, **FIXED)


def _points():
    return [
        sc.ScalingPoint(
            qubits=n,
            seconds={"qpu": 100.0, "cpu": 10.0 ** (n / 10)},
            energy_kwh={"qpu": 1.0, "cpu": 0.1},
            fits={},
        )
        for n in (10, 20, 30)
    ]


@pytest.mark.parametrize(
    ("args", "kwargs", "match"),
    [
        (("qpu", "nope"), {}, "curve must be one of.*'nope'"),
        (("qpu", "cpu"), {"quantity": "bogus"}, "quantity must be.*'bogus'"),
        (("QPU", "cpu"), {}, "'QPU'"),
    ],
)
def test_crossovers_bad_curve_or_quantity(args, kwargs, match):
    with pytest.raises(EstimateError, match=match):
        sc.crossovers(_points(), *args, **kwargs)


def test_crossovers_bad_points():
    with pytest.raises(EstimateError, match="points must be"):
        sc.crossovers(None, "qpu", "cpu")
    with pytest.raises(EstimateError, match="points must be ScalingPoints.*1"):
        sc.all_crossovers([1, 2])
    with pytest.raises(EstimateError, match="quantity must be.*'x'"):
        sc.all_crossovers(_points(), quantity="x")


def test_plot_scaling_bad_inputs(tmp_path):
    with pytest.raises(EstimateError, match="points is empty"):
        sc.plot_scaling([], tmp_path / "x.png")
    with pytest.raises(EstimateError, match="points must be ScalingPoints"):
        sc.plot_scaling([1, 2], tmp_path / "x.png")
    with pytest.raises(EstimateError, match="path must be a string or a path, got 3"):
        sc.plot_scaling(_points(), 3)
    assert not list(tmp_path.iterdir())


def _with_costs(est, qpu_s, qpu_kwh, sim_s, sim_kwh):
    sim = dataclasses.replace(est.simulation, seconds=sim_s, energy_kwh=sim_kwh)
    return dataclasses.replace(est, qpu_seconds=qpu_s, qpu_energy_kwh=qpu_kwh, simulation=sim)


def test_ratios_never_nan():
    est = qml.estimate(CIRCUIT, workload=WORK, gpu=False, **FIXED)
    both_inf = _with_costs(est, math.inf, math.inf, math.inf, math.inf).ratios()
    assert both_inf["time"]["cpu"] == 1.0 and both_inf["energy"]["cpu"] == 1.0
    both_zero = _with_costs(est, 0.0, 0.0, 0.0, 0.0).ratios()
    assert both_zero["time"]["cpu"] == 1.0 and both_zero["energy"]["cpu"] == 1.0
    over_zero = _with_costs(est, 2.0, 1.0, 0.0, 0.0).ratios()
    assert over_zero["time"]["cpu"] == math.inf
    under_inf = _with_costs(est, 2.0, 1.0, math.inf, math.inf).ratios()
    assert under_inf["time"]["cpu"] == 0.0
    plain = _with_costs(est, 6.0, 3.0, 2.0, 4.0).ratios()
    assert plain["time"]["cpu"] == 3.0 and plain["energy"]["cpu"] == 0.75
    for r in (both_inf, both_zero, over_zero, under_inf):
        assert not any(math.isnan(v) for d in r.values() for v in d.values())
    assert "nan" not in _with_costs(est, math.inf, math.inf, math.inf, math.inf).verdict()


@pytest.mark.parametrize("target", ["ibm_nope", ""])
def test_an_unknown_target_is_named_before_the_workload_is_checked(target):
    with pytest.raises(EstimateError, match="unknown target"):
        qml.estimate(CIRCUIT, target=target, workload=Workload(samples=10), **FIXED)
