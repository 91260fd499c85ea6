"""The gate set, as one declarative table.

Each :class:`GateSpec` states a gate's arity, its parameters, how to build its matrix for a batch
of angles, whether it is diagonal, its inverse and its names in Qiskit and PennyLane. The matrix
of a multi-qubit gate is in the order the wires are listed: the first wire is the most
significant bit (PennyLane's convention, and wire 0 is the most significant bit of the state).
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import torch

__all__ = ["GateSpec", "GATES", "gate_matrix", "gate_diagonal"]

# matrix builder: (angles as real tensors of one broadcast shape S, complex dtype) -> (*S, d, d)
MatrixFn = Callable[[Sequence[torch.Tensor], torch.dtype], torch.Tensor]


@dataclass(frozen=True, kw_only=True)
class GateSpec:
    """One gate of the table.

    Attributes:
        name: qml's name (the ``Circuit`` method).
        num_wires: wires the gate acts on.
        num_params: real angles the gate takes.
        matrix: builds ``(*S, 2**num_wires, 2**num_wires)`` from angles of shape ``S``.
        diagonal: the matrix is diagonal in the computational basis.
        inverse: name of the inverse gate and how its angles map (``None`` for self-inverse).
        qiskit: Qiskit's ``QuantumCircuit`` method / instruction name.
        pennylane: PennyLane operation class name.
    """

    name: str
    num_wires: int
    num_params: int
    matrix: MatrixFn
    diagonal: bool = False
    inverse: str | None = None
    qiskit: str = ""
    pennylane: str = ""

    @property
    def dim(self) -> int:
        return 2**self.num_wires


def _stack(entries: Sequence[Sequence[torch.Tensor | complex]], dtype, like) -> torch.Tensor:
    """Stack a nested list of scalars / tensors of one broadcast shape into ``(*S, d, d)``."""
    shape = like.shape
    rows = []
    for row in entries:
        cols = []
        for e in row:
            if isinstance(e, torch.Tensor):
                cols.append(e.to(dtype).expand(shape))
            else:
                cols.append(torch.full(shape, complex(e), dtype=dtype, device=like.device))
        rows.append(torch.stack(cols, dim=-1))
    return torch.stack(rows, dim=-2)


def _fixed(matrix: Sequence[Sequence[complex]]) -> MatrixFn:
    def build(angles: Sequence[torch.Tensor], dtype: torch.dtype) -> torch.Tensor:
        return torch.tensor(matrix, dtype=dtype)

    return build


def _half(theta: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
    return torch.cos(theta / 2), torch.sin(theta / 2)


def _expi(phi: torch.Tensor, dtype) -> torch.Tensor:
    return torch.polar(torch.ones_like(phi), phi).to(dtype)


def _rx(a, dtype):
    c, s = _half(a[0])
    ms = -1j * s.to(dtype)
    return _stack([[c, ms], [ms, c]], dtype, c)


def _ry(a, dtype):
    c, s = _half(a[0])
    return _stack([[c, -s], [s, c]], dtype, c)


def _rz(a, dtype):
    e = _expi(-a[0] / 2, dtype)
    return _stack([[e, 0], [0, e.conj()]], dtype, a[0])


def _phase(a, dtype):
    return _stack([[1, 0], [0, _expi(a[0], dtype)]], dtype, a[0])


def _u3(a, dtype):
    theta, phi, lam = torch.broadcast_tensors(*a)
    c, s = _half(theta)
    c, s = c.to(dtype), s.to(dtype)
    return _stack(
        [[c, -_expi(lam, dtype) * s], [_expi(phi, dtype) * s, _expi(phi + lam, dtype) * c]],
        dtype,
        theta,
    )


def _controlled(one: MatrixFn) -> MatrixFn:
    def build(a, dtype):
        u = one(a, dtype)  # (*S, 2, 2)
        out = torch.zeros(u.shape[:-2] + (4, 4), dtype=dtype, device=u.device)
        out[..., 0, 0] = 1
        out[..., 1, 1] = 1
        out[..., 2:, 2:] = u
        return out

    return build


def _pauli_rot2(pauli: Sequence[Sequence[complex]]) -> MatrixFn:
    """exp(-i theta/2 P) for a two-qubit Pauli product P (P^2 = I)."""
    p = torch.tensor(pauli, dtype=torch.complex128)

    def build(a, dtype):
        c, s = _half(a[0])
        c, s = c.to(dtype)[..., None, None], s.to(dtype)[..., None, None]
        eye = torch.eye(4, dtype=dtype, device=c.device)
        return c * eye - 1j * s * p.to(dtype=dtype, device=c.device)

    return build


def _rzz(a, dtype):
    e = _expi(-a[0] / 2, dtype)
    f = e.conj()
    z = torch.zeros_like(e)
    return _stack([[e, z, z, z], [z, f, z, z], [z, z, f, z], [z, z, z, e]], dtype, a[0])


_S2 = 1 / math.sqrt(2)
_XX = [[0, 0, 0, 1], [0, 0, 1, 0], [0, 1, 0, 0], [1, 0, 0, 0]]
_YY = [[0, 0, 0, -1], [0, 0, 1, 0], [0, 1, 0, 0], [-1, 0, 0, 0]]
_CCX = [[1 if (r == c if r < 6 else r + c == 13) else 0 for c in range(8)] for r in range(8)]
_SX = [[(1 + 1j) / 2, (1 - 1j) / 2], [(1 - 1j) / 2, (1 + 1j) / 2]]
_SXDG = [[(1 - 1j) / 2, (1 + 1j) / 2], [(1 + 1j) / 2, (1 - 1j) / 2]]
_T = complex(math.cos(math.pi / 4), math.sin(math.pi / 4))

GATES: dict[str, GateSpec] = {
    g.name: g
    for g in [
        GateSpec(name="h", num_wires=1, num_params=0, matrix=_fixed([[_S2, _S2], [_S2, -_S2]]),
                 qiskit="h", pennylane="Hadamard"),
        GateSpec(name="x", num_wires=1, num_params=0, matrix=_fixed([[0, 1], [1, 0]]),
                 qiskit="x", pennylane="PauliX"),
        GateSpec(name="y", num_wires=1, num_params=0, matrix=_fixed([[0, -1j], [1j, 0]]),
                 qiskit="y", pennylane="PauliY"),
        GateSpec(name="z", num_wires=1, num_params=0, matrix=_fixed([[1, 0], [0, -1]]),
                 diagonal=True, qiskit="z", pennylane="PauliZ"),
        GateSpec(name="s", num_wires=1, num_params=0, matrix=_fixed([[1, 0], [0, 1j]]),
                 diagonal=True, inverse="sdg", qiskit="s", pennylane="S"),
        GateSpec(name="sdg", num_wires=1, num_params=0, matrix=_fixed([[1, 0], [0, -1j]]),
                 diagonal=True, inverse="s", qiskit="sdg", pennylane="Adjoint(S)"),
        GateSpec(name="t", num_wires=1, num_params=0, matrix=_fixed([[1, 0], [0, _T]]),
                 diagonal=True, inverse="tdg", qiskit="t", pennylane="T"),
        GateSpec(name="tdg", num_wires=1, num_params=0,
                 matrix=_fixed([[1, 0], [0, _T.conjugate()]]),
                 diagonal=True, inverse="t", qiskit="tdg", pennylane="Adjoint(T)"),
        GateSpec(name="sx", num_wires=1, num_params=0, matrix=_fixed(_SX), inverse="sxdg",
                 qiskit="sx", pennylane="SX"),
        GateSpec(name="sxdg", num_wires=1, num_params=0, matrix=_fixed(_SXDG), inverse="sx",
                 qiskit="sxdg", pennylane="Adjoint(SX)"),
        GateSpec(name="rx", num_wires=1, num_params=1, matrix=_rx, inverse="rx",
                 qiskit="rx", pennylane="RX"),
        GateSpec(name="ry", num_wires=1, num_params=1, matrix=_ry, inverse="ry",
                 qiskit="ry", pennylane="RY"),
        GateSpec(name="rz", num_wires=1, num_params=1, matrix=_rz, diagonal=True,
                 inverse="rz", qiskit="rz", pennylane="RZ"),
        GateSpec(name="phase", num_wires=1, num_params=1, matrix=_phase, diagonal=True,
                 inverse="phase", qiskit="p", pennylane="PhaseShift"),
        GateSpec(name="u3", num_wires=1, num_params=3, matrix=_u3, inverse="u3",
                 qiskit="u", pennylane="U3"),
        GateSpec(name="cnot", num_wires=2, num_params=0,
                 matrix=_fixed([[1, 0, 0, 0], [0, 1, 0, 0], [0, 0, 0, 1], [0, 0, 1, 0]]),
                 qiskit="cx", pennylane="CNOT"),
        GateSpec(name="cy", num_wires=2, num_params=0,
                 matrix=_fixed([[1, 0, 0, 0], [0, 1, 0, 0], [0, 0, 0, -1j], [0, 0, 1j, 0]]),
                 qiskit="cy", pennylane="CY"),
        GateSpec(name="cz", num_wires=2, num_params=0,
                 matrix=_fixed([[1, 0, 0, 0], [0, 1, 0, 0], [0, 0, 1, 0], [0, 0, 0, -1]]),
                 diagonal=True, qiskit="cz", pennylane="CZ"),
        GateSpec(name="swap", num_wires=2, num_params=0,
                 matrix=_fixed([[1, 0, 0, 0], [0, 0, 1, 0], [0, 1, 0, 0], [0, 0, 0, 1]]),
                 qiskit="swap", pennylane="SWAP"),
        GateSpec(name="crx", num_wires=2, num_params=1, matrix=_controlled(_rx), inverse="crx",
                 qiskit="crx", pennylane="CRX"),
        GateSpec(name="cry", num_wires=2, num_params=1, matrix=_controlled(_ry), inverse="cry",
                 qiskit="cry", pennylane="CRY"),
        GateSpec(name="crz", num_wires=2, num_params=1, matrix=_controlled(_rz), diagonal=True,
                 inverse="crz", qiskit="crz", pennylane="CRZ"),
        GateSpec(name="cphase", num_wires=2, num_params=1, matrix=_controlled(_phase),
                 diagonal=True, inverse="cphase", qiskit="cp", pennylane="ControlledPhaseShift"),
        GateSpec(name="rxx", num_wires=2, num_params=1, matrix=_pauli_rot2(_XX), inverse="rxx",
                 qiskit="rxx", pennylane="IsingXX"),
        GateSpec(name="ryy", num_wires=2, num_params=1, matrix=_pauli_rot2(_YY), inverse="ryy",
                 qiskit="ryy", pennylane="IsingYY"),
        GateSpec(name="rzz", num_wires=2, num_params=1, matrix=_rzz, diagonal=True,
                 inverse="rzz", qiskit="rzz", pennylane="IsingZZ"),
        GateSpec(name="ccx", num_wires=3, num_params=0, matrix=_fixed(_CCX),
                 qiskit="ccx", pennylane="Toffoli"),
    ]
}  # fmt: skip


def gate_matrix(
    spec: GateSpec, angles: Sequence[torch.Tensor | float], *, dtype: torch.dtype, device=None
) -> torch.Tensor:
    """Matrix of ``spec`` for real angles that are 0-dim or ``(B,)`` tensors (or floats).

    Returns:
        ``(d, d)`` if every angle is a scalar, else ``(B, d, d)``; ``dtype`` complex.
    """
    real = torch.float64 if dtype == torch.complex128 else torch.float32
    ts = [torch.as_tensor(a, dtype=real, device=device) for a in angles]
    if ts:
        ts = list(torch.broadcast_tensors(*ts))
    m = spec.matrix(ts, dtype)
    return m.to(device) if device is not None else m


def gate_diagonal(
    spec: GateSpec, angles: Sequence[torch.Tensor | float], *, dtype: torch.dtype, device=None
) -> torch.Tensor:
    """Diagonal of a diagonal gate: ``(d,)`` or ``(B, d)``."""
    return torch.diagonal(gate_matrix(spec, angles, dtype=dtype, device=device), dim1=-2, dim2=-1)
