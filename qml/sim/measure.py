"""Measurements on batched statevectors: expectations, probabilities and samples."""

from __future__ import annotations

from collections.abc import Sequence

import torch

from qml.observables import Hermitian, Observable, PauliWord
from qml.sim.memory import check_bytes
from qml.sim.statevector import apply_matrix, num_qubits

__all__ = ["expval", "expval_pauli", "probabilities", "sample_bits", "basis_rotation"]


def apply_pauli_word(state: torch.Tensor, word: PauliWord) -> torch.Tensor:
    """``P |psi>`` for a Pauli word (its coefficient ignored); ``state: (B, 2, ..., 2)``."""
    out = state
    for w, p in word.paulis.items():
        axis = w + 1
        if p in ("Z", "Y"):
            sign = torch.tensor([1.0, -1.0], dtype=out.real.dtype, device=out.device)
            shape = [1] * out.dim()
            shape[axis] = 2
            out = out * sign.reshape(shape)
        if p in ("X", "Y"):
            out = out.flip(axis)
        if p == "Y":
            out = out * 1j
    return out


def expval_pauli(state: torch.Tensor, word: PauliWord) -> torch.Tensor:
    """``<psi| P |psi>`` per sample, real ``(B,)``; coefficient ignored."""
    if all(p == "Z" for p in word.paulis.values()):
        probs = state.real**2 + state.imag**2
        return _z_parity(probs, list(word.paulis))
    other = apply_pauli_word(state, word)
    return (state.conj() * other).real.flatten(1).sum(1)


def _z_parity(probs: torch.Tensor, wires: Sequence[int]) -> torch.Tensor:
    """Sum of probabilities weighted by the parity of ``wires``: ``probs: (B, 2, ..., 2)``."""
    n = probs.dim() - 1
    rest = [w + 1 for w in range(n) if w not in wires]
    marg = probs.sum(dim=rest) if rest else probs  # (B, 2, ..., 2) over `wires` ascending
    sign = torch.ones((), dtype=probs.dtype, device=probs.device)
    for i in range(len(wires)):
        s = torch.tensor([1.0, -1.0], dtype=probs.dtype, device=probs.device)
        shape = [1] * len(wires)
        shape[i] = 2
        sign = sign * s.reshape(shape)
    return (marg * sign).flatten(1).sum(1)


def expval(state: torch.Tensor, observable: Observable) -> torch.Tensor:
    """Exact expectation ``<psi| O |psi>`` per sample.

    Args:
        state: ``(B, 2, ..., 2)`` complex.
        observable: a Pauli word, real-weighted sum, or Hermitian matrix on the state's wires.

    Returns:
        ``(B,)`` real tensor (float32 for complex64 states, float64 for complex128).
    """
    total = torch.zeros(state.shape[0], dtype=state.real.dtype, device=state.device)
    for coeff, term in observable.terms():
        if isinstance(term, PauliWord):
            value = expval_pauli(state, term) if term.paulis else torch.ones_like(total)
        else:
            value = _expval_hermitian(state, term)
        total = total + coeff * value
    return total


def _expval_hermitian(state: torch.Tensor, obs: Hermitian) -> torch.Tensor:
    m = torch.as_tensor(obs.matrix_, dtype=state.dtype, device=state.device)
    other = apply_matrix(state, m, obs.wires)
    return (state.conj() * other).real.flatten(1).sum(1)


def probabilities(state: torch.Tensor, wires: Sequence[int] | None = None) -> torch.Tensor:
    """Computational-basis probabilities.

    Args:
        state: ``(B, 2, ..., 2)`` complex.
        wires: wires to keep (in the order given, first = most significant); all by default.

    Returns:
        ``(B, 2**len(wires))`` real.
    """
    n = num_qubits(state)
    wires = list(range(n)) if wires is None else list(wires)
    probs = state.real**2 + state.imag**2
    rest = [w + 1 for w in range(n) if w not in wires]
    if rest:
        probs = probs.sum(dim=rest)
    kept = sorted(wires)
    probs = probs.permute([0] + [1 + kept.index(w) for w in wires])
    return probs.reshape(state.shape[0], -1)


MULTINOMIAL_MAX_CATEGORIES = 2**24  # torch.multinomial's limit on categories


def sample_bits(
    probs: torch.Tensor, shots: int, n_bits: int, *, generator: torch.Generator | None
) -> torch.Tensor:
    """Draw ``shots`` basis states per sample from ``probs: (B, 2**n_bits)``.

    Sampling runs on the generator's device (CPU unless the generator lives on CUDA), so the
    same seed gives the same samples whatever device computed ``probs``.

    Returns:
        ``(B, shots, n_bits)`` int8 bits, bit 0 being the most significant.
    """
    gen_device = generator.device if generator is not None else torch.device("cpu")
    # drawn indices (int64), their bits (int64, then int8) and the float64 probabilities
    check_bytes(
        probs.shape[0] * shots * (8 + 9 * n_bits) + probs.numel() * 8,
        what=f"{shots} shots of {n_bits} bits for {probs.shape[0]} row(s)",
        device=gen_device,
    )
    p = probs.detach().to(device=gen_device, dtype=torch.float64)
    p = p.clamp_min(0)
    if p.shape[-1] <= MULTINOMIAL_MAX_CATEGORIES:
        idx = torch.multinomial(p, shots, replacement=True, generator=generator)  # (B, shots)
    else:  # inverse-CDF sampling: torch.multinomial takes at most 2**24 categories
        cdf = p.cumsum(-1)
        u = torch.rand(
            (p.shape[0], shots), generator=generator, dtype=torch.float64, device=gen_device
        )
        u = u * cdf[:, -1:]
        idx = torch.searchsorted(cdf, u, right=True).clamp_max(p.shape[-1] - 1)
    shifts = torch.arange(n_bits - 1, -1, -1, device=idx.device)
    bits = (idx.unsqueeze(-1) >> shifts) & 1
    return bits.to(torch.int8).to(probs.device)


def basis_rotation(word: PauliWord) -> list[tuple[str, int]]:
    """Gates that rotate each Pauli of ``word`` onto Z: X -> H, Y -> S^dagger then H."""
    gates: list[tuple[str, int]] = []
    for w, p in word.paulis.items():
        if p == "X":
            gates.append(("h", w))
        elif p == "Y":
            gates.extend([("sdg", w), ("h", w)])
    return gates
