"""Bit-order conversion between qml and Qiskit, in one place.

qml and PennyLane: wire 0 is the most significant bit of a basis-state index.
Qiskit: qubit 0 is the least significant bit, and Pauli labels are written qubit n-1 first.
A gate on qml wire ``q`` is the same gate on Qiskit qubit ``q``; only flattened indices, bit
strings and Pauli labels differ, and every such translation goes through this module.
"""

from __future__ import annotations

import numpy as np

from qml.observables import Observable, PauliWord

__all__ = [
    "reverse_index_bits",
    "qiskit_bitstring_to_qml",
    "pauli_label_for_qiskit",
    "to_sparse_pauli_op",
]


def reverse_index_bits(values: np.ndarray, n: int) -> np.ndarray:
    """Reorder a length ``2**n`` vector (trailing axis) between the two bit orders.

    The operation is its own inverse: it maps Qiskit-ordered amplitudes or probabilities to qml
    order and back.
    """
    values = np.asarray(values)
    lead = values.shape[:-1]
    t = values.reshape(lead + (2,) * n)
    t = np.moveaxis(
        t, list(range(len(lead), len(lead) + n)), list(range(len(lead) + n - 1, len(lead) - 1, -1))
    )
    return t.reshape(lead + (2**n,))


def qiskit_bitstring_to_qml(bits: str) -> str:
    """Qiskit's count keys print qubit 0 last; qml prints wire 0 first."""
    return bits.replace(" ", "")[::-1]


def pauli_label_for_qiskit(word: PauliWord, n: int) -> str:
    """Qiskit Pauli label of ``word`` on ``n`` qubits (qubit n-1 leftmost)."""
    return "".join(word.paulis.get(q, "I") for q in reversed(range(n)))


def to_sparse_pauli_op(obs: Observable, n: int):
    """A Qiskit ``SparsePauliOp`` equal to ``obs`` on ``n`` qubits (Hermitian terms expanded
    in Paulis)."""
    from qiskit.quantum_info import SparsePauliOp

    from qml.observables import Hermitian

    terms = []
    for c, term in obs.terms():
        if isinstance(term, PauliWord):
            terms.append((pauli_label_for_qiskit(term, n), c))
            continue
        assert isinstance(term, Hermitian)
        # Pauli decomposition of the local matrix: label[i] acts on local qubit k-1-i, which
        # is the matrix's i-th most significant wire, term.wires[i] (= Qiskit qubit wires[i])
        local = SparsePauliOp.from_operator(term.matrix_)
        for label, coeff in zip(local.paulis.to_labels(), local.coeffs, strict=True):
            full = ["I"] * n
            for i, ch in enumerate(label):
                full[n - 1 - term.wires[i]] = ch
            terms.append(("".join(full), c * coeff.real))
    return SparsePauliOp([t for t, _ in terms], np.asarray([c for _, c in terms], dtype=complex))
