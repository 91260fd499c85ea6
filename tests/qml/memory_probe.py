"""Measure the peak host memory of one training step in a fresh process (for test_memory.py).

    python -m tests.qml.memory_probe N_QUBITS BATCH METHOD [forward]

Prints JSON: the model's estimate and the measured peak (VmHWM after the step minus VmRSS
before it). Run with MALLOC_MMAP_THRESHOLD_ set low so freed blocks go back to the system.
"""

import json
import sys

import torch

import qml
from circuits import ansatze, encodings


def _status(field: str) -> int:
    with open("/proc/self/status", encoding="ascii") as fh:
        for line in fh:
            if line.startswith(field + ":"):
                return int(line.split()[1]) * 1024
    raise RuntimeError(field)


def main() -> None:
    n, batch, method = int(sys.argv[1]), int(sys.argv[2]), sys.argv[3]
    forward_only = len(sys.argv) > 4 and sys.argv[4] == "forward"
    torch.set_num_threads(1)
    small = encodings.angle(4) + ansatze.strongly_entangling(4, layers=4)
    qml.QuantumLayer(small, diff_method=method)(torch.rand(2, 4)).sum().backward()  # warm up
    circuit = encodings.angle(n) + ansatze.strongly_entangling(n, layers=4)
    layer = qml.QuantumLayer(circuit, diff_method=method, seed=0)
    x = torch.rand(batch, n)
    est = layer.estimate_cost(batch=batch)
    before = _status("VmRSS")
    if forward_only:
        with torch.no_grad():
            layer(x)
        estimate = est.forward_peak_bytes
    else:
        layer(x).sum().backward()
        estimate = est.step_peak_bytes
    peak = _status("VmHWM") - before
    record = {
        "estimate": estimate,
        "measured": peak,
        "state": est.state_bytes,
        "passes": est.passes,
    }
    print(json.dumps(record))


if __name__ == "__main__":
    main()
