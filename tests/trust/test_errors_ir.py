"""Misuse of the circuit IR gets a typed error that names the value.

Each input here is refused where it enters, with qml's own error, rather than with a raw Python
exception (TypeError, ValueError, AttributeError, OverflowError, ZeroDivisionError) from deep
inside, or silently accepted.
"""

from __future__ import annotations

import numpy as np
import pytest
import torch

import qml
from qml.errors import CircuitError, EstimateError, ObservableError, ParameterError

NAN = float("nan")

# -- 3. observables --------------------------------------------------------------------------


@pytest.mark.parametrize(
    "matrix, wires, shown",
    [
        ("abc", 0, "'abc'"),
        ([[1, 0], [0]], 0, r"\[\[1, 0\], \[0\]\]"),
        (np.array([[object(), 0], [0, 1]], dtype=object), 0, "object"),
        ({1: 2}, 0, r"\{1: 2\}"),
        (None, 0, "None"),
        ([["1", "0"], ["0", "1"]], 0, "'1'"),
        ([[True, False], [False, True]], 0, "True"),
        (np.eye(3), 0, "3, 3"),
        (np.eye(2), "a", "'a'"),
        (np.eye(4), "ab", "'ab'"),
        (np.eye(2), 0.5, "0.5"),
        (np.eye(2), [0.5], "0.5"),
        (np.eye(2), [True], "True"),
        (np.eye(2), -1, "-1"),
        (np.eye(2), None, "None"),
        (np.eye(4), [0, 0], r"\(0, 0\)"),
        (np.eye(1), [], r"\(\)"),
    ],
)
def test_bad_hermitian_is_an_observable_error(matrix, wires, shown):
    with pytest.raises(ObservableError, match=shown):
        qml.Hermitian(matrix, wires)


def test_hermitian_accepts_numpy_integer_wires_and_tensors():
    h = qml.Hermitian(torch.eye(4, dtype=torch.complex64), np.array([np.int64(2), 0]))
    assert h.wires == (2, 0)
    with pytest.raises(ObservableError, match="2.0"):
        qml.Hermitian(torch.eye(4), np.array([2.0, 0.0]))


@pytest.mark.parametrize(
    "build, shown",
    [
        (lambda: qml.Z(0) + "a", "'a'"),
        (lambda: "a" - qml.Z(0), "'a'"),
        (lambda: qml.Z(0) * "a", "'a'"),
        (lambda: [1.0] * qml.Z(0), r"\[1.0\]"),
        (lambda: qml.Z(0) @ 1, "1"),
        (lambda: qml.Z(0) * True, "True"),
        (lambda: qml.observables.PauliWord({0: "Q"}), "'Q'"),
        (lambda: qml.observables.PauliWord({-1: "Z"}), "-1"),
        (lambda: qml.observables.PauliSum([(1.0, "Z0")]), "'Z0'"),
        (lambda: qml.observables.as_observable("Z0"), "'Z0'"),
        (lambda: qml.observables.as_observable(None), "None"),
    ],
)
def test_observable_algebra_with_junk_is_an_observable_error(build, shown):
    with pytest.raises(ObservableError, match=shown):
        build()


def test_observable_coefficients_accept_zero_dim_tensors():
    obs = torch.tensor(0.5) * qml.Z(0)
    assert obs.coeff == 0.5


# -- 4. amplitude embedding -------------------------------------------------------------------


@pytest.mark.parametrize(
    "kwargs, shown",
    [
        ({"features": 5}, "5"),
        ({"features": None}, "None"),
        ({"features": "ab"}, "'ab'"),
        ({"features": [0.5, 0.5], "wires": 0}, "0"),
        ({"features": [0.5, 0.5], "wires": "0"}, "'0'"),
        ({"features": [1.0, 0.0], "wires": [0], "pad_with": "a"}, "'a'"),
        ({"features": [1.0], "wires": [0], "pad_with": "a"}, "'a'"),
        ({"features": [1.0], "wires": [0], "pad_with": "1"}, "'1'"),
        ({"features": [1.0], "wires": [0], "pad_with": True}, "True"),
        ({"features": [1.0], "wires": [0], "pad_with": 1j}, "1j"),
    ],
)
def test_bad_amplitude_embedding_is_a_typed_error(kwargs, shown):
    c = qml.Circuit(2)
    with pytest.raises((CircuitError, ParameterError), match=shown):
        c.amplitude_embedding(**kwargs)


