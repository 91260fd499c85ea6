"""Qiskit, OpenQASM 3 and PennyLane conversions."""

import math

import numpy as np
import pytest
import torch
from qiskit import QuantumCircuit, qasm3
from qiskit.circuit import Parameter, ParameterVector
from qiskit.quantum_info import Operator, Statevector

import qml
from qml.errors import InteropError
from qml.interop.bitorder import qiskit_bitstring_to_qml, reverse_index_bits, to_sparse_pauli_op
from qml.sim import reference_plan
from tests.tolerances import atol


def every_gate_circuit(names=tuple(qml.GATES)):
    c = qml.Circuit(3)
    x = c.inputs(3)
    w = c.weights("w", (2, 3))
    for i, name in enumerate(names):
        spec = qml.GATES[name]
        wires = [(i + k) % 3 for k in range(spec.num_wires)]
        params = [w[k % 2, i % 3] * x[(i + k) % 3] + 0.1 * k - 0.2 for k in range(spec.num_params)]
        c.append(name, wires, params)
    c.rzz(0, 2, (math.pi - x[0]) * (math.pi - x[1]))
    return c


def states(c, xs, ws):
    return reference_plan(c).run(xs, ws, dtype=torch.complex128).reshape(xs.shape[0], -1).numpy()


def bind(qc, x_row, weights):
    values = {}
    for p in qc.parameters:
        source = x_row if p.vector.name == "x" else weights[p.vector.name].reshape(-1)
        values[p] = float(source[p.index])
    return qc.assign_parameters(values)


def test_to_qiskit_matches_statevector_for_every_gate():
    c = every_gate_circuit()
    rng = np.random.default_rng(0)
    xs = torch.tensor(rng.uniform(-1, 1, (3, 3)))
    ws = {"w": torch.tensor(rng.uniform(0, 2 * np.pi, (2, 3)))}
    qc = c.to_qiskit()
    assert {v.name for v in qc.parameters} >= {"x[0]", "w[5]"}
    ours = states(c, xs, ws)
    for b in range(3):
        sv = Statevector(bind(qc, xs[b].numpy(), ws)).data
        np.testing.assert_allclose(reverse_index_bits(sv, 3), ours[b], atol=atol(torch.complex128))


def test_qiskit_round_trip_keeps_inputs_weights_and_state():
    c = every_gate_circuit([name for name, spec in qml.GATES.items() if spec.qiskit])
    back = qml.Circuit.from_qiskit(c.to_qiskit())
    assert back.input_shapes == {"x": 3}
    assert back.weight_shapes == {"w": (2, 3)}  # the shape rides along in qc.metadata
    assert [op.name for op in back] == [op.name for op in c]
    xs = torch.rand(2, 3, dtype=torch.float64)
    w = torch.rand(2, 3, dtype=torch.float64)
    np.testing.assert_allclose(states(back, xs, {"w": w}), states(c, xs, {"w": w}), atol=1e-12)


def test_gates_qiskit_lacks_export_as_their_decomposition_and_import_as_it():
    lacking = [name for name, spec in qml.GATES.items() if not spec.qiskit]
    assert "rot" in lacking
    c = every_gate_circuit(lacking)
    back = qml.Circuit.from_qiskit(c.to_qiskit())
    decomposed = []  # e.g. rot -> rz, ry, rz
    for op in c:
        if op.spec.decomposition:
            decomposed += [name for name, _, _ in op.spec.decomposition(op.wires, op.params)]
        else:
            decomposed.append(op.name)
    assert [op.name for op in back] == decomposed
    xs = torch.rand(2, 3, dtype=torch.float64)
    w = torch.rand(2, 3, dtype=torch.float64)
    np.testing.assert_allclose(states(back, xs, {"w": w}), states(c, xs, {"w": w}), atol=1e-12)


