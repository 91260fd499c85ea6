"""Trainable circuit templates (ansätze): PennyLane's and Qiskit's layers, and QCNN blocks.

Every function returns a new :class:`qml.Circuit` piece on ``n`` wires that declares one weight
array (named by ``name``) and no inputs; put an encoding in front of it with ``+``. Wire 0 is
the most significant bit. Repetitions are ``layers`` in every template (Qiskit's ``reps``).
Structural arguments that are out of range (``n``, ``layers``, a rotation, an entanglement
pattern, a wire) raise :class:`qml.errors.CircuitError` naming the value; a bad weight name
raises :class:`qml.errors.ParameterError`.

Example:
    >>> from circuits import ansatze, encodings
    >>> encodings.angle(3) + ansatze.strongly_entangling(3, layers=2)
    Circuit(3 qubits, 27 operations, inputs x[3], weights theta(2, 3, 3))
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from circuits._checks import items as _items
from circuits._checks import operations as _operations
from qml._checks import boolean, integer, is_integer
from qml.circuit import Circuit
from qml.errors import CircuitError

__all__ = [
    "identity_block",
    "ENTANGLEMENTS",
    "entangler_map",
    "strongly_entangling",
    "basic_entangler",
    "hardware_efficient",
    "real_amplitudes",
    "qcnn_conv",
    "qcnn_pool",
    "QCNN_CONV_PARAMS",
    "QCNN_POOL_PARAMS",
]

# Qiskit's named two-qubit entanglement patterns (qiskit.circuit.library.n_local).
ENTANGLEMENTS = ("full", "linear", "reverse_linear", "circular", "pairwise", "sca")
QCNN_CONV_PARAMS = 6  # angles of one convolution block, see qcnn_conv
QCNN_POOL_PARAMS = 2  # angles of one pooling block, see qcnn_pool
_ROTATIONS = ("rx", "ry", "rz")


def _wire_list(n: int, wires: Sequence[int] | None, what: str) -> list[int]:
    if wires is None:
        return list(range(n))
    out: list[int] = []
    for w in _items(wires, f"{what}: wires"):
        if not is_integer(w) or not 0 <= int(w) < n:
            raise CircuitError(f"{what}: wire {w!r} is not one of the {n} wires 0..{n - 1}")
        out.append(int(w))
    if len(set(out)) != len(out):
        raise CircuitError(f"{what}: wires must be distinct, got {tuple(out)}")
    return out


def entangler_map(
    n: int, entanglement: str | Sequence[Sequence[int]] = "full", *, layer: int = 0
) -> list[tuple[int, int]]:
    """The (control, target) pairs of Qiskit's two-qubit entanglement in layer ``layer``.

    Matches ``qiskit.circuit.library.n_local.get_entangler_map(2, n, entanglement, layer)``:
    ``full`` is every ``i < j``; ``linear`` ``(i, i+1)``; ``reverse_linear`` the same in
    reverse; ``circular`` ``(n-1, 0)`` then linear (linear alone for ``n = 2``); ``pairwise``
    the even pairs then the odd ones; ``sca`` circular shifted by ``layer`` with control and
    target swapped on odd ``layer``. An explicit list of pairs is checked and returned as is.

    Args:
        n: number of wires, at least 1 (one wire has no pairs).
        entanglement: a name of :data:`ENTANGLEMENTS` or a sequence of ``(control, target)``.
        layer: index of the layer, Qiskit's repetition (only ``sca`` depends on it).

    Returns:
        A list of ``(control, target)`` wire pairs.

    Raises:
        CircuitError: an unknown name, or a pair out of range or with a repeated wire.

    Example:
        >>> entangler_map(4, "reverse_linear")
        [(2, 3), (1, 2), (0, 1)]
        >>> entangler_map(3, "sca", layer=1)
        [(2, 1), (0, 2), (1, 0)]
    """
    n = integer(n, name="number of qubits n", error=CircuitError, minimum=1)
    layer = integer(layer, name="layer", error=CircuitError, minimum=0)
    if not isinstance(entanglement, str):
        pairs = []
        for pair in _items(entanglement, "entanglement (a name or a list of pairs)"):
            p = tuple(pair) if isinstance(pair, Iterable) and not isinstance(pair, str) else ()
            ok = len(p) == 2 and all(is_integer(w) and 0 <= int(w) < n for w in p)
            if not ok or p[0] == p[1]:
                raise CircuitError(
                    f"entanglement pair {pair!r} is not two distinct wires of 0..{n - 1}"
                )
            pairs.append((int(p[0]), int(p[1])))
        return pairs
    if entanglement not in ENTANGLEMENTS:
        raise CircuitError(
            f"unknown entanglement {entanglement!r}; use one of {ENTANGLEMENTS} or a list of pairs"
        )
    _operations(n * (n - 1) // 2 if entanglement == "full" else n, f"{entanglement} entanglement")
    linear = [(i, i + 1) for i in range(n - 1)]
    if entanglement == "full":
        return [(i, j) for i in range(n) for j in range(i + 1, n)]
    if entanglement == "linear":
        return linear
    if entanglement == "reverse_linear":
        return linear[::-1]
    if entanglement == "pairwise":
        return linear[0::2] + linear[1::2]
    circular = ([(n - 1, 0)] if n > 2 else []) + linear
    if entanglement == "circular" or not circular:
        return circular
    shift = layer % len(circular)  # sca: rotate right by layer, swap the pair on odd layers
    shifted = circular[len(circular) - shift :] + circular[: len(circular) - shift]
    return [(b, a) for a, b in shifted] if layer % 2 else shifted


def strongly_entangling(
    n: int, *, layers: int, ranges: Sequence[int] | None = None, name: str = "theta"
) -> Circuit:
    """PennyLane's ``StronglyEntanglingLayers`` (CNOT imprimitive).

    Layer ``l``: ``Rot(w[l,q,0], w[l,q,1], w[l,q,2]) = RZ(w[l,q,2]) RY(w[l,q,1]) RZ(w[l,q,0])``
    on every wire ``q``, then ``CNOT(q, (q + r_l) % n)`` for ``q = 0..n-1``. The default range
    is ``r_l = l % (n - 1) + 1`` (PennyLane's rule); one wire has no CNOTs.

    Args:
        n: number of wires, at least 1.
        layers: number of layers ``L``, at least 1.
        ranges: one range per layer, none a multiple of ``n`` (only for ``n > 1``).
        name: weight array name.

    Returns:
        A circuit with weights ``name`` of shape ``(L, n, 3)``.

    Raises:
        CircuitError: bad ``n``, ``layers`` or ``ranges``.

    Example:
        >>> strongly_entangling(2, layers=1).gate_counts()
        {'rz': 4, 'ry': 2, 'cnot': 2}
    """
    n = integer(n, name="number of qubits n", error=CircuitError, minimum=1)
    layers = integer(layers, name="layers", error=CircuitError, minimum=1)
    if ranges is None:
        ranges = [(layer % (n - 1)) + 1 if n > 1 else 0 for layer in range(layers)]
    else:
        ranges = _items(ranges, "ranges")
        if len(ranges) != layers:
            raise CircuitError(f"ranges {ranges} must have one entry per layer ({layers})")
        for r in ranges:
            if not is_integer(r) or r % n == 0:
                raise CircuitError(
                    f"range {r!r} must be an integer that is not a multiple of n={n}"
                )
    _operations(layers * n * 4, f"strongly_entangling(n={n}, layers={layers})")
    c = Circuit(n)
    w = c.weights(name, (layers, n, 3))
    for layer in range(layers):
        for q in range(n):
            c.rz(q, w[layer, q, 0]).ry(q, w[layer, q, 1]).rz(q, w[layer, q, 2])
        if n > 1:
            for q in range(n):
                c.cnot(q, (q + ranges[layer]) % n)
    return c


def basic_entangler(n: int, *, layers: int, rotation: str = "X", name: str = "theta") -> Circuit:
    """PennyLane's ``BasicEntanglerLayers``: one rotation per wire, then a CNOT ring.

    The ring is ``CNOT(q, (q + 1) % n)`` for ``n > 2``, a single ``CNOT(0, 1)`` for ``n = 2``
    and nothing for ``n = 1`` (PennyLane's special cases).

    Args:
        n: number of wires, at least 1.
        layers: number of layers ``L``, at least 1.
        rotation: ``"X"``, ``"Y"`` or ``"Z"`` (PennyLane's ``RX`` default).
        name: weight array name.

    Returns:
        A circuit with weights ``name`` of shape ``(L, n)``.

    Raises:
        CircuitError: bad ``n``, ``layers`` or ``rotation``.

    Example:
        >>> basic_entangler(3, layers=2, rotation="Y").gate_counts()
        {'ry': 6, 'cnot': 6}
    """
    n = integer(n, name="number of qubits n", error=CircuitError, minimum=1)
    layers = integer(layers, name="layers", error=CircuitError, minimum=1)
    gate = _rotation_gate(rotation)
    _operations(layers * n * 2, f"basic_entangler(n={n}, layers={layers})")
    c = Circuit(n)
    w = c.weights(name, (layers, n))
    ring = [(0, 1)] if n == 2 else [(q, (q + 1) % n) for q in range(n)] if n > 2 else []
    for layer in range(layers):
        for q in range(n):
            c.append(gate, (q,), (w[layer, q],))
        for a, b in ring:
            c.cnot(a, b)
    return c


def _rotation_gate(rotation: object) -> str:
    if rotation not in ("X", "Y", "Z"):
        raise CircuitError(f"rotation must be 'X', 'Y' or 'Z', got {rotation!r}")
    return "r" + str(rotation).lower()


def hardware_efficient(
    n: int,
    *,
    layers: int,
    rotations: Sequence[str] = ("ry", "rz"),
    entangler: str = "cnot",
    pattern: str = "linear",
    name: str = "theta",
) -> Circuit:
    """A hardware-efficient ansatz: single-qubit rotations then a layer of entanglers.

    Layer ``l``: on every wire ``q``, the gates ``rotations[k](w[l, q, k])`` in order, then the
    two-qubit ``entangler`` on ``(q, q+1)`` for ``q < n-1`` (``pattern="linear"``), plus
    ``(n-1, 0)`` when ``n > 2`` (``pattern="ring"``). There is no final rotation layer.

    Args:
        n: number of wires, at least 1.
        layers: number of layers ``L``, at least 1.
        rotations: a non-empty sequence of ``"rx"``, ``"ry"``, ``"rz"``.
        entangler: ``"cnot"`` or ``"cz"``.
        pattern: ``"linear"`` or ``"ring"``.
        name: weight array name.

    Returns:
        A circuit with weights ``name`` of shape ``(L, n, len(rotations))``.

    Raises:
        CircuitError: bad ``n``, ``layers``, ``rotations``, ``entangler`` or ``pattern``.

    Example:
        >>> hardware_efficient(3, layers=1, entangler="cz", pattern="ring").gate_counts()
        {'ry': 3, 'rz': 3, 'cz': 3}
    """
    n = integer(n, name="number of qubits n", error=CircuitError, minimum=1)
    layers = integer(layers, name="layers", error=CircuitError, minimum=1)
    rots = [rotations] if isinstance(rotations, str) else _items(rotations, "rotations")
    if not rots or any(not isinstance(r, str) or r not in _ROTATIONS for r in rots):
        raise CircuitError(
            f"rotations must be a non-empty sequence of {_ROTATIONS}, got {rotations!r}"
        )
    if entangler not in ("cnot", "cz"):
        raise CircuitError(f"entangler must be 'cnot' or 'cz', got {entangler!r}")
    if pattern not in ("linear", "ring"):
        raise CircuitError(f"pattern must be 'linear' or 'ring', got {pattern!r}")
    _operations(layers * n * (len(rots) + 1), f"hardware_efficient(n={n}, layers={layers})")
    pairs = [(q, q + 1) for q in range(n - 1)]
    if pattern == "ring" and n > 2:
        pairs.append((n - 1, 0))
    c = Circuit(n)
    w = c.weights(name, (layers, n, len(rots)))
    for layer in range(layers):
        for q in range(n):
            for k, r in enumerate(rots):
                c.append(r, (q,), (w[layer, q, k],))
        for a, b in pairs:
            c.append(entangler, (a, b))
    return c


def real_amplitudes(
    n: int,
    *,
    layers: int = 3,
    entanglement: str | Sequence[Sequence[int]] = "reverse_linear",
    name: str = "theta",
) -> Circuit:
    """Qiskit's ``real_amplitudes``: RY layers separated by CX entanglers (real amplitudes only).

    Layer ``l``: ``RY(w[l, q])`` on every wire, then ``CX`` on
    ``entangler_map(n, entanglement, layer=l)``; a final ``RY(w[layers, q])`` closes it.
    Qiskit's ``reps`` is ``layers`` and its flat parameter ``θ[l * n + q]`` is ``w[l, q]``.

    Args:
        n: number of wires, at least 1.
        layers: number of entangling layers ``L``, at least 1.
        entanglement: see :func:`entangler_map`.
        name: weight array name.

    Returns:
        A circuit with weights ``name`` of shape ``(L + 1, n)``.

    Raises:
        CircuitError: bad ``n``, ``layers`` or ``entanglement``.

    Example:
        >>> real_amplitudes(3, layers=2).gate_counts()
        {'ry': 9, 'cnot': 4}
    """
    n = integer(n, name="number of qubits n", error=CircuitError, minimum=1)
    layers = integer(layers, name="layers", error=CircuitError, minimum=1)
    pairs = len(entangler_map(n, entanglement))  # every layer has as many
    _operations((layers + 1) * n + layers * pairs, f"real_amplitudes(n={n}, layers={layers})")
    c = Circuit(n)
    w = c.weights(name, (layers + 1, n))
    for layer in range(layers + 1):
        for q in range(n):
            c.ry(q, w[layer, q])
        if layer < layers:
            for a, b in entangler_map(n, entanglement, layer=layer):
                c.cnot(a, b)
    return c


def _active(n: int, wires: Sequence[int] | None, what: str) -> tuple[int, list[int]]:
    n = integer(n, name="number of qubits n", error=CircuitError, minimum=1)
    _operations(8 * n, f"{what}(n={n})")
    ws = _wire_list(n, wires, what)
    if len(ws) < 2:
        raise CircuitError(f"{what} needs at least 2 wires, got {tuple(ws)}")
    return n, ws


def qcnn_conv(
    n: int, *, wires: Sequence[int] | None = None, shared: bool = True, name: str = "conv"
) -> Circuit:
    """A QCNN convolution layer (Cong, Choi, Lukin, Nat. Phys. 15, 1273 (2019)).

    The same two-qubit block acts on neighbouring active wires in two staggered rows:
    ``(w0, w1), (w2, w3), ...`` then ``(w1, w2), (w3, w4), ...``. Block ``U(a, b; t)``
    (``t`` has :data:`QCNN_CONV_PARAMS` = 6 angles)::

        RY(t0) a, RY(t1) b, RZ(t2) a, RZ(t3) b, CNOT(a, b), RY(t4) a, RY(t5) b, CNOT(b, a)

    Args:
        n: number of wires of the circuit, at least 2.
        wires: the active wires, in order (default ``0..n-1``); at least 2.
        shared: one set of angles for every pair (translation invariance, as in Cong et al.)
            or one per pair.
        name: weight array name.

    Returns:
        A circuit with weights ``name`` of shape ``(6,)`` if ``shared`` else ``(P, 6)``, ``P``
        the number of pairs (``len(wires) - 1``).

    Raises:
        CircuitError: bad ``n`` or ``wires``.

    Example:
        >>> qcnn_conv(4)
        Circuit(4 qubits, 24 operations, inputs none, weights conv(6,))
        >>> qcnn_conv(8, wires=[0, 2, 4, 6], shared=False).weight_shapes
        {'conv': (3, 6)}
    """
    n, ws = _active(n, wires, "qcnn_conv")
    shared = boolean(shared, name="shared", error=CircuitError)
    pairs = [(ws[i], ws[i + 1]) for i in range(0, len(ws) - 1, 2)]
    pairs += [(ws[i], ws[i + 1]) for i in range(1, len(ws) - 1, 2)]
    c = Circuit(n)
    shape = (QCNN_CONV_PARAMS,) if shared else (len(pairs), QCNN_CONV_PARAMS)
    w = c.weights(name, shape)
    for p, (a, b) in enumerate(pairs):
        t: Any = w if shared else w[p]
        c.ry(a, t[0]).ry(b, t[1]).rz(a, t[2]).rz(b, t[3]).cnot(a, b)
        c.ry(a, t[4]).ry(b, t[5]).cnot(b, a)
    return c


def qcnn_pool(
    n: int, *, wires: Sequence[int] | None = None, shared: bool = True, name: str = "pool"
) -> tuple[Circuit, tuple[int, ...]]:
    """A QCNN pooling layer: each pair's second wire is discarded into controlled rotations.

    The active wires pair up as ``(w0, w1), (w2, w3), ...``; in each pair ``(k, d)`` the
    discarded wire ``d`` controls rotations of the kept wire ``k`` (angles ``t``, shape
    :data:`QCNN_POOL_PARAMS` = 2)::

        CRZ(t0)(d -> k), X d, CRX(t1)(d -> k), X d

    i.e. ``RZ(t0)`` on ``k`` when ``d`` is ``|1>`` and ``RX(t1)`` when it is ``|0>``; the
    pooled wires are then left alone. With an odd number of active wires the last one is kept
    as is.

    Args:
        n: number of wires of the circuit, at least 2.
        wires: the active wires, in order (default ``0..n-1``); at least 2.
        shared: one set of angles for every pair or one per pair.
        name: weight array name.

    Returns:
        ``(circuit, kept)``: the circuit, with weights ``name`` of shape ``(2,)`` if ``shared``
        else ``(P, 2)`` for ``P = len(wires) // 2`` pairs, and the kept wires, in order
        (``wires[0::2]``) — the active wires of the next layer.

    Raises:
        CircuitError: bad ``n`` or ``wires``.

    Example:
        >>> pool, kept = qcnn_pool(5)
        >>> kept
        (0, 2, 4)
        >>> qcnn_pool(4, wires=kept[:2], shared=False)[0].weight_shapes
        {'pool': (1, 2)}
    """
    n, ws = _active(n, wires, "qcnn_pool")
    shared = boolean(shared, name="shared", error=CircuitError)
    pairs = [(ws[i], ws[i + 1]) for i in range(0, len(ws) - 1, 2)]
    c = Circuit(n)
    shape = (QCNN_POOL_PARAMS,) if shared else (len(pairs), QCNN_POOL_PARAMS)
    w = c.weights(name, shape)
    for p, (kept, gone) in enumerate(pairs):
        t: Any = w if shared else w[p]
        c.crz(gone, kept, t[0]).x(gone).crx(gone, kept, t[1]).x(gone)
    return c, tuple(ws[0::2])


def identity_block(piece: Circuit, *, suffix: str = "_inv") -> Circuit:
    """``piece`` followed by its inverse with fresh weights: Grant et al. 2019 identity blocks.

    The inverse half uses weight arrays named ``<name><suffix>``; with
    ``QuantumLayer(..., init="identity-block")`` they start equal to the originals, so the block
    is exactly the identity at initialisation while its weights are random (Grant, Wossnig,
    Ostaszewski, Benedetti, "An initialization strategy for addressing barren plateaus in
    parametrized quantum circuits", Quantum 3, 214 (2019)).

    Args:
        piece: an ansatz piece without inputs (data would be un-encoded by the inverse).
        suffix: appended to each weight name for the inverse half (``"_inv"`` is what the
            ``identity-block`` initialiser looks for).

    Returns:
        A circuit with twice the gates and weights ``name`` and ``name + suffix`` per array.

    Raises:
        CircuitError: the piece is not a circuit, has inputs or no weights, or ``suffix`` is
            not a non-empty string (an empty one would tie the inverse to the same weights).

    Example:
        >>> import qml, torch
        >>> block = identity_block(strongly_entangling(2, layers=1))
        >>> sorted(block.weight_shapes)
        ['theta', 'theta_inv']
        >>> layer = qml.QuantumLayer(block, init="identity-block", seed=0)
        >>> torch.allclose(layer(), torch.ones(2), atol=1e-5)
        True
    """
    if not isinstance(piece, Circuit):
        raise CircuitError(f"identity_block needs a qml.Circuit piece, got {piece!r}")
    if not isinstance(suffix, str) or not suffix:
        raise CircuitError(f"suffix must be a non-empty string, got {suffix!r}")
    if piece.num_inputs:
        raise CircuitError(
            f"identity_block needs a piece without inputs, got inputs {piece.input_shapes}"
        )
    if not piece.weight_shapes:
        raise CircuitError("identity_block needs a piece with weights; this one has none")
    mirror = piece.inverse().rename_weights({n: n + suffix for n in piece.weight_shapes})
    return piece + mirror
