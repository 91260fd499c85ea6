"""Ansätze against PennyLane templates, Qiskit's real_amplitudes, and QCNN properties."""

from __future__ import annotations

import math

import numpy as np
import pennylane as pl
import pytest
import torch
from qiskit.circuit.library import real_amplitudes as qiskit_real_amplitudes
from qiskit.circuit.library.n_local.n_local import get_entangler_map
from qiskit.quantum_info import Statevector

import qml
from circuits import ansatze, encodings
from qml.errors import CircuitError, ParameterError
from qml.interop.bitorder import reverse_index_bits
from qml.sim import probabilities
from tests.circuits.reference import flat, pennylane_states
from tests.circuits.reference import our_states as ours
from tests.tolerances import atol

ATOL = atol(torch.complex128)
BATCH = 3


def setup(seed: int, n: int, shape: tuple[int, ...]) -> tuple[np.ndarray, np.ndarray]:
    """Random angle-encoded inputs ``(BATCH, n)`` and weights of ``shape``."""
    rng = np.random.default_rng(seed)
    return rng.uniform(-np.pi, np.pi, size=(BATCH, n)), rng.normal(size=shape)


@pytest.mark.parametrize("n", [1, 2, 3, 4])
@pytest.mark.parametrize("layers", [1, 3])
def test_strongly_entangling_matches_pennylane(n, layers):
    x, w = setup(10 * n + layers, n, (layers, n, 3))
    c = encodings.angle(n) + ansatze.strongly_entangling(n, layers=layers)

    def ref(sample):
        pl.AngleEmbedding(sample, wires=range(n), rotation="Y")
        pl.StronglyEntanglingLayers(w, wires=range(n))

    got = flat(ours(c, x, {"theta": w}))
    np.testing.assert_allclose(got, pennylane_states(n, ref, x), atol=ATOL, rtol=0)


def test_strongly_entangling_custom_ranges_match_pennylane():
    n, ranges = 4, [2, 3, 5]
    x, w = setup(1, n, (3, n, 3))
    c = encodings.angle(n) + ansatze.strongly_entangling(n, layers=3, ranges=ranges, name="v")

    def ref(sample):
        pl.AngleEmbedding(sample, wires=range(n), rotation="Y")
        pl.StronglyEntanglingLayers(w, wires=range(n), ranges=ranges)

    got = flat(ours(c, x, {"v": w}))
    np.testing.assert_allclose(got, pennylane_states(n, ref, x), atol=ATOL, rtol=0)


@pytest.mark.parametrize("n", [1, 2, 3, 4])
@pytest.mark.parametrize("rotation", ["X", "Y", "Z"])
def test_basic_entangler_matches_pennylane(n, rotation):
    x, w = setup(20 + n, n, (2, n))
    c = encodings.angle(n) + ansatze.basic_entangler(n, layers=2, rotation=rotation)

    def ref(sample):
        pl.AngleEmbedding(sample, wires=range(n), rotation="Y")
        pl.BasicEntanglerLayers(w, wires=range(n), rotation=getattr(pl, "R" + rotation))

    got = flat(ours(c, x, {"theta": w}))
    np.testing.assert_allclose(got, pennylane_states(n, ref, x), atol=ATOL, rtol=0)


@pytest.mark.parametrize("n", [1, 2, 3])
@pytest.mark.parametrize("entangler", ["cnot", "cz"])
@pytest.mark.parametrize("pattern", ["linear", "ring"])
def test_hardware_efficient_matches_pennylane_gates(n, entangler, pattern):
    rotations = ("rx", "rz", "ry")
    x, w = setup(30 + n, n, (2, n, 3))
    c = encodings.angle(n) + ansatze.hardware_efficient(
        n, layers=2, rotations=rotations, entangler=entangler, pattern=pattern
    )
    pairs = [(q, q + 1) for q in range(n - 1)] + (
        [(n - 1, 0)] if pattern == "ring" and n > 2 else []
    )
    gate = {"cnot": pl.CNOT, "cz": pl.CZ}[entangler]

    def ref(sample):
        pl.AngleEmbedding(sample, wires=range(n), rotation="Y")
        for layer in range(2):
            for q in range(n):
                pl.RX(w[layer, q, 0], wires=q)
                pl.RZ(w[layer, q, 1], wires=q)
                pl.RY(w[layer, q, 2], wires=q)
            for a, b in pairs:
                gate(wires=[a, b])

    got = flat(ours(c, x, {"theta": w}))
    np.testing.assert_allclose(got, pennylane_states(n, ref, x), atol=ATOL, rtol=0)


