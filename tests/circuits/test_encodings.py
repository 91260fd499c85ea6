"""Encodings against PennyLane templates and Qiskit's zz_feature_map, full statevectors."""

from __future__ import annotations

import numpy as np
import pennylane as pl
import pytest
import torch
from qiskit.circuit.library import zz_feature_map as qiskit_zz_feature_map
from qiskit.quantum_info import Statevector

import qml
from circuits import ansatze, encodings
from qml.errors import CircuitError, ParameterError
from qml.interop.bitorder import reverse_index_bits
from tests.circuits.reference import flat, our_states, pennylane_states
from tests.tolerances import atol

ATOL = atol(torch.complex128)
BATCH = 4


def ours(circuit, x: np.ndarray, weights: dict[str, np.ndarray] | None = None) -> np.ndarray:
    """Our states for features ``x: (B, F)``, as ``(B, 2**n)`` complex128."""
    return flat(our_states(circuit, x, weights))


def features(seed: int, shape: tuple[int, ...]) -> np.ndarray:
    return np.random.default_rng(seed).uniform(-np.pi, np.pi, size=shape)


@pytest.mark.parametrize("n", [1, 3])
@pytest.mark.parametrize("rotation", ["X", "Y", "Z"])
def test_angle_matches_angle_embedding(n, rotation):
    x = features(1, (BATCH, n))
    # start from |+> so that an RZ encoding is visible in the state
    c = encodings.angle(n, rotation=rotation)
    prefix = _hadamards(n)
    got = ours(prefix + c, x)

    def ref(sample):
        for q in range(n):
            pl.Hadamard(q)
        pl.AngleEmbedding(sample, wires=range(n), rotation=rotation)

    np.testing.assert_allclose(got, pennylane_states(n, ref, x), atol=ATOL, rtol=0)


def _hadamards(n: int) -> qml.Circuit:
    c = qml.Circuit(n)
    for q in range(n):
        c.h(q)
    return c


@pytest.mark.parametrize("n", [1, 2, 3, 4])
@pytest.mark.parametrize("layers", [1, 2])
def test_iqp_matches_iqp_embedding(n, layers):
    x = features(2 + n, (BATCH, n))
    got = ours(encodings.iqp(n, layers=layers), x)

    def ref(sample):
        pl.IQPEmbedding(sample, wires=range(n), n_repeats=layers)

    np.testing.assert_allclose(got, pennylane_states(n, ref, x), atol=ATOL, rtol=0)


def test_iqp_custom_pattern_matches_iqp_embedding():
    n, pattern = 4, [(0, 2), (3, 1), (1, 2)]
    x = features(3, (BATCH, n))
    got = ours(encodings.iqp(n, layers=2, pattern=pattern), x)

    def ref(sample):
        pl.IQPEmbedding(sample, wires=range(n), n_repeats=2, pattern=pattern)

    np.testing.assert_allclose(got, pennylane_states(n, ref, x), atol=ATOL, rtol=0)


def qiskit_states(qc, x: np.ndarray) -> np.ndarray:
    """Qiskit ``Statevector`` of ``qc`` bound to each row of ``x``, in qml bit order."""
    out = []
    for row in x:
        bound = qc.assign_parameters({p: float(row[p.index]) for p in qc.parameters})
        out.append(reverse_index_bits(Statevector(bound).data, qc.num_qubits))
    return np.stack(out)


@pytest.mark.parametrize("n", [2, 3, 4])
@pytest.mark.parametrize("entanglement", list(ansatze.ENTANGLEMENTS))
def test_zz_feature_map_matches_qiskit(n, entanglement):
    layers = 3  # sca changes with the layer
    x = features(4 + n, (BATCH, n))
    got = ours(encodings.zz_feature_map(n, layers=layers, entanglement=entanglement), x)
    ref = qiskit_states(qiskit_zz_feature_map(n, reps=layers, entanglement=entanglement), x)
    np.testing.assert_allclose(got, ref, atol=ATOL, rtol=0)


def test_zz_feature_map_explicit_pairs_and_alpha_match_qiskit():
    n, pairs = 3, [(2, 0), (1, 2)]
    x = features(5, (BATCH, n))
    got = ours(encodings.zz_feature_map(n, layers=2, entanglement=pairs, alpha=1.3), x)
    qiskit_ent = {1: [(q,) for q in range(n)], 2: pairs}  # Qiskit wants pairs by Pauli size
    ref = qiskit_states(qiskit_zz_feature_map(n, reps=2, entanglement=qiskit_ent, alpha=1.3), x)
    np.testing.assert_allclose(got, ref, atol=ATOL, rtol=0)


