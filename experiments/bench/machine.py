"""What the benchmark ran on, recorded next to its numbers."""

from __future__ import annotations

import datetime
import os
import platform
import subprocess
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path

import torch

from qml.estimator.host import cpu_model

__all__ = ["machine_info"]

PACKAGES = (
    "torch",
    "numpy",
    "pennylane",
    "pennylane-lightning",
    "qiskit",
    "qiskit-machine-learning",
)


def _git_commit() -> str | None:
    root = Path(__file__).resolve().parents[2]
    try:
        out = subprocess.run(
            ["git", "-C", str(root), "rev-parse", "--short", "HEAD"],
            capture_output=True,
            text=True,
            timeout=5,
            check=True,
        )
    except (OSError, subprocess.SubprocessError):
        return None
    return out.stdout.strip() or None


def machine_info(device: str, bandwidth: dict[str, float]) -> dict:
    """Machine, software and measured bandwidths (``{device: bytes per second}``).

    ``load_average`` (1, 5, 15 minutes, at the end of the run) shows whether other work
    shared the CPUs: timings on a loaded machine are slower and noisier.
    """
    versions = {}
    for pkg in PACKAGES:
        try:
            versions[pkg] = version(pkg)
        except PackageNotFoundError:
            versions[pkg] = None
    info = {
        "created": datetime.datetime.now(datetime.UTC).isoformat(timespec="seconds"),
        "platform": platform.platform(),
        "python": platform.python_version(),
        "cpu": cpu_model(),
        "cpu_count": os.cpu_count(),
        "cpus_usable": len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else None,
        "torch_threads": torch.get_num_threads(),
        "load_average": os.getloadavg() if hasattr(os, "getloadavg") else None,
        "device": device,
        "gpu": torch.cuda.get_device_name(0) if device.startswith("cuda") else None,
        "bandwidth_bytes_per_s": bandwidth,
        "versions": versions,
        "git_commit": _git_commit(),
    }
    return info
