"""Every fact of a row of the gate table, checked against PennyLane, Qiskit and the matrix."""

import inspect
import math

import numpy as np
import pennylane as pl
import pytest
import torch
from qiskit.exceptions import QiskitError
from qiskit.quantum_info import Clifford, Operator

import qml
from qml.gates import CLIFFORD_GATES, GATES, PERMUTATION_GATES, GateMethods, GateSpec, gate_matrix

ROWS = list(GATES.values())
ATOL = 1e-12


def _angles(spec: GateSpec, seed: int = 0) -> list[float]:
    return list(np.random.default_rng(seed).uniform(-math.pi, math.pi, spec.num_params))


def _matrix(spec: GateSpec, angles) -> np.ndarray:
    return gate_matrix(spec, angles, dtype=torch.complex128).numpy()


def _sequence_matrix(steps, n: int) -> np.ndarray:
    """The matrix of ``(gate, wires, angles)`` steps on ``n`` wires, in circuit order."""
    total = np.eye(2**n, dtype=complex)
    for name, wires, angles in steps:
        spec = GATES[name]
        m = _matrix(spec, [float(a) for a in angles]).reshape((2,) * (2 * spec.num_wires))
        full = np.eye(2**n, dtype=complex).reshape((2,) * (2 * n))
        # contract the gate's input axes with the wires' output axes of the running identity
        full = np.moveaxis(
            np.tensordot(m, full, axes=(list(range(spec.num_wires, 2 * spec.num_wires)), wires)),
            list(range(spec.num_wires)),
            list(wires),
        )
        total = full.reshape(2**n, 2**n) @ total
    return total


@pytest.mark.parametrize("spec", ROWS, ids=lambda s: s.name)
def test_matrix_matches_pennylane(spec):
    angles = _angles(spec)
    name = spec.pennylane
    wires = list(range(spec.num_wires))
    if name.startswith("Adjoint("):
        op = pl.adjoint(getattr(pl, name[len("Adjoint(") : -1])(wires=wires))
    else:
        op = getattr(pl, name)(*angles, wires=wires)
    np.testing.assert_allclose(_matrix(spec, angles), pl.matrix(op), atol=ATOL)


@pytest.mark.parametrize("spec", ROWS, ids=lambda s: s.name)
def test_matrix_matches_qiskit_or_the_decomposition(spec):
    angles = _angles(spec)
    c = qml.Circuit(spec.num_wires)
    c.append(spec.name, range(spec.num_wires), angles)
    qc = c.to_qiskit()
    if not spec.qiskit:
        assert spec.decomposition is not None
        assert all(GATES[name].qiskit for name, _, _ in spec.decomposition((0,), (1, 2, 3)))
    # Qiskit's qubit 0 is the least significant bit: reverse the wires to compare matrices
    np.testing.assert_allclose(Operator(qc.reverse_bits()).data, _matrix(spec, angles), atol=ATOL)


@pytest.mark.parametrize("spec", ROWS, ids=lambda s: s.name)
def test_inverse_row_undoes_the_gate(spec):
    angles = _angles(spec, seed=1)
    wires = tuple(range(spec.num_wires))
    steps = spec.inverse(wires, tuple(angles)) if spec.inverse else ((spec.name, wires, angles),)
    undo = _sequence_matrix(steps, spec.num_wires)
    np.testing.assert_allclose(undo @ _matrix(spec, angles), np.eye(spec.dim), atol=ATOL)


@pytest.mark.parametrize("spec", [s for s in ROWS if s.decomposition], ids=lambda s: s.name)
def test_decomposition_is_the_gate(spec):
    angles = _angles(spec, seed=2)
    steps = spec.decomposition(tuple(range(spec.num_wires)), tuple(angles))
    np.testing.assert_allclose(
        _sequence_matrix(steps, spec.num_wires), _matrix(spec, angles), atol=ATOL
    )