def test_from_qiskit_plain_parameters_and_expressions():
    a, b = Parameter("a"), Parameter("b")
    v = ParameterVector("x", 2)
    qc = QuantumCircuit(2)
    qc.h(0)
    qc.rx(2 * a - v[0] * v[1] + 0.5, 0)
    qc.crz(b**2, 0, 1)
    qc.barrier()
    qc.u(a, b, v[1], 1)
    c = qml.Circuit.from_qiskit(qc)
    assert c.input_shapes == {"x": 2}
    assert c.weight_shapes == {"a": (), "b": ()}
    av, bv, x0, x1 = 0.3, -0.7, 0.4, 1.1
    ours = states(c, torch.tensor([[x0, x1]]), {"a": torch.tensor(av), "b": torch.tensor(bv)})
    bound = qc.assign_parameters({a: av, b: bv, v[0]: x0, v[1]: x1})
    np.testing.assert_allclose(ours[0], reverse_index_bits(Statevector(bound).data, 2), atol=1e-12)


def test_from_qiskit_rejects_unsupported():
    qc = QuantumCircuit(2)
    qc.rzx(0.3, 0, 1)
    with pytest.raises(InteropError, match="'rzx' has no qml gate; supported:"):
        qml.Circuit.from_qiskit(qc)
    qc = QuantumCircuit(1, 1)
    qc.measure(0, 0)
    with pytest.raises(InteropError, match="'measure' uses classical bits"):
        qml.Circuit.from_qiskit(qc)
    p = Parameter("p")
    qc = QuantumCircuit(1)
    qc.rx(p.sin(), 0)
    with pytest.raises(InteropError, match="polynomials"):
        qml.Circuit.from_qiskit(qc)


def test_qasm3_export_round_trips():
    c = every_gate_circuit()
    text = c.to_qasm3()
    assert text.startswith("OPENQASM 3")
    assert "input float[64]" in text
    loaded = qasm3.loads(text)
    original = c.to_qiskit()
    assert loaded.num_parameters == original.num_parameters
    rng = np.random.default_rng(1)
    values = rng.uniform(-1, 1, original.num_parameters)
    # Qiskit sorts parameters by name in both circuits; vectors keep their index order
    op_a = Operator(original.assign_parameters(values))
    op_b = Operator(loaded.assign_parameters(values))
    assert op_a.equiv(op_b)


def test_amplitude_embedding_is_not_exportable_to_qiskit():
    c = qml.Circuit(1)
    x = c.inputs(2)
    c.amplitude_embedding(list(x))
    with pytest.raises(InteropError, match="amplitude_embedding"):
        c.to_qiskit()


def test_bit_order_helpers():
    # |q1 q0> = |01> in Qiskit is qml's |10>: wire 0 set
    sv = Statevector.from_label("01").data
    assert np.argmax(np.abs(reverse_index_bits(sv, 2))) == 0b10
    assert qiskit_bitstring_to_qml("011") == "110"
    op = to_sparse_pauli_op(0.5 * qml.Z(0) @ qml.X(2), 3)
    assert op.paulis[0].to_label() == "XIZ"


def test_pennylane_observables_and_broadcasting():
    import pennylane as pl

    from qml.interop.pennylane import observable_to_pennylane

    c = every_gate_circuit()
    obs = 0.5 * qml.Z(0) @ qml.X(1) - qml.Y(2) + qml.Hermitian(np.diag([1.0, 3.0]), wires=[1])
    dev = pl.device("default.qubit", wires=3)

    @pl.qnode(dev)
    def f(x, w):
        c.to_pennylane()(x=x, w=w)
        return pl.expval(observable_to_pennylane(obs))

    rng = np.random.default_rng(2)
    xs = rng.uniform(-1, 1, (4, 3))
    w = rng.uniform(0, 6, (2, 3))
    layer = qml.QuantumLayer(c, obs, dtype=torch.complex128)
    with torch.no_grad():
        layer.w.copy_(torch.tensor(w))
    ours = layer(torch.tensor(xs)).detach().numpy()[:, 0]
    np.testing.assert_allclose(f(xs, w), ours, atol=atol(torch.complex128))
    np.testing.assert_allclose(f(xs[1], w), ours[1], atol=atol(torch.complex128))
