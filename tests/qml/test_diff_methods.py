"""Gradient methods agree: backprop, adjoint and exact parameter-shift to 1e-6 (complex128);
SPSA is unbiased within its statistical bound; shot-based parameter-shift within its own."""

import pytest
import torch

import qml
from circuits import ansatze, encodings
from qml.errors import DiffMethodError
from tests.qml.random_circuits import (
    random_circuit,
    random_inputs,
    random_observables,
    random_weights,
)
from tests.tolerances import shot_bound

METHODS = ("backprop", "adjoint", "parameter-shift")


def gradients(circuit, obs, x, weights, cotangent, method, **kw):
    """(outputs, d/dx, {name: d/dweight}) of sum(cotangent * layer(x))."""
    layer = qml.QuantumLayer(circuit, obs, dtype=torch.complex128, diff_method=method, **kw)
    with torch.no_grad():
        for k, v in weights.items():
            getattr(layer, k).copy_(torch.as_tensor(v))
    xi = x.clone().requires_grad_(True)
    out = layer(xi)
    (out * cotangent).sum().backward()
    return out.detach(), xi.grad, {k: getattr(layer, k).grad for k in weights}


@pytest.mark.parametrize("n", [1, 2, 3, 5])
@pytest.mark.parametrize("seed", [0, 1])
def test_adjoint_shift_backprop_agree(n, seed):
    c = random_circuit(n, seed=seed + 7 * n)
    obs = random_observables(n, seed=seed)
    x = torch.tensor(random_inputs(c, 3, seed=seed))
    w = random_weights(c, seed=seed)
    g = torch.randn(3, len(obs), dtype=torch.float64, generator=torch.Generator().manual_seed(n))
    ref = gradients(c, obs, x, w, g, "backprop")
    for method in ("adjoint", "parameter-shift"):
        out, dx, dw = gradients(c, obs, x, w, g, method)
        torch.testing.assert_close(out, ref[0], atol=1e-10, rtol=0)
        torch.testing.assert_close(dx, ref[1], atol=1e-6, rtol=0)
        for k in w:
            torch.testing.assert_close(dw[k], ref[2][k], atol=1e-6, rtol=0, msg=f"{method} {k}")


def test_adjoint_through_amplitude_embedding_and_diagonals():
    c = encodings.amplitude(3) + ansatze.strongly_entangling(3, layers=2)
    c.rzz(0, 2, 0.4).cphase(1, 0, 0.2)
    x = torch.rand(4, 8, dtype=torch.float64) + 0.1
    w = {"theta": torch.rand(2, 3, 3, dtype=torch.float64)}
    obs = [qml.Z(0), qml.X(1) @ qml.Y(2)]
    g = torch.ones(4, 2, dtype=torch.float64)
    ref = gradients(c, obs, x, w, g, "backprop")
    adj = gradients(c, obs, x, w, g, "adjoint")
    torch.testing.assert_close(adj[1], ref[1], atol=1e-8, rtol=0)
    torch.testing.assert_close(adj[2]["theta"], ref[2]["theta"], atol=1e-8, rtol=0)
    with pytest.raises(DiffMethodError, match="amplitude-embedded inputs"):
        gradients(c, obs, x, w, g, "parameter-shift")


def test_parameter_shift_shifts_only_what_asks_for_a_gradient():
    """Inputs without requires_grad, or frozen weights: their angles are not shifted, and the
    gradients that are asked for still equal backprop's (amplitude-embedded inputs too)."""
    c = encodings.amplitude(3) + ansatze.strongly_entangling(3, layers=1)
    obs = [qml.Z(0), qml.X(1)]
    x = torch.rand(2, 8, dtype=torch.float64) + 0.1
    layers = {
        m: qml.QuantumLayer(c, obs, dtype=torch.complex128, diff_method=m, seed=3)
        for m in ("backprop", "parameter-shift")
    }
    for layer in layers.values():
        layer(x).sum().backward()  # x asks no gradient: no rule needed for the amplitudes
    torch.testing.assert_close(
        layers["parameter-shift"].theta.grad, layers["backprop"].theta.grad, atol=1e-8, rtol=0
    )
    c2 = encodings.angle(3) + ansatze.basic_entangler(3, layers=2)
    grads = {}
    for m in ("backprop", "parameter-shift"):
        layer = qml.QuantumLayer(c2, obs, dtype=torch.complex128, diff_method=m, seed=3)
        layer.requires_grad_(False)  # frozen weights
        xi = torch.rand(4, 3, dtype=torch.float64, generator=torch.Generator().manual_seed(1))
        xi.requires_grad_(True)
        layer(xi).sum().backward()
        grads[m] = xi.grad
        if m == "parameter-shift":
            assert layer.stats.circuits == 4 + 2 * 3 * 4  # forward + the 3 input angles
    torch.testing.assert_close(grads["parameter-shift"], grads["backprop"], atol=1e-8, rtol=0)


def test_spsa_is_unbiased():
    c = encodings.angle(2) + ansatze.strongly_entangling(2, layers=1)
    obs = [qml.Z(0), qml.Z(1)]
    x = torch.tensor([[0.3, -0.7]], dtype=torch.float64)
    w = {"theta": torch.linspace(0.1, 1.7, 6, dtype=torch.float64).reshape(1, 2, 3)}
    g = torch.tensor([[1.0, -0.5]], dtype=torch.float64)
    exact = gradients(c, obs, x, w, g, "backprop")[2]["theta"]
    samples = []
    layer = qml.QuantumLayer(c, obs, dtype=torch.complex128, diff_method="spsa", seed=0)
    with torch.no_grad():
        layer.theta.copy_(w["theta"])
    for _ in range(2000):
        layer.zero_grad()
        (layer(x) * g).sum().backward()
        samples.append(layer.theta.grad.clone())
    est = torch.stack(samples)
    mean, var = est.mean(0), est.var(0)
    bound = shot_bound(var, len(samples)) + 1e-3  # statistical bound plus the O(c^2) bias
    assert torch.all((mean - exact).abs() <= bound), (mean - exact).abs() / bound
    assert var.max() > 0  # really stochastic


