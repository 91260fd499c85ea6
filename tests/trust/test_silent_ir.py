"""Inputs to the circuit IR that would give a silently wrong (or NaN) result.

Each case here would compute something else than what was written: it is refused with a typed
error where it enters, while the legitimate neighbours keep working (checked against
closed-form references).
"""

from __future__ import annotations

import math
import pickle

import numpy as np
import pytest
import torch

import qml
from qml.errors import CircuitError, EstimateError, ObservableError, ParameterError
from tests.tolerances import atol

NAN, INF = float("nan"), float("inf")


def _expval_z0(circuit: qml.Circuit, weights: dict[str, list[float]], x=None) -> float:
    """<Z(0)> of ``circuit`` with the given weight values, on the native simulator."""
    layer = qml.QuantumLayer(circuit, observables=[qml.Z(0)], dtype=torch.complex128)
    with torch.no_grad():
        for name, values in weights.items():
            getattr(layer, name).copy_(
                torch.tensor(values, dtype=torch.float64).reshape(circuit.weight_shapes[name])
            )
    with torch.no_grad():
        if x is None:
            return float(layer()[0])  # no inputs: one (n_observables,) result
        return float(layer(torch.tensor([x], dtype=torch.float64))[0, 0])


# -- 1. symbols belong to the circuit that declared them ---------------------------------------


def test_weight_of_another_circuit_with_same_name_and_rank_is_refused():
    a = qml.Circuit(2)
    wa = a.weights("w", (2, 3))
    b = qml.Circuit(2)
    b.weights("w", (3, 2))
    # wa[1, 1] is flat entry 4 of a, not b's w[2, 0] at the same flat position
    with pytest.raises(ParameterError, match=r"w\[1,1\].*\(2, 3\).*\(3, 2\)"):
        b.rx(0, wa[1, 1])
    assert len(b) == 0


def test_weight_of_another_circuit_out_of_range_is_refused():
    a = qml.Circuit(1)
    wa = a.weights("w", (4, 4))
    b = qml.Circuit(1)
    b.weights("w", (2, 2))
    with pytest.raises(ParameterError, match=r"w\[3,3\]"):
        b.ry(0, wa[3, 3])


def test_input_of_another_circuit_is_refused_even_with_equal_declarations():
    a = qml.Circuit(1)
    xa = a.inputs(2)
    b = qml.Circuit(1)
    b.inputs(2)
    with pytest.raises(ParameterError, match=r"x\[1\]"):
        b.ry(0, xa[1] * 2.0)
    with pytest.raises(ParameterError, match=r"x\[0\]"):
        b.amplitude_embedding([xa[0], 1.0])


def test_hand_built_or_inconsistent_leaves_are_refused():
    from qml.expr import Input, Weight

    c = qml.Circuit(1)
    w = c.weights("w", (2, 3))
    c.inputs(2)
    with pytest.raises(ParameterError, match=r"w\[1,1\]"):
        c.rx(0, Weight("w", (1, 1), 4))  # no scope: not made by this circuit
    bad_flat = Weight("w", (1, 1), 2, w[0, 0].scope)  # flat must be 1*3+1 = 4
    with pytest.raises(ParameterError, match="flat"):
        c.rx(0, bad_flat)
    with pytest.raises(ParameterError, match=r"x\[5\]"):
        c.rx(0, Input("x", 5, c.inputs(2)[0].scope))


def test_renamed_swap_does_not_let_old_symbols_read_the_other_array():
    a = qml.Circuit(1)
    x = a.inputs(1)
    wa = a.weights("a", (2,))
    wb = a.weights("b", (2,))
    a.rx(0, wa[0]).ry(0, wb[0] * x[0])
    swapped = a.rename_weights({"a": "b", "b": "a"})
    # a's "a" is swapped's "b": a[1] of the original must not read swapped's "a"
    with pytest.raises(ParameterError, match=r"a\[1\]"):
        swapped.rz(0, wa[1])
    swapped.rz(0, x[0])  # inputs are not renamed: still valid in the renamed copy
    swapped.rz(0, swapped.weights("a", (2,))[1])


