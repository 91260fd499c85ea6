"""One conformance suite for every registered backend that is installed.

The suite runs over the registry (``qml.backends.available_backends()``): ``BUILD`` says how to
build each registered prefix, and a registered backend without an entry fails the suite.

The native backend is the reference here (it is itself checked against Qiskit Statevector and
PennyLane default.qubit in tests/qml/test_reference.py): every backend must give the same
expectations (exact: 1e-6; shots: within 5 sigma), the same gradients, and the same training
trajectory of a tiny model.
"""

from dataclasses import dataclass

import pytest
import torch

import qml
from circuits import ansatze, encodings
from qml.backends import available_backends
from qml.errors import BackendError, DiffMethodError
from tests.qml.random_circuits import (
    random_circuit,
    random_inputs,
    random_observables,
    random_weights,
)
from tests.tolerances import shot_bound


@dataclass(frozen=True, kw_only=True)
class Build:
    """How the suite builds the backends of one registered prefix.

    Attributes:
        runs: ``(backend name, diff_method)`` pairs compared with the native backprop.
        shift: the name whose parameter-shift gradients are checked angle by angle.
        amplitudes: whether it runs amplitude embeddings.
    """

    runs: tuple[tuple[str, str], ...]
    shift: str
    amplitudes: bool = True


BUILD = {
    "torch": Build(runs=(("torch", "backprop"), ("torch", "parameter-shift")), shift="torch"),
    "pennylane": Build(
        runs=(
            ("pennylane:default.qubit", "backprop"),
            ("pennylane:default.qubit", "parameter-shift"),
            ("pennylane:lightning.qubit", "parameter-shift"),
            ("pennylane:default.mixed", "parameter-shift"),
        ),
        shift="pennylane:default.qubit",
    ),
    "aer": Build(runs=(("aer", "parameter-shift"), ("aer", "spsa")), shift="aer", amplitudes=False),
}
REGISTERED = [BUILD[prefix] for prefix in available_backends() if prefix in BUILD]
BACKENDS = [run for build in REGISTERED for run in build.runs]
TOL = {"pennylane:default.mixed": 1e-6}


def installed(name: str) -> bool:
    try:
        qml.QuantumLayer(encodings.angle(1), backend=name)
    except BackendError:
        return False
    return True


def test_every_registered_backend_has_a_conformance_entry():
    assert sorted(set(available_backends()) - set(BUILD)) == []


def make(circuit, obs, weights, backend, method, **kw):
    layer = qml.QuantumLayer(
        circuit, obs, backend=backend, diff_method=method, dtype=torch.complex128, **kw
    )
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
    noisy = make(
        c, [qml.Z(0), qml.X(1)], w, "pennylane:default.qubit", "parameter-shift", shots=shots
    )(x).detach()
    bound = shot_bound(1 - exact**2, shots)
    assert torch.all((noisy - exact).abs() <= bound)


def test_parameter_shift_packs_every_shift_into_few_executions():
    c = encodings.angle(3) + ansatze.basic_entangler(3, layers=2)
    layer = qml.QuantumLayer(c, backend="pennylane:default.qubit", diff_method="parameter-shift")
    x = torch.rand(4, 3, requires_grad=True)
    layer.reset_stats()
    layer(x).sum().backward()
    slots = 3 + 6  # encoding angles (per sample) + weights
    assert layer.stats.calls == 2  # one forward, one packed backward
    assert layer.stats.circuits == 4 + 2 * slots * 4  # forward rows + two shifts per slot/sample
    layer.reset_stats()
    layer(x.detach()).sum().backward()  # no input gradient: only the 6 weight angles shift
    assert layer.stats.circuits == 4 + 2 * 6 * 4


SHIFTING = [build.shift for build in REGISTERED]


def _mixed_circuit():
    """Per-sample angles with and without weights (w0 * x0), shared weight angles."""
    c = qml.Circuit(2)
    x = c.inputs(2)
    w = c.weights("w", 3)
    c.ry(0, x[0]).ry(1, x[1]).rz(0, w[0] * x[0]).rx(1, w[1]).cnot(0, 1).rx(0, w[2])
    return c


