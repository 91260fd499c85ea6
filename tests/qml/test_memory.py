"""The memory model predicts measured peaks within 25%; oversize requests fail before allocating."""

import json
import os
import subprocess
import sys

import pytest
import torch

import qml
from circuits import ansatze, encodings
from qml.errors import MemoryBudgetError
from qml.sim import memory

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


def probe(*args: str) -> dict:
    """Run tests/qml/memory_probe.py in a fresh process (peaks are per process)."""
    env = dict(os.environ, MALLOC_MMAP_THRESHOLD_="65536", OMP_NUM_THREADS="1")
    out = subprocess.run(
        [sys.executable, "-m", "tests.qml.memory_probe", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=True,
        timeout=300,
    )
    return json.loads(out.stdout.strip().splitlines()[-1])


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="reads /proc/self/status")
@pytest.mark.parametrize(
    "args",
    [
        ("18", "4", "backprop", "forward"),
        ("18", "4", "backprop"),
        ("18", "4", "adjoint"),
        ("14", "64", "backprop"),
        ("14", "64", "adjoint"),
        ("20", "2", "adjoint"),
    ],
)
def test_estimate_within_25_percent_of_measured_peak(args):
    result = probe(*args)
    assert result["measured"] > 4 * result["state"] / 2  # the run really allocated states
    ratio = result["estimate"] / result["measured"]
    assert 0.75 <= ratio <= 1.25, result


def test_adjoint_memory_is_flat_in_depth():
    shallow = encodings.angle(10) + ansatze.strongly_entangling(10, layers=1)
    deep = encodings.angle(10) + ansatze.strongly_entangling(10, layers=20)
    est = {
        (name, method): qml.QuantumLayer(c, diff_method=method).estimate_cost(batch=8)
        for name, c in (("shallow", shallow), ("deep", deep))
        for method in ("adjoint", "backprop")
    }
    assert est[("deep", "adjoint")].step_peak_bytes == est[("shallow", "adjoint")].step_peak_bytes
    assert (
        est[("deep", "backprop")].step_peak_bytes > 5 * est[("shallow", "backprop")].step_peak_bytes
    )


def test_oversize_request_fails_before_allocating(monkeypatch):
    layer = qml.QuantumLayer(encodings.angle(28) + ansatze.basic_entangler(28, layers=1))
    x = torch.rand(64, 28)
    need = layer.estimate_cost(batch=64).step_peak_bytes
    monkeypatch.setattr(memory, "available_bytes", lambda device: need // 100)
    calls = []
    original = torch.zeros
    monkeypatch.setattr(torch, "zeros", lambda *a, **k: calls.append(a) or original(*a, **k))
    with pytest.raises(
        MemoryBudgetError, match=r"28 qubits, batch 64.* needs about .* but .* is available"
    ) as err:
        layer(x)
    assert "try " in str(err.value)
    assert not calls  # nothing state-sized was created


def test_auto_switches_to_adjoint_when_backprop_does_not_fit(monkeypatch):
    layer = qml.QuantumLayer(encodings.angle(14) + ansatze.basic_entangler(14, layers=4))
    est = layer.estimate_cost(batch=64)
    assert est.step_peak_bytes > memory.ALWAYS_FITS_BYTES  # large enough to be checked
    monkeypatch.setattr(
        "qml.backends.torch_backend.available_bytes", lambda device: 8 * est.step_peak_bytes
    )
    assert layer.estimate_cost(batch=64).diff_method == "backprop"
    monkeypatch.setattr(
        "qml.backends.torch_backend.available_bytes", lambda device: est.step_peak_bytes
    )
    assert layer.estimate_cost(batch=64).diff_method == "adjoint"
