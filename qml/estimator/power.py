"""How many watts a device draws, and the energy a block of code uses where the machine can tell.

:func:`device_power` gives a rated or assumed figure (a GPU's TDP, NVML's power limit, RAPL's
package limit, or a labelled per-core assumption for CPUs) for *estimates*. :class:`EnergyMeter`
*measures* energy with NVML's GPU energy counter or the Linux RAPL package counters when they are
readable, and otherwise falls back to ``device_power(...).watts * seconds``, saying so.

Both counters cover the whole GPU or CPU package, all processes on it included (attributional
only when nothing else runs there). codecarbon is not used: it is not installed here and its
offline tracker was not tested (docs/notes/estimator-constants.md, section 7).
"""

from __future__ import annotations

import os
import re
import time
from dataclasses import asdict, dataclass
from pathlib import Path
from types import ModuleType, TracebackType
from typing import Any

import torch

from qml._checks import real
from qml.errors import EstimateError
from qml.estimator.footprint import JOULES_PER_KWH

__all__ = [
    "PowerReading",
    "device_power",
    "parse_device",
    "resolve_device",
    "EnergyMeter",
    "RAPL_ROOT",
    "NVIDIA_H100_PCIE_TDP_W",
    "NVIDIA_H100_SXM_TDP_W",
    "NVIDIA_H200_SXM_TDP_W",
    "NVIDIA_H200_NVL_TDP_W",
    "CPU_CORE_POWER_W_ASSUMED",
    "GPU_POWER_W_ASSUMED",
]

# NVIDIA H100 PCIe Product Brief PB-11133-001_v02 (Nov 2022): "operates unconstrained up to its
# maximum thermal design power (TDP) level of 350 W". High confidence (primary document).
NVIDIA_H100_PCIE_TDP_W = 350.0
# "TDP: Up to 700W" (hawkvelt.id.au, 2024-08-04) and "Up to 700W (configurable)" (gpu.blog).
# Medium confidence: secondary sources; NVIDIA's H100 datasheet was not checked.
NVIDIA_H100_SXM_TDP_W = 700.0
# "700W (SXM version) / 600W (PCIe version)" (saulelectric.com/nvidia-h200.html) and "H200 NVL ...
# at 600W" (onestopsystems.com). Medium confidence: reseller pages, not NVIDIA's datasheet.
NVIDIA_H200_SXM_TDP_W = 700.0
NVIDIA_H200_NVL_TDP_W = 600.0
# ASSUMPTION, unverified: no primary CPU TDP source in our notes. 10 W per physical core is the
# order of a server package's TDP divided by its cores; pass watts= or measure with RAPL.
CPU_CORE_POWER_W_ASSUMED = 10.0
# ASSUMPTION, unverified: a GPU not in the TDP table and without NVML; pass watts= instead.
GPU_POWER_W_ASSUMED = 300.0

# Linux powercap sysfs root (RAPL zones intel-rapl:N, also on AMD since Linux 5.8).
RAPL_ROOT = Path("/sys/class/powercap")

SOURCES = ("nvml", "rapl", "tdp", "assumption", "user")

# Declarative TDP table, searched in order; word boundaries keep "GH200" from matching "H200".
_GPU_TDP: tuple[tuple[str, float, str], ...] = (
    (
        r"\bH100 PCIe\b",
        NVIDIA_H100_PCIE_TDP_W,
        "TDP 350 W, NVIDIA H100 PCIe product brief PB-11133-001_v02 (high confidence)",
    ),
    (
        r"\bH100 (SXM|80GB HBM3)",
        NVIDIA_H100_SXM_TDP_W,
        "H100 SXM TDP 700 W, secondary sources hawkvelt.id.au and gpu.blog (medium confidence)",
    ),
    (
        r"\bH200 NVL\b",
        NVIDIA_H200_NVL_TDP_W,
        "H200 NVL TDP 600 W, reseller pages saulelectric.com, onestopsystems.com (medium)",
    ),
    (
        r"\bH200\b",
        NVIDIA_H200_SXM_TDP_W,
        "H200 SXM TDP 700 W, reseller page saulelectric.com (medium confidence)",
    ),
)


@dataclass(frozen=True, kw_only=True)
class PowerReading:
    """A device's power in watts and where the figure comes from.

    ``source`` is ``"nvml"``, ``"rapl"``, ``"tdp"``, ``"assumption"`` or ``"user"``; ``measured``
    is True only for an average over an interval measured with NVML or RAPL (a power *limit* read
    from NVML or RAPL has that source but ``measured=False``).
    """

    watts: float
    source: str
    measured: bool
    note: str

    def __post_init__(self) -> None:
        real(
            self.watts,
            name="watts",
            error=EstimateError,
            minimum=0,
            expected="a non-negative finite number",
        )
        if self.source not in SOURCES:
            raise EstimateError(f"source must be one of {SOURCES}, got {self.source!r}")
        if self.measured and self.source not in ("nvml", "rapl"):
            raise EstimateError(f"only nvml or rapl readings are measured, got {self.source!r}")

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


