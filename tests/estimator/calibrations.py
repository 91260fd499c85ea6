"""Fixed calibrations for estimator tests: no test measures this machine unless it means to."""

from qml.estimator.classical import ClassicalCalibration
from qml.estimator.simulation_calibration import SimulationCalibration

SIM = SimulationCalibration(
    device="cpu",
    hardware="test",
    threads=1,
    torch_version="0",
    bandwidth_bytes_per_s=1e10,
    pass_overhead_s=1e-4,
    step_overhead_s=1e-3,
    adjoint_bandwidth_bytes_per_s=1e10,
    adjoint_pass_overhead_s=2e-4,
    adjoint_step_overhead_s=1e-3,
    memory_bytes=2**34,
    source="test constants",
    created="2026-11-27",
)
CLS = ClassicalCalibration(device="cpu", flops_per_s=1e9, step_overhead_s=1e-4)
FIXED = {"simulation_calibration": SIM, "classical_calibration": CLS, "watts": 100.0}
