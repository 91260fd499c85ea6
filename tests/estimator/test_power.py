"""Device power and energy metering, with fake RAPL sysfs trees and a fake pynvml module."""

import math
import re
import sys
import time
import types

import pytest
import torch

from qml.errors import EstimateError
from qml.estimator import power
from qml.estimator.power import EnergyMeter, PowerReading, device_power

MAX_UJ = 262_143_328_850  # a real package's max_energy_range_uj


def _zone(root, name, energy_uj, *, limit_uw=None):
    zone = root / name
    zone.mkdir()
    (zone / "name").write_text("package-0\n")
    (zone / "energy_uj").write_text(f"{energy_uj}\n")
    (zone / "max_energy_range_uj").write_text(f"{MAX_UJ}\n")
    if limit_uw is not None:
        (zone / "constraint_0_name").write_text("long_term\n")
        (zone / "constraint_0_power_limit_uw").write_text(f"{limit_uw}\n")
    return zone


@pytest.fixture
def rapl(tmp_path, monkeypatch):
    """Two packages and a DRAM subzone (which must not be counted) under a fake powercap root."""
    monkeypatch.setattr(power, "RAPL_ROOT", tmp_path)
    zones = [
        _zone(tmp_path, "intel-rapl:0", 1_000_000, limit_uw=165_000_000),
        _zone(tmp_path, "intel-rapl:1", 5_000_000, limit_uw=165_000_000),
    ]
    _zone(tmp_path, "intel-rapl:0:0", 7_000_000)

    def set_energy(*values):
        for zone, value in zip(zones, values, strict=True):
            (zone / "energy_uj").write_text(f"{value}\n")

    set_energy(1_000_000, 5_000_000)
    return set_energy


@pytest.fixture
def no_rapl(tmp_path, monkeypatch):
    monkeypatch.setattr(power, "RAPL_ROOT", tmp_path / "absent")


def test_rapl_energy_is_the_counter_difference(rapl):
    with EnergyMeter("cpu") as meter:
        rapl(3_500_000, 6_250_000)
    assert meter.measured and meter.source == "rapl"
    assert meter.joules == pytest.approx((2_500_000 + 1_250_000) / 1e6, rel=1e-12)
    assert meter.kwh == pytest.approx(meter.joules / 3.6e6, rel=1e-12)
    assert meter.power.measured and meter.power.watts == pytest.approx(meter.joules / meter.seconds)


def test_rapl_wraparound_adds_the_range(rapl):
    rapl(MAX_UJ - 1_000, 5_000_000)
    with EnergyMeter("cpu") as meter:
        rapl(500, 5_000_000)  # package 0 wrapped: 1000 uJ to the top, then 500
        assert meter.poll() == pytest.approx(1_500 / 1e6)
        rapl(MAX_UJ - 10, 5_000_000)  # a second lap, counted because it was polled
    assert meter.joules == pytest.approx((1_500 + MAX_UJ - 10 - 500) / 1e6, rel=1e-12)


def test_rapl_power_limit_is_a_labelled_cap(rapl):
    reading = device_power("cpu")
    assert reading.source == "rapl" and not reading.measured
    assert reading.watts == pytest.approx(330.0)


def test_without_rapl_the_meter_estimates(no_rapl):
    with EnergyMeter("cpu") as meter:
        time.sleep(0.01)
    expected = device_power("cpu")
    assert not meter.measured and meter.source == "assumption" == expected.source
    assert meter.joules == pytest.approx(expected.watts * meter.seconds, rel=1e-12)
    assert "not measured" in meter.note and "assumption" in meter.note
    assert meter.seconds >= 0.01


def test_user_watts_override_measurement(rapl):
    with EnergyMeter("cpu", watts=42.0) as meter:
        rapl(9_000_000, 9_000_000)
    assert (meter.measured, meter.source) == (False, "user")
    assert meter.joules == pytest.approx(42.0 * meter.seconds, rel=1e-12)


def test_cpu_assumption_scales_with_threads(no_rapl):
    reading = device_power("cpu")
    assert reading.watts == power.CPU_CORE_POWER_W_ASSUMED * torch.get_num_threads()
    assert "unverified" in reading.note and not reading.measured


class FakeNvml(types.ModuleType):
    """The few pynvml calls used, with the energy counter in mJ and limits in mW."""

    class NVMLError(Exception):
        pass

    def __init__(self, energies_mj=(), *, energy_supported=True, limit_mw=275_000):
        super().__init__("pynvml")
        self.energies = iter(energies_mj)
        self.energy_supported, self.limit_mw = energy_supported, limit_mw
        self.inits = self.shutdowns = 0
        self.handles = []

    def nvmlInit(self):
        self.inits += 1

    def nvmlShutdown(self):
        self.shutdowns += 1

    def nvmlDeviceGetHandleByIndex(self, i):
        self.handles.append(("index", i))
        return ("h", i)

    def nvmlDeviceGetHandleByUUID(self, uuid):
        self.handles.append(("uuid", uuid))
        return ("h", uuid)

    def nvmlDeviceGetTotalEnergyConsumption(self, handle):
        if not self.energy_supported:
            raise self.NVMLError("not supported")
        return next(self.energies)

    def nvmlDeviceGetEnforcedPowerLimit(self, handle):
        return self.limit_mw


