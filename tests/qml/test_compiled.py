"""Compiled plans are invisible: they agree with the unoptimised interpreter everywhere.

The interpreter (``qml.sim.plan.ReferencePlan``: one kernel call per gate) is itself checked against
Qiskit and PennyLane in ``test_reference.py``; here it is the reference for every optimisation:
fused single-qubit blocks (across encodings and weight layers), Kronecker chunks, permutation
groups (index gather and gate-by-gate), diagonal groups, the product-state start, batch
unitaries, row-wise angles, half-register measurement and amplitude embedding.
"""

import numpy as np
import pytest
import torch

import qml
from circuits import ansatze, encodings
from qml.sim import compiled as compiled_module
from qml.sim import observe as observe_module
from qml.sim import reference_plan
from qml.sim.compiled import CompiledPlan
from qml.sim.groups import (
    DiagonalGroup,
    IndexGather,
    PermutationGroup,
    SingleQubitGroup,
    SlicedGate,
)
from tests.qml.random_circuits import (
    random_circuit,
    random_inputs,
    random_observables,
    random_weights,
)
from tests.tolerances import atol

CPU = torch.device("cpu")


def both(circuit, observables, x, weights, *, dtype=torch.complex128, allow_unitary=True):
    """(compiled states, compiled expvals, reference states, reference expvals)."""
    real = torch.float64 if dtype == torch.complex128 else torch.float32
    batch = 1 if x is None else x.shape[0]
    plan = CompiledPlan(circuit, observables)
    shared, sample = plan.angles(x, weights, batch=batch, real=real, device=CPU)
    t = plan.tables(shared, sample, dtype=dtype)
    state = plan.run(t, batch, dtype=dtype, device=CPU, allow_unitary=allow_unitary)
    ref = reference_plan(circuit)
    ref_state = ref.run(x, weights, batch=batch, dtype=dtype)
    return (
        state,
        plan.measure.expvals(state),
        ref_state.reshape(batch, -1),
        ref.expvals(ref_state, observables),
    )


def assert_same(result, dtype=torch.complex128):
    state, ev, ref_state, ref_ev = result
    tol = atol(dtype)
    torch.testing.assert_close(state, ref_state, atol=tol, rtol=0)
    torch.testing.assert_close(ev, ref_ev, atol=tol, rtol=0)


@pytest.mark.parametrize("n", range(1, 9))
@pytest.mark.parametrize("seed", [0, 1, 2])
@pytest.mark.parametrize("batch", [1, 5])
def test_random_circuits_match_interpreter(n, seed, batch):
    c = random_circuit(n, seed=seed + 10 * n)
    obs = random_observables(n, seed=seed)
    x = torch.tensor(random_inputs(c, batch, seed=seed))
    w = {k: torch.tensor(v) for k, v in random_weights(c, seed=seed).items()}
    assert_same(both(c, obs, x, w))


@pytest.mark.parametrize("dtype", [torch.complex64, torch.complex128])
def test_layered_model_groups_and_matches(dtype):
    n, layers = 6, 3
    c = encodings.angle(n) + ansatze.strongly_entangling(n, layers=layers)
    c.rzz(0, 5, 0.3).cz(1, 2).crz(3, 4, 0.7)  # a diagonal group
    plan = CompiledPlan(c, [qml.Z(q) for q in range(n)])
    kinds = [type(g) for g in plan.schedule.groups]
    # the CNOT ring became one permutation
    assert kinds[:3] == [SingleQubitGroup, PermutationGroup, SingleQubitGroup]
    assert DiagonalGroup in kinds and plan.product_start
    rng = np.random.default_rng(0)
    x = torch.tensor(rng.uniform(-2, 2, (4, n)))
    w = {"theta": torch.tensor(rng.uniform(0, 6, (layers, n, 3)))}
    assert_same(both(c, [qml.Z(q) for q in range(n)], x, w, dtype=dtype), dtype)


def test_fusion_straddles_encoding_and_weights():
    c = qml.Circuit(3)
    x = c.inputs(3)
    w = c.weights("w", (3,))
    for q in range(3):
        c.ry(q, x[q]).rz(q, w[q]).rx(q, w[q] * x[q] + 0.1).h(q)
    plan = CompiledPlan(c, [qml.Z(0), qml.X(1) @ qml.Y(2)])
    # one fused block per wire
    assert [type(g) for g in plan.schedule.groups] == [SingleQubitGroup]
    xs = torch.rand(3, 3, dtype=torch.float64)
    assert_same(both(c, plan.measure.observables, xs, {"w": torch.rand(3, dtype=torch.float64)}))


def test_batch_unitary_path_matches():
    n = 3
    c = encodings.angle(n) + ansatze.strongly_entangling(n, layers=4)
    plan = CompiledPlan(c, [qml.Z(0)])
    big = 512  # far above 2**n: the cost model builds the weight-only unitary once
    assert plan.unitary_runs(big)
    assert not plan.unitary_runs(1)
    rng = np.random.default_rng(1)
    x = torch.tensor(rng.uniform(-2, 2, (big, n)))
    w = {"theta": torch.tensor(rng.uniform(0, 6, (4, n, 3)))}
    assert_same(both(c, [qml.Z(0)], x, w))
    with_u = both(c, [qml.Z(0)], x, w)[0]
    without = both(c, [qml.Z(0)], x, w, allow_unitary=False)[0]
    torch.testing.assert_close(with_u, without, atol=1e-12, rtol=0)


