"""The benchmark's results: one :class:`Row` per case and framework, shown three ways
(a rich table, a JSON file, a plot of step time against qubits)."""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass
from pathlib import Path

from rich.console import Console
from rich.table import Table

__all__ = ["Row", "format_seconds", "table", "write_json", "plot"]

STATUSES = ("ok", "skipped", "not installed", "unavailable", "error")


@dataclass(frozen=True, kw_only=True)
class Row:
    """One framework on one case. Times are seconds, bytes are bytes; ``None`` = not measured.

    ``vs_qml_best`` is this row's step time over the fastest qml method's on the same case
    (from ``estimate_s`` when the row was skipped; ``estimated`` says so). ``floor_s`` is the
    bytes the qml plan must move for a step over the measured copy bandwidth.
    """

    n: int
    layers: int
    batch: int
    label: str
    framework: str
    method: str
    status: str
    note: str = ""
    resolved_method: str | None = None  # what "auto" chose, where the layer says
    step_s: float | None = None
    times_s: tuple[float, ...] = ()
    cold: bool = False
    estimate_s: float | None = None
    forward_s: float | None = None
    forward_bytes: int | None = None
    backward_bytes: int | None = None
    floor_s: float | None = None
    forward_floor_s: float | None = None
    vs_qml_best: float | None = None
    estimated: bool = False
    vs_floor: float | None = None
    forward_vs_floor: float | None = None

    @property
    def display(self) -> str:
        return self.label if self.framework == "qml" else f"{self.label} ({self.method})"


def format_seconds(s: float | None) -> str:
    """``0.0123 -> '12.3 ms'``; ``None -> 'n/a'``.

    Example:
        >>> format_seconds(0.0123), format_seconds(2.5e-5), format_seconds(75.0)
        ('12.3 ms', '25 us', '75 s')
    """
    if s is None:
        return "n/a"
    for unit, scale in (("s", 1.0), ("ms", 1e-3), ("us", 1e-6)):
        if s >= scale:
            return f"{s / scale:.3g} {unit}"
    return f"{s / 1e-9:.3g} ns"


def _ratio(r: float | None) -> str:
    return "n/a" if r is None else f"{r:.3g}x"


def _step_cell(row: Row) -> str:
    if row.status == "ok":
        return format_seconds(row.step_s) + (" *" if row.cold else "")
    if row.status == "skipped":
        return f"skipped ({row.note})"
    return row.status if not row.note or row.status == "not installed" else row.note


def table(rows: list[Row], *, forward: bool, caption: str = "") -> Table:
    """The rows as a rich table (one line per row, in the given order)."""
    t = Table(title="qml bench: one training step (forward + MSE + backward)", caption=caption)
    for name in ("n", "L", "B"):
        t.add_column(name, justify="right")
    t.add_column("framework / method")
    t.add_column("step", justify="right")
    t.add_column("vs qml best", justify="right")
    t.add_column("floor", justify="right")
    t.add_column("step / floor", justify="right")
    if forward:
        for name in ("forward", "fwd floor", "fwd / floor"):
            t.add_column(name, justify="right")
    previous = None
    for row in rows:
        case = (row.n, row.layers, row.batch)
        if previous is not None and case != previous:
            t.add_section()
        previous = case
        ratio = _ratio(row.vs_qml_best)
        if row.estimated and row.vs_qml_best is not None:
            ratio = f"~{ratio} (est.)"
        qml_row = row.framework == "qml" and row.status == "ok"
        cells = [
            str(row.n),
            str(row.layers),
            str(row.batch),
            row.display + (f" -> {row.resolved_method}" if row.resolved_method else ""),
            _step_cell(row),
            ratio,
            format_seconds(row.floor_s) if qml_row else "",
            _ratio(row.vs_floor) if qml_row else "",
        ]
        if forward:
            cells += [
                format_seconds(row.forward_s) if qml_row else "",
                format_seconds(row.forward_floor_s) if qml_row else "",
                _ratio(row.forward_vs_floor) if qml_row else "",
            ]
        t.add_row(*cells)
    return t


def print_table(rows: list[Row], *, forward: bool, caption: str = "") -> None:
    """Print :func:`table` to stdout, wide enough for one line per row."""
    console = Console()
    if not console.is_terminal:
        console = Console(width=200)
    console.print(table(rows, forward=forward, caption=caption))


def write_json(path: Path, *, machine: dict, config: dict, rows: list[Row]) -> None:
    """Write ``{"machine", "config", "rows"}`` to ``path`` (folders made as needed)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    doc = {"machine": machine, "config": config, "rows": [asdict(r) for r in rows]}
    path.write_text(json.dumps(doc, indent=2) + "\n", encoding="utf-8")


def plot(path: Path, rows: list[Row], *, title: str = "") -> None:
    """Step time against qubits, a line per framework/method (one colour each throughout),
    a panel per batch size; qml solid, peers dashed."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    ok = [r for r in rows if r.status == "ok" and r.step_s is not None]
    batches = sorted({r.batch for r in rows})
    several_l = len({r.layers for r in rows}) > 1

    def key(r: Row) -> str:
        return r.display + (f", L={r.layers}" if several_l else "")

    keys = list(dict.fromkeys(key(r) for r in rows))  # first-seen order: qml, then peers
    palette = plt.get_cmap("tab10" if len(keys) <= 10 else "tab20").colors
    colours = dict(zip(keys, palette, strict=False))
    fig, axes = plt.subplots(
        1, len(batches), figsize=(4.5 * len(batches), 4.2), squeeze=False, sharey=True
    )
    handles = {}
    for ax, batch in zip(axes[0], batches, strict=True):
        for k in keys:
            pts = sorted((r for r in ok if r.batch == batch and key(r) == k), key=lambda r: r.n)
            if not pts:
                continue
            qml_line = pts[0].framework == "qml"
            (line,) = ax.plot(
                [r.n for r in pts],
                [r.step_s for r in pts],
                "-" if qml_line else "--",
                marker="o" if qml_line else "s",
                color=colours.get(k),
                label=k,
            )
            handles.setdefault(k, line)
        ax.set_yscale("log")
        ax.set_xticks(sorted({r.n for r in rows if r.batch == batch}))
        ax.set_xlabel("qubits n")
        ax.set_title(f"B = {batch}")
        ax.grid(True, which="both", alpha=0.3)
    axes[0][0].set_ylabel("training step (s)")
    if handles:
        fig.legend(handles.values(), handles.keys(), loc="lower center", ncol=4, fontsize=8)
    if title:
        fig.suptitle(title)
    fig.tight_layout(rect=(0, 0.08 + 0.04 * (len(handles) // 5), 1, 1))
    path.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(path, dpi=120)
    plt.close(fig)
