"""The native simulator against Qiskit ``Statevector`` and PennyLane ``default.qubit``.

Random circuits over the whole gate table (see ``random_circuits``), 1 to 8 qubits, batches of
1, 3 and 8. Qiskit runs each sample of a batch on its own bound circuit; PennyLane runs the
batch at once with parameter broadcasting. Both references are complex128 and computed once per
case; the native simulator is checked in complex128 and complex64 with ``tolerances.atol``.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass

import numpy as np
import pennylane as pl
import pytest
import torch
from qiskit.quantum_info import Operator, Statevector

import qml
from qml.interop.bitorder import reverse_index_bits, to_sparse_pauli_op
from qml.interop.pennylane import observable_to_pennylane
from qml.sim import reference_plan
from tests.qml.random_circuits import (
    fitting_gates,
    random_circuit,
    random_inputs,
    random_observables,
    random_weights,
)
from tests.tolerances import atol

N_QUBITS = range(1, 9)
BATCHES = (1, 3, 8)
DTYPES = (torch.complex128, torch.complex64)
REAL = {torch.complex128: torch.float64, torch.complex64: torch.float32}
SEEDS = (2024, 31337)  # case seed = seed + 100 * n_qubits + batch


@dataclass(frozen=True)
class Case:
    circuit: qml.Circuit
    observables: list[qml.Observable]
    inputs: np.ndarray  # (B, F) float64
    weights: dict[str, np.ndarray]  # name -> declared shape, float64


@functools.cache
def case(n_qubits: int, batch: int, seed: int) -> Case:
    seed = seed + 100 * n_qubits + batch
    circuit = random_circuit(n_qubits, seed=seed)
    return Case(
        circuit,
        random_observables(n_qubits, seed=seed),
        random_inputs(circuit, batch, seed=seed),
        random_weights(circuit, seed=seed),
    )


# -- references ----------------------------------------------------------------------------------
def _qiskit_bindings(c: Case, qc, sample: int) -> dict:
    """Parameter -> value for one sample: inputs by column, weights flattened row-major."""
    values, start = {}, 0
    for name, size in c.circuit.input_shapes.items():
        values[name] = c.inputs[sample, start : start + size]
        start += size
    for name, w in c.weights.items():
        values[name] = np.reshape(w, -1)
    return {p: float(values[p.vector.name][p.index]) for p in qc.parameters}


def _qiskit_expval(sv: Statevector, obs: qml.Observable, n: int) -> float:
    total = 0.0
    for coeff, term in obs.terms():
        if isinstance(term, qml.Hermitian):
            # Qiskit's first qarg is the least significant bit of the matrix index
            value = sv.expectation_value(Operator(term.matrix_), list(reversed(term.wires)))
        else:
            value = sv.expectation_value(to_sparse_pauli_op(term, n))
        total += coeff * float(np.real(value))
    return total


@functools.cache
def qiskit_reference(n_qubits: int, batch: int, seed: int) -> tuple[np.ndarray, np.ndarray]:
    """``(B, 2**n)`` states in qml bit order and ``(B, n_obs)`` expectations, per sample."""
    c = case(n_qubits, batch, seed)
    qc = c.circuit.to_qiskit()
    states, expvals = [], []
    for b in range(batch):
        sv = Statevector(qc.assign_parameters(_qiskit_bindings(c, qc, b)))
        states.append(reverse_index_bits(sv.data, n_qubits))
        expvals.append([_qiskit_expval(sv, o, n_qubits) for o in c.observables])
    return np.array(states), np.array(expvals)


@functools.cache
def pennylane_reference(n_qubits: int, batch: int, seed: int) -> tuple[np.ndarray, np.ndarray]:
    """``(B, 2**n)`` states and ``(B, n_obs)`` expectations, the batch broadcast at once."""
    c = case(n_qubits, batch, seed)
    dev = pl.device("default.qubit", wires=n_qubits)
    qfunc = c.circuit.to_pennylane()
    pl_obs = [observable_to_pennylane(o) for o in c.observables]

    @pl.qnode(dev)
    def state(x):
        qfunc(x=x, **c.weights)
        return pl.state()

    @pl.qnode(dev)
    def expvals(x):
        qfunc(x=x, **c.weights)
        return [pl.expval(o) for o in pl_obs]

    psi = np.broadcast_to(np.asarray(state(c.inputs)), (batch, 2**n_qubits))
    ev = [np.broadcast_to(np.asarray(e, dtype=float), (batch,)) for e in expvals(c.inputs)]
    return psi, np.stack(ev, axis=1)


# -- native --------------------------------------------------------------------------------------
def native(
    n_qubits: int, batch: int, seed: int, dtype: torch.dtype
) -> tuple[np.ndarray, np.ndarray]:
    c = case(n_qubits, batch, seed)
    plan = reference_plan(c.circuit)
    weights = {k: torch.as_tensor(v) for k, v in c.weights.items()}
    state = plan.run(torch.as_tensor(c.inputs), weights, dtype=dtype)
    assert state.shape == (batch,) + (2,) * n_qubits and state.dtype == dtype
    ev = plan.expvals(state, c.observables)
    assert ev.shape == (batch, len(c.observables))
    return state.reshape(batch, -1).numpy(), ev.numpy()


def layer_outputs(n_qubits: int, batch: int, seed: int, dtype: torch.dtype) -> np.ndarray:
    c = case(n_qubits, batch, seed)
    layer = qml.QuantumLayer(c.circuit, observables=c.observables, dtype=dtype)
    real = REAL[dtype]
    with torch.no_grad():
        for name, value in c.weights.items():
            getattr(layer, name).copy_(torch.as_tensor(value))
    out = layer(torch.as_tensor(c.inputs, dtype=real))
    assert out.shape == (batch, len(c.observables)) and out.dtype == real
    return out.detach().numpy()


_GRID = pytest.mark.parametrize(
    "n_qubits,batch,seed,dtype",
    [(n, b, s, d) for n in N_QUBITS for b in BATCHES for s in SEEDS for d in DTYPES],
    ids=lambda v: str(v).replace("torch.", ""),
)


# -- tests ----------------------------------------------------------------------------------------
def test_random_circuits_cover_the_gate_table():
    used = set()
    for n in N_QUBITS:
        for b in BATCHES:
            for s in SEEDS:
                counts = case(n, b, s).circuit.gate_counts()
                assert set(fitting_gates(n)) <= set(counts)
                assert all(qml.GATES[g].num_wires <= n for g in counts)
                used |= set(counts)
    assert used == set(qml.GATES)


def test_random_circuits_are_reproducible():
    a, b = random_circuit(4, seed=7), random_circuit(4, seed=7)
    assert repr(a.operations) == repr(b.operations)
    assert repr(a.operations) != repr(random_circuit(4, seed=8).operations)


@_GRID
def test_statevector_matches_qiskit(n_qubits, batch, seed, dtype):
    states, _ = native(n_qubits, batch, seed, dtype)
    ref, _ = qiskit_reference(n_qubits, batch, seed)
    np.testing.assert_allclose(states, ref, rtol=0, atol=atol(dtype))


@_GRID
def test_statevector_matches_pennylane(n_qubits, batch, seed, dtype):
    states, _ = native(n_qubits, batch, seed, dtype)
    ref, _ = pennylane_reference(n_qubits, batch, seed)
    np.testing.assert_allclose(states, ref, rtol=0, atol=atol(dtype))


@_GRID
def test_expvals_match_qiskit(n_qubits, batch, seed, dtype):
    _, ev = native(n_qubits, batch, seed, dtype)
    _, ref = qiskit_reference(n_qubits, batch, seed)
    np.testing.assert_allclose(ev, ref, rtol=0, atol=atol(dtype))


@_GRID
def test_expvals_match_pennylane(n_qubits, batch, seed, dtype):
    _, ev = native(n_qubits, batch, seed, dtype)
    _, ref = pennylane_reference(n_qubits, batch, seed)
    np.testing.assert_allclose(ev, ref, rtol=0, atol=atol(dtype))


@_GRID
def test_layer_matches_references(n_qubits, batch, seed, dtype):
    out = layer_outputs(n_qubits, batch, seed, dtype)
    _, ref_qiskit = qiskit_reference(n_qubits, batch, seed)
    _, ref_pennylane = pennylane_reference(n_qubits, batch, seed)
    np.testing.assert_allclose(out, ref_qiskit, rtol=0, atol=atol(dtype))
    np.testing.assert_allclose(out, ref_pennylane, rtol=0, atol=atol(dtype))


def test_references_agree_with_each_other():
    """Guards the harness: the two references must agree before either can judge qml."""
    for n in N_QUBITS:
        for b in BATCHES:
            for s in SEEDS:
                sq, eq = qiskit_reference(n, b, s)
                sp, ep = pennylane_reference(n, b, s)
                np.testing.assert_allclose(sq, sp, rtol=0, atol=1e-12)
                np.testing.assert_allclose(eq, ep, rtol=0, atol=1e-12)