def test_gate_by_gate_permutations_match(monkeypatch):
    monkeypatch.setattr(compiled_module, "GLOBAL_PERM_MAX_QUBITS", 2)
    monkeypatch.setattr(compiled_module, "PERM_WINDOW_QUBITS", 2)
    c = random_circuit(5, seed=3)
    obs = random_observables(5, seed=3)
    x = torch.tensor(random_inputs(c, 2, seed=3))
    w = {k: torch.tensor(v) for k, v in random_weights(c, seed=3).items()}
    assert_same(both(c, obs, x, w))


def test_half_register_measurement_matches(monkeypatch):
    monkeypatch.setattr(observe_module, "FULL_TABLE_MAX_QUBITS", 3)
    n = 7
    c = random_circuit(n, seed=4)
    obs = [qml.Z(0), qml.Z(6), qml.Z(1) @ qml.Z(5), 0.5 * qml.Z(2) @ qml.Z(3) - 0.25, qml.X(4)]
    x = torch.tensor(random_inputs(c, 3, seed=4))
    w = {k: torch.tensor(v) for k, v in random_weights(c, seed=4).items()}
    result = both(c, obs, x, w)
    assert CompiledPlan(c, obs).measure.split
    assert_same(result)


def test_rowwise_angles_match_per_row_runs():
    c = random_circuit(4, seed=5)
    plan = CompiledPlan(c, random_observables(4, seed=5))
    x = torch.tensor(random_inputs(c, 3, seed=5))
    w = {k: torch.tensor(v) for k, v in random_weights(c, seed=5).items()}
    shared, sample = plan.angles(x, w, batch=3, real=torch.float64, device=CPU)
    rows = shared.expand(3, -1) + torch.tensor([[0.0], [0.1], [-0.2]], dtype=torch.float64)
    t = plan.tables(rows, sample, dtype=torch.complex128)
    got = plan.run(t, 3, dtype=torch.complex128, device=CPU)
    for r in range(3):
        t1 = plan.tables(rows[r], sample[r : r + 1], dtype=torch.complex128)
        one = plan.run(t1, 1, dtype=torch.complex128, device=CPU)
        torch.testing.assert_close(got[r : r + 1], one, atol=1e-12, rtol=0)


def test_amplitude_embedding_start_matches():
    c = encodings.amplitude(3) + ansatze.basic_entangler(3, layers=2)
    x = torch.rand(4, 8, dtype=torch.float64)
    w = {"theta": torch.rand(2, 3, dtype=torch.float64)}
    assert_same(both(c, [qml.Z(0), qml.X(2)], x, w))


def test_weight_only_circuit_and_empty_circuit():
    c = qml.Circuit(2)
    w = c.weights("w", (2,))
    c.rx(0, w[0]).cnot(0, 1).ry(1, w[1])
    assert_same(both(c, [qml.Z(1)], None, {"w": torch.tensor([0.3, 0.4], dtype=torch.float64)}))
    assert_same(both(qml.Circuit(2), [qml.Z(0)], None, {}))


@pytest.mark.parametrize("seed", [0, 1])
def test_large_register_strategies_match(monkeypatch, seed):
    """2-wire chunks, folded trailing wires, windowed and tail-sliced permutations (the layouts
    used from 16 qubits on), forced on 7 qubits so the interpreter can check them."""
    monkeypatch.setattr(compiled_module, "LARGE_REGISTER_QUBITS", 5)
    monkeypatch.setattr(compiled_module, "GLOBAL_PERM_MAX_QUBITS", 2)
    monkeypatch.setattr(compiled_module, "PERM_WINDOW_QUBITS", 3)
    n = 7
    c = encodings.angle(n, name="a") + ansatze.strongly_entangling(n, layers=3, name="phi")
    c = c + random_circuit(n, seed=seed)
    obs = random_observables(n, seed=seed)
    x = torch.tensor(random_inputs(c, 3, seed=seed))
    w = {k: torch.tensor(v) for k, v in random_weights(c, seed=seed).items()}
    w["phi"] = torch.rand(3, n, 3, dtype=torch.float64, generator=torch.Generator().manual_seed(1))
    plan = CompiledPlan(c, obs)
    groups = plan.schedule.groups
    pieces = [type(p) for g in groups if isinstance(g, PermutationGroup) for p in g.pieces]
    assert SlicedGate in pieces and IndexGather in pieces
    chunks = [c for g in groups if isinstance(g, SingleQubitGroup) for c in g.chunks]
    assert all(len(c.wires) <= 2 for c in chunks)
    assert_same(both(c, obs, x, w))


@pytest.mark.parametrize("large", [False, True])
def test_batch_last_layout_matches(monkeypatch, large):
    """Shared groups on a large batch run batch-last; every group kind, both register sizes."""
    if large:
        monkeypatch.setattr(compiled_module, "LARGE_REGISTER_QUBITS", 5)
        monkeypatch.setattr(compiled_module, "GLOBAL_PERM_MAX_QUBITS", 2)
        monkeypatch.setattr(compiled_module, "PERM_WINDOW_QUBITS", 3)
    n, batch = 7, 24
    c = encodings.angle(n) + ansatze.strongly_entangling(n, layers=2)
    w = c.weights("extra", (3,))
    c.rzz(0, 6, w[0]).crx(2, 5, w[1]).swap(1, 4).ccx(0, 3, 6).cz(2, 3).ry(3, w[2])
    obs = [qml.Z(0), qml.Z(3) @ qml.Z(6), qml.X(2)]
    plan = CompiledPlan(c, obs)
    assert all(plan.shared_group[1:]) and batch >= compiled_module.BATCH_LAST_MIN
    rng = np.random.default_rng(7)
    x = torch.tensor(rng.uniform(-2, 2, (batch, n)))
    ws = {"theta": torch.tensor(rng.uniform(0, 6, (2, n, 3))), "extra": torch.rand(3).double()}
    assert_same(both(c, obs, x, ws, allow_unitary=False))