def test_composed_copied_inverted_and_pickled_circuits_keep_their_symbols():
    a = qml.Circuit(1)
    wa = a.weights("w", (2,))
    b = qml.Circuit(1)
    xb = b.inputs(1)
    b.ry(0, xb[0])
    c = a + b
    c.rx(0, wa[1] + xb[0])  # symbols of both pieces are the merged circuit's own
    c.copy().rx(0, wa[0])
    a.inverse().rx(0, wa[0])
    restored = pickle.loads(pickle.dumps(c))
    restored.rx(0, wa[0])
    stranger = qml.Circuit(1).weights("w", (2,))  # same declaration, never merged
    with pytest.raises(ParameterError, match=r"w\[1\]"):
        c.rx(0, stranger[1])
    # the numbers are right: <Z> of ry(x) rx(w1 + x) on |0> is cos(x) cos(w1 + x)
    x, w1 = 0.3, 0.7
    got = _expval_z0(c, {"w": [0.0, w1]}, x=[x])
    assert got == pytest.approx(math.cos(x) * math.cos(w1 + x), abs=atol(torch.float64))


def test_templates_compose_with_symbols_of_their_pieces():
    from circuits import ansatze, encodings

    enc = encodings.angle(2)
    ans = ansatze.basic_entangler(2, layers=1)
    block = ansatze.identity_block(ans)
    model = enc + block
    w = ans.weight_shapes
    assert set(model.weight_shapes) == {"theta", "theta_inv"} and w == {"theta": (1, 2)}
    model.rz(0, ans.weights("theta", (1, 2))[0, 1])  # ans's own symbol, merged in
    model.ry(1, enc.inputs(2)[1])
    twin = ansatze.basic_entangler(2, layers=1)  # the same declaration, but not merged in
    with pytest.raises(ParameterError, match=r"theta\[0,0\]"):
        model.rz(0, twin.weights("theta", (1, 2))[0, 0])


# -- 2. non-finite numbers entering through expressions ----------------------------------------


@pytest.mark.parametrize(
    "build",
    [
        pytest.param(lambda x: x * NAN, id="x*nan"),
        pytest.param(lambda x: NAN * x, id="nan*x"),
        pytest.param(lambda x: x + INF, id="x+inf"),
        pytest.param(lambda x: x - INF, id="x-inf"),
        pytest.param(lambda x: INF - x, id="inf-x"),
        pytest.param(lambda x: x * np.float64("nan"), id="x*np.nan"),
        pytest.param(lambda x: x * 1e308 * 10, id="overflow*"),  # constant folding gives inf
        pytest.param(lambda x: x / 1e-320, id="x/tiny"),  # 1 / 1e-320 overflows
        pytest.param(lambda x: x / NAN, id="x/nan"),
        pytest.param(lambda x: x / INF, id="x/inf"),
        pytest.param(lambda x: x * 10**400, id="x*10**400"),  # an int too large for a float
    ],
)
def test_non_finite_numbers_in_expressions_are_refused(build):
    x = qml.Circuit(1).inputs(1)[0]
    with pytest.raises(ParameterError, match="finite|overflow|large"):
        build(x)


def test_large_finite_constants_still_fold_and_evaluate():
    c = qml.Circuit(1)
    x = c.inputs(1)
    with pytest.raises(ParameterError, match="finite"):
        (x[0] * 1e300) * 1e10
    e = (x[0] * 1e300) * 1e-300 + 2.0 - x[0] / 4
    got = e.evaluate({"x": torch.tensor([[0.5]], dtype=torch.float64)}, {})
    assert float(got[0]) == pytest.approx(0.5 + 2.0 - 0.125)


# -- 3. observables with non-finite numbers -----------------------------------------------------


@pytest.mark.parametrize(
    "build",
    [
        lambda: NAN * qml.Z(0),
        lambda: qml.Z(0) * INF,
        lambda: np.float64("nan") * qml.Z(0),
        lambda: complex(NAN, 0) * qml.Z(0),
        lambda: qml.Z(0) + NAN,
        lambda: qml.Z(0) - INF,
        lambda: (1e308 * qml.Z(0)) * 10,
        lambda: (1e308 * qml.Z(0)) @ (1e308 * qml.Z(1)),
        lambda: (1e308 * qml.Z(0) + qml.X(1)) * 1e10,
        lambda: qml.observables.PauliSum([(NAN, qml.Z(0))]),
        lambda: qml.observables.PauliWord({0: "Z"}, INF),
        lambda: qml.Hermitian([[INF, 0], [0, 1]], 0),
        lambda: qml.Hermitian([[NAN, 0], [0, 1]], 0),
        lambda: qml.Hermitian(torch.tensor([[1.0, INF], [INF, 1.0]]), 0),
    ],
)
def test_non_finite_observables_are_refused(build):
    with pytest.raises(ObservableError, match="finite|nan|inf"):
        build()