def parse_device(device: str) -> torch.device:
    """``device`` as a :class:`torch.device`, checked to be ``"cpu"`` or ``"cuda[:N]"``.

    Raises:
        EstimateError: ``device`` is not a string, not a torch device string, or neither
            a CPU nor a CUDA device.
    """
    if not isinstance(device, str):
        raise EstimateError(f"device must be a string such as 'cpu' or 'cuda:0', got {device!r}")
    try:
        dev = torch.device(device)
    except RuntimeError as err:
        raise EstimateError(f"device {device!r} is not a torch device string") from err
    if dev.type not in ("cpu", "cuda"):
        raise EstimateError(f"device {device!r}: only 'cpu' and 'cuda[:N]' are supported")
    return dev


def resolve_device(device: str) -> torch.device:
    """The concrete device ``device`` names: ``"cuda"`` becomes ``cuda:<current device>``.

    Raises:
        EstimateError: not a CPU/CUDA device string, or a CUDA device this machine lacks.

    Example:
        >>> resolve_device("cpu")
        device(type='cpu')
    """
    dev = parse_device(device)
    if dev.type == "cpu":
        return dev
    if not torch.cuda.is_available():
        raise EstimateError(f"device {device!r}: CUDA is not available here; pass watts= instead")
    index = torch.cuda.current_device() if dev.index is None else dev.index
    if index >= torch.cuda.device_count():
        raise EstimateError(f"device {device!r}: only {torch.cuda.device_count()} CUDA devices")
    return torch.device("cuda", index)


def _check_watts(watts: object) -> float:
    return real(
        watts,
        name="watts",
        error=EstimateError,
        minimum=0,
        exclusive_minimum=True,
        expected="a positive finite number",
    )


def _read_int(path: Path) -> int | None:
    try:
        return int(path.read_text().strip())
    except (OSError, ValueError):
        return None


def _rapl_packages() -> list[Path]:
    """Top-level RAPL zones (packages); subzones ``intel-rapl:N:M`` are parts of them."""
    try:
        zones = [p for p in RAPL_ROOT.iterdir() if re.fullmatch(r"intel-rapl:\d+", p.name)]
    except OSError:
        return []
    return sorted(zones)


def _rapl_energy_uj() -> list[tuple[int, int]] | None:
    """``(energy_uj, max_energy_range_uj)`` per package, or None if any is unreadable."""
    packages = _rapl_packages()
    readings = [
        (_read_int(p / "energy_uj"), _read_int(p / "max_energy_range_uj")) for p in packages
    ]
    if not readings or any(e is None or m is None for e, m in readings):
        return None
    return [(int(e), int(m)) for e, m in readings if e is not None and m is not None]


def _rapl_power_limit_w() -> tuple[float, int] | None:
    """Sum of the packages' long-term power limits (PL1, about the TDP) and the package count."""
    packages = _rapl_packages()
    total_uw = 0
    for p in packages:
        try:
            name = (p / "constraint_0_name").read_text().strip()
        except OSError:
            return None
        limit = _read_int(p / "constraint_0_power_limit_uw")
        if name != "long_term" or not limit:
            return None
        total_uw += limit
    return (total_uw / 1e6, len(packages)) if packages else None


def _import_pynvml() -> ModuleType | None:
    try:
        import pynvml  # package nvidia-ml-py; optional
    except ImportError:
        return None
    return pynvml


def _nvml_handle(pynvml: ModuleType, cuda_index: int) -> Any:
    """NVML handle of CUDA device ``cuda_index``, mapped through ``CUDA_VISIBLE_DEVICES``.

    Assumes CUDA and NVML order GPUs alike (one GPU model, or ``CUDA_DEVICE_ORDER=PCI_BUS_ID``).
    Returns None for MIG slices and entries it cannot map.
    """
    visible = [v.strip() for v in os.environ.get("CUDA_VISIBLE_DEVICES", "").split(",")]
    entry = visible[cuda_index] if visible[0] and cuda_index < len(visible) else str(cuda_index)
    if entry.startswith("GPU-"):
        return pynvml.nvmlDeviceGetHandleByUUID(entry)
    if entry.isdigit():
        return pynvml.nvmlDeviceGetHandleByIndex(int(entry))
    return None


