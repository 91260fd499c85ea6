"""What machine we run on: the key under which measured calibrations are cached."""

from __future__ import annotations

import platform

import torch

__all__ = ["cpu_model", "device_name", "host_key"]


def cpu_model() -> str:
    """The CPU's model name (``/proc/cpuinfo``), else what :mod:`platform` knows."""
    try:
        with open("/proc/cpuinfo", encoding="utf-8") as fh:
            for line in fh:
                if line.startswith("model name"):
                    return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown"


def device_name(device: str) -> str:
    """``"NVIDIA H100 PCIe"`` for a CUDA device, the CPU model for ``"cpu"``."""
    if device.startswith("cuda"):
        if not torch.cuda.is_available():
            from qml.errors import EstimateError

            raise EstimateError(f"device {device!r}: torch sees no CUDA GPU on this machine")
        return torch.cuda.get_device_name(torch.device(device))
    return cpu_model()


def host_key(device: str) -> dict[str, object]:
    """What a timing calibration depends on: device, its name, threads, torch version."""
    return {
        "device": "cuda" if device.startswith("cuda") else "cpu",
        "name": device_name(device),
        "threads": torch.get_num_threads(),
        "torch": torch.__version__.split("+")[0],
    }