@pytest.mark.parametrize("spec", ROWS, ids=lambda s: s.name)
def test_structure_flags_match_the_matrix(spec):
    m = _matrix(spec, _angles(spec, seed=3))
    assert spec.diagonal == np.allclose(m, np.diag(np.diag(m)))
    assert len(spec.glyphs) == spec.num_wires
    assert 0 <= spec.controls < spec.num_wires
    # the target block applies only when every control is 1
    k = spec.controls
    block = 2 ** (spec.num_wires - k)
    np.testing.assert_allclose(m[:-block, :-block], np.eye(spec.dim - block), atol=ATOL)
    if spec.permutation is None:
        assert spec.name not in PERMUTATION_GATES
        return
    n = spec.num_wires
    idx = spec.permutation(
        np.arange(2**n, dtype=np.int64), tuple(1 << (n - 1 - w) for w in range(n))
    )
    perm = np.zeros((2**n, 2**n))
    perm[np.arange(2**n), idx] = 1  # new[j] = old[idx[j]]
    np.testing.assert_allclose(m, perm, atol=ATOL)


@pytest.mark.parametrize("spec", [s for s in ROWS if not s.num_params], ids=lambda s: s.name)
def test_fixed_gates_cost_and_clifford_flag(spec):
    try:
        Clifford.from_operator(Operator(_matrix(spec, [])))
        clifford = True
    except QiskitError:  # not a Clifford operator
        clifford = False
    assert spec.clifford == clifford
    assert spec.name in CLIFFORD_GATES if clifford else spec.name not in CLIFFORD_GATES
    assert spec.shift_rule is None and spec.rotations_per_angle == 0
    assert clifford or spec.t_gates + spec.ccz_gates > 0  # a non-Clifford fixed gate has a cost


@pytest.mark.parametrize("spec", [s for s in ROWS if s.num_params], ids=lambda s: s.name)
def test_shift_rule_gives_the_derivative_of_every_angle(spec):
    n = spec.num_wires
    rng = np.random.default_rng(4)
    psi = rng.normal(size=2**n) + 1j * rng.normal(size=2**n)
    psi /= np.linalg.norm(psi)
    h = rng.normal(size=(2**n, 2**n)) + 1j * rng.normal(size=(2**n, 2**n))
    obs = h + h.conj().T
    angles = np.array(_angles(spec, seed=5))

    def expval(a) -> float:
        phi = _matrix(spec, list(a)) @ psi
        return float(np.real(phi.conj() @ obs @ phi))

    assert not spec.clifford and spec.rotations_per_angle >= 1
    assert spec.t_gates == spec.ccz_gates == 0
    for i in range(spec.num_params):
        e = np.eye(spec.num_params)[i]
        shifted = sum(c * expval(angles + s * e) for s, c in spec.shift_rule)
        central = (expval(angles + 1e-6 * e) - expval(angles - 1e-6 * e)) / 2e-6
        assert shifted == pytest.approx(central, abs=1e-6), (spec.name, i)


def _gate_methods() -> dict[str, object]:
    return {
        name: fn
        for name, fn in vars(GateMethods).items()
        if inspect.isfunction(fn) and not name.startswith("_") and name != "append"
    }


def test_every_row_has_a_method_and_every_method_a_row():
    methods = _gate_methods()
    rows = set(GATES)
    assert rows <= set(methods)
    aliases = {name for name in methods if name not in rows}
    # an alias is the same function as a row's method (cx is cnot, toffoli is ccx)
    for alias in aliases:
        assert any(methods[alias] is methods[row] for row in rows), alias
    assert aliases == {"cx", "toffoli"}


@pytest.mark.parametrize("spec", ROWS, ids=lambda s: s.name)
def test_each_method_appends_its_row(spec):
    c = qml.Circuit(3)
    angles = _angles(spec, seed=6)
    method = getattr(c, spec.name)
    params = list(inspect.signature(method).parameters)
    assert len(params) == spec.num_wires + spec.num_params
    assert method(*range(spec.num_wires), *angles) is c
    (op,) = c.operations
    assert (op.name, op.wires) == (spec.name, tuple(range(spec.num_wires)))
    assert [float(p.evaluate({}, {})) for p in op.params] == pytest.approx(angles)
