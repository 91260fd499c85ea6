"""CUDA: the native simulator on a GPU agrees with the CPU (marker ``gpu``; skipped without one).

The CPU results are themselves checked against Qiskit and PennyLane in ``test_reference.py``;
here the CPU path is the reference for the device path.
"""

import pytest
import torch

import qml
from circuits import ansatze, encodings
from tests.qml.random_circuits import (
    random_circuit,
    random_inputs,
    random_observables,
    random_weights,
)
from tests.tolerances import atol

pytestmark = pytest.mark.gpu


def run_layer(circuit, observables, x, weights, *, dtype, device):
    layer = qml.QuantumLayer(circuit, observables, dtype=dtype).to(device)
    real = torch.float64 if dtype == torch.complex128 else torch.float32
    with torch.no_grad():
        for name, value in weights.items():
            getattr(layer, name).copy_(torch.as_tensor(value, dtype=real))
    xt = torch.as_tensor(x, dtype=real, device=device).requires_grad_(True)
    out = layer(xt)
    out.sum().backward()
    grads = {name: getattr(layer, name).grad.cpu() for name in weights}
    return out.detach().cpu(), xt.grad.cpu(), grads


@pytest.mark.parametrize("dtype", [torch.complex64, torch.complex128])
@pytest.mark.parametrize("n", [1, 3, 6, 10])
@pytest.mark.parametrize("batch", [1, 16])
def test_random_circuits_cuda_matches_cpu(n, batch, dtype):
    c = random_circuit(n, seed=n)
    obs = random_observables(n, seed=n)
    x = random_inputs(c, batch, seed=n)
    w = random_weights(c, seed=n)
    cpu = run_layer(c, obs, x, w, dtype=dtype, device="cpu")
    gpu = run_layer(c, obs, x, w, dtype=dtype, device="cuda")
    tol = atol(dtype) * (10 if dtype == torch.complex64 else 1)
    torch.testing.assert_close(gpu[0], cpu[0], atol=tol, rtol=0)
    torch.testing.assert_close(gpu[1], cpu[1], atol=tol * 10, rtol=0)
    for name in w:
        torch.testing.assert_close(gpu[2][name], cpu[2][name], atol=tol * 10, rtol=0)


def test_templates_and_amplitude_embedding_on_cuda():
    c = encodings.amplitude(3) + ansatze.strongly_entangling(3, layers=2)
    layer = qml.QuantumLayer(c, dtype=torch.complex128, seed=0)
    x = torch.rand(8, 8, dtype=torch.float64)
    cpu = layer(x)
    layer.cuda()
    torch.testing.assert_close(layer(x.cuda()).cpu(), cpu, atol=atol(torch.complex128), rtol=0)


def test_sampling_on_cuda_reproduces_cpu_samples():
    c = encodings.angle(3) + ansatze.basic_entangler(3, layers=1)
    layer = qml.QuantumLayer(c, dtype=torch.complex128, seed=1)
    x = torch.rand(4, 3, dtype=torch.float64)
    cpu = layer.sample(x, shots=64, generator=torch.Generator().manual_seed(3))
    layer.cuda()
    gpu = layer.sample(x.cuda(), shots=64, generator=torch.Generator().manual_seed(3))
    assert gpu.device.type == "cuda"
    torch.testing.assert_close(gpu.cpu(), cpu)


def test_training_step_on_cuda():
    c = encodings.angle(4) + ansatze.strongly_entangling(4, layers=2)
    quantum = qml.QuantumLayer(c, seed=0)
    model = torch.nn.Sequential(torch.nn.Linear(2, 4), quantum, torch.nn.Linear(4, 1)).cuda()
    opt = torch.optim.Adam(model.parameters(), lr=0.05)
    x = torch.rand(64, 2, device="cuda")
    y = torch.sin(3 * x[:, :1])
    first = None
    for _ in range(20):
        opt.zero_grad()
        loss = ((model(x) - y) ** 2).mean()
        loss.backward()
        opt.step()
        first = first if first is not None else loss.item()
    assert loss.item() < first