@pytest.mark.parametrize("n", [2, 3, 4, 5])
@pytest.mark.parametrize("entanglement", list(ansatze.ENTANGLEMENTS))
def test_entangler_map_matches_qiskit(n, entanglement):
    for layer in range(4):
        expected = [tuple(p) for p in get_entangler_map(2, n, entanglement, layer)]
        assert ansatze.entangler_map(n, entanglement, layer=layer) == expected


@pytest.mark.parametrize("n", [1, 2, 3, 4])
@pytest.mark.parametrize("entanglement", list(ansatze.ENTANGLEMENTS))
def test_real_amplitudes_matches_qiskit(n, entanglement):
    layers = 3
    w = np.random.default_rng(40 + n).normal(size=(layers + 1, n))
    got = flat(
        ours(
            ansatze.real_amplitudes(n, layers=layers, entanglement=entanglement), None, {"theta": w}
        )
    )
    qc = qiskit_real_amplitudes(n, reps=layers, entanglement=entanglement)
    values = w.reshape(-1)
    bound = qc.assign_parameters({p: float(values[p.index]) for p in qc.parameters})
    ref = reverse_index_bits(Statevector(bound).data, n)
    np.testing.assert_allclose(got[0], ref, atol=ATOL, rtol=0)


def gram(circuit, weights: dict[str, np.ndarray]) -> np.ndarray:
    """``<U k | U j>`` over all basis states ``k, j`` (the identity iff ``U`` is unitary)."""
    n = circuit.n_qubits
    prep = qml.Circuit(n)
    bits = prep.inputs(n, "basis")
    for q in range(n):
        prep.rx(q, math.pi * bits[q])  # |k> up to a phase
    basis = np.array([[(k >> (n - 1 - q)) & 1 for q in range(n)] for k in range(2**n)], float)
    out = flat(ours(prep + circuit, basis, weights))
    return out.conj() @ out.T


@pytest.mark.parametrize("shared", [True, False])
@pytest.mark.parametrize(("n", "wires"), [(2, None), (4, None), (5, None), (5, [4, 1, 3])])
def test_qcnn_blocks_are_unitary(n, wires, shared):
    rng = np.random.default_rng(50 + n)
    conv = ansatze.qcnn_conv(n, wires=wires, shared=shared)
    pool, _ = ansatze.qcnn_pool(n, wires=wires, shared=shared)
    for block, name in ((conv, "conv"), (pool, "pool")):
        w = {name: rng.normal(size=block.weight_shapes[name])}
        np.testing.assert_allclose(gram(block, w), np.eye(2**n), atol=ATOL, rtol=0)


def test_qcnn_conv_block_matches_its_documented_gates():
    n = 3
    x, w = setup(70, n, (ansatze.QCNN_CONV_PARAMS,))
    c = encodings.angle(n) + ansatze.qcnn_conv(n)

    def ref(sample):
        pl.AngleEmbedding(sample, wires=range(n), rotation="Y")
        for a, b in [(0, 1), (1, 2)]:
            pl.RY(w[0], wires=a)
            pl.RY(w[1], wires=b)
            pl.RZ(w[2], wires=a)
            pl.RZ(w[3], wires=b)
            pl.CNOT(wires=[a, b])
            pl.RY(w[4], wires=a)
            pl.RY(w[5], wires=b)
            pl.CNOT(wires=[b, a])

    got = flat(ours(c, x, {"conv": w}))
    np.testing.assert_allclose(got, pennylane_states(n, ref, x), atol=ATOL, rtol=0)


@pytest.mark.parametrize("discarded_bit", [0, 1])
def test_qcnn_pool_rotates_kept_wire_by_discarded_bit(discarded_bit):
    """Kept wire 0 gets RZ(t0) when discarded wire 1 is |1>, RX(t1) when it is |0>."""
    t = np.array([0.7, -1.9])
    c = qml.Circuit(2)
    c.ry(0, 0.4).rz(0, 1.1)
    if discarded_bit:
        c.x(1)
    pool, kept = ansatze.qcnn_pool(2)
    got = flat(ours(c + pool, None, {"pool": t}))[0].reshape(2, 2)
    psi = np.array([np.cos(0.2), np.sin(0.2)]) * np.exp(-0.55j * np.array([1, -1]))
    if discarded_bit:
        rot = np.diag(np.exp(-0.5j * t[0] * np.array([1, -1])))
    else:
        rot = np.cos(t[1] / 2) * np.eye(2) - 1j * np.sin(t[1] / 2) * np.array([[0, 1], [1, 0]])
    expected = np.zeros((2, 2), complex)
    expected[:, discarded_bit] = rot @ psi
    assert kept == (0,)
    np.testing.assert_allclose(got, expected, atol=ATOL, rtol=0)