def test_finite_observables_still_match_their_matrix():
    obs = 0.5 * qml.Z(0) @ qml.Z(1) - 2 * qml.X(1) + qml.Hermitian(np.diag([1.0, 3.0]), 0)
    z, x, i2 = np.diag([1.0, -1.0]), np.array([[0.0, 1.0], [1.0, 0.0]]), np.eye(2)
    want = 0.5 * np.kron(z, z) - 2 * np.kron(i2, x) + np.kron(np.diag([1.0, 3.0]), i2)
    np.testing.assert_allclose(obs.matrix(2), want, atol=1e-12)
    with pytest.raises(ObservableError, match="inf"):
        obs * 1e308 * 1e10


# -- 4. amplitude embedding padding --------------------------------------------------------------


@pytest.mark.parametrize("pad", [NAN, INF, -INF, np.float64("nan")])
def test_amplitude_embedding_refuses_non_finite_padding(pad):
    c = qml.Circuit(2)
    x = c.inputs(3)
    with pytest.raises((CircuitError, ParameterError), match="pad_with"):
        c.amplitude_embedding(list(x), pad_with=pad)
    assert len(c) == 0


@pytest.mark.parametrize("normalize", ["no", 0, 1, None])
def test_amplitude_embedding_normalize_must_be_a_bool(normalize):
    c = qml.Circuit(2)
    x = c.inputs(4)
    with pytest.raises(CircuitError, match="normalize"):
        c.amplitude_embedding(list(x), normalize=normalize)


# -- 5. rename_weights must not merge arrays ----------------------------------------------------


def _two_arrays() -> qml.Circuit:
    c = qml.Circuit(1)
    a, b = c.weights("a", (2,)), c.weights("b", (2,))
    return c.rx(0, a[0]).ry(0, b[1])


@pytest.mark.parametrize("mapping", [{"a": "b"}, {"a": "c", "b": "c"}])
def test_rename_weights_refuses_to_merge_arrays(mapping):
    with pytest.raises(ParameterError, match="'c'|'b'"):
        _two_arrays().rename_weights(mapping)


def test_rename_weights_refuses_unknown_old_names_and_swaps_right():
    c = _two_arrays()
    with pytest.raises(ParameterError, match="'zz'"):
        c.rename_weights({"zz": "c"})
    swapped = c.rename_weights({"a": "b", "b": "a"})
    assert repr(swapped.operations) == "[rx(0, b[0]), ry(0, a[1])]"
    # <Z> of rx(t0) ry(t1) on |0> is cos(t0) cos(t1)
    got = _expval_z0(swapped, {"b": [0.4, 0.0], "a": [0.0, 1.1]})
    assert got == pytest.approx(math.cos(0.4) * math.cos(1.1), abs=atol(torch.float64))


# -- 7. shots for an empty or non-finite observable --------------------------------------------


@pytest.mark.parametrize(
    "groups, kwargs",
    [
        ([[]], {}),
        ([[], []], {}),
        ([[0.5], []], {}),
        ([[-1.0, NAN]], {}),
        ([[INF]], {}),
        ([[1.0]], {"variances": [NAN]}),
        ([[1.0]], {"variances": [INF]}),
    ],
)
def test_estimate_shots_refuses_empty_and_non_finite_groups(groups, kwargs):
    with pytest.raises(EstimateError):
        qml.estimate_shots(groups, **kwargs)


def test_estimate_shots_still_follows_the_formula():
    groups = [[-0.3, 0.8], [0.2]]
    want = math.ceil((math.hypot(-0.3, 0.8) + 0.2) ** 2 / 0.01**2)
    assert qml.estimate_shots(groups, error=0.01) == want
    with pytest.raises(EstimateError, match="empty"):
        qml.estimate_shots([*groups, []], error=0.01)


def test_pauli_sum_keeps_the_coefficients_of_its_words():
    """``PauliSum([(2, 3 * X(0) @ Z(1))])`` is 6 XZ: the simulators and the Qiskit conversion
    keep the word's own coefficient (dropping it gives 2 XZ)."""
    from qiskit.quantum_info import SparsePauliOp, Statevector

    from qml.observables import PauliSum

    c = qml.Circuit(2)
    c.ry(0, 0.3).rx(1, 1.1).cnot(0, 1).ry(1, 0.4)
    obs = PauliSum([(2.0, 3 * (qml.X(0) @ qml.Z(1))), (-0.5, 2 * qml.Y(1))])
    layer = qml.QuantumLayer(c, [obs], dtype=torch.complex128)
    # Qiskit labels read right to left: qubit 0 is the last character
    ref_op = SparsePauliOp(["ZX", "YI"], coeffs=[6.0, -1.0])
    ref = Statevector(c.to_qiskit()).expectation_value(ref_op).real
    assert abs(float(layer()[0]) - ref) < atol(torch.complex128)
