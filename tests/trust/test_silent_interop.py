"""Qiskit import never computes something else, and refuses what it cannot hold.

Every numeric check compares the imported circuit's state with Qiskit's own ``Statevector``
of the same circuit bound to the same parameter values.
"""

from __future__ import annotations

import numpy as np
import pytest
import torch
from qiskit import QuantumCircuit
from qiskit.circuit import Gate, Parameter, ParameterVector
from qiskit.circuit.library import RXGate
from qiskit.quantum_info import Statevector

import qml
from qml.errors import InteropError
from qml.interop.bitorder import reverse_index_bits
from qml.sim import reference_plan
from tests.tolerances import atol

DTYPE = torch.complex128


def qml_state(circuit: qml.Circuit, xs: dict[str, np.ndarray], ws: dict[str, np.ndarray]):
    """The qml state of one sample, ``(2**n,)`` complex128; inputs in declaration order."""
    row = [np.asarray(xs[name], dtype=float).reshape(-1) for name in circuit.input_shapes]
    x = torch.tensor(np.concatenate(row) if row else np.zeros(0))[None, :]
    w = {k: torch.tensor(np.asarray(v, dtype=float)) for k, v in ws.items()}
    return reference_plan(circuit).run(x, w, dtype=DTYPE).reshape(-1).numpy()


def qiskit_state(qc: QuantumCircuit, values: dict) -> np.ndarray:
    """Qiskit's statevector of ``qc`` bound to ``values``, in qml's bit order."""
    return reverse_index_bits(Statevector(qc.assign_parameters(values)).data, qc.num_qubits)


def test_parameters_whose_names_sanitise_alike_stay_distinct():
    a, b, c = Parameter("a-b"), Parameter("a.b"), Parameter("a_b")
    qc = QuantumCircuit(2)
    qc.rx(a, 0)
    qc.ry(b, 1)
    qc.cx(0, 1)
    qc.rz(c, 1)
    qc.ry(2 * a - b, 0)
    circuit = qml.Circuit.from_qiskit(qc)
    assert len(circuit.weight_shapes) == 3
    assert "a_b" in circuit.weight_shapes  # an already valid name is kept as it is
    values = {a: 0.3, b: -1.1, c: 0.7}
    # which qml weight stands for which Qiskit parameter: read it from the first gates
    ops = list(circuit)
    by_param = {
        a: ops[0].params[0].name,
        b: ops[1].params[0].name,
        c: ops[3].params[0].name,
    }
    assert len(set(by_param.values())) == 3
    ws = {by_param[p]: np.array(v) for p, v in values.items()}
    np.testing.assert_allclose(
        qml_state(circuit, {}, ws), qiskit_state(qc, values), atol=atol(DTYPE)
    )


def test_vector_and_plain_parameter_with_one_name_stay_distinct():
    v = ParameterVector("x", 1)
    p = Parameter("x")  # Qiskit allows it: the element is named "x[0]"
    qc = QuantumCircuit(1)
    qc.rx(v[0], 0)
    qc.ry(p, 0)
    circuit = qml.Circuit.from_qiskit(qc, inputs=())
    assert len(circuit.weight_shapes) == 2
    names = [op.params[0].name for op in circuit]
    assert names[0] != names[1]
    ws = {names[0]: np.array([0.4]), names[1]: np.array(1.3)}
    if circuit.weight_shapes[names[1]] != ():
        ws[names[1]] = ws[names[1]].reshape(1)
    np.testing.assert_allclose(
        qml_state(circuit, {}, ws), qiskit_state(qc, {v[0]: 0.4, p: 1.3}), atol=atol(DTYPE)
    )


def test_inputs_as_a_bare_string_matches_the_whole_name():
    x, phi_x = ParameterVector("x", 2), ParameterVector("phi_x", 2)
    qc = QuantumCircuit(2)
    qc.ry(x[0], 0)
    qc.ry(x[1], 1)
    qc.rz(phi_x[0], 0)
    qc.rz(phi_x[1], 1)
    circuit = qml.Circuit.from_qiskit(qc, inputs="phi_x")
    assert circuit.input_shapes == {"phi_x": 2}
    assert circuit.weight_shapes == {"x": (2,)}
    xv, pv = np.array([0.2, -0.9]), np.array([1.4, 0.5])
    values = {**dict(zip(x, xv, strict=True)), **dict(zip(phi_x, pv, strict=True))}
    np.testing.assert_allclose(
        qml_state(circuit, {"phi_x": pv}, {"x": xv}), qiskit_state(qc, values), atol=atol(DTYPE)
    )
    # a tuple matches whole names too: "x" is not "phi_x"
    assert qml.Circuit.from_qiskit(qc, inputs=("x",)).input_shapes == {"x": 2}


