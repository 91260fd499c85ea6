"""Measured timing calibrations: where they are cached and the one load-or-measure rule.

The simulator's step-time fit (:mod:`~qml.estimator.simulation`) and the classical MLP's
(:mod:`~qml.estimator.classical`) are measured on this machine once and cached as JSON under
:func:`cache_dir`, one file per kind and device (``calibration-cpu.json``,
``classical-cuda.json``). :func:`load_or_measure` reads a file that still holds for this
machine, warns when it was measured on a busy one, and otherwise measures (saying so on stderr,
with the path) and writes the new calibration atomically.
"""

from __future__ import annotations

import json
import os
import sys
import warnings
from collections.abc import Callable
from pathlib import Path
from typing import Any, Protocol, TypeVar

__all__ = [
    "CalibrationWarning",
    "SIMULATION_CACHE",
    "CLASSICAL_CACHE",
    "cache_dir",
    "cache_path",
    "save_calibration",
    "announce_calibration",
    "load_or_measure",
]

SIMULATION_CACHE = "calibration"  # file prefix of the simulator's calibration
CLASSICAL_CACHE = "classical"  # file prefix of the classical MLP's calibration


class CalibrationWarning(UserWarning):
    """A timing calibration measured on a busy machine: its time estimates may be off."""


class _Calibration(Protocol):
    @property
    def busy(self) -> bool: ...


C = TypeVar("C", bound=_Calibration)


def cache_dir() -> Path:
    """``$QML_CACHE_DIR``, else ``$XDG_CACHE_HOME/qml``, else ``~/.cache/qml`` (an empty
    variable counts as unset)."""
    root = os.environ.get("QML_CACHE_DIR") or None
    if root is None:
        xdg = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
        root = str(Path(xdg) / "qml")
    return Path(root)


def cache_path(device: str, *, kind: str = SIMULATION_CACHE) -> Path:
    """``<cache_dir>/<kind>-<cpu|cuda>.json``: where the ``kind`` calibration of ``device`` lives.

    >>> cache_path("cuda:1", kind=CLASSICAL_CACHE).name
    'classical-cuda.json'
    """
    family = "cuda" if device.startswith("cuda") else "cpu"
    return cache_dir() / f"{kind}-{family}.json"


def save_calibration(path: Path, data: dict[str, Any]) -> None:
    """Write ``data`` as JSON to ``path`` atomically (a temporary file, then a rename)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(".tmp")
    tmp.write_text(json.dumps(data, indent=2))
    tmp.replace(path)


def announce_calibration(what: str, path: Path, seconds: float) -> None:
    """Tell the user (on stderr) that a calibration is being measured and where it is cached."""
    print(
        f"qml: calibrating {what} on this machine (~{seconds:.0f} s); cached at {path}",
        file=sys.stderr,
        flush=True,
    )


def load_or_measure(
    *,
    path: Path,
    what: str,
    seconds: float,
    decode: Callable[[Any], C | None],
    measure: Callable[[], C],
    encode: Callable[[C], dict[str, Any]],
    busy_message: Callable[[C], str],
    recalibrate: bool = False,
) -> C:
    """The calibration cached at ``path`` if it still holds, else a new measurement, saved.

    Args:
        path: the cache file.
        what: how the announcement names the measured thing (``"the simulator (cpu)"``).
        seconds: about how long a measurement takes, for the announcement.
        decode: the file's JSON to a calibration, or ``None`` when it no longer holds (another
            machine, an older format); any ``ValueError``/``TypeError``/``KeyError``/
            ``AttributeError`` it raises counts as ``None``.
        measure: measures a new calibration (it may warn itself when the machine is busy).
        encode: a calibration to the JSON written at ``path``.
        busy_message: the warning for a cached calibration measured on a busy machine.
        recalibrate: measure even if the cache holds.

    Returns:
        The cached or the new calibration.

    Warns:
        CalibrationWarning: the cached calibration was measured on a busy machine.
    """
    if not recalibrate and path.exists():
        try:
            cached = decode(json.loads(path.read_text()))
        except (ValueError, TypeError, KeyError, AttributeError):
            cached = None  # unreadable or stale: measure again
        if cached is not None:
            if cached.busy:
                warnings.warn(busy_message(cached), CalibrationWarning, stacklevel=3)
            return cached
    announce_calibration(what, path, seconds)
    fresh = measure()
    save_calibration(path, encode(fresh))
    return fresh
