"""Qiskit Aer: one execution per forward, bounded executions per shift step, fake-backend noise,
SPSA descent, and the GPU variant's probe and CPU fallback."""

import warnings

import pytest
import torch

import qml
from circuits import ansatze, encodings
from qml.backends import get_backend
from qml.errors import BackendError
from tests.tolerances import shot_bound


def layer(circuit, **kw):
    return qml.QuantumLayer(circuit, dtype=torch.complex128, seed=0, **kw)


def test_one_execution_per_forward_and_bounded_shift_steps():
    c = encodings.angle(3) + ansatze.basic_entangler(3, layers=2)
    aer = layer(c, backend="aer", diff_method="parameter-shift")
    x = torch.rand(8, 3, dtype=torch.float64)
    with torch.no_grad():
        aer(x)
    assert (aer.stats.calls, aer.stats.circuits) == (1, 8)
    aer.reset_stats()
    aer(x).sum().backward()
    assert aer.stats.calls == 2  # the forward, then every shifted circuit in one execution
    assert aer.stats.circuits == 8 + 2 * 6 * 8  # the 6 weight angles: x asks no gradient
    aer.reset_stats()
    aer(x.requires_grad_()).sum().backward()
    assert aer.stats.calls == 2
    assert aer.stats.circuits == 8 + 2 * (3 + 6) * 8  # input angles shifted too


def test_noise_shrinks_z_of_a_deep_identity():
    c = qml.Circuit(2)
    w = c.weights("w", (1,))
    for _ in range(10):  # at w = 0 the identity, which the transpiler cannot see: 20 noisy CNOTs
        c.cnot(0, 1).rz(1, w[0]).cnot(0, 1)
    obs = [qml.Z(0), qml.Z(1)]
    exact = layer(c, observables=obs, backend="aer", init="zeros")()
    noisy_backend = get_backend("aer", noise="fake_manila")
    noisy = layer(c, observables=obs, backend=noisy_backend, init="zeros")()
    torch.testing.assert_close(exact, torch.ones(2, dtype=torch.float64))
    assert torch.all(noisy < 0.999) and torch.all(noisy > 0.5), noisy


def test_spsa_descends_on_aer():
    c = encodings.angle(2) + ansatze.basic_entangler(2, layers=1)
    model = layer(c, backend="aer", diff_method="spsa")
    x = torch.tensor([[0.2, 0.4]], dtype=torch.float64)
    target = torch.tensor([[-1.0, -1.0]], dtype=torch.float64)
    opt = torch.optim.SGD(model.parameters(), lr=0.2)
    losses = []
    for _ in range(40):
        opt.zero_grad()
        loss = ((model(x) - target) ** 2).mean()
        loss.backward()
        opt.step()
        losses.append(loss.item())
    assert sum(losses[-5:]) / 5 < 0.6 * losses[0]


def test_bad_aer_configurations():
    with pytest.raises(
        BackendError, match="unknown noise backend 'fake_nowhere'; known: .*fake_fez"
    ):
        get_backend("aer", noise="fake_nowhere")
    with pytest.raises(BackendError, match="'aer:tpu'"):
        get_backend("aer:tpu")
    with pytest.raises(BackendError, match="does not take options"):
        get_backend("aer", colour="blue")
    with pytest.raises(qml.errors.CircuitError, match="13 qubits; backend 'aer' allows 12"):  # noqa: E501
        qml.QuantumLayer(encodings.angle(13), backend=get_backend("aer", noise="fake_manila"))


def test_gpu_variant_falls_back_or_raises_when_strict():
    from qml.backends import aer_backend

    if aer_backend._gpu_usable():
        pytest.skip("a usable Aer GPU is present")
    with pytest.warns(RuntimeWarning, match="no usable GPU.*falling back to the CPU"):
        backend = get_backend("aer:gpu")
    assert not backend.gpu
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        out = qml.QuantumLayer(encodings.angle(1), backend=backend, init="zeros")(torch.zeros(1))
    torch.testing.assert_close(out, torch.ones(1))
    with pytest.raises(BackendError, match="no usable GPU"):
        get_backend("aer:gpu", strict=True)


@pytest.mark.gpu
def test_gpu_variant_runs_on_a_gpu():
    from qml.backends import aer_backend

    if not aer_backend._gpu_usable():
        pytest.skip("qiskit-aer-gpu is not installed")
    backend = get_backend("aer:gpu", strict=True)
    assert backend.gpu
    c = encodings.angle(3) + ansatze.basic_entangler(3, layers=1)
    ref = layer(c)
    gpu = layer(c, backend=backend)
    gpu.load_state_dict(ref.state_dict())
    x = torch.rand(4, 3, dtype=torch.float64)
    torch.testing.assert_close(gpu(x), ref(x), atol=1e-6, rtol=0)


def test_shots_estimates_and_shift_gradients_within_statistical_bounds():
    c = encodings.angle(2) + ansatze.basic_entangler(2, layers=1)
    obs = [qml.Z(0), qml.X(1), 0.5 * qml.Y(0) @ qml.Z(1) - 0.2]
    x = torch.tensor([[0.4, -0.9], [1.2, 0.3]], dtype=torch.float64)
    exact = layer(c, observables=obs, diff_method="parameter-shift")
    exact(x).sum().backward()
    shots = 20000
    noisy = layer(c, observables=obs, backend="aer", shots=shots, diff_method="parameter-shift")
    noisy.load_state_dict(exact.state_dict())
    out = noisy(x)
    out.sum().backward()
    with torch.no_grad():
        ref = exact(x)
    # each Pauli term's single-shot variance is at most 1; coefficients scale it
    bound = shot_bound(torch.tensor([1.0, 1.0, 0.25]), shots)
    assert torch.all((out.detach() - ref).abs() <= bound)
    # a gradient entry sums over 2 samples x 3 observables x 2 shifts of (coeff/2)-weighted terms
    grad_bound = shot_bound(torch.tensor(2 * 2 * (0.25 + 0.25 + 0.0625)), shots)
    assert torch.all((noisy.theta.grad - exact.theta.grad).abs() <= grad_bound)
    assert noisy.stats.calls == 2  # one forward run, one run for every shifted circuit
    again = layer(c, observables=obs, backend="aer", shots=shots)
    again.load_state_dict(exact.state_dict())
    with torch.no_grad():
        torch.testing.assert_close(again(x), out.detach())  # same seed, same samples