@pytest.fixture
def fake_gpu(monkeypatch):
    """Pretend one CUDA GPU exists; returns a setter for its name and the fake pynvml."""
    monkeypatch.setattr(torch.cuda, "is_available", lambda: True)
    monkeypatch.setattr(torch.cuda, "device_count", lambda: 1)
    monkeypatch.setattr(torch.cuda, "current_device", lambda: 0)
    monkeypatch.setattr(torch.cuda, "synchronize", lambda device=None: None)
    monkeypatch.delenv("CUDA_VISIBLE_DEVICES", raising=False)

    def install(name="Some GPU", nvml=None):
        monkeypatch.setattr(torch.cuda, "get_device_name", lambda device=None: name)
        monkeypatch.setitem(sys.modules, "pynvml", nvml)  # None makes `import pynvml` fail

    return install


def test_nvml_energy_is_millijoule_difference(fake_gpu):
    nvml = FakeNvml([1_000_000, 1_250_500])
    fake_gpu("NVIDIA H100 PCIe", nvml)
    with EnergyMeter("cuda") as meter:
        pass
    assert meter.measured and meter.source == "nvml"
    assert meter.joules == pytest.approx(250.5, rel=1e-12)
    assert nvml.inits == nvml.shutdowns >= 1
    assert nvml.handles[-1] == ("index", 0)


@pytest.mark.parametrize(
    ("visible", "handle"), [("3", ("index", 3)), ("GPU-1a2b", ("uuid", "GPU-1a2b"))]
)
def test_nvml_handle_follows_cuda_visible_devices(fake_gpu, monkeypatch, visible, handle):
    nvml = FakeNvml([0, 1_000])
    fake_gpu("NVIDIA H100 PCIe", nvml)
    monkeypatch.setenv("CUDA_VISIBLE_DEVICES", visible)
    with EnergyMeter("cuda:0") as meter:
        pass
    assert nvml.handles[-1] == handle and meter.joules == pytest.approx(1.0)


def test_gpu_without_energy_counter_falls_back_to_tdp(fake_gpu):
    fake_gpu("NVIDIA H100 PCIe", FakeNvml(energy_supported=False))
    with EnergyMeter("cuda") as meter:
        time.sleep(0.005)
    assert (meter.measured, meter.source) == (False, "tdp")
    assert meter.joules == pytest.approx(350.0 * meter.seconds, rel=1e-12)


@pytest.mark.parametrize(
    ("name", "watts", "source"),
    [
        ("NVIDIA H100 PCIe", 350.0, "tdp"),
        ("NVIDIA H100 80GB HBM3", 700.0, "tdp"),
        ("NVIDIA H200", 700.0, "tdp"),
        ("NVIDIA H200 NVL", 600.0, "tdp"),
        ("NVIDIA GH200 480GB", 275.0, "nvml"),
        ("NVIDIA A10", 275.0, "nvml"),
    ],
)
def test_gpu_power_table_then_nvml_limit(fake_gpu, name, watts, source):
    fake_gpu(name, FakeNvml())
    reading = device_power("cuda:0")
    assert (reading.watts, reading.source, reading.measured) == (watts, source, False)
    assert name in reading.note


def test_unknown_gpu_without_nvml_is_an_assumption(fake_gpu):
    fake_gpu("NVIDIA A10", None)
    reading = device_power("cuda")
    assert reading.source == "assumption" and reading.watts == power.GPU_POWER_W_ASSUMED
    assert "unverified" in reading.note


@pytest.mark.parametrize("bad", [0, -5.0, math.nan, math.inf, True, "100"])
def test_bad_watts_are_named(bad):
    with pytest.raises(EstimateError, match=rf"watts.*{re.escape(repr(bad))}"):
        device_power("cpu", watts=bad)
    with pytest.raises(EstimateError, match="watts"):
        EnergyMeter("cpu", watts=bad)


@pytest.mark.parametrize("bad", ["tpu", "mps", "gpu0", 3])
def test_bad_devices_are_named(bad):
    with pytest.raises(EstimateError, match=re.escape(repr(bad))):
        device_power(bad)


@pytest.mark.skipif(torch.cuda.is_available(), reason="checks the no-GPU message")
def test_missing_cuda_needs_watts():
    with pytest.raises(EstimateError, match="'cuda:1'.*watts="):
        EnergyMeter("cuda:1")
    assert device_power("cuda:1", watts=350.0).source == "user"


def test_reading_before_exit_and_measured_labels():
    meter = EnergyMeter("cpu", watts=1.0)
    with pytest.raises(EstimateError, match="no reading yet"):
        _ = meter.joules
    with pytest.raises(EstimateError, match="'tdp'"):
        PowerReading(watts=1.0, source="tdp", measured=True, note="")
    with pytest.raises(EstimateError, match="'meter'"):
        PowerReading(watts=1.0, source="meter", measured=False, note="")
