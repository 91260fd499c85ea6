"""Gradients through ``QuantumLayer`` (complex128) against finite differences and PennyLane.

For each circuit the scalar ``L = sum(layer(X) * G)`` with a fixed random cotangent ``G`` is
differentiated with respect to every weight and every input feature. References: central finite
differences of the same layer, and PennyLane ``default.qubit`` with torch backprop on the same
circuit (``Circuit.to_pennylane``) and observables.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import pennylane as pl
import pytest
import torch

import qml
from qml.interop.pennylane import observable_to_pennylane
from tests.qml.random_circuits import (
    random_circuit,
    random_inputs,
    random_observables,
    random_weights,
)

BATCH = 3
FD_STEP = 1e-6
FD_ATOL = 1e-6  # central differences at FD_STEP: truncation ~1e-12, round-off ~1e-9
PENNYLANE_ATOL = 1e-8
FORWARD_ATOL = 1e-10


@dataclass(frozen=True)
class Case:
    circuit: qml.Circuit
    observables: list[qml.Observable]
    inputs: np.ndarray  # (B, F) float64
    weights: dict[str, np.ndarray]  # name -> declared shape, float64
    cotangent: np.ndarray  # (B, n_obs) float64


def shared_weight_circuit() -> qml.Circuit:
    """``theta[0, 1]`` drives five gates; inputs feed products and ``w * x + b``."""
    c = qml.Circuit(3)
    x = c.inputs(2)
    w = c.weights("theta", (2, 2))
    b = c.weights("beta", (3,))
    shared = w[0, 1]
    c.h(0).ry(1, w[0, 0] * x[0] + b[0]).rx(2, shared)
    c.crx(0, 1, shared).rzz(1, 2, (math.pi - x[0]) * (math.pi - x[1]))
    c.u3(2, shared, x[1] * w[1, 0], -shared / 2)
    c.cphase(2, 0, shared * shared - x[0]).ryy(0, 2, w[1, 1] + 0.5 * x[1])
    c.cry(2, 1, b[1] * x[0] * x[1]).rxx(0, 1, b[2]).phase(1, shared)
    return c


def make_case(name: str) -> Case:
    if name == "shared-weight":
        seed = 5
        circuit = shared_weight_circuit()
        observables = [
            qml.Z(0),
            qml.X(1) @ qml.Y(2),
            0.3 * qml.Z(0) @ qml.Z(2) - 0.7 * qml.X(0) + 0.2,
            qml.Hermitian(
                np.array(
                    [
                        [0.5, 1 - 0.5j, 0, 0.2],
                        [1 + 0.5j, -1, 0.3j, 0],
                        [0, -0.3j, 0.1, 0],
                        [0.2, 0, 0, 2.0],
                    ]
                ),
                wires=(2, 0),
            ),
        ]
    else:
        n_qubits, seed = (int(v) for v in name.removeprefix("random-").split("-"))
        circuit = random_circuit(n_qubits, seed=seed)
        observables = random_observables(n_qubits, seed=seed)
    rng = np.random.default_rng(seed)
    return Case(
        circuit,
        observables,
        random_inputs(circuit, BATCH, seed=seed),
        random_weights(circuit, seed=seed),
        rng.normal(size=(BATCH, len(observables))),
    )


CASES = ["shared-weight", "random-1-11", "random-2-12", "random-3-13", "random-4-14", "random-5-15"]


def make_layer(c: Case) -> qml.QuantumLayer:
    layer = qml.QuantumLayer(c.circuit, observables=c.observables, dtype=torch.complex128)
    with torch.no_grad():
        for name, value in c.weights.items():
            getattr(layer, name).copy_(torch.as_tensor(value))
    return layer


def autograd(c: Case) -> tuple[float, dict[str, np.ndarray], np.ndarray]:
    """``L``, ``dL/dweights`` (name -> declared shape) and ``dL/dX`` ``(B, F)`` from qml."""
    layer = make_layer(c)
    x = torch.tensor(c.inputs, requires_grad=True)
    out = layer(x)
    assert out.shape == (BATCH, len(c.observables)) and out.dtype == torch.float64
    loss = (out * torch.as_tensor(c.cotangent)).sum()
    loss.backward()
    grads = {}
    for name in c.weights:
        g = getattr(layer, name).grad
        assert g is not None, f"no gradient reached weight {name!r}"
        grads[name] = g.numpy()
    return loss.item(), grads, x.grad.numpy()


def finite_differences(c: Case) -> tuple[dict[str, np.ndarray], np.ndarray]:
    """Central differences of ``L`` over every weight entry and input feature."""
    layer = make_layer(c)
    cot = torch.as_tensor(c.cotangent)
    x = torch.tensor(c.inputs)

    def loss() -> float:
        return float((layer(x) * cot).sum())

    def central(t: torch.Tensor) -> np.ndarray:
        grad = np.zeros(t.shape)
        flat = t.view(-1)
        for i in range(flat.numel()):
            keep = float(flat[i])
            flat[i] = keep + FD_STEP
            up = loss()
            flat[i] = keep - FD_STEP
            down = loss()
            flat[i] = keep
            grad.reshape(-1)[i] = (up - down) / (2 * FD_STEP)
        return grad

    with torch.no_grad():
        weights = {name: central(getattr(layer, name).data) for name in c.weights}
        return weights, central(x)


def pennylane_backprop(c: Case) -> tuple[float, dict[str, np.ndarray], np.ndarray]:
    """``L`` and its gradients from PennyLane ``default.qubit`` with torch backprop."""
    dev = pl.device("default.qubit", wires=c.circuit.n_qubits)
    qfunc = c.circuit.to_pennylane()
    names = list(c.weights)
    pl_obs = [observable_to_pennylane(o) for o in c.observables]

    @pl.qnode(dev, interface="torch", diff_method="backprop")
    def expvals(x, *weights):
        qfunc(x=x, **dict(zip(names, weights, strict=True)))
        return [pl.expval(o) for o in pl_obs]

    x = torch.tensor(c.inputs, requires_grad=True)
    weights = [torch.tensor(c.weights[n], requires_grad=True) for n in names]
    out = torch.stack([e.expand(BATCH) for e in expvals(x, *weights)], dim=1)
    loss = (out * torch.as_tensor(c.cotangent)).sum()
    loss.backward()
    grads = {n: w.grad.numpy() for n, w in zip(names, weights, strict=True)}
    return loss.item(), grads, x.grad.numpy()


# -- tests ----------------------------------------------------------------------------------------
def test_shared_weight_circuit_reuses_a_weight_and_feeds_inputs_into_expressions():
    c = shared_weight_circuit()
    leaves = [leaf for op in c for p in op.params for leaf in p.leaves()]
    assert sum(1 for leaf in leaves if repr(leaf) == "theta[0,1]") >= 5
    mixed = [p for op in c for p in op.params if p.depends_on_inputs and len(list(p.leaves())) > 1]
    assert len(mixed) >= 4


@pytest.mark.parametrize("name", CASES)
def test_gradients_match_finite_differences(name):
    c = make_case(name)
    _, grads, grad_x = autograd(c)
    fd_weights, fd_x = finite_differences(c)
    for w in c.weights:
        np.testing.assert_allclose(grads[w], fd_weights[w], rtol=0, atol=FD_ATOL, err_msg=w)
    np.testing.assert_allclose(grad_x, fd_x, rtol=0, atol=FD_ATOL, err_msg="inputs")


@pytest.mark.parametrize("name", CASES)
def test_gradients_match_pennylane_backprop(name):
    c = make_case(name)
    loss, grads, grad_x = autograd(c)
    ref_loss, ref_grads, ref_x = pennylane_backprop(c)
    assert abs(loss - ref_loss) < FORWARD_ATOL
    for w in c.weights:
        assert grads[w].shape == ref_grads[w].shape == c.weights[w].shape
        np.testing.assert_allclose(grads[w], ref_grads[w], rtol=0, atol=PENNYLANE_ATOL, err_msg=w)
    np.testing.assert_allclose(grad_x, ref_x, rtol=0, atol=PENNYLANE_ATOL, err_msg="inputs")


def test_input_jacobian_is_per_sample_and_matches_pennylane():
    """Full ``d out[b, k] / d X[b', f]``: zero across samples, equal to PennyLane's."""
    c = make_case("shared-weight")
    layer = make_layer(c)
    jac = torch.autograd.functional.jacobian(layer, torch.tensor(c.inputs)).numpy()
    n_obs, n_in = len(c.observables), c.circuit.num_inputs
    assert jac.shape == (BATCH, n_obs, BATCH, n_in)

    dev = pl.device("default.qubit", wires=c.circuit.n_qubits)
    qfunc = c.circuit.to_pennylane()
    pl_obs = [observable_to_pennylane(o) for o in c.observables]
    weights = {k: torch.as_tensor(v) for k, v in c.weights.items()}

    @pl.qnode(dev, interface="torch", diff_method="backprop")
    def expvals(x):
        qfunc(x=x, **weights)
        return [pl.expval(o) for o in pl_obs]

    def stacked(x):
        return torch.stack(list(expvals(x)), dim=1)

    ref = torch.autograd.functional.jacobian(stacked, torch.tensor(c.inputs)).numpy()
    np.testing.assert_allclose(jac, ref, rtol=0, atol=PENNYLANE_ATOL)
    for b in range(BATCH):
        for other in range(BATCH):
            if other != b:
                assert np.all(jac[b, :, other, :] == 0)
