"""The largest register a machine holds: forward and adjoint gradient of the benchmark model.

    python -m experiments.bench.large [--qubits 26] [--layers 4] [--device cpu|cuda]

Prints the model's memory estimate, the measured peak (host: VmHWM; CUDA: max allocated),
and the forward and forward+adjoint-backward times. On a 24 GiB, 2-core machine, 26 qubits in
complex64 is the design target (a state is 512 MiB; the adjoint needs about 8.5 of them).
"""

from __future__ import annotations

import argparse
import json
import time

import torch

import qml
from experiments.bench.machine import machine_info
from experiments.bench.models import Data, Problem, build_qml, make_data
from qml.sim.memory import format_bytes


def _host_peak() -> int:
    with open("/proc/self/status", encoding="ascii") as fh:
        for line in fh:
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) * 1024
    return 0


def main(argv: list[str] | None = None) -> dict:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--qubits", type=int, default=26)
    parser.add_argument("--layers", type=int, default=4)
    parser.add_argument("--device", choices=("cpu", "cuda"), default="cpu")
    args = parser.parse_args(argv)
    problem = Problem(n_qubits=args.qubits, layers=args.layers, batch=1)
    full = make_data(Problem(n_qubits=4, layers=args.layers, batch=1))
    gen = torch.Generator().manual_seed(0)
    data = Data(
        inputs=torch.rand(1, args.qubits, generator=gen, dtype=torch.float64) * 3.14,
        weights=torch.rand(args.layers, args.qubits, 3, generator=gen, dtype=torch.float64) * 6.28,
        target=full.target[:, :1].expand(1, args.qubits).clone(),
    )
    model = build_qml(problem, data, diff_method="adjoint", device=args.device)
    layer = model.module
    assert isinstance(layer, qml.QuantumLayer)
    est = layer.estimate_cost(batch=1)
    if args.device == "cuda":
        torch.cuda.reset_peak_memory_stats()
    sync = torch.cuda.synchronize if args.device == "cuda" else (lambda: None)
    with torch.no_grad():
        t0 = time.perf_counter()
        out = model.forward()
        sync()
        forward_s = time.perf_counter() - t0
    t0 = time.perf_counter()
    model.step()
    sync()
    step_s = time.perf_counter() - t0
    grad = layer.theta.grad
    assert grad is not None and torch.isfinite(grad).all()
    peak = torch.cuda.max_memory_allocated() if args.device == "cuda" else _host_peak()
    result = {
        "qubits": args.qubits,
        "layers": args.layers,
        "device": args.device,
        "state_bytes": est.state_bytes,
        "estimated_step_peak_bytes": est.step_peak_bytes,
        "measured_peak_bytes": peak,
        "forward_s": forward_s,
        "forward_adjoint_step_s": step_s,
        "mean_abs_output": float(out.abs().mean()),
        "machine": machine_info(args.device, {}),
    }
    print(
        f"{args.qubits} qubits, {args.layers} layers, complex64 on {args.device}: "
        f"forward {forward_s:.2f} s, forward + adjoint gradient {step_s:.2f} s; "
        f"state {format_bytes(est.state_bytes)}, estimated peak "
        f"{format_bytes(est.step_peak_bytes)}, measured peak {format_bytes(peak)}"
    )
    print(json.dumps(result, default=str))
    return result


if __name__ == "__main__":
    main()
