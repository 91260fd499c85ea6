"""The same model (:mod:`experiments.bench.models`) in the peer frameworks.

- PennyLane: ``qml.qnn.TorchLayer`` over a QNode on ``default.qubit`` (backprop) and on
  ``lightning.qubit`` (adjoint). PennyLane is imported as ``pl``: ``qml`` is this project.
- Qiskit Machine Learning: ``TorchConnector`` over an ``EstimatorQNN`` with the exact
  ``StatevectorEstimator`` and the QNN's default gradient (parameter shift).

Each builder imports its library inside and raises :class:`NotInstalled` when it is missing.
Weights map one to one: ``theta[l, q, k]`` is PennyLane's ``weights[l, q, k]`` and the Qiskit
weight parameter ``theta[(l * n + q) * 3 + k]``; Qiskit's qubit ``q`` is wire ``q`` (``<Z_q>``
does not depend on the bit order).
"""

from __future__ import annotations

import importlib.util
from collections.abc import Callable
from dataclasses import dataclass

import torch

from experiments.bench.models import Data, Model, Problem, ring

__all__ = ["NotInstalled", "Peer", "PEERS", "build_pennylane", "build_qiskit"]


class NotInstalled(Exception):
    """An optional peer library is missing; the message names it."""


def _require(module: str, package: str) -> None:
    if importlib.util.find_spec(module) is None:
        raise NotInstalled(f"{package} is not installed")


def build_pennylane(problem: Problem, data: Data, *, device_name: str, diff_method: str) -> Model:
    """The model as a PennyLane ``TorchLayer`` on ``device_name`` with ``diff_method``.

    Raises:
        NotInstalled: PennyLane, or the plugin providing ``device_name``, is missing.
    """
    _require("pennylane", "pennylane")
    if device_name.startswith("lightning."):
        _require("pennylane_lightning", "pennylane-lightning")
    import pennylane as pl

    n, layers = problem.n_qubits, problem.layers
    dev = pl.device(device_name, wires=n)

    @pl.qnode(dev, interface="torch", diff_method=diff_method)
    def circuit(inputs, weights):
        for q in range(n):
            pl.RY(inputs[..., q], wires=q)
        for layer in range(layers):
            for q in range(n):
                pl.RX(weights[layer, q, 0], wires=q)
                pl.RY(weights[layer, q, 1], wires=q)
                pl.RZ(weights[layer, q, 2], wires=q)
            for control, target in ring(n):
                pl.CNOT(wires=[control, target])
        return [pl.expval(pl.PauliZ(q)) for q in range(n)]

    module = pl.qnn.TorchLayer(circuit, {"weights": (layers, n, 3)})
    module = module.double()  # PennyLane simulates in complex128; keep the weights float64
    with torch.no_grad():
        module.weights.copy_(data.weights)
    return Model(
        label=f"pennylane {device_name}",
        framework="pennylane",
        method=diff_method,
        module=module,
        inputs=data.inputs,
        target=data.target,
    )


def build_qiskit(problem: Problem, data: Data) -> Model:
    """The model as Qiskit ML's ``TorchConnector(EstimatorQNN)``, exact and with the
    default gradient.

    Raises:
        NotInstalled: qiskit or qiskit-machine-learning is missing.
    """
    _require("qiskit", "qiskit")
    _require("qiskit_machine_learning", "qiskit-machine-learning")
    from qiskit.circuit import ParameterVector, QuantumCircuit
    from qiskit.primitives import StatevectorEstimator
    from qiskit.quantum_info import SparsePauliOp
    from qiskit_machine_learning.connectors import TorchConnector
    from qiskit_machine_learning.neural_networks import EstimatorQNN

    n, layers = problem.n_qubits, problem.layers
    x = ParameterVector("x", n)
    theta = ParameterVector("theta", layers * n * 3)  # theta[(l * n + q) * 3 + k]
    qc = QuantumCircuit(n)
    for q in range(n):
        qc.ry(x[q], q)
    for layer in range(layers):
        for q in range(n):
            k = (layer * n + q) * 3
            qc.rx(theta[k], q)
            qc.ry(theta[k + 1], q)
            qc.rz(theta[k + 2], q)
        for control, target in ring(n):
            qc.cx(control, target)
    observables = [
        SparsePauliOp.from_sparse_list([("Z", [q], 1.0)], num_qubits=n) for q in range(n)
    ]
    qnn = EstimatorQNN(
        circuit=qc,
        observables=observables,
        input_params=list(x),
        weight_params=list(theta),
        estimator=StatevectorEstimator(),
        default_precision=0.0,  # exact: the default (1/64) adds shot-like noise to the forward
    )
    module = TorchConnector(qnn, initial_weights=data.weights.flatten().numpy())
    return Model(
        label="qiskit-ml estimator-qnn",
        framework="qiskit-ml",
        method="param-shift",
        module=module,
        inputs=data.inputs,
        target=data.target,
    )


@dataclass(frozen=True, kw_only=True)
class Peer:
    """A peer framework in the benchmark.

    ``cost_power`` is ``p`` in the runtime model ``t ~ B * 2**n * (n * L)**p`` used to skip
    cases that would run too long: 1 where a gradient costs a few forward passes (backprop,
    adjoint), 2 where it costs a forward pass per parameter (parameter shift).
    ``slow`` peers run only at the smallest case of ``--quick``.
    """

    label: str
    framework: str
    method: str
    build: Callable[[Problem, Data], Model]
    cost_power: int
    slow: bool = False
    autograd: bool = False  # keeps the whole forward for backprop: memory grows with B


def _pennylane(device_name: str, diff_method: str) -> Callable[[Problem, Data], Model]:
    def build(problem: Problem, data: Data) -> Model:
        return build_pennylane(problem, data, device_name=device_name, diff_method=diff_method)

    return build


PEERS: tuple[Peer, ...] = (
    Peer(
        label="pennylane default.qubit",
        framework="pennylane",
        method="backprop",
        build=_pennylane("default.qubit", "backprop"),
        cost_power=1,
        autograd=True,
    ),
    Peer(
        label="pennylane lightning.qubit",
        framework="pennylane",
        method="adjoint",
        build=_pennylane("lightning.qubit", "adjoint"),
        cost_power=1,
    ),
    Peer(
        label="qiskit-ml estimator-qnn",
        framework="qiskit-ml",
        method="param-shift",
        build=build_qiskit,
        cost_power=2,
        slow=True,
    ),
)
