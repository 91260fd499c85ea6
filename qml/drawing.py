"""Text drawing of a circuit: one line per wire, gates placed as early as their wires allow."""

from __future__ import annotations

from qml._checks import integer
from qml.circuit import Circuit, Operation, StatePrep
from qml.errors import CircuitError

__all__ = ["draw_text"]


def _labels(op: Operation | StatePrep) -> dict[int, str]:
    """Label per wire of ``op``: the row's glyphs, the angles after those of the targets."""
    if isinstance(op, StatePrep):
        return {w: "AMP" for w in op.wires}
    spec = op.spec
    args = f"({','.join(repr(p) for p in op.params)})" if op.params else ""
    return {
        w: glyph + (args if i >= spec.controls else "")
        for i, (w, glyph) in enumerate(zip(op.wires, spec.glyphs, strict=True))
    }


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
    max_width = integer(max_width, name="max_width", error=CircuitError, minimum=1)
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
