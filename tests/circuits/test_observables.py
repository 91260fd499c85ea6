"""Observable sets: structure, and expectations against PennyLane ``default.qubit``."""

from __future__ import annotations

import numpy as np
import pennylane as pl
import pytest
import torch

import qml
from circuits import ansatze, encodings, observables
from qml.errors import ObservableError
from qml.sim import reference_plan
from tests.tolerances import atol

ATOL = atol(torch.float64)


def test_one_pauli_per_wire():
    assert [repr(o) for o in observables.z_all(3)] == ["Z(0)", "Z(1)", "Z(2)"]
    assert [repr(o) for o in observables.x_all(2)] == ["X(0)", "X(1)"]
    assert [repr(o) for o in observables.y_all(1)] == ["Y(0)"]


def test_parity_matrix_is_the_sign_of_the_bit_sum():
    n, wires = 3, (0, 2)
    diag = [(-1) ** (((k >> 2) & 1) + (k & 1)) for k in range(2**n)]
    np.testing.assert_allclose(observables.parity(wires).matrix(n), np.diag(diag), atol=0)
    assert repr(observables.parity(1)) == "Z(1)"


@pytest.mark.parametrize("n", [1, 3])
def test_expectations_match_pennylane(n):
    rng = np.random.default_rng(3 + n)
    x, w = rng.uniform(-np.pi, np.pi, size=(2, n)), rng.normal(size=(2, n, 3))
    c = encodings.angle(n) + ansatze.strongly_entangling(n, layers=2)
    obs = (
        observables.x_all(n)
        + observables.y_all(n)
        + observables.z_all(n)
        + [observables.parity(range(n))]
    )
    plan = reference_plan(c)
    state = plan.run(torch.from_numpy(x), {"theta": torch.from_numpy(w)}, dtype=torch.complex128)
    got = plan.expvals(state, obs).numpy()

    @pl.qnode(pl.device("default.qubit", wires=n))
    def ref(sample):
        pl.AngleEmbedding(sample, wires=range(n), rotation="Y")
        pl.StronglyEntanglingLayers(w, wires=range(n))
        parity = pl.Z(0)
        for q in range(1, n):
            parity = parity @ pl.Z(q)
        singles = [p(q) for p in (pl.X, pl.Y, pl.Z) for q in range(n)]
        return [pl.expval(o) for o in singles + [parity]]

    expected = np.array([np.asarray(ref(row)) for row in x])
    np.testing.assert_allclose(got, expected, atol=ATOL, rtol=0)


@pytest.mark.parametrize("make", [observables.x_all, observables.y_all, observables.z_all])
@pytest.mark.parametrize("n", [0, -2, 1.0, True])
def test_bad_wire_count_raises(make, n):
    with pytest.raises(ObservableError, match=f"got {n!r}"):
        make(n)


@pytest.mark.parametrize(
    ("wires", "match"), [([], r"got \[\]"), ([0, 1, 0], r"\(0, 1, 0\)"), ([0, -1], "-1")]
)
def test_bad_parity_wires_raise(wires, match):
    with pytest.raises(ObservableError, match=match):
        observables.parity(wires)


def test_results_are_qml_observables():
    assert all(isinstance(o, qml.Observable) for o in observables.z_all(2))
    assert isinstance(observables.parity([0, 1]), qml.Observable)