@pytest.mark.parametrize("backend", SHIFTING)
@pytest.mark.parametrize("x_grad, w_grad", [(False, True), (True, False), (True, True)])
def test_parameter_shift_shifts_exactly_the_angles_asked_for(backend, x_grad, w_grad):
    """Gradients equal backprop's, and only angles that use something requiring grad shift:
    x without grad leaves the pure-input angles alone even beside a w * x angle."""
    if not installed(backend):
        pytest.skip(f"{backend} not installed")
    c = _mixed_circuit()
    obs = [qml.Z(0), qml.X(1)]
    w = {"w": torch.tensor([0.3, -0.8, 1.1], dtype=torch.float64)}
    x = torch.tensor([[0.2, 0.9], [-0.5, 0.4], [1.3, -0.1]], dtype=torch.float64)
    grads = {}
    for name, method in (("ref", "backprop"), ("shift", "parameter-shift")):
        layer = make(c, obs, w, "torch" if name == "ref" else backend, method)
        layer.requires_grad_(w_grad)
        xi = x.clone().requires_grad_(x_grad)
        layer.reset_stats()
        (layer(xi) * torch.tensor([1.0, -2.0], dtype=torch.float64)).sum().backward()
        grads[name] = (xi.grad, layer.w.grad)
        if name == "shift":
            angles = {(False, True): 3, (True, False): 3, (True, True): 5}[(x_grad, w_grad)]
            assert layer.stats.circuits == 3 + 2 * angles * 3
    for got, ref in zip(grads["shift"], grads["ref"], strict=True):
        if ref is None:
            assert got is None
        else:
            torch.testing.assert_close(got, ref, atol=1e-6, rtol=0)


@pytest.mark.parametrize("backend", SHIFTING)
def test_parameter_shift_when_one_side_has_no_angles(backend):
    """Only per-sample angles (every angle uses an input), or only shared ones (no inputs)."""
    if not installed(backend):
        pytest.skip(f"{backend} not installed")
    c = qml.Circuit(2)
    x = c.inputs(2)
    w = c.weights("w", 2)
    c.ry(0, w[0] * x[0]).rx(1, w[1] + x[1]).cnot(0, 1)
    weights = {"w": torch.tensor([0.7, -0.2], dtype=torch.float64)}
    xs = torch.tensor([[0.5, 1.0], [0.1, -0.3]], dtype=torch.float64)
    pairs = (("torch", "backprop"), (backend, "parameter-shift"))
    ref, shift = (make(c, [qml.Z(1)], weights, b, m) for b, m in pairs)
    ref(xs).sum().backward()
    shift(xs).sum().backward()
    torch.testing.assert_close(shift.w.grad, ref.w.grad, atol=1e-6, rtol=0)
    only_w = ansatze.basic_entangler(2, layers=1)
    ref, shift = (make(only_w, [qml.Z(0)], {}, b, m) for b, m in pairs)
    with torch.no_grad():
        shift.theta.copy_(ref.theta)
    ref().sum().backward()
    shift().sum().backward()
    torch.testing.assert_close(shift.theta.grad, ref.theta.grad, atol=1e-6, rtol=0)


@pytest.mark.parametrize("backend", [build.shift for build in REGISTERED if build.amplitudes])
def test_parameter_shift_refuses_amplitudes_it_cannot_differentiate(backend):
    if not installed(backend):
        pytest.skip(f"{backend} not installed")
    c = qml.Circuit(1)
    x = c.inputs(1)
    w = c.weights("w", 2)
    c.amplitude_embedding([w[0], w[1]]).ry(0, w[1] + x[0])
    layer = qml.QuantumLayer(c, [qml.Z(0)], backend=backend, diff_method="parameter-shift")
    with pytest.raises(DiffMethodError, match="amplitude-embedded feature"):
        layer(torch.rand(2, 1)).sum().backward()
    amp = encodings.amplitude(2) + ansatze.basic_entangler(2, layers=1)
    layer = qml.QuantumLayer(amp, [qml.Z(0)], backend=backend, diff_method="parameter-shift")
    with pytest.raises(DiffMethodError, match="amplitude-embedded"):
        layer(torch.rand(2, 4, requires_grad=True) + 0.1).sum().backward()


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
