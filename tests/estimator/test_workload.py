"""Workload counting rules, checked against what the simulator actually runs and against Qiskit."""

import math

import pytest
import torch
from qiskit.quantum_info import SparsePauliOp

import qml
from circuits import ansatze, encodings
from qml.estimator import EstimateError, Workload
from qml.estimator.workload import demand, qubitwise_groups, trainable_angles
from qml.observables import X, Y, Z


def _layer_circuit(n=3, layers=1):
    return encodings.angle(n) + ansatze.strongly_entangling(n, layers=layers)


@pytest.mark.parametrize(
    "diff_method, inputs, per_sample",
    [
        ("parameter-shift", True, 1 + 2 * 12),
        ("parameter-shift", False, 1 + 2 * 9),
        ("spsa", True, 3),
        ("spsa", False, 3),
    ],
)
def test_circuits_per_sample_match_what_a_shot_based_step_runs(diff_method, inputs, per_sample):
    """The torch backend with shots runs exactly the circuits the estimator counts: the input
    angles are shifted only when the inputs ask for gradients."""
    circuit = _layer_circuit()  # 3 input angles, 9 weight angles
    n = circuit.n_qubits
    layer = qml.QuantumLayer(
        circuit, [Z(q) for q in range(n)], shots=100, diff_method=diff_method, seed=0
    )
    batch = 5
    layer(torch.rand(batch, n, requires_grad=inputs)).sum().backward()
    w = Workload(
        samples=batch, batch=batch, shots=100, diff_method=diff_method, differentiate_inputs=inputs
    )
    need = demand(circuit, list(layer.observables), w)
    assert need.groups == 1
    assert need.executions == layer.stats.circuits
    assert need.total_shots == layer.stats.shots
    assert need.circuits_per_sample == per_sample


def test_shift_terms_count_angles_and_rules():
    c = qml.Circuit(2)
    x = c.inputs(2)
    w = c.weights("w", 4)
    c.ry(0, x[0]).rx(1, w[0]).crx(0, 1, w[1]).u3(0, w[2], w[3], 0.5).rz(1, x[1])
    # rx: 2 terms, crx: 4 terms, u3: two trainable angles of 2 terms (the constant one is not)
    assert trainable_angles(c) == (4, 2 + 4 + 2 + 2)
    assert trainable_angles(c, inputs=True) == (6, 2 + 4 + 2 + 2 + 2 + 2)


def test_groups_match_qiskit_qubitwise_grouping():
    obs = [Z(0), Z(1), Z(0) @ Z(1), X(0), X(0) @ X(1), Y(1)]
    labels = ["IZ", "ZI", "ZZ", "IX", "XX", "YI"]  # qiskit: qubit 0 rightmost
    reference = SparsePauliOp(labels).group_commuting(qubit_wise=True)
    assert qubitwise_groups(obs) == len(reference)


def test_precision_converts_to_shots():
    c = _layer_circuit()
    need = demand(c, [Z(0)], Workload(samples=10, precision=0.01))
    assert need.shots_per_execution == 10_000  # Var(Z) <= 1: 1 / 0.01**2
    # two outputs on the same wire in different bases: each needs its own 1 / eps**2
    need = demand(c, [Z(0), X(0)], Workload(samples=10, precision=0.01))
    assert need.groups == 2 and need.shots_per_execution == 10_000


@pytest.mark.parametrize("cx, cz", [(0.9, 0.1), (0.5, 0.5), (-0.32707061, 0.18121046)])
def test_precision_allocation_meets_the_target_and_sums_to_estimate_shots(cx, cz):
    """The optimal split of estimate_shots' total over the groups; with every group getting the
    largest share, the estimate's standard error is at most the target."""
    eps = 0.01
    h = cx * X(0) + cz * Z(0)
    shots = demand(_layer_circuit(), [h], Workload(samples=1, precision=eps)).shots_per_execution
    total = qml.estimate_shots([[cx], [cz]], error=eps)
    big, small = sorted([abs(cx), abs(cz)], reverse=True)
    assert shots == pytest.approx(total * big / (big + small), abs=1)
    std_error = math.sqrt(cx**2 / shots + cz**2 / shots)
    assert std_error <= eps * (1 + 1e-9)


def test_zero_variance_needs_no_shots_and_overriding_groups_keeps_precision():
    c = _layer_circuit()
    assert demand(c, [qml.I(0)], Workload(samples=1, precision=0.01)).shots_per_execution == 1
    w = Workload(samples=1, precision=0.01, observable_groups=10)
    need = demand(c, [Z(0)], w)
    assert need.groups == 10 and need.shots_per_execution == 10_000


def test_steps_jobs_and_totals():
    w = Workload(samples=1000, epochs=10, batch=32, shots=1000)
    assert w.steps == 10 * 32  # ceil(1000 / 32) = 32 batches per epoch
    need = demand(_layer_circuit(), [Z(0)], w)
    assert need.jobs == 2 * w.steps
    assert need.total_shots == need.executions * 1000
    inference = demand(
        _layer_circuit(), [Z(0)], Workload(samples=64, batch=32, shots=10, diff_method="none")
    )
    assert inference.executions == 64 and inference.jobs == 2


@pytest.mark.parametrize(
    "kwargs, match",
    [
        ({"samples": 0}, "samples must be a positive integer, got 0"),
        ({"samples": 10, "epochs": -1}, "epochs must be a positive integer, got -1"),
        ({"samples": 10, "batch": 2.5}, "batch must be a positive integer, got 2.5"),
        ({"samples": 10, "shots": 0}, "shots must be a positive integer, got 0"),
        ({"samples": 10, "precision": 0}, r"precision must be a number in \(0, 1\), got 0"),
        ({"samples": 10, "precision": 1.5}, "got 1.5"),
        ({"samples": 10, "shots": 5, "precision": 0.1}, "not both"),
        ({"samples": 10, "diff_method": "magic"}, "unknown diff_method 'magic'"),
        ({"samples": 10, "batch": 20}, "batch 20 is larger than samples 10"),
        ({"samples": 10, "differentiate_inputs": "false"}, "must be True or False, got 'false'"),
    ],
)
def test_bad_workloads_name_the_value(kwargs, match):
    with pytest.raises(EstimateError, match=match):
        Workload(**kwargs)


def test_amplitude_embedding_counts_with_spsa_but_not_with_input_shifts():
    c = encodings.amplitude(3) + ansatze.basic_entangler(3, layers=1)
    spsa = Workload(samples=2, shots=10, diff_method="spsa", differentiate_inputs=True)
    assert demand(c, [Z(0)], spsa).executions == 3 * 2
    shift = Workload(samples=2, shots=10, differentiate_inputs=True)
    with pytest.raises(EstimateError, match="amplitude embedding has no shift rule"):
        demand(c, [Z(0)], shift)
    w = qml.Circuit(1)
    theta = w.weights("w", 2)
    w.amplitude_embedding([theta[0], theta[1]])
    with pytest.raises(EstimateError, match="features depend on weights"):
        demand(w, [Z(0)], Workload(samples=2, shots=10))


def test_hardware_needs_a_hardware_gradient_and_shots():
    c = _layer_circuit()
    with pytest.raises(EstimateError, match="'adjoint' runs only on simulators"):
        demand(c, [Z(0)], Workload(samples=4, shots=10, diff_method="adjoint"))
    with pytest.raises(EstimateError, match="needs shots or precision"):
        demand(c, [Z(0)], Workload(samples=4))
