"""The estimator reproduces published numbers."""

import pytest

import qml
from qml.estimator import QUBIT_PRESETS, EstimateError, QubitParams, energy_kwh


def test_azure_qre_reference_report():
    """Azure QRE's reference estimate: qubit_gate_ns_e3, surface code, budget 1e-3,
    100 logical qubits, 112,110 rotations at depth 2,001 (Beverland et al. 2022)."""
    ft = qml.estimate_fault_tolerant(
        qml.LogicalCounts(num_qubits=100, rotation_count=112_110, rotation_depth=2_001),
        qubit="qubit_gate_ns_e3",
        error_budget=1e-3,
    )
    assert ft.algorithmic_logical_qubits == 230
    assert ft.t_states_per_rotation == 21
    assert ft.logical_depth == 154_131
    assert ft.code_distance == 19
    assert ft.logical_cycle_time_ns == 7_600
    assert ft.physical_qubits_per_logical == 722
    assert ft.physical_qubits_for_algorithm == 166_060
    assert ft.runtime_ns == 1_171_395_600
    assert ft.rqops == 30_263_158


def test_better_qubits_need_a_smaller_code():
    counts = qml.LogicalCounts(num_qubits=100, rotation_count=112_110, rotation_depth=2_001)
    e3 = qml.estimate_fault_tolerant(counts, qubit="qubit_gate_ns_e3")
    e4 = qml.estimate_fault_tolerant(counts, qubit="qubit_gate_ns_e4")
    us = qml.estimate_fault_tolerant(counts, qubit="qubit_gate_us_e3")
    assert e4.code_distance < e3.code_distance
    assert us.runtime_ns == pytest.approx(e3.runtime_ns * 2000)  # 100 us vs 50 ns operations
    maj = qml.estimate_fault_tolerant(counts, qubit="qubit_maj_ns_e6")
    d = maj.code_distance
    assert maj.physical_qubits_per_logical == 4 * d**2 + 8 * (d - 1)
    assert set(QUBIT_PRESETS) == {
        "qubit_gate_ns_e3",
        "qubit_gate_ns_e4",
        "qubit_gate_us_e3",
        "qubit_gate_us_e4",
        "qubit_maj_ns_e4",
        "qubit_maj_ns_e6",
    }


def test_t_and_ccz_counts_enter_depth_and_t_states():
    ft = qml.estimate_fault_tolerant(
        qml.LogicalCounts(num_qubits=10, t_count=1000, ccz_count=50, measurement_count=20)
    )
    assert ft.t_states_per_rotation == 0
    assert ft.logical_depth == 20 + 1000 + 3 * 50
    assert ft.t_states == 1000 + 4 * 50


def test_pennylane_estimate_shots_number():
    assert qml.estimate_shots([[-0.32707061, 0.7896887], [0.18121046]], error=0.0016) == 419_218


def test_villalonga_energy_comparison():
    """Villalonga et al. 2020: Summit 8.65 MW for 2.44 h against a 15 kW processor for 101 s."""
    summit = energy_kwh(power_watts=8.65e6, seconds=2.44 * 3600)
    sycamore = energy_kwh(power_watts=15e3, seconds=101)
    assert summit / 1e3 == pytest.approx(21.1, abs=0.05)  # MWh
    assert sycamore == pytest.approx(0.42, abs=0.005)
    assert summit / sycamore == pytest.approx(5e4, rel=0.05)


@pytest.mark.parametrize(
    ("call", "match"),
    [
        (
            lambda: qml.estimate_fault_tolerant(qml.LogicalCounts(num_qubits=4), qubit="qubit_x"),
            "unknown qubit 'qubit_x'; presets: qubit_gate_ns_e3",
        ),
        (
            lambda: qml.estimate_fault_tolerant(qml.LogicalCounts(num_qubits=4), error_budget=1.5),
            "error_budget must be in \\(0, 1\\), got 1.5",
        ),
        (lambda: qml.LogicalCounts(num_qubits=0), "num_qubits must be at least 1, got 0"),
        (lambda: qml.LogicalCounts(num_qubits=3, t_count=-2), "t_count .* got -2"),
        (lambda: qml.estimate_shots([[1.0]], error=0), "error must be a number in \\(0, 1\\]"),
        (lambda: energy_kwh(power_watts=-1, seconds=1), "power_watts .* got -1"),
    ],
)
def test_bad_inputs_name_the_value(call, match):
    with pytest.raises(EstimateError, match=match):
        call()


def test_custom_qubit_params():
    custom = QubitParams(
        name="mine",
        instruction_set="gate",
        one_qubit_measurement_time_ns=200,
        one_qubit_gate_time_ns=20,
        two_qubit_gate_time_ns=40,
        t_gate_time_ns=20,
        one_qubit_measurement_error_rate=5e-4,
        one_qubit_gate_error_rate=1e-4,
        two_qubit_gate_error_rate=5e-4,
        t_gate_error_rate=1e-5,
    )
    ft = qml.estimate_fault_tolerant(qml.LogicalCounts(num_qubits=10, t_count=100), qubit=custom)
    assert ft.logical_cycle_time_ns == (4 * 40 + 2 * 200) * ft.code_distance
