"""The circuit IR: building, validation, composition, repr and drawing."""

import math

import pytest
import torch

import qml
from qml.errors import CircuitError, ParameterError
from qml.sim import reference_plan
from tests.tolerances import atol


def test_public_api_example_builds():
    c = qml.Circuit(4)
    x = c.inputs(4)
    w = c.weights("theta", (2, 4))
    for q in range(4):
        c.ry(q, x[q])
    for layer in range(2):
        for q in range(4):
            c.rz(q, w[layer, q])
        c.cnot(0, 1)
        c.cz(1, 2)
        c.rzz(2, 3, w[layer, 0] * x[0])
    assert len(c) == 4 + 2 * 7
    assert c.num_inputs == 4
    assert c.weight_shapes == {"theta": (2, 4)}
    assert repr(c) == "Circuit(4 qubits, 18 operations, inputs x[4], weights theta(2, 4))"


def test_expressions_print_readably():
    c = qml.Circuit(2)
    x = c.inputs(2)
    w = c.weights("w", (2,))
    assert repr((math.pi - x[0]) * (math.pi - x[1])) == "(pi - x[0]) * (pi - x[1])"
    assert repr(w[0] * x[1] + w[1]) == "w[0] * x[1] + w[1]"
    assert repr(2 * x[0] - 1) == "2 * x[0] - 1"
    assert repr(-x[0]) == "-x[0]"
    assert repr(x[0] / 2) == "0.5 * x[0]"


def test_expression_evaluates_per_sample():
    c = qml.Circuit(2)
    x = c.inputs(2)
    w = c.weights("w", (2,))
    e = (math.pi - x[0]) * (math.pi - x[1]) + w[0] * x[1] - w[1] / 4
    xs = torch.tensor([[0.1, 0.2], [0.3, -0.4]], dtype=torch.float64)
    ws = torch.tensor([0.5, 2.0], dtype=torch.float64)
    got = e.evaluate({"x": xs}, {"w": ws})
    want = (math.pi - xs[:, 0]) * (math.pi - xs[:, 1]) + ws[0] * xs[:, 1] - ws[1] / 4
    torch.testing.assert_close(got, want)


def test_weights_index_forms_agree():
    c = qml.Circuit(1)
    w = c.weights("w", (2, 3))
    assert w[1, 2] == w[1][2] == w[-1, -1]
    assert w[1, 2].flat == 5


@pytest.mark.parametrize(
    ("build", "match"),
    [
        (lambda c: c.rx(3, 0.1), "wire 3, but the circuit has 3 qubits"),
        (lambda c: c.cnot(1, 1), r"distinct wires, got \(1, 1\)"),
        (lambda c: c.rx(0, "a"), "'a'"),
        (lambda c: c.rx(0, float("nan")), "nan"),
        (lambda c: c.append("foo", (0,)), "unknown gate 'foo'"),
        (lambda c: c.append("rx", (0,), ()), "takes 1 angle"),
        (lambda c: c.append("cnot", (0,)), "acts on 2 wire"),
    ],
)
def test_bad_gates_raise_circuit_errors(build, match):
    with pytest.raises((CircuitError, ParameterError), match=match):
        build(qml.Circuit(3))


def test_weight_redeclared_with_another_shape_raises():
    c = qml.Circuit(2)
    c.weights("theta", (2, 2))
    assert c.weights("theta", (2, 2)).shape == (2, 2)  # same shape: the same array
    with pytest.raises(ParameterError, match=r"'theta' already declared with shape \(2, 2\)"):
        c.weights("theta", (3,))


def test_undeclared_symbols_and_bad_names_raise():
    c = qml.Circuit(2)
    other = qml.Circuit(2)
    x = other.inputs(2)
    with pytest.raises(ParameterError, match=r"input x\[0\]"):
        c.ry(0, x[0])
    with pytest.raises(ParameterError, match="identifier"):
        c.weights("my weights", (2,))
    with pytest.raises(ParameterError, match="index 5 out of range"):
        x[5]
    with pytest.raises(CircuitError, match="n_qubits must be at least 1, got 0"):
        qml.Circuit(0)


def test_composition_merges_by_name():
    a = qml.Circuit(2)
    xa = a.inputs(2)
    a.ry(0, xa[0]).ry(1, xa[1])
    b = qml.Circuit(2)
    xb = b.inputs(2)
    wb = b.weights("w", (2,))
    b.rz(0, wb[0] * xb[0]).cnot(0, 1)
    c = a + b
    assert c.input_shapes == {"x": 2}
    assert c.weight_shapes == {"w": (2,)}
    assert len(c) == len(a) + len(b)
    assert len(a) == 2  # pieces are not modified