# -- 5. rename_weights ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    "mapping, shown",
    [
        ([("a", "c")], r"\[\('a', 'c'\)\]"),
        (None, "None"),
        ("a", "'a'"),
        ({"a": "1x"}, "'1x'"),
        ({"a": 3}, "3"),
        ({3: "c"}, "3"),
        ({"a": "x"}, "'x'"),  # an input's name
        ({"x": "c"}, "'x'"),  # renaming an input
    ],
)
def test_bad_rename_weights_is_a_parameter_error(mapping, shown):
    c = qml.Circuit(1)
    x = c.inputs(1)
    a = c.weights("a", (2,))
    c.rx(0, a[0] * x[0])
    with pytest.raises(ParameterError, match=shown):
        c.rename_weights(mapping)


# -- 6. append and the other Circuit methods -----------------------------------------------------


@pytest.mark.parametrize(
    "args, shown",
    [
        ((3, (0,)), "3"),
        ((None, (0,)), "None"),
        ((["h"], (0,)), r"\['h'\]"),
        (("H", (0,)), "'H'"),
        (("h", 0), "0"),
        (("h", "0"), "'0'"),
        (("cnot", "01"), "'01'"),
        (("h", None), "None"),
        (("h", 1.0), "1.0"),
        (("h", (0.0,)), "0.0"),
        (("h", (True,)), "True"),
        (("h", (5,)), "5"),
        (("h", (np.int64(-1),)), "-1"),
        (("rx", (0,), 0.5), "0.5"),
        (("rx", (0,), None), "None"),
        (("rx", (0,), "a"), "'a'"),
        (("rx", (0,), ()), r"\(\)"),
        (("h", (0,), (0.5,)), "0.5"),
    ],
)
def test_append_misuse_is_a_circuit_error(args, shown):
    c = qml.Circuit(2)
    with pytest.raises(CircuitError, match=shown):
        c.append(*args)
    assert len(c) == 0


def test_append_accepts_numpy_integer_wires_and_any_sequence():
    c = qml.Circuit(3)
    c.append("cnot", np.array([2, 0])).append("h", (np.int64(1),)).append("rx", [1], [0.5])
    c.append("ry", range(1), (w for w in [0.25]))
    assert [op.wires for op in c] == [(2, 0), (1,), (1,), (0,)]
    assert all(type(w) is int for op in c for w in op.wires)
    assert qml.Circuit(np.int64(2)).inputs(np.int64(2)).size == 2
    assert c.weights("w", np.array([2, 3])).shape == (2, 3)
    assert c.weights("v", np.int64(4)).shape == (4,)


