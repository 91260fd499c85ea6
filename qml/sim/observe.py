"""Compiled measurement of a list of observables on flat batched states.

Observables made only of Z products (and constants) are read from the probabilities in one
pass: a ``(2**n, n_obs)`` sign table for small ``n``, and for large ``n`` the two half-register
marginals (each term's sign factorises over the halves). Everything else (X/Y words, Hermitian
matrices) goes through the generic kernels. The same tables give ``O |psi>`` for the adjoint.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, fields

import numpy as np
import torch

from qml.observables import Hermitian, Observable, PauliWord
from qml.sim.measure import apply_pauli_word
from qml.sim.statevector import apply_matrix

__all__ = ["Measurement"]

FULL_TABLE_MAX_QUBITS = 14  # 2**14 x n_obs sign table; above this use half-register marginals


def _is_z_type(obs: Observable) -> bool:
    return all(
        isinstance(t, PauliWord) and all(p == "Z" for p in t.paulis.values())
        for _, t in obs.terms()
    )


def _signs(n: int, wires: Sequence[int], offset: int = 0) -> np.ndarray:
    """``(2**n,)`` parity sign of ``wires`` (numbered from ``offset``) for each basis index."""
    idx = np.arange(2**n)
    parity = np.zeros(2**n, dtype=np.int64)
    for w in wires:
        parity ^= (idx >> (n - 1 - (w - offset))) & 1
    return 1.0 - 2.0 * parity


@dataclass(frozen=True)
class _Terms:
    """Z-product terms as sign tables: ``signs[:, t]`` over a register's basis states, and
    ``weights[t, j]`` the coefficient of term ``t`` in observable ``j``."""

    signs: torch.Tensor  # (2**m, T)
    weights: torch.Tensor  # (T, n_z)


@dataclass(frozen=True)
class _Straddling:
    """Terms on both halves: sign ``first[:, t]`` (first half) times ``second[:, t]``."""

    first: torch.Tensor  # (2**h, T)
    second: torch.Tensor  # (2**(n-h), T)
    weights: torch.Tensor  # (T, n_z)


@dataclass(frozen=True)
class _SignTables:
    """The Z-type observables' signs: one ``full`` ``(2**n, n_z)`` table for small registers;
    for large ones, per half of the register the terms that lie inside it, and the terms that
    straddle both (each term's sign factorises over the halves)."""

    full: torch.Tensor | None = None
    first_half: _Terms | None = None
    second_half: _Terms | None = None
    straddling: _Straddling | None = None

    def to(self, real: torch.dtype, device) -> _SignTables:
        def move(v):
            if v is None:
                return None
            if isinstance(v, torch.Tensor):
                return v.to(dtype=real, device=device)
            return type(v)(*(move(getattr(v, f.name)) for f in fields(v)))

        return _SignTables(*(move(getattr(self, f.name)) for f in fields(self)))


def _sign_tables(n: int, h: int, split: bool, zs: Sequence[Observable]) -> _SignTables:
    if not split:
        table = np.zeros((2**n, len(zs)))
        for j, o in enumerate(zs):
            for c, t in o.terms():
                assert isinstance(t, PauliWord)
                table[:, j] = table[:, j] + c * _signs(n, list(t.paulis))
        return _SignTables(full=torch.as_tensor(table))
    first: list = []  # (signs of the first half, weights) per term inside the first half
    second: list = []
    both: list = []  # (first-half signs, second-half signs, weights)
    for j, o in enumerate(zs):
        for c, t in o.terms():
            assert isinstance(t, PauliWord)
            ws = list(t.paulis)
            s1 = _signs(h, [w for w in ws if w < h])
            s2 = _signs(n - h, [w for w in ws if w >= h], offset=h)
            row = np.zeros(len(zs))
            row[j] = c
            if ws and min(ws) >= h:
                second.append((s2, row))
            elif not ws or max(ws) < h:
                first.append((s1, row))
            else:
                both.append((s1, s2, row))

    def terms(parts: list) -> _Terms | None:
        if not parts:
            return None
        signs = torch.as_tensor(np.array([p[0] for p in parts]).T)
        return _Terms(signs, torch.as_tensor(np.array([p[1] for p in parts])))

    straddling = None
    if both:
        straddling = _Straddling(
            torch.as_tensor(np.array([p[0] for p in both]).T),
            torch.as_tensor(np.array([p[1] for p in both]).T),
            torch.as_tensor(np.array([p[2] for p in both])),
        )
    return _SignTables(first_half=terms(first), second_half=terms(second), straddling=straddling)


class Measurement:
    """Expectations of ``observables`` on ``(B, 2**n)`` states, and ``sum_k g_k O_k |psi>``."""

    def __init__(self, n: int, observables: Sequence[Observable]):
        self.n = n
        self.observables = list(observables)
        self.z_cols = [k for k, o in enumerate(self.observables) if _is_z_type(o)]
        self.other_cols = [k for k, o in enumerate(self.observables) if not _is_z_type(o)]
        self.split = n > FULL_TABLE_MAX_QUBITS
        self.h = n // 2
        zs = [self.observables[k] for k in self.z_cols]
        self._signs = _sign_tables(n, self.h, self.split, zs)
        self._cache: dict[tuple[torch.dtype, str], _SignTables] = {}

    def _tables(self, real: torch.dtype, device) -> _SignTables:
        key = (real, str(device))
        if key not in self._cache:
            self._cache[key] = self._signs.to(real, device)
        return self._cache[key]

    def expvals(self, state: torch.Tensor) -> torch.Tensor:
        """``state: (B, 2**n)`` complex -> ``(B, n_obs)`` real expectations."""
        batch = state.shape[0]
        real = state.real.dtype
        cols = []
        if self.z_cols:
            probs = (state * state.conj()).real
            t = self._tables(real, state.device)
            if t.full is not None:
                z = probs @ t.full
            else:
                p = probs.view(batch, 2**self.h, -1)
                z = torch.zeros((batch, len(self.z_cols)), dtype=real, device=state.device)
                if t.first_half is not None:  # terms in the first half: its marginal
                    z = z + (p.sum(2) @ t.first_half.signs) @ t.first_half.weights
                if t.second_half is not None:  # terms in the second half
                    z = z + (p.sum(1) @ t.second_half.signs) @ t.second_half.weights
                if t.straddling is not None:  # straddling terms: s1^T P s2 per term
                    st = t.straddling
                    z = z + ((p @ st.second) * st.first).sum(1) @ st.weights
            cols.append((self.z_cols, z))
        if self.other_cols:
            generic = [self._generic(state, self.observables[k]) for k in self.other_cols]
            cols.append((self.other_cols, torch.stack(generic, dim=1)))
        if (
            len(cols) == 1
            and len(cols[0][0]) == len(self.observables)
            and cols[0][0] == sorted(cols[0][0])
        ):
            return cols[0][1]
        out = torch.zeros((batch, len(self.observables)), dtype=real, device=state.device)
        for index, values in cols:
            out = out.index_copy(1, torch.tensor(index, device=state.device), values)
        return out

    def _generic(self, state: torch.Tensor, obs: Observable) -> torch.Tensor:
        other = self.apply(state, obs)
        return (state.conj() * other).real.sum(1)

    def apply(self, state: torch.Tensor, obs: Observable) -> torch.Tensor:
        """``O |psi>`` for one observable, flat ``(B, 2**n)``."""
        view = state.view((state.shape[0],) + (2,) * self.n)
        out = torch.zeros_like(view)
        for c, term in obs.terms():
            if isinstance(term, PauliWord):
                out = out + c * apply_pauli_word(view, term)
            else:
                assert isinstance(term, Hermitian)
                m = torch.as_tensor(term.matrix_, dtype=state.dtype, device=state.device)
                out = out + c * apply_matrix(view, m, term.wires)
        return out.reshape(state.shape)

    def weighted_apply(self, state: torch.Tensor, g: torch.Tensor) -> torch.Tensor:
        """``lambda_b = sum_k g[b, k] O_k |psi_b>``: the adjoint's starting vector."""
        batch = state.shape[0]
        real = state.real.dtype
        lam = torch.zeros_like(state)
        if self.z_cols:
            t = self._tables(real, state.device)
            gz = g[:, self.z_cols].to(real)
            if t.full is not None:
                diag = gz @ t.full.T  # (B, 2**n)
            else:
                h = 2**self.h
                d3 = torch.zeros((batch, h, 2**self.n // h), dtype=real, device=state.device)
                if t.first_half is not None:
                    half = t.first_half
                    d3 = d3 + ((gz @ half.weights.T) @ half.signs.T)[:, :, None]
                if t.second_half is not None:
                    half = t.second_half
                    d3 = d3 + ((gz @ half.weights.T) @ half.signs.T)[:, None, :]
                if t.straddling is not None:
                    st = t.straddling
                    w = gz @ st.weights.T
                    d3 = d3 + torch.einsum("it,bt,jt->bij", st.first, w, st.second)
                diag = d3.reshape(batch, -1)
            lam = lam + diag * state
        for k in self.other_cols:
            lam = lam + g[:, k : k + 1].to(real) * self.apply(state, self.observables[k])
        return lam
