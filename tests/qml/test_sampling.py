"""Shots: estimates within 5 sigma of the exact values; seeds reproduce samples."""

import pytest
import torch

import qml
from qml.errors import DiffMethodError, ShotsError
from tests.tolerances import shot_bound


def circuit():
    c = qml.Circuit(3)
    x = c.inputs(3)
    w = c.weights("w", (3,))
    for q in range(3):
        c.ry(q, x[q]).rz(q, w[q])
    c.cnot(0, 1).cry(1, 2, w[0] * x[2]).h(0)
    return c


OBS = [
    qml.Z(0),
    qml.X(1) @ qml.Y(2),
    0.7 * qml.Z(1) - 0.3 * qml.X(0) @ qml.X(2),
    qml.Hermitian(torch.tensor([[2.0, 1j], [-1j, -1.0]]), wires=[2]),
]


def variance_of_estimate(exact_layer, x):
    """Variance of one shot's estimate per observable: sum over terms of c^2 Var(term)."""
    out = []
    for obs in OBS:
        total = torch.zeros(x.shape[0], dtype=torch.float64)
        for coeff, term in obs.terms():
            if isinstance(term, qml.PauliWord):
                square = term @ term
            else:
                square = qml.Hermitian(term.matrix_ @ term.matrix_, term.wires)
            sq = qml.QuantumLayer(exact_layer.circuit, [square], dtype=torch.complex128)
            mean = qml.QuantumLayer(exact_layer.circuit, [term], dtype=torch.complex128)
            sq.load_state_dict(exact_layer.state_dict())
            mean.load_state_dict(exact_layer.state_dict())
            var = sq(x)[:, 0] - mean(x)[:, 0] ** 2
            total = total + coeff**2 * var
        out.append(total)
    return torch.stack(out, dim=1)


def test_shot_estimates_within_five_sigma():
    x = torch.rand(6, 3, dtype=torch.float64, generator=torch.Generator().manual_seed(0))
    exact = qml.QuantumLayer(circuit(), OBS, dtype=torch.complex128, seed=1)
    shots = 4000
    noisy = qml.QuantumLayer(circuit(), OBS, dtype=torch.complex128, shots=shots, seed=2)
    noisy.load_state_dict(exact.state_dict())
    want = exact(x).detach()
    got = noisy(x).detach()
    bound = shot_bound(variance_of_estimate(exact, x).detach(), shots)
    assert torch.all((got - want).abs() <= bound), (got - want).abs() / bound
    assert not torch.allclose(got, want)  # it really sampled


def test_same_seed_same_samples():
    x = torch.rand(2, 3)
    a = qml.QuantumLayer(circuit(), OBS, shots=100, seed=11)
    b = qml.QuantumLayer(circuit(), OBS, shots=100, seed=11)
    torch.testing.assert_close(a(x), b(x))
    g1 = torch.Generator().manual_seed(5)
    g2 = torch.Generator().manual_seed(5)
    s1 = a.sample(x, shots=50, generator=g1)
    s2 = a.sample(x, shots=50, generator=g2)
    assert s1.shape == (2, 50, 3) and s1.dtype == torch.int8
    torch.testing.assert_close(s1, s2)
    assert not torch.equal(s1, a.sample(x, shots=50, generator=g1))


def test_sample_frequencies_match_probabilities():
    c = qml.Circuit(2)
    c.ry(0, 1.0).cnot(0, 1)
    layer = qml.QuantumLayer(c, dtype=torch.complex128)
    p = layer.probs()
    bits = layer.sample(shots=20000, generator=torch.Generator().manual_seed(0))
    idx = bits[:, 0].long() * 2 + bits[:, 1].long()
    freq = torch.bincount(idx, minlength=4).double() / 20000
    bound = shot_bound(p * (1 - p), 20000)
    assert torch.all((freq - p).abs() <= bound)
    assert freq[1] == 0 and freq[2] == 0  # CNOT correlates the bits exactly


def test_shots_take_shift_gradients_and_refuse_backprop():
    with pytest.raises(DiffMethodError, match="needs exact expectations, but shots=10"):
        qml.QuantumLayer(circuit(), shots=10, diff_method="backprop")
    layer = qml.QuantumLayer(circuit(), shots=10, seed=0)  # auto: parameter-shift
    layer(torch.rand(2, 3)).sum().backward()
    assert layer.w.grad is not None and torch.isfinite(layer.w.grad).all()


def test_bad_shots_in_sample():
    layer = qml.QuantumLayer(circuit())
    with pytest.raises(ShotsError, match="got 0"):
        layer.sample(torch.rand(3), shots=0)