def test_parameter_shift_with_shots_within_statistical_bound():
    c = encodings.angle(2) + ansatze.basic_entangler(2, layers=1)
    obs = [qml.Z(0)]
    x = torch.tensor([[0.4, 1.1]], dtype=torch.float64)
    w = {"theta": torch.tensor([[0.3, -0.8]], dtype=torch.float64)}
    g = torch.ones(1, 1, dtype=torch.float64)
    exact = gradients(c, obs, x, w, g, "backprop")[2]["theta"]
    shots = 20000
    got = gradients(c, obs, x, w, g, "parameter-shift", shots=shots, seed=3)[2]["theta"]
    # each shifted expectation has variance <= 1; the gradient is (f+ - f-) / 2
    bound = shot_bound(torch.tensor(0.5), shots)
    assert torch.all((got - exact).abs() <= bound), (got - exact).abs() / bound
    assert not torch.allclose(got, exact, atol=1e-9)


@pytest.mark.parametrize("method", METHODS + ("spsa", "auto"))
def test_every_method_trains(method):
    torch.manual_seed(0)
    c = encodings.angle(3) + ansatze.basic_entangler(3, layers=2)
    layer = qml.QuantumLayer(c, diff_method=method, seed=1)
    x = torch.rand(8, 3)
    target = torch.full((8, 3), -0.5)
    opt = torch.optim.Adam(layer.parameters(), lr=0.1)
    losses = []
    for _ in range(25):
        opt.zero_grad()
        loss = ((layer(x) - target) ** 2).mean()
        loss.backward()
        opt.step()
        losses.append(loss.item())
    assert losses[-1] < 0.7 * losses[0]


def test_adjoint_refuses_shots():
    with pytest.raises(DiffMethodError, match="'adjoint' needs exact expectations"):
        qml.QuantumLayer(encodings.angle(2), diff_method="adjoint", shots=100)


def test_adjoint_through_windowed_and_sliced_permutations(monkeypatch):
    from qml.sim import compiled

    monkeypatch.setattr(compiled, "GLOBAL_PERM_MAX_QUBITS", 2)
    monkeypatch.setattr(compiled, "PERM_WINDOW_QUBITS", 2)
    c = random_circuit(5, seed=11)
    obs = random_observables(5, seed=11)
    x = torch.tensor(random_inputs(c, 2, seed=11))
    w = random_weights(c, seed=11)
    g = torch.ones(2, len(obs), dtype=torch.float64)
    ref = gradients(c, obs, x, w, g, "backprop")
    adj = gradients(c, obs, x, w, g, "adjoint")
    torch.testing.assert_close(adj[1], ref[1], atol=1e-8, rtol=0)
    for k in w:
        torch.testing.assert_close(adj[2][k], ref[2][k], atol=1e-8, rtol=0)


def test_adjoint_with_half_register_measurement(monkeypatch):
    from qml.sim import observe

    monkeypatch.setattr(observe, "FULL_TABLE_MAX_QUBITS", 3)
    c = random_circuit(7, seed=12)
    obs = [qml.Z(0), qml.Z(6) - 0.5, qml.Z(1) @ qml.Z(5), qml.X(3) @ qml.Z(4)]
    x = torch.tensor(random_inputs(c, 2, seed=12))
    w = random_weights(c, seed=12)
    g = torch.randn(2, len(obs), dtype=torch.float64, generator=torch.Generator().manual_seed(0))
    ref = gradients(c, obs, x, w, g, "backprop")
    adj = gradients(c, obs, x, w, g, "adjoint")
    torch.testing.assert_close(adj[0], ref[0], atol=1e-10, rtol=0)
    torch.testing.assert_close(adj[1], ref[1], atol=1e-8, rtol=0)
    for k in w:
        torch.testing.assert_close(adj[2][k], ref[2][k], atol=1e-8, rtol=0)


def test_adjoint_with_large_register_strategies(monkeypatch):
    from qml.sim import compiled

    monkeypatch.setattr(compiled, "LARGE_REGISTER_QUBITS", 5)
    monkeypatch.setattr(compiled, "GLOBAL_PERM_MAX_QUBITS", 2)
    monkeypatch.setattr(compiled, "PERM_WINDOW_QUBITS", 3)
    n = 7
    c = encodings.angle(n, name="a") + ansatze.strongly_entangling(n, layers=2, name="phi")
    c = c + random_circuit(n, seed=2)
    obs = random_observables(n, seed=2)
    x = torch.tensor(random_inputs(c, 2, seed=2))
    w = random_weights(c, seed=2)
    w["phi"] = torch.rand(2, n, 3, dtype=torch.float64, generator=torch.Generator().manual_seed(2))
    g = torch.randn(2, len(obs), dtype=torch.float64, generator=torch.Generator().manual_seed(3))
    ref = gradients(c, obs, x, w, g, "backprop")
    adj = gradients(c, obs, x, w, g, "adjoint")
    torch.testing.assert_close(adj[1], ref[1], atol=1e-8, rtol=0)
    for k in w:
        torch.testing.assert_close(adj[2][k], ref[2][k], atol=1e-8, rtol=0)