def test_qcnn_weight_shapes_and_pairs():
    assert ansatze.qcnn_conv(5).weight_shapes == {"conv": (ansatze.QCNN_CONV_PARAMS,)}
    assert ansatze.qcnn_conv(5, shared=False).weight_shapes == {"conv": (4, 6)}
    pool, kept = ansatze.qcnn_pool(5, shared=False)
    assert pool.weight_shapes == {"pool": (2, ansatze.QCNN_POOL_PARAMS)}
    assert kept == (0, 2, 4)
    assert ansatze.qcnn_pool(6, wires=[5, 3, 1, 0])[1] == (5, 1)
    # two-qubit gates of the conv layer touch only neighbouring active wires
    touched = {op.wires for op in ansatze.qcnn_conv(6, wires=[1, 3, 5]) if len(op.wires) == 2}
    assert touched == {(1, 3), (3, 1), (3, 5), (5, 3)}


def test_qcnn_pool_keeps_discarded_wire_statistics():
    """Pooling is controlled by the discarded wires, so their Z statistics do not change."""
    n = 4
    x, _ = setup(60, n, (1,))
    w = np.random.default_rng(61).normal(size=(2,))
    enc = encodings.iqp(n)
    pool, kept = ansatze.qcnn_pool(n)
    discarded = [q for q in range(n) if q not in kept]
    before = probabilities(ours(enc, x, {}), discarded)
    after = probabilities(ours(enc + pool, x, {"pool": w}), discarded)
    torch.testing.assert_close(after, before, atol=ATOL, rtol=0)
    assert not torch.allclose(
        probabilities(ours(enc + pool, x, {"pool": w}), list(kept)),
        probabilities(ours(enc, x, {}), list(kept)),
    )


def test_qcnn_stack_reduces_to_one_wire():
    n, active, c = 8, list(range(8)), encodings.angle(8)
    for depth in range(3):
        c = c + ansatze.qcnn_conv(n, wires=active, name=f"conv{depth}")
        pool, active = ansatze.qcnn_pool(n, wires=active, name=f"pool{depth}")
        c = c + pool
    assert active == (0,)
    assert c.weight_shapes == {
        "conv0": (6,),
        "pool0": (2,),
        "conv1": (6,),
        "pool1": (2,),
        "conv2": (6,),
        "pool2": (2,),
    }


@pytest.mark.parametrize(
    ("make", "match"),
    [
        (lambda: ansatze.strongly_entangling(0, layers=1), "got 0"),
        (lambda: ansatze.strongly_entangling(2, layers=0), "layers .* got 0"),
        (lambda: ansatze.strongly_entangling(3, layers=2, ranges=[1]), r"\[1\]"),
        (lambda: ansatze.strongly_entangling(3, layers=1, ranges=[3]), "range 3"),
        (lambda: ansatze.strongly_entangling(1, layers=1, ranges=[1]), "range 1"),
        (lambda: ansatze.basic_entangler(2, layers=1, rotation="W"), "'W'"),
        (lambda: ansatze.basic_entangler(2, layers=1.5), "1.5"),
        (lambda: ansatze.hardware_efficient(2, layers=1, rotations=("ry", "rq")), "'rq'"),
        (lambda: ansatze.hardware_efficient(2, layers=1, rotations=()), r"\(\)"),
        (lambda: ansatze.hardware_efficient(2, layers=1, entangler="swap"), "'swap'"),
        (lambda: ansatze.hardware_efficient(2, layers=1, pattern="star"), "'star'"),
        (lambda: ansatze.real_amplitudes(3, layers=0), "layers .* got 0"),
        (lambda: ansatze.real_amplitudes(3, entanglement="diag"), "'diag'"),
        (lambda: ansatze.real_amplitudes(3, entanglement=[(0, 3)]), r"\(0, 3\)"),
        (lambda: ansatze.entangler_map(3, "full", layer=-1), "got -1"),
        (lambda: ansatze.qcnn_conv(1), r"\(0,\)"),
        (lambda: ansatze.qcnn_conv(4, wires=[2]), r"\(2,\)"),
        (lambda: ansatze.qcnn_pool(4, wires=[0, 4]), "wire 4"),
        (lambda: ansatze.qcnn_pool(4, wires=[1, 1]), r"\(1, 1\)"),
    ],
)
def test_bad_structure_raises_circuit_error(make, match):
    with pytest.raises(CircuitError, match=match):
        make()


def test_bad_weight_name_raises_parameter_error():
    with pytest.raises(ParameterError, match="'my theta'"):
        ansatze.basic_entangler(2, layers=1, name="my theta")
