"""The row-backend contract: a subclass of ``RowExecutable`` that implements only ``run_rows``
gets expectations, parameter-shift and SPSA gradients, input masks and statistics."""

from __future__ import annotations

import numpy as np
import pytest
import torch

import qml
from qml.backends import Capabilities, ExecutionStats, RowExecutable
from qml.errors import BackendError


class ReferenceRows(RowExecutable):
    """Rows evaluated by the native simulator on the slot circuit, without gradients."""

    def __init__(self, circuit, observables, *, shots, diff_method):
        super().__init__("rows", circuit, observables, shots=shots, diff_method=diff_method)
        self.slots = qml.QuantumLayer(
            circuit.angles_as_inputs(), observables, dtype=torch.complex128
        )

    def run_rows(self, rows: np.ndarray) -> torch.Tensor:
        with torch.no_grad():
            if rows.shape[1]:
                return self.slots(torch.from_numpy(rows))
            return self.slots().expand(rows.shape[0], -1)


class RowsBackend:
    name = "rows"
    capabilities = Capabilities(
        exact=True,
        shots=True,
        diff_methods=("auto", "parameter-shift", "spsa"),
        devices=("cpu",),
        max_qubits=10,
    )

    def compile(self, circuit, observables, *, shots, diff_method="auto"):
        return ReferenceRows(circuit, observables, shots=shots, diff_method=diff_method)


def _circuit() -> qml.Circuit:
    c = qml.Circuit(2)
    x = c.inputs(2)
    w = c.weights("w", 3)
    c.ry(0, x[0]).ry(1, x[1]).crz(0, 1, w[0] * x[0]).rx(1, w[1]).cnot(0, 1).u3(0, w[2], 0.3, w[1])
    return c


def _layer(backend, method: str) -> qml.QuantumLayer:
    layer = qml.QuantumLayer(
        _circuit(),
        [qml.Z(0), qml.X(1) @ qml.Y(0)],
        backend=backend,
        diff_method=method,
        dtype=torch.complex128,
    )
    with torch.no_grad():
        layer.w.copy_(torch.tensor([0.4, -1.2, 0.7]))
    return layer


@pytest.mark.parametrize("x_grad", [False, True])
def test_run_rows_alone_gives_the_native_values_and_gradients(x_grad):
    x = torch.tensor([[0.2, -0.6], [1.1, 0.3], [-0.4, 0.8]], dtype=torch.float64)
    results = []
    for backend, method in (("torch", "backprop"), (RowsBackend(), "parameter-shift")):
        layer = _layer(backend, method)
        xi = x.clone().requires_grad_(x_grad)
        out = layer(xi)
        (out * torch.tensor([1.0, -0.5], dtype=torch.float64)).sum().backward()
        results.append((out.detach(), xi.grad, layer.w.grad, layer.stats))
    (ref, ref_dx, ref_dw, _), (out, dx, dw, stats) = results
    torch.testing.assert_close(out, ref, atol=1e-10, rtol=0)
    torch.testing.assert_close(dw, ref_dw, atol=1e-10, rtol=0)
    if x_grad:
        torch.testing.assert_close(dx, ref_dx, atol=1e-10, rtol=0)
    else:
        assert dx is None
    # shift terms: crz(w0 * x0) 4, rx(w1) 2, u3's w2 and w1 2 each (its constant 0.3 none),
    # and with an input gradient ry(x0), ry(x1) 2 each
    terms = 4 + 2 + 2 + 2 + (4 if x_grad else 0)
    assert stats.calls == 2
    assert stats.circuits == 3 + terms * 3


def test_spsa_and_statistics_over_rows():
    layer = _layer(RowsBackend(), "spsa")
    x = torch.rand(4, 2, dtype=torch.float64, generator=torch.Generator().manual_seed(0))
    layer(x).sum().backward()
    assert layer.w.grad is not None and torch.isfinite(layer.w.grad).all()
    assert (layer.stats.calls, layer.stats.circuits, layer.stats.shots) == (2, 4 + 2 * 4, 0)
    layer.reset_stats()
    assert layer.stats == ExecutionStats()


def test_a_row_backend_without_sampling_refuses_shots_by_name():
    layer = qml.QuantumLayer(_circuit(), backend=RowsBackend(), shots=10)
    with pytest.raises(BackendError, match="backend 'rows' does not sample"):
        layer(torch.zeros(1, 2))
    with pytest.raises(BackendError, match="probabilities on 'rows'"):
        layer.probs(torch.zeros(1, 2))
    with pytest.raises(BackendError, match="no cost model for 'rows'"):
        layer.estimate_cost()