@pytest.mark.parametrize(
    "build, error, shown",
    [
        (lambda c: c.rx(0.0, 0.1), CircuitError, "0.0"),
        (lambda c: c.rx(0, "a"), ParameterError, "'a'"),
        (lambda c: c.rx(0, None), ParameterError, "None"),
        (lambda c: c.rx(0, [0.1]), ParameterError, r"\[0.1\]"),
        (lambda c: c.rx(0, 1j), ParameterError, "1j"),
        (lambda c: c.rx(0, 10**400), ParameterError, "finite|large"),
        (lambda c: c.u3(0, 0.1, "b", 0.2), ParameterError, "'b'"),
        (lambda c: c.cnot(0, "1"), CircuitError, "'1'"),
        (lambda c: c.cnot(1, 1), CircuitError, r"\(1, 1\)"),
        (lambda c: c + 1, CircuitError, "1"),
        (lambda c: 1 + c, CircuitError, "1"),
        (lambda c: c + "a", CircuitError, "'a'"),
        (lambda c: c + qml.Z(0), CircuitError, r"Z\(0\)"),
        (lambda c: c + qml.Circuit(3), CircuitError, "3"),
        (lambda c: c.weights("w", None), ParameterError, "None"),
        (lambda c: c.weights("w", 2.0), ParameterError, "2.0"),
        (lambda c: c.weights("w", "ab"), ParameterError, "'ab'"),
        (lambda c: c.weights("w", [[2]]), ParameterError, r"\[2\]"),
        (lambda c: c.inputs(2, 3), ParameterError, "3"),
        (lambda c: c.inputs(None), ParameterError, "None"),
        (lambda c: c.draw(max_width="a"), CircuitError, "'a'"),
        (lambda c: c.draw(max_width=0), CircuitError, "0"),
        (lambda c: c.weights("w", (2,))[0][0], ParameterError, r"w\[0\]"),
        (lambda c: c.inputs(2)[0] ** 2, ParameterError, "2"),
    ],
)
def test_other_circuit_methods_misuse_is_typed(build, error, shown):
    c = qml.Circuit(2).h(0).cnot(0, 1).rx(1, 0.5)
    with pytest.raises(error, match=shown):
        build(c)


def test_sum_of_circuits_composes():
    a, b = qml.Circuit(1).h(0), qml.Circuit(1).x(0)
    assert [op.name for op in sum([a, b])] == ["h", "x"]


# -- 7. estimate_shots ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    "groups, kwargs, shown",
    [
        ([[NAN]], {}, "nan"),
        ([[float("inf")]], {}, "inf"),
        ([["a"]], {}, "'a'"),
        ([[1 + 1j]], {}, r"\(1\+1j\)"),
        ([[True]], {}, "True"),
        ([[1e200]], {}, "1e"),
        ([1, 2], {}, "1"),
        ("ab", {}, "'ab'"),
        (None, {}, "None"),
        (5, {}, "5"),
        (np.array([[0.5, 0.5]]), {}, None),
        ([[1.0]], {"error": 1e-300}, "1e-300"),
        ([[1.0]], {"error": NAN}, "nan"),
        ([[1.0]], {"error": -0.1}, "-0.1"),
        ([[1.0]], {"variances": ["a"]}, "'a'"),
        ([[1.0]], {"variances": [None]}, "None"),
        ([[1.0]], {"variances": [-1.0]}, "-1.0"),
        ([[1.0]], {"variances": 5}, "5"),
        ([[1.0]], {"variances": [1.0, 2.0]}, "2 variances"),
    ],
)
def test_bad_estimate_shots_is_an_estimate_error(groups, kwargs, shown):
    if shown is None:  # a numpy array of groups is fine
        assert qml.estimate_shots(groups) == qml.estimate_shots([[0.5, 0.5]])
        return
    with pytest.raises(EstimateError, match=shown):
        qml.estimate_shots(groups, **kwargs)


def test_a_scalar_weight_array_takes_part_in_arithmetic_and_a_vector_one_says_index_it():
    c = qml.Circuit(1)
    x = c.inputs(1)
    w = c.weights("w", ())
    v = c.weights("v", (2,))
    c.rx(0, 2 - w * x[0] / 4)
    with pytest.raises(ParameterError, match=r"index it first, e\.g\. v\[0\]"):
        v * 2
    layer = qml.QuantumLayer(c, [qml.Z(0)], dtype=torch.complex128)
    with torch.no_grad():
        layer.w.fill_(0.8)
    xs = torch.tensor([[0.3], [1.7]], dtype=torch.float64)
    expected = torch.cos(2 - 0.8 * xs[:, 0] / 4)  # <Z> after rx(theta) on |0> is cos(theta)
    torch.testing.assert_close(layer(xs)[:, 0], expected)
