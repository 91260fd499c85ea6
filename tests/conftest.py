import os

import pytest
import torch


def pytest_collection_modifyitems(config, items):
    skip_gpu = pytest.mark.skip(reason="needs a CUDA GPU")
    skip_hw = pytest.mark.skip(reason="needs an IBM Quantum token (QISKIT_IBM_TOKEN)")
    for item in items:
        if "gpu" in item.keywords and not torch.cuda.is_available():
            item.add_marker(skip_gpu)
        if "hardware" in item.keywords and not os.environ.get("QISKIT_IBM_TOKEN"):
            item.add_marker(skip_hw)
