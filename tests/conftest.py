import os
import shutil
import tempfile

import pytest
import torch

_CACHE_ENV = "QML_CACHE_DIR"
_saved_cache_env: list[tuple[str | None, str]] = []  # (the user's value, our temp dir)


def pytest_configure(config):
    """Point ``QML_CACHE_DIR`` at a fresh temporary directory for the whole run (doctests and
    subprocesses included), so that no test reads or writes the user's calibration caches."""
    tmp = tempfile.mkdtemp(prefix="qml-test-cache-")
    _saved_cache_env.append((os.environ.get(_CACHE_ENV), tmp))
    os.environ[_CACHE_ENV] = tmp


def pytest_unconfigure(config):
    if not _saved_cache_env:
        return
    before, tmp = _saved_cache_env.pop()
    shutil.rmtree(tmp, ignore_errors=True)
    if before is None:
        os.environ.pop(_CACHE_ENV, None)
    else:
        os.environ[_CACHE_ENV] = before


def pytest_collection_modifyitems(config, items):
    skip_gpu = pytest.mark.skip(reason="needs a CUDA GPU")
    skip_hw = pytest.mark.skip(reason="needs an IBM Quantum token (QISKIT_IBM_TOKEN)")
    for item in items:
        if "gpu" in item.keywords and not torch.cuda.is_available():
            item.add_marker(skip_gpu)
        if "hardware" in item.keywords and not os.environ.get("QISKIT_IBM_TOKEN"):
            item.add_marker(skip_hw)
