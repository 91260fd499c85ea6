"""Observables: Pauli algebra, sums, Hermitian validation, dense matrices."""

import numpy as np
import pytest

import qml
from qml.errors import ObservableError

Xm = np.array([[0, 1], [1, 0]])
Ym = np.array([[0, -1j], [1j, 0]])
Zm = np.diag([1, -1])


def test_products_and_sums_match_dense_algebra():
    obs = 0.5 * qml.Z(0) @ qml.X(1) - 2.0 * qml.Y(1) + 0.25
    want = 0.5 * np.kron(Zm, Xm) - 2.0 * np.kron(np.eye(2), Ym) + 0.25 * np.eye(4)
    np.testing.assert_allclose(obs.matrix(2), want)
    assert repr(0.5 * qml.Z(0) @ qml.Z(1) - qml.X(2)) == "0.5 * Z(0) @ Z(1) - X(2)"


def test_same_wire_products_follow_pauli_algebra():
    np.testing.assert_allclose((qml.Z(0) @ qml.Z(0)).matrix(1), np.eye(2))
    # (X0 + Y0) @ (X0 - Y0) = 2 i Z0 is not Hermitian
    with pytest.raises(ObservableError, match="not Hermitian"):
        qml.X(0) @ qml.Y(0)
    # X Y + Y X = 0: imaginary parts cancel, Hermitian
    s = qml.X(0) @ qml.Y(1) + qml.Y(0) @ qml.X(1)
    np.testing.assert_allclose(s.matrix(2), np.kron(Xm, Ym) + np.kron(Ym, Xm))


def test_complex_coefficient_rejected():
    with pytest.raises(ObservableError, match="1j"):
        1j * qml.Z(0)


def test_hermitian_validation():
    good = qml.Hermitian(np.array([[1, 2j], [-2j, 0]]), wires=[1])
    assert good.wires == (1,)
    with pytest.raises(ObservableError, match="not Hermitian"):
        qml.Hermitian(np.array([[0, 1], [0, 0]]), wires=0)
    with pytest.raises(ObservableError, match=r"needs a 4x4 matrix, got shape \(2, 2\)"):
        qml.Hermitian(np.eye(2), wires=[0, 1])
    with pytest.raises(ObservableError, match="distinct wires"):
        qml.Hermitian(np.eye(4), wires=[0, 0])


def test_hermitian_dense_respects_wire_order():
    m = np.kron(Zm, Xm)  # Z on first listed wire, X on the second
    obs = qml.Hermitian(m, wires=[2, 0])
    np.testing.assert_allclose(obs.matrix(3), np.kron(np.kron(Xm, np.eye(2)), Zm))


def test_out_of_range_wire_named():
    with pytest.raises(ObservableError, match="wire 5, but the circuit has 2 qubits"):
        (qml.Z(0) @ qml.X(5)).validate(2)
    with pytest.raises(ObservableError, match="non-negative integer wire"):
        qml.Z(-1)
