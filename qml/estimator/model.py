"""What the estimator reads from a model: its one quantum layer, circuit and observables."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

import torch

from qml.circuit import Circuit
from qml.errors import EstimateError
from qml.observables import Observable, observable_list

if TYPE_CHECKING:
    from qml.nn import QuantumLayer

__all__ = ["find_quantum_layer", "model_parts"]


def find_quantum_layer(module: torch.nn.Module) -> tuple[QuantumLayer, bool]:
    """``(layer, trainable_before)``: the one :class:`~qml.QuantumLayer` inside ``module``, and
    whether a module with trainable parameters is registered before it (registration order
    stands in for the order of the forward pass; its inputs then need gradients).

    Raises:
        EstimateError: no quantum layer, or more than one.
    """
    from qml.nn import QuantumLayer

    if isinstance(module, QuantumLayer):
        return module, False
    layers = [m for m in module.modules() if isinstance(m, QuantumLayer)]
    if len(layers) != 1:
        raise EstimateError(
            f"{type(module).__name__} holds {len(layers)} QuantumLayers; estimate needs one "
            "(estimate each layer on its own)"
        )
    before = False
    for m in module.modules():
        if m is layers[0]:
            break
        if m is not module and any(p.requires_grad for p in m.parameters(recurse=False)):
            before = True  # (the root's own parameters have no place in the order)
    return layers[0], before


def model_parts(
    model: object, observables: Observable | Sequence[Observable] | None
) -> tuple[Circuit, list[Observable]]:
    """``(circuit, observables)`` of a layer (its own observables) or of a circuit (``Z`` on
    every wire unless ``observables`` are given, validated against its width).

    Raises:
        EstimateError: observables beside a layer, observables of the wrong type or none, or a
            model that is neither a layer nor a circuit.
    """
    from qml.nn import QuantumLayer

    if isinstance(model, QuantumLayer):
        if observables is not None:
            raise EstimateError("a QuantumLayer brings its own observables; drop observables=")
        return model.circuit, list(model.observables)
    if isinstance(model, Circuit):
        obs = observable_list(observables, n_qubits=model.n_qubits, error=EstimateError)
        if not obs:
            raise EstimateError("observables is empty: give at least one")
        return model, obs
    raise EstimateError(
        f"estimate needs a qml.QuantumLayer (or a module holding one) or a qml.Circuit, got "
        f"{type(model).__name__}"
    )
