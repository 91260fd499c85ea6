"""The simulation cost model: memory from the simulator's own model, time calibrated here."""

import json
from pathlib import Path

import pytest
import torch

from circuits import ansatze, encodings
from qml.estimator import simulation_calibration
from qml.estimator.simulation_calibration import (
    H200_REFERENCE,
    cached_calibration,
    fit_reference,
    measure_calibration,
)
from qml.estimator.steps import step_cost
from qml.estimator.timing import measure_step_timing
from qml.observables import Z

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def one_thread():
    """One torch thread: with ``pytest -n 2`` on two cores, two-thread kernels in two workers
    would oversubscribe the cores and time each other's waits instead of their own work."""
    before = torch.get_num_threads()
    torch.set_num_threads(1)
    yield
    torch.set_num_threads(before)


@pytest.mark.timing
def test_predicted_step_time_within_2x_of_measured(one_thread):
    """Calibrated on this machine (angle + strongly entangling and IQP + basic entangler, L=2,
    n = 5..18), the model predicts other circuits, depths, batches and widths: n = 8, 12, 16,
    both exact gradients."""
    cal = measure_calibration(save=False)
    families = {
        "hardware_efficient L=3": lambda n: (
            encodings.angle(n) + ansatze.hardware_efficient(n, layers=3)
        ),
        "strongly_entangling L=3": lambda n: (
            encodings.angle(n) + ansatze.strongly_entangling(n, layers=3)
        ),
        "iqp + basic_entangler L=3": lambda n: (
            encodings.iqp(n) + ansatze.basic_entangler(n, layers=3)
        ),
    }
    ratios = {}
    for name, family in families.items():
        for n in (8, 12, 16):
            circuit, obs = family(n), [Z(q) for q in range(n)]
            for method in ("backprop", "adjoint"):
                measured = measure_step_timing(circuit, obs, batch=16, diff_method=method).seconds
                predicted = cal.predict(step_cost(circuit, obs, batch=16, diff_method=method))
                ratios[(name, n, method)] = measured / predicted
    off = {k: round(r, 2) for k, r in ratios.items() if not 0.5 <= r <= 2.0}
    assert not off, f"measured / predicted outside [0.5, 2]: {off}; all: {ratios}"


def test_calibration_is_cached_and_reused(tmp_path, monkeypatch):
    monkeypatch.setenv("QML_CACHE_DIR", str(tmp_path))
    points = (("se", 4, 1, 2), ("se", 6, 1, 4), ("iqp", 5, 1, 2), ("se", 8, 1, 2))
    monkeypatch.setattr(simulation_calibration, "CALIBRATION_POINTS", points)
    cal = measure_calibration(repeats=1)
    saved = json.loads((tmp_path / "calibration-cpu.json").read_text())
    assert saved["bandwidth_bytes_per_s"] == cal.bandwidth_bytes_per_s
    monkeypatch.setattr(
        simulation_calibration, "measure_calibration", lambda *a, **k: pytest.fail("measured again")
    )
    assert cached_calibration("cpu") == cal


@pytest.mark.parametrize("n", [1, 2, 3, 5])
def test_calibration_circuits_are_the_template_circuits_gate_for_gate(n):
    """qml writes its calibration circuits out itself (it does not import ``circuits``); they
    stay the templates' circuits, so cached calibrations keep meaning the same steps."""
    templates = {
        "se": lambda n, layers: encodings.angle(n) + ansatze.strongly_entangling(n, layers=layers),
        "iqp": lambda n, layers: encodings.iqp(n) + ansatze.basic_entangler(n, layers=layers),
    }
    for family, build in templates.items():
        circuit, obs = simulation_calibration.calibration_circuit(family, n, 2)
        want = build(n, 2)
        assert repr(circuit.operations) == repr(want.operations)
        assert circuit.input_shapes == want.input_shapes
        assert circuit.weight_shapes == want.weight_shapes
        assert repr(obs) == repr([Z(q) for q in range(n)])


def test_cuda_without_a_gpu_uses_the_h200_reference(monkeypatch):
    monkeypatch.setattr(simulation_calibration.torch.cuda, "is_available", lambda: False)
    assert cached_calibration("cuda") is H200_REFERENCE


def test_h200_reference_constants_are_the_fit_of_the_shipped_benchmark():
    fit = fit_reference(str(ROOT / "docs" / "bench" / "h200.json"))
    for field in (
        "bandwidth_bytes_per_s",
        "pass_overhead_s",
        "step_overhead_s",
        "adjoint_bandwidth_bytes_per_s",
        "adjoint_pass_overhead_s",
        "adjoint_step_overhead_s",
    ):
        assert getattr(fit, field) == pytest.approx(getattr(H200_REFERENCE, field), rel=0.01)
    worst = max(max(p[4] / p[5], p[5] / p[4]) for p in fit.points)
    assert worst < 2.5  # the fit itself: every measured H200 step within 2.5x


def test_inference_moves_only_the_forward():
    c = encodings.angle(6) + ansatze.basic_entangler(6, layers=2)
    obs = [Z(0)]
    fwd = step_cost(c, obs, batch=8, diff_method="none")
    back = step_cost(c, obs, batch=8, diff_method="backprop")
    assert fwd.memory.backward_bytes == 0
    assert fwd.memory.forward_bytes == back.memory.forward_bytes
    assert fwd.memory.step_peak_bytes < back.memory.step_peak_bytes


class _FakeMeter:
    """Stands in for RAPL: 50 W over whatever the block takes."""

    measured, source = True, "rapl"

    def __init__(self, device):
        self.seconds = self.joules = 0.0

    def __enter__(self):
        import time

        self._t = time.perf_counter()
        return self

    def __exit__(self, *exc):
        import time

        self.seconds = time.perf_counter() - self._t
        self.joules = 50.0 * self.seconds


def test_power_measured_while_calibrating_prices_the_simulation(tmp_path, monkeypatch):
    from qml.estimator import Workload, power
    from qml.estimator.simulation import simulation_cost

    monkeypatch.setenv("QML_CACHE_DIR", str(tmp_path))
    points = (("se", 4, 1, 2), ("se", 6, 1, 4), ("iqp", 5, 1, 2), ("se", 8, 1, 2))
    monkeypatch.setattr(simulation_calibration, "CALIBRATION_POINTS", points)
    monkeypatch.setattr(power, "EnergyMeter", _FakeMeter)
    cal = measure_calibration(repeats=1)
    assert cal.measured_watts == pytest.approx(50.0) and cal.measured_by == "rapl"
    c = encodings.angle(3) + ansatze.basic_entangler(3, layers=1)
    cost = simulation_cost(c, [Z(0)], Workload(samples=8, batch=4), calibrated=cal)
    assert cost.power_watts == pytest.approx(50.0)
    assert "measured by RAPL" in cost.energy_source
    assert cost.energy_kwh == pytest.approx(50.0 * cost.seconds / 3.6e6)