def _nvml_init() -> ModuleType | None:
    """``pynvml``, initialised (the caller shuts it down), or None without NVML."""
    pynvml = _import_pynvml()
    if pynvml is None:
        return None
    try:
        pynvml.nvmlInit()
    except pynvml.NVMLError:
        return None
    return pynvml


def _nvml_power_limit_w(cuda_index: int) -> float | None:
    pynvml = _nvml_init()
    if pynvml is None:
        return None
    try:
        handle = _nvml_handle(pynvml, cuda_index)
        return None if handle is None else pynvml.nvmlDeviceGetEnforcedPowerLimit(handle) / 1e3
    except pynvml.NVMLError:
        return None
    finally:
        pynvml.nvmlShutdown()


def device_power(device: str = "cpu", *, watts: float | None = None) -> PowerReading:
    """The power ``device`` draws under load, for estimates; never a measurement.

    GPUs: the TDP from a table of NVIDIA parts matched on ``torch.cuda.get_device_name``, else
    NVML's enforced power limit (``pynvml`` from nvidia-ml-py, if installed), else the labelled
    assumption ``GPU_POWER_W_ASSUMED``. CPUs: the sum of RAPL's long-term package power limits
    where readable, else ``CPU_CORE_POWER_W_ASSUMED`` times ``torch.get_num_threads()`` (PyTorch's
    default is the number of physical cores), an unverified assumption.

    Args:
        device: ``"cpu"``, ``"cuda"`` or ``"cuda:N"``.
        watts: your own figure; returned with source ``"user"`` (no GPU needed then).

    Returns:
        A :class:`PowerReading` with ``measured=False``.

    Raises:
        EstimateError: ``watts`` not a positive finite number, an unknown device string, or a
            CUDA device that this machine lacks while ``watts`` is None.

    Example:
        >>> device_power("cuda:0", watts=350).source
        'user'
        >>> device_power("cpu").measured
        False
    """
    dev = parse_device(device)
    if watts is not None:
        return PowerReading(
            watts=_check_watts(watts), source="user", measured=False, note="given by the user"
        )
    if dev.type == "cpu":
        limit = _rapl_power_limit_w()
        if limit is not None:
            w, n = limit
            note = f"RAPL long-term power limit of {n} CPU package(s), about the TDP; not measured"
            return PowerReading(watts=w, source="rapl", measured=False, note=note)
        cores = torch.get_num_threads() or os.cpu_count() or 1
        note = (
            f"assumed {CPU_CORE_POWER_W_ASSUMED:g} W per CPU core x {cores} cores; "
            "assumption, unverified; pass watts= or measure"
        )
        return PowerReading(
            watts=CPU_CORE_POWER_W_ASSUMED * cores, source="assumption", measured=False, note=note
        )
    index = resolve_device(device).index or 0
    name = torch.cuda.get_device_name(index)
    for pattern, tdp, source_note in _GPU_TDP:
        if re.search(pattern, name, flags=re.IGNORECASE):
            return PowerReading(
                watts=tdp, source="tdp", measured=False, note=f"{name}: {source_note}"
            )
    limit_w = _nvml_power_limit_w(index)
    if limit_w:
        note = f"{name}: NVML enforced power limit {limit_w:g} W (a cap, not a measured draw)"
        return PowerReading(watts=limit_w, source="nvml", measured=False, note=note)
    note = (
        f"{name}: assumed {GPU_POWER_W_ASSUMED:g} W (not in the TDP table, no NVML); "
        "assumption, unverified; pass watts="
    )
    return PowerReading(watts=GPU_POWER_W_ASSUMED, source="assumption", measured=False, note=note)


class _RaplCounter:
    """Accumulates RAPL package energy, adding ``max_energy_range_uj`` when a counter wraps."""

    def __init__(self, first: list[tuple[int, int]]) -> None:
        self._last = [e for e, _ in first]
        self._uj = 0

    def joules(self) -> float | None:
        now = _rapl_energy_uj()
        if now is None or len(now) != len(self._last):
            return None
        for i, (energy, max_range) in enumerate(now):
            delta = energy - self._last[i]
            self._uj += delta + max_range if delta < 0 else delta  # at most one wrap per poll
            self._last[i] = energy
        return self._uj / 1e6

    def close(self) -> None:
        pass


