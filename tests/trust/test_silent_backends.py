"""No silent wrong results on the shot-based backends.

- Every shot-based backend measures each qubit-wise commuting group once, and ``layer.stats``
  counts what ran: circuits and shots per training step equal ``qml.estimate``'s executions
  and total shots on torch, ``pennylane:default.qubit`` and ``aer``.
- The grouped estimates are right (within 5 sigma of the exact values) on every backend.
- ``pennylane:<device>`` uses the layer's seed for its shots; Aer takes ``ibm_<name>`` noise
  names and a custom ``NoiseModel``.
"""

from __future__ import annotations

import math

import numpy as np
import pytest
import torch

import qml
from qml.measurement_groups import measurement_groups
from tests.estimator.calibrations import FIXED  # the estimator measures nothing here

BACKENDS = ["torch", "pennylane:default.qubit", "aer"]
HERMITIAN = np.array([[0.5, 1.0 - 0.5j], [1.0 + 0.5j, -1.5]])

OBSERVABLE_SETS = {
    "z_every_wire": [qml.Z(0), qml.Z(1), qml.Z(2)],
    "z_and_x": [qml.Z(0), qml.X(1), qml.Z(2), qml.X(0) @ qml.X(1)],
    "non_commuting_sum": [0.7 * qml.X(0) - 0.4 * qml.Z(0) + 0.2 * qml.Y(1) @ qml.Z(2) + 0.3],
    "hermitian": [qml.Hermitian(HERMITIAN, 1), qml.Z(0)],
}


def _circuit() -> qml.Circuit:
    c = qml.Circuit(3)
    x = c.inputs(3)
    w = c.weights("w", (2, 3))
    for q in range(3):
        c.ry(q, x[q])
    for layer in range(2):
        for q in range(3):
            c.rx(q, w[layer, q])
        c.cnot(0, 1).cnot(1, 2)
    c.crz(0, 2, w[0, 0] * x[1])
    return c


def _layer(backend: str, observables, *, shots: int | None, seed: int = 0) -> qml.QuantumLayer:
    layer = qml.QuantumLayer(
        _circuit(),
        observables,
        backend=backend,
        shots=shots,
        seed=seed,
        dtype=torch.complex128,
        diff_method="parameter-shift" if shots else "auto",
    )
    with torch.no_grad():
        for p in layer.parameters():
            p.copy_(torch.linspace(-1.1, 0.9, p.numel(), dtype=p.dtype).reshape(p.shape))
    return layer


def _inputs(batch: int) -> torch.Tensor:
    return torch.rand(batch, 3, dtype=torch.float64, generator=torch.Generator().manual_seed(3))


@pytest.mark.parametrize("name", list(OBSERVABLE_SETS))
@pytest.mark.parametrize("backend", BACKENDS)
def test_circuits_and_shots_per_step_match_the_estimator(backend, name):
    observables = OBSERVABLE_SETS[name]
    batch, shots = 2, 16
    layer = _layer(backend, observables, shots=shots)
    layer(_inputs(batch)).sum().backward()  # one training step: forward + shift backward
    workload = qml.Workload(samples=batch, batch=batch, epochs=1, shots=shots)
    est = qml.estimate(layer, target="ibm_fez", workload=workload, gpu=False, **FIXED)
    assert layer.stats.circuits == est.executions
    assert layer.stats.shots == est.total_shots == est.executions * shots
    # and the groups are really shared: Z on every wire is one measured circuit per row
    groups = len(measurement_groups(observables))
    assert layer.stats.circuits % (batch * groups) == 0
    if name == "z_every_wire":
        assert groups == 1


def _five_sigma(observables, shots: int) -> torch.Tensor:
    """Per observable: 5 x the standard error bound of a grouped estimate, from the group's
    coefficients (|sum of terms| <= sum |c_t| * ||t||, so Var <= (sum |c_t| * ||t||)**2)."""
    bound = torch.zeros(len(observables), dtype=torch.float64)
    for group in measurement_groups(observables).groups:
        norm = float(np.abs(group.eigvals).max()) if group.eigvals is not None else 1.0
        per_obs: dict[int, float] = {}
        for ref in group.terms:
            per_obs[ref.observable] = per_obs.get(ref.observable, 0.0) + abs(ref.coeff) * norm
        for k, scale in per_obs.items():
            bound[k] += scale**2 / shots
    return 5 * bound.sqrt()


