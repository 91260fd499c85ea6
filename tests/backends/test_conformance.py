"""One conformance suite for every registered backend that is installed.

The native backend is the reference here (it is itself checked against Qiskit Statevector and
PennyLane default.qubit in tests/qml/test_reference.py): every backend must give the same
expectations (exact: 1e-6; shots: within 5 sigma), the same gradients, and the same training
trajectory of a tiny model.
"""

import pytest
import torch

import qml
from circuits import ansatze, encodings
from qml.errors import BackendError, DiffMethodError
from tests.qml.random_circuits import (
    random_circuit,
    random_inputs,
    random_observables,
    random_weights,
)
from tests.tolerances import shot_bound

BACKENDS = [
    ("torch", "backprop"),
    ("torch", "parameter-shift"),
    ("pennylane:default.qubit", "backprop"),
    ("pennylane:default.qubit", "parameter-shift"),
    ("pennylane:lightning.qubit", "parameter-shift"),
    ("pennylane:default.mixed", "parameter-shift"),
    ("aer", "parameter-shift"),
    ("aer", "spsa"),
]
TOL = {"pennylane:default.mixed": 1e-6}


def installed(name: str) -> bool:
    try:
        qml.QuantumLayer(encodings.angle(1), backend=name)
    except BackendError:
        return False
    return True


def make(circuit, obs, weights, backend, method, **kw):
    layer = qml.QuantumLayer(circuit, obs, backend=backend, diff_method=method,
                             dtype=torch.complex128, **kw)  # fmt: skip
    with torch.no_grad():
        for k, v in weights.items():
            getattr(layer, k).copy_(torch.as_tensor(v))
    return layer


DETERMINISTIC = [b for b in BACKENDS if b[1] != "spsa"]


@pytest.mark.parametrize(("backend", "method"), DETERMINISTIC)
@pytest.mark.parametrize("seed", [0, 1])
def test_same_expectations_and_gradients(backend, method, seed):
    if not installed(backend):
        pytest.skip(f"{backend} not installed")
    n = 2 + seed
    c = random_circuit(n, seed=seed + 40)
    obs = random_observables(n, seed=seed)
    x = torch.tensor(random_inputs(c, 2, seed=seed))
    w = random_weights(c, seed=seed)
    g = torch.randn(2, len(obs), dtype=torch.float64, generator=torch.Generator().manual_seed(seed))
    results = []
    for name, m in (("torch", "backprop"), (backend, method)):
        layer = make(c, obs, w, name, m)
        xi = x.clone().requires_grad_(True)
        out = layer(xi)
        (out * g).sum().backward()
        results.append((out.detach(), xi.grad, {k: getattr(layer, k).grad for k in w}))
    tol = TOL.get(backend, 1e-6)
    (ref_out, ref_dx, ref_dw), (out, dx, dw) = results
    torch.testing.assert_close(out, ref_out, atol=tol, rtol=0)
    torch.testing.assert_close(dx, ref_dx, atol=tol, rtol=0)
    for k in w:
        torch.testing.assert_close(dw[k], ref_dw[k], atol=tol, rtol=0)


@pytest.mark.parametrize(("backend", "method"), DETERMINISTIC)
def test_same_training_trajectory(backend, method):
    if not installed(backend):
        pytest.skip(f"{backend} not installed")
    c = encodings.angle(2) + ansatze.strongly_entangling(2, layers=1)
    x = torch.tensor([[0.1, 0.5], [0.9, -0.3], [0.4, 0.2]], dtype=torch.float64)
    y = torch.tensor([[0.5, -0.5], [-0.2, 0.3], [0.0, 0.1]], dtype=torch.float64)
    w = {"theta": torch.linspace(0.2, 2.0, 6, dtype=torch.float64).reshape(1, 2, 3)}
    trajectories = []
    for name, m in (("torch", "backprop"), (backend, method)):
        layer = make(c, [qml.Z(0), qml.Z(1)], w, name, m)
        opt = torch.optim.Adam(layer.parameters(), lr=0.1)
        losses = []
        for _ in range(4):
            opt.zero_grad()
            loss = ((layer(x) - y) ** 2).mean()
            loss.backward()
            opt.step()
            losses.append(loss.item())
        trajectories.append(torch.tensor(losses))
    torch.testing.assert_close(
        trajectories[1], trajectories[0], atol=TOL.get(backend, 1e-6), rtol=0
    )


def test_shots_within_five_sigma_on_pennylane():
    c = encodings.angle(2) + ansatze.basic_entangler(2, layers=1)
    w = {"theta": torch.tensor([[0.3, 1.1]], dtype=torch.float64)}
    x = torch.tensor([[0.4, -0.9]], dtype=torch.float64)
    exact = make(c, [qml.Z(0), qml.X(1)], w, "torch", "backprop")(x).detach()
    shots = 5000
    noisy = make(c, [qml.Z(0), qml.X(1)], w, "pennylane:default.qubit", "parameter-shift",
                 shots=shots)(x).detach()  # fmt: skip
    bound = shot_bound(1 - exact**2, shots)
    assert torch.all((noisy - exact).abs() <= bound)


def test_parameter_shift_packs_every_shift_into_few_executions():
    c = encodings.angle(3) + ansatze.basic_entangler(3, layers=2)
    layer = qml.QuantumLayer(c, backend="pennylane:default.qubit", diff_method="parameter-shift")
    x = torch.rand(4, 3, requires_grad=True)
    layer.stats.reset()
    layer(x).sum().backward()
    slots = 3 + 6  # encoding angles (per sample) + weights
    assert layer.stats.calls == 2  # one forward, one packed backward
    assert layer.stats.circuits == 4 + 2 * slots * 4  # forward rows + two shifts per slot/sample
    layer.stats.reset()
    layer(x.detach()).sum().backward()  # no input gradient: only the 6 weight angles shift
    assert layer.stats.circuits == 4 + 2 * 6 * 4


def test_bad_backends_raise_at_construction():
    c = encodings.angle(2)
    with pytest.raises(BackendError, match="unknown backend 'nope'; available: .*pennylane.*torch"):
        qml.QuantumLayer(c, backend="nope")
    with pytest.raises(BackendError, match="'no.such.device'"):
        qml.QuantumLayer(c, backend="pennylane:no.such.device")
    with pytest.raises(BackendError, match="'pennylane:<device>'"):
        qml.QuantumLayer(c, backend="pennylane")
    with pytest.raises(DiffMethodError, match="'backprop' is not available on backend"):
        qml.QuantumLayer(c, backend="pennylane:lightning.qubit", diff_method="backprop")