def test_composition_conflicts_raise():
    a = qml.Circuit(2)
    a.inputs(2)
    b = qml.Circuit(2)
    b.inputs(3)
    with pytest.raises(ParameterError, match="already declared with size 2, not 3"):
        a + b
    with pytest.raises(CircuitError, match="2-qubit circuit with a 3-qubit"):
        a + qml.Circuit(3)
    c = qml.Circuit(2)
    c.weights("x", (2,))
    with pytest.raises(ParameterError, match="'x' is already an input"):
        a + c


def test_inverse_undoes_the_circuit():
    c = qml.Circuit(3)
    x = c.inputs(3)
    w = c.weights("w", (4,))
    for name, spec in qml.GATES.items():
        wires = list(range(spec.num_wires))
        params = [w[i] * x[i % 3] + 0.3 * i for i in range(spec.num_params)]
        c.append(name, wires, params)
    full = c + c.inverse()
    xs = torch.rand(4, 3, dtype=torch.float64)
    ws = {"w": torch.rand(4, dtype=torch.float64)}
    state = reference_plan(full).run(xs, ws, dtype=torch.complex128).reshape(4, -1)
    zero = torch.zeros_like(state)
    zero[:, 0] = 1
    torch.testing.assert_close(state, zero, atol=atol(torch.complex128), rtol=0)


def test_rename_weights():
    c = qml.Circuit(1)
    w = c.weights("w", (1,))
    c.rx(0, 2 * w[0])
    r = c.rename_weights({"w": "v"})
    assert r.weight_shapes == {"v": (1,)}
    assert repr(r.operations[0]) == "rx(0, 2 * v[0])"


def test_depth_and_counts():
    c = qml.Circuit(3)
    c.h(0).h(1).cnot(0, 1).h(2).cnot(1, 2)
    assert c.depth() == 3
    assert c.gate_counts() == {"h": 3, "cnot": 2}


def test_draw_layout():
    c = qml.Circuit(3)
    x = c.inputs(1)
    c.h(0).cnot(0, 2).ry(1, x[0]).crx(2, 0, 0.5)
    text = c.draw()
    lines = text.splitlines()
    assert len(lines) == 3
    assert lines[0].startswith("0: ─H─●")
    assert "│" in lines[1]  # the CNOT passes wire 1
    assert "RY(x[0])" in lines[1]
    assert "RX(0.5)" in lines[0] and "●" in lines[2]


def test_draw_wraps_long_circuits():
    c = qml.Circuit(2)
    for i in range(60):
        c.rx(0, 0.1 * i).cnot(0, 1)
    text = c.draw(max_width=80)
    assert all(len(line) <= 80 for line in text.splitlines())
    assert text.count("0: ") > 1


def test_draw_reads_every_gate_glyph_from_the_table():
    c = qml.Circuit(3)
    c.iswap(0, 2).rot(1, 0.1, 0.2, 0.3).cphase(2, 0, 0.5).ccx(0, 1, 2)
    lines = c.draw().splitlines()
    assert "ISWAP" in lines[0] and "ISWAP" in lines[2] and "│" in lines[1]
    assert "ROT(0.1,0.2,0.3)" in lines[1]
    assert "P(0.5)" in lines[0] and "●" in lines[2]


def test_angles_as_inputs_gives_every_angle_its_own_input():
    c = qml.Circuit(2)
    x = c.inputs(1)
    w = c.weights("w", (2,))
    c.amplitude_embedding([x[0], 1.0, w[0], 0.5])
    c.rot(0, w[0] * x[0], 0.3, w[1]).cnot(0, 1).rzz(0, 1, 2 * w[1])
    free = c.angles_as_inputs("s")
    assert free.input_shapes == {"s": 8}
    assert free.weight_shapes == {}
    assert [op.name for op in free] == [op.name for op in c]
    assert [op.wires for op in free] == [op.wires for op in c]
    assert [repr(p) for op in free for p in op.params] == [f"s[{k}]" for k in range(8)]
    assert free.operations[0].normalize is True
    # the copy's symbols are its own: more gates can use them
    free.rx(1, free.inputs(8, "s")[7])
    assert qml.Circuit(1).h(0).angles_as_inputs().input_shapes == {}
    with pytest.raises(ParameterError, match="identifier"):
        c.angles_as_inputs("not a name")


def test_check_wires_is_the_public_wire_validation():
    c = qml.Circuit(3)
    assert c.check_wires([2, 0], "probs") == (2, 0)
    with pytest.raises(CircuitError, match="probs on wire 3, but the circuit has 3 qubits"):
        c.check_wires([3], "probs")
    with pytest.raises(CircuitError, match="probs needs distinct wires"):
        c.check_wires([1, 1], "probs")
