"""Qubit-wise commuting measurement groups: what a shot-based backend measures, in one place.

A shot-based expectation is estimated from bit strings measured in some basis. Pauli terms that
commute qubit-wise (on every wire they share, the same Pauli) are diagonal in one product basis,
so ONE measured circuit serves all of them: rotate each wire of the group onto Z (X: H;
Y: S^dagger then H), measure, and read every term's value as the parity of its wires' bits. A
:class:`~qml.Hermitian` term is measured in its own eigenbasis (its own group). Identity terms
need no measurement: their coefficient is added as a constant.

:func:`measurement_groups` builds the greedy grouping (terms in the order the observables list
them, each joining the first group it commutes with qubit-wise); the torch, PennyLane and Aer
backends measure one circuit per group and :func:`estimates_from_bits` turns the bits into
expectations; the estimator (:mod:`qml.estimator.workload`) counts the same groups, so
``layer.stats`` and ``qml.estimate`` agree on circuits and shots.

Example:
    >>> from qml.observables import X, Z
    >>> g = measurement_groups([Z(0), Z(1), Z(0) @ Z(1), X(0)])
    >>> [dict(group.basis) for group in g.groups]
    [{0: 'Z', 1: 'Z'}, {0: 'X'}]
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import torch

from qml.observables import Hermitian, Observable, PauliWord

__all__ = [
    "TermRef",
    "MeasurementGroup",
    "MeasurementGroups",
    "measurement_groups",
    "estimates_from_bits",
    "draw_seed",
]


@dataclass(frozen=True)
class TermRef:
    """One term a group serves: ``coeff`` times term ``term`` of observable ``observable``.

    ``wires`` are the term's non-identity wires (a Pauli term's value is the parity of their
    bits); for a Hermitian term they are the matrix's wires in its order.
    """

    observable: int
    term: int
    coeff: float
    wires: tuple[int, ...]


@dataclass(frozen=True, eq=False)
class MeasurementGroup:
    """One measured circuit: a product basis (Pauli group) or a Hermitian's eigenbasis.

    Attributes:
        basis: ``((wire, 'X' | 'Y' | 'Z'), ...)`` sorted by wire, for a Pauli group; for a
            Hermitian group ``((wire, 'H'), ...)`` in the matrix's wire order.
        terms: the terms this group's bits estimate.
        hermitian: the Hermitian term, or ``None`` for a Pauli group.
        eigvals: ``(2**k,)`` float64 eigenvalues of the Hermitian (``numpy.linalg.eigh`` order),
            or ``None``.
        v_dag: ``(2**k, 2**k)`` complex128 ``V^dagger`` of its eigenvectors (the rotation into
            the eigenbasis before measuring), or ``None``.
    """

    basis: tuple[tuple[int, str], ...]
    terms: tuple[TermRef, ...]
    hermitian: Hermitian | None = None
    eigvals: np.ndarray | None = None
    v_dag: np.ndarray | None = None

    @property
    def wires(self) -> tuple[int, ...]:
        """Measured wires, in the order of the bits :func:`estimates_from_bits` expects."""
        return tuple(w for w, _ in self.basis)

    @property
    def rotation(self) -> list[tuple[str, int]]:
        """``(gate, wire)`` s that rotate a Pauli group onto Z before measuring
        (:func:`qml.sim.measure.basis_rotation`); a Hermitian group rotates by ``v_dag``."""
        if self.hermitian is not None:
            raise ValueError("a Hermitian group rotates by its v_dag, not by gates")
        from qml.sim.measure import basis_rotation  # qml.sim imports this module

        return basis_rotation(PauliWord(dict(self.basis)))


@dataclass(frozen=True, eq=False)
class MeasurementGroups:
    """The groups of a list of observables, and the identity constants per observable."""

    groups: tuple[MeasurementGroup, ...]
    constants: tuple[float, ...]  # per observable: sum of its identity terms' coefficients

    @property
    def n_observables(self) -> int:
        return len(self.constants)

    def __len__(self) -> int:
        return len(self.groups)


def measurement_groups(observables: Sequence[Observable]) -> MeasurementGroups:
    """Greedy qubit-wise commuting groups of all terms of all ``observables``.

    Args:
        observables: the layer's observables, in output order.

    Returns:
        The groups (one measured circuit each) and the identity constant of every observable.

    Example:
        >>> import numpy as np
        >>> from qml.observables import Hermitian, X, Z
        >>> g = measurement_groups([Z(0) + 0.5, X(1) - Z(1), Hermitian(np.eye(2), 0)])
        >>> len(g), g.constants
        (3, (0.5, 0.0, 0.0))
    """
    paulis: list[tuple[dict[int, str], list[TermRef]]] = []
    hermitians: list[MeasurementGroup] = []
    constants = []
    for k, obs in enumerate(observables):
        const = 0.0
        for j, (coeff, term) in enumerate(obs.terms()):
            if isinstance(term, Hermitian):
                evals, evecs = np.linalg.eigh(term.matrix_)
                ref = TermRef(k, j, float(coeff), term.wires)
                group = MeasurementGroup(
                    basis=tuple((w, "H") for w in term.wires),
                    terms=(ref,),
                    hermitian=term,
                    eigvals=np.asarray(evals, dtype=np.float64),
                    v_dag=evecs.conj().T,
                )
                hermitians.append(group)
                continue
            if not isinstance(term, PauliWord):  # pragma: no cover - terms() yields only these
                raise TypeError(f"unexpected observable term {term!r}")
            word = {w: p for w, p in term.paulis.items() if p != "I"}
            if not word:
                const += float(coeff)
                continue
            ref = TermRef(k, j, float(coeff), tuple(sorted(word)))
            for basis, refs in paulis:
                if all(basis.get(w, p) == p for w, p in word.items()):
                    basis.update(word)
                    refs.append(ref)
                    break
            else:
                paulis.append((dict(word), [ref]))
        constants.append(const)
    groups = [MeasurementGroup(basis=tuple(sorted(b.items())), terms=tuple(r)) for b, r in paulis]
    return MeasurementGroups(groups=tuple(groups + hermitians), constants=tuple(constants))


def estimates_from_bits(
    grouping: MeasurementGroups, bits: Sequence[torch.Tensor], *, rows: int, device=None
) -> torch.Tensor:
    """Expectation estimates from the bits measured in every group.

    Args:
        grouping: from :func:`measurement_groups`.
        bits: one tensor per group, ``(B, shots, len(group.wires))`` of 0/1 (any integer or
            bool dtype), bit ``i`` measured on ``group.wires[i]`` after the group's rotation.
        rows: ``B`` (needed when no group is measured: observables of identities only).
        device: where the result lives (default: the bits' device, or the CPU).

    Returns:
        ``(B, n_observables)`` float64: per observable, its identity constant plus every term's
        coefficient times the mean over shots of its value (the parity sign ``(-1)**(sum of
        bits)`` for a Pauli term, the eigenvalue of the outcome for a Hermitian).

    Raises:
        ValueError: ``bits`` does not have one entry per group (a programming error).
    """
    if len(bits) != len(grouping.groups):
        raise ValueError(f"{len(grouping.groups)} groups, but bits for {len(bits)}")
    if device is None:
        device = bits[0].device if len(bits) else torch.device("cpu")
    out = torch.zeros((rows, grouping.n_observables), dtype=torch.float64, device=device)
    out += torch.tensor(grouping.constants, dtype=torch.float64, device=device)
    for group, b in zip(grouping.groups, bits, strict=True):
        b = b.to(device=device, dtype=torch.int64)
        if group.hermitian is not None:
            assert group.eigvals is not None  # set with hermitian
            k = b.shape[-1]
            weights = 2 ** torch.arange(k - 1, -1, -1, device=device)
            idx = (b * weights).sum(-1)  # (B, shots), wire order of the matrix
            evals = torch.as_tensor(group.eigvals, dtype=torch.float64, device=device)
            ref = group.terms[0]
            out[:, ref.observable] += ref.coeff * evals[idx].mean(1)
            continue
        column = {w: i for i, w in enumerate(group.wires)}
        for ref in group.terms:
            parity = b[..., [column[w] for w in ref.wires]].sum(-1) % 2  # (B, shots)
            out[:, ref.observable] += ref.coeff * (1.0 - 2.0 * parity.to(torch.float64)).mean(1)
    return out


def draw_seed(generator: torch.Generator | None) -> int:
    """A seed in ``[0, 2**31 - 1)`` for an engine's own sampler, drawn from ``generator``.

    Backends whose engine samples (Aer, PennyLane devices) take one seed per call from the
    layer's generator, so the same layer seed gives the same estimates; ``None`` draws from
    torch's default generator (reproducible under ``torch.manual_seed``).
    """
    device = generator.device if generator is not None else torch.device("cpu")
    return int(torch.randint(0, 2**31 - 1, (1,), generator=generator, device=device))