def test_inputs_that_match_no_parameter_are_refused():
    qc = QuantumCircuit(1)
    qc.rx(ParameterVector("feat", 1)[0], 0)
    with pytest.raises(InteropError, match="'fet'"):
        qml.Circuit.from_qiskit(qc, inputs=("fet",))


@pytest.mark.parametrize("shape", [(1, 3, 3), (2, 3), ()])
def test_weight_shapes_survive_a_qiskit_round_trip(shape):
    c = qml.Circuit(3)
    x = c.inputs(3)
    w = c.weights("w", shape)
    flat = [w[np.unravel_index(i, shape)] if shape else w[()] for i in range(int(np.prod(shape)))]
    for i, wi in enumerate(flat):
        c.ry(i % 3, wi * x[i % 3])
        c.cnot(i % 3, (i + 1) % 3)
    qc = c.to_qiskit()
    back = qml.Circuit.from_qiskit(qc)
    assert back.weight_shapes == {"w": shape}
    assert back.input_shapes == {"x": 3}
    rng = np.random.default_rng(0)
    xv, wv = rng.uniform(-1, 1, 3), rng.uniform(-3, 3, shape)
    values = {p: (xv if p.vector.name == "x" else wv.reshape(-1))[p.index] for p in qc.parameters}
    np.testing.assert_allclose(
        qml_state(back, {"x": xv}, {"w": wv}), qiskit_state(qc, values), atol=atol(DTYPE)
    )


def test_inconsistent_shape_metadata_is_refused():
    qc = QuantumCircuit(1, metadata={"qml_weight_shapes": {"w": [2, 2]}})
    qc.rx(ParameterVector("w", 3)[0], 0)
    with pytest.raises(InteropError, match=r"\[2, 2\]"):
        qml.Circuit.from_qiskit(qc)


# -- bad types: a typed error naming the value ----------------------------------------------


def _with_if_else():
    qc = QuantumCircuit(1, 1)
    with qc.if_test((qc.clbits[0], 1)):
        qc.x(0)
    return qc


def _with_gate(gate, n=1):
    qc = QuantumCircuit(n)
    qc.append(gate, list(range(n)))
    return qc


def _with_complex_angle():
    qc = QuantumCircuit(1)
    qc.append(RXGate(0.1), [0])
    qc.data[0].operation.params[0] = 0.5 + 1j  # Qiskit refuses it on construction, not later
    return qc


def _with_nan_angle():
    qc = QuantumCircuit(1)
    qc.rx(float("nan"), 0)
    return qc


@pytest.mark.parametrize(
    ("build", "match"),
    [
        (lambda: None, "None"),
        (lambda: "OPENQASM 3.0;", "'OPENQASM 3.0;'"),
        (lambda: qml.Circuit(1), "already a qml.Circuit"),
        (lambda: QuantumCircuit(0), "no qubits"),
        (_with_if_else, "if_else"),
        (lambda: _with_gate(Gate("h", 1, [])), "'h'.*custom"),
        (_with_complex_angle, r"\(0\.5\+1j\)"),
        (_with_nan_angle, "nan"),
    ],
    ids=["None", "str", "qml-circuit", "no-qubits", "if-else", "custom-h", "complex", "nan"],
)
def test_bad_circuits_raise_interop_error_naming_the_value(build, match):
    with pytest.raises(InteropError, match=match):
        qml.Circuit.from_qiskit(build())


@pytest.mark.parametrize("inputs", [5, None, [3], ("x", 3), b"x"], ids=repr)
def test_bad_inputs_argument_raises_interop_error_naming_it(inputs):
    qc = QuantumCircuit(1)
    qc.rx(ParameterVector("x", 1)[0], 0)
    with pytest.raises(InteropError, match="inputs"):
        qml.Circuit.from_qiskit(qc, inputs=inputs)