@pytest.mark.parametrize("n", [1, 3])
def test_reuploading_matches_pennylane_gates(n):
    layers = 3
    x = features(6, (BATCH, n))
    rng = np.random.default_rng(7)
    w, b = rng.normal(size=(layers, n)), rng.normal(size=(layers, n))
    got = ours(encodings.reuploading(n, layers=layers), x, {"w": w, "b": b})

    def ref(sample):
        for layer in range(layers):
            for q in range(n):
                pl.RY(w[layer, q] * sample[q] + b[layer, q], wires=q)
            for q in range(n - 1):
                pl.CNOT(wires=[q, q + 1])

    np.testing.assert_allclose(got, pennylane_states(n, ref, x), atol=ATOL, rtol=0)


def test_reuploading_declares_inputs_and_weights():
    c = encodings.reuploading(3, layers=2, name="u", weights="scale", bias="shift")
    assert c.input_shapes == {"u": 3}
    assert c.weight_shapes == {"scale": (2, 3), "shift": (2, 3)}


@pytest.mark.parametrize("n", [1, 2, 3])
def test_amplitude_matches_amplitude_embedding(n):
    x = features(8 + n, (BATCH, 2**n))
    got = ours(encodings.amplitude(n), x)

    def ref(sample):
        pl.AmplitudeEmbedding(sample, wires=range(n), normalize=True)

    np.testing.assert_allclose(got, pennylane_states(n, ref, x), atol=ATOL, rtol=0)


def test_amplitude_padding_matches_amplitude_embedding():
    n, f, pad = 3, 5, 0.25
    x = features(12, (BATCH, f))
    got = ours(encodings.amplitude(n, features=f, pad_with=pad), x)

    def ref(sample):
        pl.AmplitudeEmbedding(sample, wires=range(n), pad_with=pad, normalize=True)

    np.testing.assert_allclose(got, pennylane_states(n, ref, x), atol=ATOL, rtol=0)


def test_amplitude_unnormalised_mode_with_unit_inputs_then_ansatz():
    n = 2
    x = features(13, (BATCH, 2**n))
    x /= np.linalg.norm(x, axis=1, keepdims=True)
    w = np.random.default_rng(14).normal(size=(2, n, 3))
    c = encodings.amplitude(n, normalize=False) + ansatze.strongly_entangling(n, layers=2)
    got = ours(c, x, {"theta": w})

    def ref(sample):
        pl.AmplitudeEmbedding(sample, wires=range(n), normalize=False)
        pl.StronglyEntanglingLayers(w, wires=range(n))

    np.testing.assert_allclose(got, pennylane_states(n, ref, x), atol=ATOL, rtol=0)


@pytest.mark.parametrize(
    ("make", "match"),
    [
        (lambda: encodings.angle(0), "got 0"),
        (lambda: encodings.angle(True), "got True"),
        (lambda: encodings.angle(2, rotation="W"), "'W'"),
        (lambda: encodings.angle(2, rotation="x"), "'x'"),
        (lambda: encodings.iqp(2, layers=0), "layers .* got 0"),
        (lambda: encodings.iqp(3, pattern=[(0, 0)]), r"\(0, 0\)"),
        (lambda: encodings.iqp(3, pattern=[(0, 3)]), r"\(0, 3\)"),
        (lambda: encodings.zz_feature_map(1), "got 1"),
        (lambda: encodings.zz_feature_map(3, entanglement="diagonal"), "'diagonal'"),
        (lambda: encodings.zz_feature_map(3, layers=-1), "got -1"),
        (lambda: encodings.zz_feature_map(3, alpha="2"), "'2'"),
        (lambda: encodings.reuploading(2, layers=0), "layers .* got 0"),
        (lambda: encodings.amplitude(2, features=5, pad_with=0.0), "got 5"),
        (lambda: encodings.amplitude(2, features=3), "features=3"),
        (lambda: encodings.amplitude(0), "got 0"),
    ],
)
def test_bad_structure_raises_circuit_error(make, match):
    with pytest.raises(CircuitError, match=match):
        make()


def test_clashing_names_raise_parameter_error():
    with pytest.raises(ParameterError, match="'x'"):
        encodings.reuploading(2, layers=1, weights="x")
    with pytest.raises(ParameterError, match="'1x'"):
        encodings.angle(2, name="1x")
