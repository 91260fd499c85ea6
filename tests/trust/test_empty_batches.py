"""An empty batch ``(0, F)`` gives an empty result on every backend, like PyTorch's own layers.

The engine is never called (an empty PUB crashes Aer's EstimatorV2, and the simulators cannot
reshape a tensor of 0 elements): the output is ``(0, n_observables)`` and backward gives an empty
input gradient and zero weight gradients (what ``nn.Linear`` gives).
"""

import pytest
import torch
from torch import nn

import qml

BACKENDS = [
    ("torch", None, "backprop"),
    ("torch", None, "adjoint"),
    ("torch", None, "parameter-shift"),
    ("torch", None, "spsa"),
    ("torch", 100, "parameter-shift"),
    ("pennylane:default.qubit", None, "auto"),
    ("pennylane:default.qubit", None, "parameter-shift"),
    ("pennylane:default.qubit", 100, "parameter-shift"),
    ("aer", None, "parameter-shift"),
    ("aer", 100, "parameter-shift"),
]


def circuit(n=3):
    c = qml.Circuit(n)
    x = c.inputs(n)
    w = c.weights("theta", (2, n))
    for q in range(n):
        c.ry(q, x[q])
        c.rz(q, w[0, q] * x[q])
    c.cnot(0, 1).cnot(1, 2)
    for q in range(n):
        c.rx(q, w[1, q])
    return c


@pytest.mark.parametrize(("backend", "shots", "method"), BACKENDS)
def test_empty_batch_gives_empty_output_and_gradients(backend, shots, method):
    obs = [qml.Z(0), qml.X(1) @ qml.Z(2)]
    layer = qml.QuantumLayer(
        circuit(), obs, backend=backend, shots=shots, diff_method=method, seed=0
    )
    x = torch.zeros(0, 3, requires_grad=True)
    out = layer(x)
    assert out.shape == (0, 2)
    assert out.dtype == torch.float32
    out.sum().backward()
    assert x.grad is not None and x.grad.shape == (0, 3)
    assert layer.theta.grad is not None
    assert torch.equal(layer.theta.grad, torch.zeros(2, 3))
    assert layer.stats.calls == 0 and layer.stats.circuits == 0 and layer.stats.shots == 0


def test_empty_batch_matches_nn_linear_inside_a_model():
    """A hybrid model on an empty batch behaves as the same model with nn.Linear in its place."""
    torch.manual_seed(0)
    model = nn.Sequential(nn.Linear(4, 3), qml.QuantumLayer(circuit(), seed=1), nn.Linear(3, 1))
    x = torch.zeros(0, 4)
    out = model(x)
    assert out.shape == (0, 1)
    out.sum().backward()
    for p in model.parameters():
        assert p.grad is not None and torch.equal(p.grad, torch.zeros_like(p))
    ref = nn.Linear(4, 1)
    ref(x).sum().backward()
    assert torch.equal(ref.weight.grad, torch.zeros_like(ref.weight))


def test_empty_batch_in_double_precision():
    layer = qml.QuantumLayer(circuit(), seed=0).double()
    assert layer(torch.zeros(0, 3, dtype=torch.float64)).dtype == torch.float64


def test_empty_probs_and_samples():
    layer = qml.QuantumLayer(circuit(), seed=0)
    assert layer.probs(torch.zeros(0, 3)).shape == (0, 8)
    assert layer.probs(torch.zeros(0, 3), wires=[2, 0]).shape == (0, 4)
    bits = layer.sample(torch.zeros(0, 3), shots=5, wires=[1])
    assert bits.shape == (0, 5, 1) and bits.dtype == torch.int8


def test_a_nonempty_batch_after_an_empty_one_is_unchanged():
    """The empty call leaves no trace: the next batch gives what a fresh layer gives."""
    a = qml.QuantumLayer(circuit(), seed=4)
    b = qml.QuantumLayer(circuit(), seed=4)
    a(torch.zeros(0, 3))
    x = torch.rand(5, 3, generator=torch.Generator().manual_seed(0))
    torch.testing.assert_close(a(x), b(x), rtol=0, atol=0)
