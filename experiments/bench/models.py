"""The benchmarked model and its qml build.

Angle encoding ``RY(x_q)`` on ``n`` qubits, then ``L`` layers of ``RX RY RZ`` on every wire
(angles ``theta[l, q, 0..2]``) followed by a ring of CNOTs, then ``<Z_q>`` on every wire.
Every framework gets the same inputs, weights and target (:func:`make_data`) and returns a
:class:`Model` whose ``step()`` is one training step: forward, MSE loss, ``loss.backward()``.
The peers' builds live in :mod:`experiments.bench.peers`.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import torch
from torch import nn

import qml

__all__ = ["Problem", "Data", "Model", "ring", "make_data", "build_qml", "qml_diff_methods"]

_REAL_FOR = {torch.complex64: torch.float32, torch.complex128: torch.float64}


@dataclass(frozen=True, kw_only=True)
class Problem:
    """One benchmark case: ``n_qubits`` wires, ``layers`` layers, a batch of ``batch``."""

    n_qubits: int
    layers: int
    batch: int
    seed: int = 0


@dataclass(frozen=True, kw_only=True)
class Data:
    """What every framework gets for one :class:`Problem` (all float64, on the CPU)."""

    inputs: torch.Tensor  # (B, n) angles in [0, pi)
    weights: torch.Tensor  # (L, n, 3) angles in [0, 2 pi); [l, q, k] is RX/RY/RZ for k = 0/1/2
    target: torch.Tensor  # (B, n) in [-1, 1)


@dataclass(frozen=True, kw_only=True)
class Model:
    """A built model, ready to time.

    ``forward()`` returns ``(B, n)`` expectations; ``step()`` runs forward, the MSE loss
    against ``target`` and ``loss.backward()`` (gradients of the weights; the inputs are data
    and need none). Gradients are reset to ``None`` first, so repeated steps do equal work.
    """

    label: str  # e.g. "qml backprop", "pennylane default.qubit"
    framework: str  # "qml", "pennylane" or "qiskit-ml"
    method: str  # how the gradient is computed: "backprop", "adjoint", "param-shift", ...
    module: nn.Module
    inputs: torch.Tensor  # (B, n) in the dtype and on the device the module expects
    target: torch.Tensor  # (B, n)

    def forward(self) -> torch.Tensor:
        return self.module(self.inputs)

    def step(self) -> None:
        for p in self.module.parameters():
            p.grad = None
        out = self.module(self.inputs)
        loss = ((out - self.target.to(out.dtype)) ** 2).mean()
        loss.backward()


def ring(n: int) -> list[tuple[int, int]]:
    """The entangling CNOTs ``(control, target)`` of one layer on ``n`` wires.

    Example:
        >>> ring(3)
        [(0, 1), (1, 2), (2, 0)]
        >>> ring(2), ring(1)
        ([(0, 1)], [])
    """
    if n == 1:
        return []
    if n == 2:
        return [(0, 1)]
    return [(i, (i + 1) % n) for i in range(n)]


def make_data(problem: Problem) -> Data:
    """Seeded inputs, weights and target for ``problem``.

    Example:
        >>> d = make_data(Problem(n_qubits=3, layers=2, batch=5))
        >>> tuple(d.inputs.shape), tuple(d.weights.shape), tuple(d.target.shape)
        ((5, 3), (2, 3, 3), (5, 3))
    """
    g = torch.Generator().manual_seed(problem.seed)
    n, b = problem.n_qubits, problem.batch
    inputs = torch.rand(b, n, generator=g, dtype=torch.float64) * math.pi
    weights = torch.rand(problem.layers, n, 3, generator=g, dtype=torch.float64) * 2 * math.pi
    target = torch.rand(b, n, generator=g, dtype=torch.float64) * 2 - 1
    return Data(inputs=inputs, weights=weights, target=target)


def build_circuit(n: int, layers: int) -> qml.Circuit:
    """The model as a :class:`qml.Circuit` with inputs ``x`` (n,) and weights ``theta``."""
    c = qml.Circuit(n)
    x = c.inputs(n)
    w = c.weights("theta", (layers, n, 3))
    for q in range(n):
        c.ry(q, x[q])
    for layer in range(layers):
        for q in range(n):
            c.rx(q, w[layer, q, 0])
            c.ry(q, w[layer, q, 1])
            c.rz(q, w[layer, q, 2])
        for control, target in ring(n):
            c.cnot(control, target)
    return c


def build_qml(
    problem: Problem,
    data: Data,
    *,
    diff_method: str,
    device: str = "cpu",
    dtype: torch.dtype = torch.complex64,
) -> Model:
    """The model as a :class:`qml.QuantumLayer` on the native backend.

    Args:
        problem: the case.
        data: its inputs, weights and target (copied into the layer).
        diff_method: one of the backend's ``capabilities.diff_methods``.
        device: ``"cpu"`` or ``"cuda"``.
        dtype: ``torch.complex64`` (qml's default) or ``torch.complex128``.

    Returns:
        A :class:`Model` labelled ``"qml <diff_method>"``.

    Raises:
        qml.errors.QmlError: the layer refuses the configuration (e.g. an unknown method).
    """
    n = problem.n_qubits
    circuit = build_circuit(n, problem.layers)
    layer = qml.QuantumLayer(
        circuit, [qml.Z(q) for q in range(n)], diff_method=diff_method, dtype=dtype
    )
    with torch.no_grad():
        layer.theta.copy_(data.weights)
    layer = layer.to(device)
    real = _REAL_FOR[dtype]
    return Model(
        label=f"qml {diff_method}",
        framework="qml",
        method=diff_method,
        module=layer,
        inputs=data.inputs.to(device=device, dtype=real),
        target=data.target.to(device=device, dtype=real),
    )


def qml_diff_methods() -> tuple[str, ...]:
    """The native backend's differentiation methods, read off a layer as users would."""
    layer = qml.QuantumLayer(build_circuit(1, 1), [qml.Z(0)])
    return tuple(layer.backend.capabilities.diff_methods)
