"""The gate set, as one declarative table: everything qml knows about a gate is its row.

Each :class:`GateSpec` states a gate's arity, its parameters, how to build its matrix for a batch
of angles, its structure (diagonal, a permutation of the basis, its control wires), its inverse,
its parameter-shift rule, its cost in a Clifford + T decomposition, its drawing and its names in
Qiskit and PennyLane. The simulator, the gradients, the estimator, the drawing and the interop
read these fields; adding a gate is adding a row (and its :class:`GateMethods` method).

The matrix of a multi-qubit gate is in the order the wires are listed: the first wire is the
most significant bit (PennyLane's convention, and wire 0 is the most significant bit of the
state).

Example:
    >>> from qml.gates import GATES, PERMUTATION_GATES
    >>> GATES["crx"].controls, GATES["crx"].glyphs, len(GATES["crx"].shift_rule)
    (1, ('●', 'RX'), 4)
    >>> sorted(PERMUTATION_GATES)
    ['ccx', 'cnot', 'swap']
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any, Self

import numpy as np
import torch

__all__ = [
    "GateSpec",
    "GateMethods",
    "GATES",
    "PERMUTATION_GATES",
    "CLIFFORD_GATES",
    "TWO_TERM",
    "FOUR_TERM",
    "gate_matrix",
]

# matrix builder: (angles as real tensors of one broadcast shape S, complex dtype) -> (*S, d, d)
MatrixFn = Callable[[Sequence[torch.Tensor], torch.dtype], torch.Tensor]
# basis permutation: (idx: (N,) int64 basis indices, bit mask per gate wire) -> (N,) int64
PermutationFn = Callable[[np.ndarray, tuple[int, ...]], np.ndarray]
# gates of the table equal to one gate: (wires, angles) -> ((gate, wires, angles), ...) in
# circuit order; angles are numbers or qml.expr expressions
Rewrite = Callable[
    [tuple[int, ...], tuple[Any, ...]], tuple[tuple[str, tuple[int, ...], tuple[Any, ...]], ...]
]

# Parameter-shift rules, (shift, coefficient) terms of d<O>/d(angle).
# Two terms for a generator with eigenvalues +-1/2 (Schuld et al. 2019, arXiv:1811.11184);
# four for a controlled rotation, eigenvalues 0, +-1/2 (Anselmetti et al. 2021,
# arXiv:2107.12390).
TWO_TERM = ((math.pi / 2, 0.5), (-math.pi / 2, -0.5))
_C_PLUS = (math.sqrt(2) + 1) / (4 * math.sqrt(2))
_C_MINUS = (math.sqrt(2) - 1) / (4 * math.sqrt(2))
FOUR_TERM = (
    (math.pi / 2, _C_PLUS),
    (-math.pi / 2, -_C_PLUS),
    (3 * math.pi / 2, -_C_MINUS),
    (-3 * math.pi / 2, _C_MINUS),
)


@dataclass(frozen=True, kw_only=True)
class GateSpec:
    """One gate of the table.

    Attributes:
        name: qml's name (the ``Circuit`` method).
        num_wires: wires the gate acts on.
        num_params: real angles the gate takes.
        matrix: builds ``(*S, 2**num_wires, 2**num_wires)`` from angles of shape ``S``.
        glyphs: the drawing's label on each of the gate's wires; the angles are appended, in
            parentheses, to the labels of the wires after the controls.
        diagonal: the matrix is diagonal in the computational basis.
        permutation: for a gate that only permutes basis states, maps basis indices ``idx``
            (an int64 array) to the indices ``perm(idx)`` with ``new[j] = old[perm(j)]``, given
            the bit mask ``1 << (n - 1 - w)`` of each gate wire ``w`` in order; ``None``
            otherwise.
        controls: number of leading control wires (the gate acts on the rest when all of them
            are 1).
        inverse: the inverse as gates of the table, ``(wires, angles) -> ((gate, wires,
            angles), ...)`` in circuit order; ``None`` for a gate that is its own inverse.
        decomposition: the gate as other gates of the table, in the same form, for libraries
            that lack it (``qiskit`` is then empty); ``None`` otherwise.
        shift_rule: ``(shift, coefficient)`` terms of ``d<O>/d(angle)``, one rule for each of
            the gate's angles; ``None`` for a fixed gate.
        clifford: a fixed gate of the Clifford group.
        rotations_per_angle: arbitrary Rz rotations per angle that is not a Clifford multiple
            of pi/2, in a Clifford + Rz decomposition (0 for a fixed gate).
        t_gates: T gates in a Clifford + T decomposition of a fixed non-Clifford gate.
        ccz_gates: CCZ gates (up to Cliffords) of a fixed non-Clifford gate.
        qiskit: Qiskit's ``QuantumCircuit`` method / instruction name (``""``: none).
        qiskit_aliases: other Qiskit instruction names :func:`~qml.interop.qiskit.from_qiskit`
            reads as this gate.
        pennylane: PennyLane operation class name (``"Adjoint(S)"``: the adjoint of ``S``).
    """

    name: str
    num_wires: int
    num_params: int
    matrix: MatrixFn
    glyphs: tuple[str, ...]
    diagonal: bool = False
    permutation: PermutationFn | None = None
    controls: int = 0
    inverse: Rewrite | None = None
    decomposition: Rewrite | None = None
    shift_rule: tuple[tuple[float, float], ...] | None = None
    clifford: bool = False
    rotations_per_angle: int = 0
    t_gates: int = 0
    ccz_gates: int = 0
    qiskit: str = ""
    qiskit_aliases: tuple[str, ...] = ()
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


def _rot(a, dtype):
    """``RZ(omega) RY(theta) RZ(phi)`` for angles ``(phi, theta, omega)`` (PennyLane's Rot)."""
    phi, theta, omega = torch.broadcast_tensors(*a)
    c, s = _half(theta)
    c, s = c.to(dtype), s.to(dtype)
    plus, minus = (phi + omega) / 2, (phi - omega) / 2
    return _stack(
        [
            [_expi(-plus, dtype) * c, -_expi(minus, dtype) * s],
            [_expi(-minus, dtype) * s, _expi(plus, dtype) * c],
        ],
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


def _flip_if_controls(idx: np.ndarray, bits: tuple[int, ...]) -> np.ndarray:
    """Flip the last wire's bit where every other wire's bit is 1 (CNOT, Toffoli)."""
    *controls, target = bits
    on = np.ones(idx.shape, dtype=bool)
    for c in controls:
        on &= (idx & c) != 0
    return np.where(on, idx ^ target, idx)


def _exchange(idx: np.ndarray, bits: tuple[int, ...]) -> np.ndarray:
    """Swap the bits of the two wires (SWAP)."""
    a, b = bits
    differ = ((idx & a) != 0) != ((idx & b) != 0)
    return np.where(differ, idx ^ (a | b), idx)


def _inverse_gate(name: str) -> Rewrite:
    """The inverse is the fixed gate ``name`` on the same wires."""
    return lambda wires, angles: ((name, wires, ()),)


def _negated(name: str) -> Rewrite:
    """The inverse is gate ``name`` on the same wires with every angle negated."""
    return lambda wires, angles: ((name, wires, tuple(-a for a in angles)),)


_S2 = 1 / math.sqrt(2)
_T = complex(math.cos(math.pi / 4), math.sin(math.pi / 4))
_XX = [[0, 0, 0, 1], [0, 0, 1, 0], [0, 1, 0, 0], [1, 0, 0, 0]]
_YY = [[0, 0, 0, -1], [0, 0, 1, 0], [0, 1, 0, 0], [-1, 0, 0, 0]]
_CCX = [[1 if (r == c if r < 6 else r + c == 13) else 0 for c in range(8)] for r in range(8)]
_SX = [[(1 + 1j) / 2, (1 - 1j) / 2], [(1 - 1j) / 2, (1 + 1j) / 2]]
_SXDG = [[(1 - 1j) / 2, (1 + 1j) / 2], [(1 + 1j) / 2, (1 - 1j) / 2]]
_CNOT = [[1, 0, 0, 0], [0, 1, 0, 0], [0, 0, 0, 1], [0, 0, 1, 0]]
_CY: list[list[complex]] = [[1, 0, 0, 0], [0, 1, 0, 0], [0, 0, 0, -1j], [0, 0, 1j, 0]]
_CZ = [[1, 0, 0, 0], [0, 1, 0, 0], [0, 0, 1, 0], [0, 0, 0, -1]]
_SWAP = [[1, 0, 0, 0], [0, 0, 1, 0], [0, 1, 0, 0], [0, 0, 0, 1]]
_ISWAP: list[list[complex]] = [[1, 0, 0, 0], [0, 0, 1j, 0], [0, 1j, 0, 0], [0, 0, 0, 1]]

# Rotations per non-Clifford angle in a Clifford + Rz decomposition: a single-qubit rotation,
# rxx/ryy/rzz (Clifford conjugation of one Rz) and each Euler angle of u3/rot take 1; a
# controlled rotation 2 (Nielsen & Chuang Fig. 4.6); a controlled phase 3 (Rz on the control,
# on the target and one conjugated by CNOTs).
_TABLE = [
    # -- fixed single-qubit gates ------------------------------------------------------------
    GateSpec(
        name="h",
        num_wires=1,
        num_params=0,
        matrix=_fixed([[_S2, _S2], [_S2, -_S2]]),
        glyphs=("H",),
        clifford=True,
        qiskit="h",
        pennylane="Hadamard",
    ),
    GateSpec(
        name="x",
        num_wires=1,
        num_params=0,
        matrix=_fixed([[0, 1], [1, 0]]),
        glyphs=("X",),
        clifford=True,
        qiskit="x",
        pennylane="PauliX",
    ),
    GateSpec(
        name="y",
        num_wires=1,
        num_params=0,
        matrix=_fixed([[0, -1j], [1j, 0]]),
        glyphs=("Y",),
        clifford=True,
        qiskit="y",
        pennylane="PauliY",
    ),
    GateSpec(
        name="z",
        num_wires=1,
        num_params=0,
        matrix=_fixed([[1, 0], [0, -1]]),
        glyphs=("Z",),
        diagonal=True,
        clifford=True,
        qiskit="z",
        pennylane="PauliZ",
    ),
    GateSpec(
        name="s",
        num_wires=1,
        num_params=0,
        matrix=_fixed([[1, 0], [0, 1j]]),
        glyphs=("S",),
        diagonal=True,
        inverse=_inverse_gate("sdg"),
        clifford=True,
        qiskit="s",
        pennylane="S",
    ),
    GateSpec(
        name="sdg",
        num_wires=1,
        num_params=0,
        matrix=_fixed([[1, 0], [0, -1j]]),
        glyphs=("SDG",),
        diagonal=True,
        inverse=_inverse_gate("s"),
        clifford=True,
        qiskit="sdg",
        pennylane="Adjoint(S)",
    ),
    GateSpec(
        name="t",
        num_wires=1,
        num_params=0,
        matrix=_fixed([[1, 0], [0, _T]]),
        glyphs=("T",),
        diagonal=True,
        inverse=_inverse_gate("tdg"),
        t_gates=1,
        qiskit="t",
        pennylane="T",
    ),
    GateSpec(
        name="tdg",
        num_wires=1,
        num_params=0,
        matrix=_fixed([[1, 0], [0, _T.conjugate()]]),
        glyphs=("TDG",),
        diagonal=True,
        inverse=_inverse_gate("t"),
        t_gates=1,
        qiskit="tdg",
        pennylane="Adjoint(T)",
    ),
    GateSpec(
        name="sx",
        num_wires=1,
        num_params=0,
        matrix=_fixed(_SX),
        glyphs=("SX",),
        inverse=_inverse_gate("sxdg"),
        clifford=True,
        qiskit="sx",
        pennylane="SX",
    ),
    GateSpec(
        name="sxdg",
        num_wires=1,
        num_params=0,
        matrix=_fixed(_SXDG),
        glyphs=("SXDG",),
        inverse=_inverse_gate("sx"),
        clifford=True,
        qiskit="sxdg",
        pennylane="Adjoint(SX)",
    ),
    # -- parametrised single-qubit gates -----------------------------------------------------
    GateSpec(
        name="rx",
        num_wires=1,
        num_params=1,
        matrix=_rx,
        glyphs=("RX",),
        inverse=_negated("rx"),
        shift_rule=TWO_TERM,
        rotations_per_angle=1,
        qiskit="rx",
        pennylane="RX",
    ),
    GateSpec(
        name="ry",
        num_wires=1,
        num_params=1,
        matrix=_ry,
        glyphs=("RY",),
        inverse=_negated("ry"),
        shift_rule=TWO_TERM,
        rotations_per_angle=1,
        qiskit="ry",
        pennylane="RY",
    ),
    GateSpec(
        name="rz",
        num_wires=1,
        num_params=1,
        matrix=_rz,
        glyphs=("RZ",),
        diagonal=True,
        inverse=_negated("rz"),
        shift_rule=TWO_TERM,
        rotations_per_angle=1,
        qiskit="rz",
        pennylane="RZ",
    ),
    GateSpec(
        name="phase",
        num_wires=1,
        num_params=1,
        matrix=_phase,
        glyphs=("PHASE",),
        diagonal=True,
        inverse=_negated("phase"),
        shift_rule=TWO_TERM,
        rotations_per_angle=1,
        qiskit="p",
        qiskit_aliases=("u1",),
        pennylane="PhaseShift",
    ),
    GateSpec(
        name="u3",
        num_wires=1,
        num_params=3,
        matrix=_u3,
        glyphs=("U3",),
        # U(theta, phi, lam)^dagger = U(-theta, -lam, -phi)
        inverse=lambda wires, a: (("u3", wires, (-a[0], -a[2], -a[1])),),
        shift_rule=TWO_TERM,
        rotations_per_angle=1,
        qiskit="u",
        qiskit_aliases=("u3",),
        pennylane="U3",
    ),
    GateSpec(
        name="rot",
        num_wires=1,
        num_params=3,
        matrix=_rot,
        glyphs=("ROT",),
        # Rot(phi, theta, omega)^dagger = RZ(-phi) RY(-theta) RZ(-omega) = Rot(-omega, -theta, -phi)
        inverse=lambda wires, a: (("rot", wires, (-a[2], -a[1], -a[0])),),
        decomposition=lambda wires, a: (
            ("rz", wires, (a[0],)),
            ("ry", wires, (a[1],)),
            ("rz", wires, (a[2],)),
        ),
        shift_rule=TWO_TERM,
        rotations_per_angle=1,
        pennylane="Rot",
    ),
    # -- fixed two-qubit gates ----------------------------------------------------
    GateSpec(
        name="cnot",
        num_wires=2,
        num_params=0,
        matrix=_fixed(_CNOT),
        glyphs=("●", "X"),
        permutation=_flip_if_controls,
        controls=1,
        clifford=True,
        qiskit="cx",
        qiskit_aliases=("cnot",),
        pennylane="CNOT",
    ),
    GateSpec(
        name="cy",
        num_wires=2,
        num_params=0,
        matrix=_fixed(_CY),
        glyphs=("●", "Y"),
        controls=1,
        clifford=True,
        qiskit="cy",
        pennylane="CY",
    ),
    GateSpec(
        name="cz",
        num_wires=2,
        num_params=0,
        matrix=_fixed(_CZ),
        glyphs=("●", "●"),
        diagonal=True,
        controls=1,
        clifford=True,
        qiskit="cz",
        pennylane="CZ",
    ),
    GateSpec(
        name="swap",
        num_wires=2,
        num_params=0,
        matrix=_fixed(_SWAP),
        glyphs=("x", "x"),
        permutation=_exchange,
        clifford=True,
        qiskit="swap",
        pennylane="SWAP",
    ),
    GateSpec(
        name="iswap",
        num_wires=2,
        num_params=0,
        matrix=_fixed(_ISWAP),
        glyphs=("ISWAP", "ISWAP"),
        # iSWAP^dagger = iSWAP (Z x Z): the swapped states |01>, |10> are those with ZZ = -1
        inverse=lambda wires, a: (("iswap", wires, ()), ("z", wires[:1], ()), ("z", wires[1:], ())),
        clifford=True,
        qiskit="iswap",
        pennylane="ISWAP",
    ),
    # -- parametrised two-qubit gates --------------------------------------------------------
    GateSpec(
        name="crx",
        num_wires=2,
        num_params=1,
        matrix=_controlled(_rx),
        glyphs=("●", "RX"),
        controls=1,
        inverse=_negated("crx"),
        shift_rule=FOUR_TERM,
        rotations_per_angle=2,
        qiskit="crx",
        pennylane="CRX",
    ),
    GateSpec(
        name="cry",
        num_wires=2,
        num_params=1,
        matrix=_controlled(_ry),
        glyphs=("●", "RY"),
        controls=1,
        inverse=_negated("cry"),
        shift_rule=FOUR_TERM,
        rotations_per_angle=2,
        qiskit="cry",
        pennylane="CRY",
    ),
    GateSpec(
        name="crz",
        num_wires=2,
        num_params=1,
        matrix=_controlled(_rz),
        glyphs=("●", "RZ"),
        diagonal=True,
        controls=1,
        inverse=_negated("crz"),
        shift_rule=FOUR_TERM,
        rotations_per_angle=2,
        qiskit="crz",
        pennylane="CRZ",
    ),
    GateSpec(
        name="cphase",
        num_wires=2,
        num_params=1,
        matrix=_controlled(_phase),
        glyphs=("●", "P"),
        diagonal=True,
        controls=1,
        inverse=_negated("cphase"),
        shift_rule=TWO_TERM,
        rotations_per_angle=3,
        qiskit="cp",
        qiskit_aliases=("cu1",),
        pennylane="ControlledPhaseShift",
    ),
    GateSpec(
        name="rxx",
        num_wires=2,
        num_params=1,
        matrix=_pauli_rot2(_XX),
        glyphs=("RXX", "RXX"),
        inverse=_negated("rxx"),
        shift_rule=TWO_TERM,
        rotations_per_angle=1,
        qiskit="rxx",
        pennylane="IsingXX",
    ),
    GateSpec(
        name="ryy",
        num_wires=2,
        num_params=1,
        matrix=_pauli_rot2(_YY),
        glyphs=("RYY", "RYY"),
        inverse=_negated("ryy"),
        shift_rule=TWO_TERM,
        rotations_per_angle=1,
        qiskit="ryy",
        pennylane="IsingYY",
    ),
    GateSpec(
        name="rzz",
        num_wires=2,
        num_params=1,
        matrix=_rzz,
        glyphs=("RZZ", "RZZ"),
        diagonal=True,
        inverse=_negated("rzz"),
        shift_rule=TWO_TERM,
        rotations_per_angle=1,
        qiskit="rzz",
        pennylane="IsingZZ",
    ),
    # -- three-qubit gates ---------------------------------------------------------------
    GateSpec(
        name="ccx",
        num_wires=3,
        num_params=0,
        matrix=_fixed(_CCX),
        glyphs=("●", "●", "X"),
        permutation=_flip_if_controls,
        controls=2,
        ccz_gates=1,
        qiskit="ccx",
        qiskit_aliases=("toffoli",),
        pennylane="Toffoli",
    ),
]

GATES: dict[str, GateSpec] = {g.name: g for g in _TABLE}
"""Gate name -> its row, in the table's order."""

PERMUTATION_GATES = frozenset(name for name, g in GATES.items() if g.permutation is not None)
"""Gates that only permute basis states (CNOT, SWAP, Toffoli)."""

CLIFFORD_GATES = frozenset(name for name, g in GATES.items() if g.clifford)
"""Fixed gates of the Clifford group."""


def gate_matrix(
    spec: GateSpec, angles: Sequence[torch.Tensor | float], *, dtype: torch.dtype, device=None
) -> torch.Tensor:
    """Matrix of ``spec`` for real angles that are 0-dim or ``(B,)`` tensors (or floats).

    Returns:
        ``(d, d)`` if every angle is a scalar, else ``(B, d, d)``; ``dtype`` complex.

    Example:
        >>> gate_matrix(GATES["x"], [], dtype=torch.complex64)
        tensor([[0.+0.j, 1.+0.j],
                [1.+0.j, 0.+0.j]])
    """
    real = torch.float64 if dtype == torch.complex128 else torch.float32
    ts = [torch.as_tensor(a, dtype=real, device=device) for a in angles]
    if ts:
        ts = list(torch.broadcast_tensors(*ts))
    m = spec.matrix(ts, dtype)
    return m.to(device) if device is not None else m


class GateMethods:
    """One method per row of :data:`GATES`, each appending its gate and returning the circuit.

    :class:`~qml.Circuit` inherits these; a new row gets its method here. Wires are integers
    (wire 0 is the most significant bit); angles are numbers or expressions of the circuit's
    inputs and weights.
    """

    def append(self, name: str, wires: Sequence[int], params: Sequence[object] = ()) -> Self:
        raise NotImplementedError  # pragma: no cover - Circuit implements it

    # -- fixed single-qubit gates
    def h(self, q: int) -> Self:
        """Hadamard on wire ``q``."""
        return self.append("h", (q,))

    def x(self, q: int) -> Self:
        """Pauli X (NOT) on wire ``q``."""
        return self.append("x", (q,))

    def y(self, q: int) -> Self:
        """Pauli Y on wire ``q``."""
        return self.append("y", (q,))

    def z(self, q: int) -> Self:
        """Pauli Z on wire ``q``."""
        return self.append("z", (q,))

    def s(self, q: int) -> Self:
        """S = diag(1, i) on wire ``q``."""
        return self.append("s", (q,))

    def sdg(self, q: int) -> Self:
        """S^dagger = diag(1, -i) on wire ``q``."""
        return self.append("sdg", (q,))

    def t(self, q: int) -> Self:
        """T = diag(1, exp(i pi/4)) on wire ``q``."""
        return self.append("t", (q,))

    def tdg(self, q: int) -> Self:
        """T^dagger on wire ``q``."""
        return self.append("tdg", (q,))

    def sx(self, q: int) -> Self:
        """sqrt(X) on wire ``q``."""
        return self.append("sx", (q,))

    def sxdg(self, q: int) -> Self:
        """sqrt(X)^dagger on wire ``q``."""
        return self.append("sxdg", (q,))

    # -- parametrised single-qubit gates
    def rx(self, q: int, theta) -> Self:
        """RX(theta) = exp(-i theta X / 2) on wire ``q``."""
        return self.append("rx", (q,), (theta,))

    def ry(self, q: int, theta) -> Self:
        """RY(theta) = exp(-i theta Y / 2) on wire ``q``."""
        return self.append("ry", (q,), (theta,))

    def rz(self, q: int, theta) -> Self:
        """RZ(theta) = exp(-i theta Z / 2) on wire ``q``."""
        return self.append("rz", (q,), (theta,))

    def phase(self, q: int, phi) -> Self:
        """Phase shift diag(1, exp(i phi)) on wire ``q``."""
        return self.append("phase", (q,), (phi,))

    def u3(self, q: int, theta, phi, lam) -> Self:
        """Qiskit's U(theta, phi, lam) on wire ``q``."""
        return self.append("u3", (q,), (theta, phi, lam))

    def rot(self, q: int, phi, theta, omega) -> Self:
        """PennyLane's Rot(phi, theta, omega) = RZ(omega) RY(theta) RZ(phi) on wire ``q``."""
        return self.append("rot", (q,), (phi, theta, omega))

    # -- fixed two-qubit gates
    def cnot(self, control: int, target: int) -> Self:
        """Controlled NOT."""
        return self.append("cnot", (control, target))

    cx = cnot

    def cy(self, control: int, target: int) -> Self:
        """Controlled Y."""
        return self.append("cy", (control, target))

    def cz(self, q0: int, q1: int) -> Self:
        """Controlled Z (symmetric in its wires)."""
        return self.append("cz", (q0, q1))

    def swap(self, q0: int, q1: int) -> Self:
        """Exchange the states of two wires."""
        return self.append("swap", (q0, q1))

    def iswap(self, q0: int, q1: int) -> Self:
        """iSWAP: exchange two wires, with a phase i on ``|01>`` and ``|10>``."""
        return self.append("iswap", (q0, q1))

    # -- parametrised two-qubit gates
    def crx(self, control: int, target: int, theta) -> Self:
        """Controlled RX(theta)."""
        return self.append("crx", (control, target), (theta,))

    def cry(self, control: int, target: int, theta) -> Self:
        """Controlled RY(theta)."""
        return self.append("cry", (control, target), (theta,))

    def crz(self, control: int, target: int, theta) -> Self:
        """Controlled RZ(theta)."""
        return self.append("crz", (control, target), (theta,))

    def cphase(self, control: int, target: int, phi) -> Self:
        """Controlled phase shift diag(1, 1, 1, exp(i phi))."""
        return self.append("cphase", (control, target), (phi,))

    def rxx(self, q0: int, q1: int, theta) -> Self:
        """exp(-i theta X X / 2)."""
        return self.append("rxx", (q0, q1), (theta,))

    def ryy(self, q0: int, q1: int, theta) -> Self:
        """exp(-i theta Y Y / 2)."""
        return self.append("ryy", (q0, q1), (theta,))

    def rzz(self, q0: int, q1: int, theta) -> Self:
        """exp(-i theta Z Z / 2)."""
        return self.append("rzz", (q0, q1), (theta,))

    # -- three-qubit gates
    def ccx(self, c0: int, c1: int, target: int) -> Self:
        """Toffoli: NOT on ``target`` when both controls are 1."""
        return self.append("ccx", (c0, c1, target))

    toffoli = ccx
