"""Data encodings (feature maps): circuits whose angles are the symbolic input features.

Every function returns a new :class:`qml.Circuit` piece on ``n`` wires that declares the input
array ``name`` (``F`` features; a layer's input is ``(B, F)``); follow it with an ansatz using
``+``. Wire 0 is the most significant bit. Repetitions are ``layers`` (Qiskit's ``reps``,
PennyLane's ``n_repeats``). Structural arguments that are out of range raise
:class:`qml.errors.CircuitError` naming the value.

Example:
    >>> from circuits import encodings
    >>> encodings.iqp(3, layers=2)
    Circuit(3 qubits, 18 operations, inputs x[3], weights none)
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Sequence

from circuits._checks import MAX_TEMPLATE_OPERATIONS
from circuits._checks import items as _items
from circuits._checks import operations as _operations
from circuits.ansatze import entangler_map
from qml._checks import integer, is_real
from qml.circuit import Circuit
from qml.errors import CircuitError

__all__ = ["angle", "iqp", "zz_feature_map", "reuploading", "amplitude"]


def angle(n: int, *, rotation: str = "Y", name: str = "x") -> Circuit:
    """Angle encoding: ``R(x[q])`` on wire ``q``; PennyLane's ``AngleEmbedding``.

    Note the default rotation is ``"Y"`` here, ``"X"`` in PennyLane.

    Args:
        n: number of wires and features, at least 1.
        rotation: ``"X"``, ``"Y"`` or ``"Z"``.
        name: input array name.

    Returns:
        A circuit with inputs ``name`` of size ``n``.

    Raises:
        CircuitError: bad ``n`` or ``rotation``.

    Example:
        >>> angle(2, rotation="X").operations
        [rx(0, x[0]), rx(1, x[1])]
    """
    n = integer(n, name="number of qubits n", error=CircuitError, minimum=1)
    if rotation not in ("X", "Y", "Z"):
        raise CircuitError(f"rotation must be 'X', 'Y' or 'Z', got {rotation!r}")
    _operations(n, f"angle(n={n})")
    c = Circuit(n)
    x = c.inputs(n, name)
    gate = "r" + rotation.lower()
    for q in range(n):
        c.append(gate, (q,), (x[q],))
    return c


def iqp(
    n: int,
    *,
    layers: int = 1,
    pattern: Sequence[Sequence[int]] | None = None,
    name: str = "x",
) -> Circuit:
    """IQP encoding; PennyLane's ``IQPEmbedding``.

    Each layer: ``H`` and ``RZ(x[q])`` on every wire ``q``, then ``RZZ(x[i] * x[j])`` for
    every pair ``(i, j)`` of ``pattern`` (default all ``i < j``, ``itertools.combinations``).
    PennyLane's two-wire ``MultiRZ`` is :meth:`qml.Circuit.rzz`.

    Args:
        n: number of wires and features, at least 1.
        layers: number of repetitions ``L`` (PennyLane's ``n_repeats``), at least 1.
        pattern: the wire pairs that get an ``RZZ``.
        name: input array name.

    Returns:
        A circuit with inputs ``name`` of size ``n``.

    Raises:
        CircuitError: bad ``n`` or ``layers``, or a pair of ``pattern`` that is not two distinct
            wires.

    Example:
        >>> iqp(2, pattern=[(1, 0)]).operations
        [h(0), rz(0, x[0]), h(1), rz(1, x[1]), rzz(1, 0, x[1] * x[0])]
    """
    n = integer(n, name="number of qubits n", error=CircuitError, minimum=1)
    layers = integer(layers, name="layers", error=CircuitError, minimum=1)
    if pattern is None:
        _operations(layers * (2 * n + n * (n - 1) // 2), f"iqp(n={n}, layers={layers})")
        pairs = list(itertools.combinations(range(n), 2))
    else:
        pairs = entangler_map(n, _items(pattern, "pattern"))
        _operations(layers * (2 * n + len(pairs)), f"iqp(n={n}, layers={layers})")
    c = Circuit(n)
    x = c.inputs(n, name)
    for _ in range(layers):
        for q in range(n):
            c.h(q).rz(q, x[q])
        for i, j in pairs:
            c.rzz(i, j, x[i] * x[j])
    return c


def zz_feature_map(
    n: int,
    *,
    layers: int = 2,
    entanglement: str | Sequence[Sequence[int]] = "full",
    alpha: float = 2.0,
    name: str = "x",
) -> Circuit:
    """Qiskit's ``zz_feature_map`` (Havlíček et al., Nature 567, 209 (2019)).

    Layer ``l``: ``H`` and ``P(alpha * x[q])`` on every wire, then for each pair
    ``(i, j)`` of ``entangler_map(n, entanglement, layer=l)``:
    ``CX(i, j), P(alpha * (pi - x[i]) * (pi - x[j])) on j, CX(i, j)``.

    Args:
        n: number of wires and features, at least 2 (as in Qiskit).
        layers: number of repetitions ``L`` (Qiskit's ``reps``), at least 1.
        entanglement: see :func:`circuits.ansatze.entangler_map`.
        alpha: the rotation scale (Qiskit's ``alpha``).
        name: input array name.

    Returns:
        A circuit with inputs ``name`` of size ``n``.

    Raises:
        CircuitError: bad ``n``, ``layers``, ``alpha`` or ``entanglement``.

    Example:
        >>> zz_feature_map(2, layers=1).operations[-3:]
        [cnot(0, 1), phase(1, 2 * (pi - x[0]) * (pi - x[1])), cnot(0, 1)]
    """
    n = integer(n, name="number of qubits n", error=CircuitError, minimum=2)
    layers = integer(layers, name="layers", error=CircuitError, minimum=1)
    if not is_real(alpha):
        raise CircuitError(f"alpha must be a real number, got {alpha!r}")
    pairs = len(entangler_map(n, entanglement))  # every layer has as many
    _operations(layers * (2 * n + 3 * pairs), f"zz_feature_map(n={n}, layers={layers})")
    c = Circuit(n)
    x = c.inputs(n, name)
    for layer in range(layers):
        for q in range(n):
            c.h(q).phase(q, float(alpha) * x[q])
        for i, j in entangler_map(n, entanglement, layer=layer):
            c.cnot(i, j).phase(j, float(alpha) * (math.pi - x[i]) * (math.pi - x[j]))
            c.cnot(i, j)
    return c


def reuploading(
    n: int, *, layers: int, name: str = "x", weights: str = "w", bias: str = "b"
) -> Circuit:
    """Data re-uploading (Pérez-Salinas et al., Quantum 4, 226 (2020)) with trainable scaling.

    Layer ``l``: ``RY(w[l, q] * x[q] + b[l, q])`` on every wire ``q``, then the CNOT chain
    ``(0, 1), (1, 2), ..., (n-2, n-1)``.

    Args:
        n: number of wires and features, at least 1.
        layers: number of layers ``L``, at least 1.
        name: input array name.
        weights: name of the scaling weights.
        bias: name of the bias weights.

    Returns:
        A circuit with inputs ``name`` of size ``n`` and weights ``weights`` and ``bias``, each
        of shape ``(L, n)``.

    Raises:
        CircuitError: bad ``n`` or ``layers``.
        ParameterError: repeated or invalid names.

    Example:
        >>> reuploading(2, layers=3)
        Circuit(2 qubits, 9 operations, inputs x[2], weights w(3, 2), b(3, 2))
    """
    n = integer(n, name="number of qubits n", error=CircuitError, minimum=1)
    layers = integer(layers, name="layers", error=CircuitError, minimum=1)
    _operations(layers * 2 * n, f"reuploading(n={n}, layers={layers})")
    c = Circuit(n)
    x = c.inputs(n, name)
    w = c.weights(weights, (layers, n))
    b = c.weights(bias, (layers, n))
    for layer in range(layers):
        for q in range(n):
            c.ry(q, w[layer, q] * x[q] + b[layer, q])
        for q in range(n - 1):
            c.cnot(q, q + 1)
    return c


def amplitude(
    n: int,
    *,
    features: int | None = None,
    normalize: bool = True,
    pad_with: float | None = None,
    name: str = "x",
) -> Circuit:
    """Amplitude encoding; PennyLane's ``AmplitudeEmbedding``.

    The state starts as ``x / |x|`` (``x`` padded with ``pad_with`` up to ``2**n`` entries);
    amplitude ``k`` belongs to the basis state whose bits, wire 0 first, spell ``k``.

    Args:
        n: number of wires, at least 1.
        features: number of input features ``F`` (default ``2**n``); fewer than ``2**n`` only
            with ``pad_with``.
        normalize: divide by the norm at run time; if ``False`` inputs must have norm 1.
        pad_with: value of the missing amplitudes when ``F < 2**n``.
        name: input array name.

    Returns:
        A circuit with inputs ``name`` of size ``F``; the encoding is its first operation, so
        it must be the left-most piece of a composition.

    Raises:
        CircuitError: bad ``n``, or ``features`` not in ``1..2**n`` (or below ``2**n``
            without ``pad_with``).

    Example:
        >>> amplitude(2, features=3, pad_with=0.0)
        Circuit(2 qubits, 1 operations, inputs x[3], weights none)
    """
    n = integer(n, name="number of qubits n", error=CircuitError, minimum=1)
    # 2**n exactly while it stays small; past that only its size in words (n = 10**9 is cheap)
    wide = n > MAX_TEMPLATE_OPERATIONS.bit_length()
    dim = 0 if wide else 2**n
    size = f"2**{n}" if wide else str(dim)
    f = (
        dim
        if features is None
        else integer(features, name="features", error=CircuitError, minimum=1)
    )
    if features is None and (wide or f > MAX_TEMPLATE_OPERATIONS):
        raise CircuitError(
            f"amplitude encoding on {n} qubits takes {size} features, more than the "
            f"{MAX_TEMPLATE_OPERATIONS:,} a template builds; pass features= and pad_with="
        )
    if f > MAX_TEMPLATE_OPERATIONS:
        raise CircuitError(
            f"amplitude encoding of {f:,} features, more than the {MAX_TEMPLATE_OPERATIONS:,} "
            "a template builds"
        )
    if not wide and f > dim:
        raise CircuitError(
            f"amplitude encoding on {n} qubits takes at most {dim} features, got {f}"
        )
    if (wide or f < dim) and pad_with is None:
        raise CircuitError(
            f"amplitude encoding on {n} qubits takes {size} features, got features={f}; "
            "pass pad_with to pad the rest"
        )
    c = Circuit(n)
    x = c.inputs(f, name)
    return c.amplitude_embedding(list(x), normalize=normalize, pad_with=pad_with)