@pytest.mark.parametrize("backend", BACKENDS)
def test_grouped_estimates_are_within_five_sigma_of_the_exact_values(backend):
    observables = [o for group in OBSERVABLE_SETS.values() for o in group]
    shots = 3000
    x = _inputs(4)
    exact = _layer("torch", observables, shots=None)(x).detach()
    estimate = _layer(backend, observables, shots=shots, seed=5)(x).detach()
    assert torch.all((estimate - exact).abs() <= _five_sigma(observables, shots))
    # the estimate is really sampled (not the exact value in disguise)
    assert float((estimate - exact).abs().max()) > 0


def test_grouping_shares_samples_within_a_group():
    # Z(0) and Z(0) @ Z(1) are read from the same bits: on |00> + |11> (ZZ = 1 exactly) every
    # shot gives Z(0) = Z(1), so Z(0) - Z(1) is exactly 0 in every shot estimate
    c = qml.Circuit(2)
    x = c.inputs(1)
    c.h(0).cnot(0, 1).rz(0, x[0])  # rz keeps the Z-basis populations
    for backend in BACKENDS:
        layer = qml.QuantumLayer(
            c, [qml.Z(0) - qml.Z(1), qml.Z(0) @ qml.Z(1)], backend=backend, shots=50, seed=1
        )
        out = layer(torch.rand(3, 1))
        assert torch.equal(out, torch.tensor([[0.0, 1.0]] * 3, dtype=out.dtype)), backend
        assert layer.stats.circuits == 3  # one group: one measured circuit per row


def test_pennylane_shots_follow_the_layer_seed():
    obs = OBSERVABLE_SETS["z_and_x"]
    x = _inputs(3)

    def run(seed: int) -> torch.Tensor:
        return _layer("pennylane:default.qubit", obs, shots=40, seed=seed)(x).detach()

    assert torch.equal(run(7), run(7))
    assert not torch.equal(run(7), run(8))


def test_aer_takes_ibm_names_as_the_fake_backends():
    c = qml.Circuit(2)
    w = c.weights("w", 2)
    c.rx(0, w[0]).cnot(0, 1).ry(1, w[1])
    outs = []
    for noise in ("fake_manila", "ibm_manila"):
        backend = qml.backends.get_backend("aer", noise=noise)
        layer = qml.QuantumLayer(c, [qml.Z(0), qml.Z(1)], backend=backend, dtype=torch.complex128)
        with torch.no_grad():
            layer.w.copy_(torch.tensor([0.3, 0.5]))
        outs.append(layer().detach().reshape(1, 2))
    ideal = torch.tensor([[math.cos(0.3), math.cos(0.3) * math.cos(0.5)]], dtype=torch.float64)
    assert torch.equal(outs[0], outs[1])
    assert 0 < float((outs[0].double() - ideal).abs().max()) < 0.1  # noisy, but close


@pytest.mark.parametrize("shots", [None, 20000])
def test_aer_custom_noise_model_depolarises_as_the_analytic_channel(shots):
    from qiskit_aer.noise import NoiseModel, depolarizing_error

    p, angles = 0.05, [0.4, -0.3, 0.25, 0.15]
    model = NoiseModel()
    model.add_all_qubit_quantum_error(depolarizing_error(p, 1), ["rx"])
    c = qml.Circuit(1)
    w = c.weights("w", len(angles))
    for i in range(len(angles)):
        c.rx(0, w[i])
    backend = qml.backends.get_backend("aer", noise=model)
    layer = qml.QuantumLayer(
        c, [qml.Z(0)], backend=backend, shots=shots, seed=2, dtype=torch.complex128
    )
    with torch.no_grad():
        layer.w.copy_(torch.tensor(angles))
    z = float(layer().detach().reshape(-1)[0])
    # each depolarising channel rho -> (1-p) rho + p I/2 shrinks the Bloch vector by (1 - p)
    expected = (1 - p) ** len(angles) * math.cos(sum(angles))
    tol = 1e-9 if shots is None else 5 / math.sqrt(shots)
    assert abs(z - expected) <= tol
    assert expected < math.cos(sum(angles)) - 0.1  # the noise is visible at this tolerance