class _NvmlCounter:
    """``nvmlDeviceGetTotalEnergyConsumption`` (mJ since the driver loaded) minus its start."""

    def __init__(self, pynvml: ModuleType, handle: Any) -> None:
        self._nvml, self._handle = pynvml, handle
        self._start_mj = pynvml.nvmlDeviceGetTotalEnergyConsumption(handle)

    def joules(self) -> float | None:
        try:
            now_mj = self._nvml.nvmlDeviceGetTotalEnergyConsumption(self._handle)
        except self._nvml.NVMLError:
            return None
        return (now_mj - self._start_mj) / 1e3

    def close(self) -> None:
        self._nvml.nvmlShutdown()


def _open_nvml(cuda_index: int) -> _NvmlCounter | None:
    pynvml = _nvml_init()
    if pynvml is None:
        return None
    try:
        handle = _nvml_handle(pynvml, cuda_index)
        if handle is not None:
            return _NvmlCounter(pynvml, handle)
    except pynvml.NVMLError:
        pass  # energy counter unsupported (pre-Volta) or handle lookup failed
    pynvml.nvmlShutdown()
    return None


class EnergyMeter:
    """Context manager: wall time and energy of the code inside it.

    Measures with NVML's energy counter (CUDA devices, ``pynvml`` installed, Volta or newer) or
    RAPL package counters (CPU, ``energy_uj`` readable; usually root-only). Otherwise, or when
    ``watts`` is given, estimates ``device_power(device, watts=watts).watts * seconds`` with
    ``measured=False``. RAPL counters wrap after ``max_energy_range_uj`` (minutes at full load):
    call :meth:`poll` more often than that in long runs.

    Args:
        device: ``"cpu"``, ``"cuda"`` or ``"cuda:N"``; CUDA work is synchronised at both ends.
        watts: skip measuring and estimate with this power (source ``"user"``).

    Raises:
        EstimateError: a bad device or ``watts`` (at construction), or reading a result before
            the block has ended.

    Example:
        >>> with EnergyMeter("cpu", watts=20.0) as meter:
        ...     _ = sum(range(1000))
        >>> meter.measured, meter.source, meter.joules == 20.0 * meter.seconds
        (False, 'user', True)
    """

    def __init__(self, device: str = "cpu", *, watts: float | None = None) -> None:
        self.device = device
        self._dev = parse_device(device) if watts is not None else resolve_device(device)
        self._fallback = device_power(device, watts=watts)
        self._user = watts is not None
        self._counter: _RaplCounter | _NvmlCounter | None = None
        self._result: tuple[float, float, bool, str, str] | None = None
        self._t0 = 0.0

    def _sync(self) -> None:
        if self._dev.type == "cuda" and torch.cuda.is_available():
            torch.cuda.synchronize(self._dev)

    def __enter__(self) -> EnergyMeter:
        self._result, self._counter = None, None
        if not self._user and self._dev.type == "cuda":
            self._counter = _open_nvml(self._dev.index or 0)
        elif not self._user:
            first = _rapl_energy_uj()
            self._counter = None if first is None else _RaplCounter(first)
        self._sync()
        self._t0 = time.perf_counter()
        return self

    def poll(self) -> float | None:
        """Measured joules so far (None when estimating); keeps RAPL wraps counted."""
        return None if self._counter is None else self._counter.joules()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self._sync()
        seconds = time.perf_counter() - self._t0
        joules = self.poll()
        if self._counter is not None:
            self._counter.close()
        if joules is not None:
            source = "nvml" if isinstance(self._counter, _NvmlCounter) else "rapl"
            note = f"measured with {source.upper()} (whole device, all processes on it)"
            self._result = (seconds, joules, True, source, note)
        else:
            p = self._fallback
            note = f"estimate, not measured: {p.watts:g} W x {seconds:.3g} s ({p.note})"
            self._result = (seconds, p.watts * seconds, False, p.source, note)
        self._counter = None

    def _get(self) -> tuple[float, float, bool, str, str]:
        if self._result is None:
            raise EstimateError("EnergyMeter has no reading yet: use it as `with EnergyMeter():`")
        return self._result

    @property
    def seconds(self) -> float:
        return self._get()[0]

    @property
    def joules(self) -> float:
        return self._get()[1]

    @property
    def kwh(self) -> float:
        return self._get()[1] / JOULES_PER_KWH

    @property
    def measured(self) -> bool:
        return self._get()[2]

    @property
    def source(self) -> str:
        return self._get()[3]

    @property
    def note(self) -> str:
        return self._get()[4]

    @property
    def power(self) -> PowerReading:
        """Average power over the block (measured or the estimate's figure)."""
        seconds, joules, measured, source, note = self._get()
        watts = joules / seconds if seconds > 0 else self._fallback.watts
        return PowerReading(watts=max(watts, 0.0), source=source, measured=measured, note=note)
