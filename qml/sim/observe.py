"""Compiled measurement of a list of observables on flat batched states.

Observables made only of Z products (and constants) are read from the probabilities in one
pass: a ``(2**n, n_obs)`` sign table for small ``n``, and for large ``n`` the two half-register
marginals (each term's sign factorises over the halves). Everything else (X/Y words, Hermitian
matrices) goes through the generic kernels. The same tables give ``O |psi>`` for the adjoint.
"""

from __future__ import annotations

from collections.abc import Sequence

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
        if not self.split:
            table = np.zeros((2**n, len(zs)))
            for j, o in enumerate(zs):
                for c, t in o.terms():
                    assert isinstance(t, PauliWord)
                    table[:, j] = table[:, j] + c * _signs(n, list(t.paulis))
            self._np = {"full": table}
        else:
            # Each term's sign factorises over the two halves of the register. Terms inside the
            # first half need only the first half's marginal, those inside the second half the
            # second's; only terms that straddle both need the joint probabilities.
            h = self.h
            parts: dict[str, list] = {"a": [], "b": [], "c": []}
            for j, o in enumerate(zs):
                for c, t in o.terms():
                    assert isinstance(t, PauliWord)
                    ws = list(t.paulis)
                    first = _signs(h, [w for w in ws if w < h])
                    second = _signs(n - h, [w for w in ws if w >= h], offset=h)
                    row = np.zeros(len(zs))
                    row[j] = c
                    key = "b" if ws and min(ws) >= h else ("a" if not ws or max(ws) < h else "c")
                    parts[key].append((first, second, row))
            tables: dict[str, np.ndarray] = {}
            for key, terms in parts.items():
                if terms:
                    tables[key + "1"] = np.array([t[0] for t in terms]).T
                    tables[key + "2"] = np.array([t[1] for t in terms]).T
                    tables[key + "w"] = np.array([t[2] for t in terms])
            self._np = tables
        self._cache: dict = {}

    def _tables(self, real: torch.dtype, device) -> dict[str, torch.Tensor]:
        key = (real, str(device))
        if key not in self._cache:
            self._cache[key] = {
                k: torch.as_tensor(v, dtype=real, device=device) for k, v in self._np.items()
            }
        return self._cache[key]

    def expvals(self, state: torch.Tensor) -> torch.Tensor:
        """``state: (B, 2**n)`` complex -> ``(B, n_obs)`` real expectations."""
        batch = state.shape[0]
        real = state.real.dtype
        cols = []
        if self.z_cols:
            probs = (state * state.conj()).real
            t = self._tables(real, state.device)
            if not self.split:
                z = probs @ t["full"]
            else:
                p = probs.view(batch, 2**self.h, -1)
                z = torch.zeros((batch, len(self.z_cols)), dtype=real, device=state.device)
                if "a1" in t:  # terms in the first half: its marginal
                    z = z + (p.sum(2) @ t["a1"]) @ t["aw"]
                if "b1" in t:  # terms in the second half
                    z = z + (p.sum(1) @ t["b2"]) @ t["bw"]
                if "c1" in t:  # straddling terms: s1^T P s2 per term
                    z = z + ((p @ t["c2"]) * t["c1"]).sum(1) @ t["cw"]
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
            if not self.split:
                diag = gz @ t["full"].T  # (B, 2**n)
            else:
                h = 2**self.h
                d3 = torch.zeros((batch, h, 2**self.n // h), dtype=real, device=state.device)
                if "a1" in t:
                    d3 = d3 + ((gz @ t["aw"].T) @ t["a1"].T)[:, :, None]
                if "b1" in t:
                    d3 = d3 + ((gz @ t["bw"].T) @ t["b2"].T)[:, None, :]
                if "c1" in t:
                    w = gz @ t["cw"].T
                    d3 = d3 + torch.einsum("it,bt,jt->bij", t["c1"], w, t["c2"])
                diag = d3.reshape(batch, -1)
            lam = lam + diag * state
        for k in self.other_cols:
            lam = lam + g[:, k : k + 1].to(real) * self.apply(state, self.observables[k])
        return lam
