"""Text drawing of a circuit: one line per wire, gates placed as early as their wires allow."""

from __future__ import annotations

import numbers
from typing import TYPE_CHECKING

from qml.errors import CircuitError

if TYPE_CHECKING:
    from qml.circuit import Circuit, Operation, StatePrep

__all__ = ["draw_text"]

# symbol per wire position for gates drawn with special glyphs
_GLYPHS = {
    "cnot": ("●", "X"),
    "cy": ("●", "Y"),
    "cz": ("●", "●"),
    "swap": ("x", "x"),
    "ccx": ("●", "●", "X"),
}
_CONTROLLED = {"crx": "RX", "cry": "RY", "crz": "RZ", "cphase": "P"}


def _labels(op: Operation | StatePrep) -> dict[int, str]:
    """Label per wire of ``op``."""
    if op.name == "amplitude":
        return {w: "AMP" for w in op.wires}
    if op.name in _GLYPHS:
        return dict(zip(op.wires, _GLYPHS[op.name], strict=True))
    args = ",".join(repr(p) for p in op.params)
    if op.name in _CONTROLLED:
        return {op.wires[0]: "●", op.wires[1]: f"{_CONTROLLED[op.name]}({args})"}
    text = op.name.upper() + (f"({args})" if args else "")
    return {w: text for w in op.wires}


def draw_text(circuit: Circuit, *, max_width: int = 120) -> str:
    """Render ``circuit`` as text; see :meth:`qml.Circuit.draw`.

    Raises:
        CircuitError: ``max_width`` is not a positive integer.

    Example:
        >>> import qml
        >>> c = qml.Circuit(2)
        >>> print(c.h(0).cnot(0, 1).draw())
        0: ─H─●─
        1: ───X─
    """
    if isinstance(max_width, bool) or not isinstance(max_width, numbers.Integral) or max_width < 1:
        raise CircuitError(f"max_width must be a positive integer, got {max_width!r}")
    n = circuit.n_qubits
    columns: list[dict[int, str]] = []  # column -> wire -> label
    spans: list[list[tuple[int, int]]] = []  # column -> vertical spans (lo, hi)
    free = [0] * n  # first column each wire is free in
    for op in circuit:
        lo, hi = min(op.wires), max(op.wires)
        col = max(free[w] for w in range(lo, hi + 1))
        while len(columns) <= col:
            columns.append({})
            spans.append([])
        columns[col].update(_labels(op))
        spans[col].append((lo, hi))
        for w in range(lo, hi + 1):
            free[w] = col + 1

    prefix = [f"{w}: " for w in range(n)]
    pad = max(len(p) for p in prefix)
    cells: list[list[str]] = [[] for _ in range(n)]
    for col, labels in enumerate(columns):
        width = max((len(s) for s in labels.values()), default=1)
        for w in range(n):
            if w in labels:
                text = labels[w].center(width, "─")
            elif any(lo < w < hi for lo, hi in spans[col]):
                text = "│".center(width, "─")
            else:
                text = "─" * width
            cells[w].append(text + "─")

    # wrap into blocks no wider than max_width
    lines: list[str] = []
    start = 0
    ncols = len(columns)
    while True:
        width = pad + 1
        end = start
        while end < ncols and (end == start or width + len(cells[0][end]) <= max_width):
            width += len(max((cells[w][end] for w in range(n)), key=len))
            end += 1
        for w in range(n):
            lines.append(prefix[w].rjust(pad) + "─" + "".join(cells[w][start:end]))
        start = end
        if start >= ncols:
            break
        lines.append("")
    return "\n".join(lines)
