"""Demo: a hybrid classifier on two moons.

classical Linear(2 -> 4) -> 4-qubit quantum layer (angle encoding + strongly entangling
layers, <Z> on every wire) -> classical Linear(4 -> 2), trained with Adam on a generated
two-moons dataset, then estimates what the same training costs on IBM hardware, in
simulation and as a parameter-matched MLP (``qml.estimate``). Seeded; well under a minute on
2 CPU cores.

    python experiments/two_moons.py [--epochs 30] [--seed 0] [--target ibm_fez] [--no-estimate]
"""

from __future__ import annotations

import argparse
import math
import time

import torch
from rich.console import Console
from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn
from sklearn.datasets import make_moons
from sklearn.model_selection import train_test_split
from sklearn.preprocessing import StandardScaler
from torch import nn

import qml
from circuits import ansatze, encodings
from qml.estimator import EnergyMeter


def build_model(n_qubits: int = 4, layers: int = 2, *, seed: int = 0) -> nn.Module:
    """The hybrid model; returns ``(B, 2) -> (B, 2)`` logits."""
    circuit = encodings.angle(n_qubits) + ansatze.strongly_entangling(n_qubits, layers=layers)
    quantum = qml.QuantumLayer(circuit, [qml.Z(q) for q in range(n_qubits)], seed=seed)
    torch.manual_seed(seed)
    return nn.Sequential(
        nn.Linear(2, n_qubits),
        nn.Tanh(),
        Scale(math.pi / 2),  # features become angles in [-pi/2, pi/2]
        quantum,
        nn.Linear(n_qubits, 2),
    )


class Scale(nn.Module):
    def __init__(self, factor: float):
        super().__init__()
        self.factor = factor

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return x * self.factor


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--epochs", type=int, default=30)
    parser.add_argument("--samples", type=int, default=400)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--target", default="ibm_fez", help="hardware for the estimate")
    parser.add_argument(
        "--no-estimate", dest="estimate", action="store_false", help="skip the resource estimate"
    )
    args = parser.parse_args()
    console = Console()

    x, y = make_moons(n_samples=args.samples, noise=0.1, random_state=args.seed)
    x_train, x_test, y_train, y_test = train_test_split(
        x, y, test_size=0.25, random_state=args.seed, stratify=y
    )
    scaler = StandardScaler().fit(x_train)
    xt = torch.tensor(scaler.transform(x_train), dtype=torch.float32)
    xv = torch.tensor(scaler.transform(x_test), dtype=torch.float32)
    yt, yv = torch.tensor(y_train), torch.tensor(y_test)

    model = build_model(seed=args.seed)
    opt = torch.optim.Adam(model.parameters(), lr=0.05)
    loss_fn = nn.CrossEntropyLoss()
    gen = torch.Generator().manual_seed(args.seed)
    batch = 32
    steps = args.epochs * math.ceil(len(xt) / batch)
    console.print(
        f"[bold]qml demo[/]: hybrid classifier on two moons ({len(xt)} train, {len(xv)} test)"
    )
    console.print(model[3].circuit.draw(max_width=console.width), markup=False, highlight=False)
    start = time.perf_counter()
    meter = EnergyMeter("cpu")
    with (
        meter,
        Progress(
            TextColumn("[progress.description]{task.description}"),
            BarColumn(),
            TextColumn("{task.completed}/{task.total} steps"),
            TextColumn("loss {task.fields[loss]:.3f}"),
            TimeElapsedColumn(),
            console=console,
        ) as progress,
    ):
        task = progress.add_task("training", total=steps, loss=float("nan"))
        for _ in range(args.epochs):
            perm = torch.randperm(len(xt), generator=gen)
            for i in range(0, len(xt), batch):
                idx = perm[i : i + batch]
                opt.zero_grad()
                loss = loss_fn(model(xt[idx]), yt[idx])
                loss.backward()
                opt.step()
                progress.update(task, advance=1, loss=loss.item())
    elapsed = time.perf_counter() - start
    with torch.no_grad():
        train_acc = (model(xt).argmax(1) == yt).float().mean().item()
        test_acc = (model(xv).argmax(1) == yv).float().mean().item()
    console.print(
        f"train accuracy {train_acc:.3f}  [bold green]test accuracy {test_acc:.3f}[/]  "
        f"({elapsed:.1f} s training)"
    )
    how = f"measured by {meter.source.upper()}" if meter.measured else meter.note
    console.print(f"training energy {meter.kwh:.3g} kWh ({how})")
    if args.estimate:
        # the same training on quantum hardware, in simulation and as a classical MLP
        workload = qml.Workload(
            samples=len(xt), epochs=args.epochs, batch=batch, shots=1000, differentiate_inputs=True
        )
        est = qml.estimate(model[3], target=args.target, workload=workload)
        console.print(est.table())
        console.print(f"[bold]{est.verdict()}[/]")
        for note in est.assumptions:
            console.print(f"[dim]assumption: {note}[/]")


if __name__ == "__main__":
    main()
