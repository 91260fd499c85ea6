"""The fake IBM backends of ``qiskit-ibm-runtime``, looked up by name.

One lookup for the Aer backend's ``noise="fake_<name>"`` and the estimator's ``"ibm_<name>"``
targets: a fake backend is named ``fake_<name>`` (its ``backend_name``), and ``ibm_<name>``
names the same one. Classes are found from their attributes (nothing is built until
:func:`fake_backend` asks for one, and each is built once).

Example:
    >>> "fake_fez" in fake_backend_names()
    True
    >>> fake_backend("ibm_fez") is fake_backend("fake_fez")
    True
"""

from __future__ import annotations

import functools
import inspect

from qml._checks import close_matches
from qml.errors import BackendError

__all__ = ["fake_backend_classes", "fake_backend_names", "fake_backend", "canonical_fake_name"]

_TEST_BACKENDS = ("fake_fractional",)  # fake_provider's test backends, not devices


@functools.cache
def fake_backend_classes() -> dict[str, type]:
    """``"fake_<name>"`` -> fake ``BackendV2`` class, sorted by name.

    Returns:
        Every V2 fake backend class of ``qiskit_ibm_runtime.fake_provider``, keyed by its
        ``backend_name``; none is instantiated.
    """
    import qiskit_ibm_runtime.fake_provider as fake_provider
    from qiskit.providers import BackendV2

    out = {}
    for cls in vars(fake_provider).values():
        if inspect.isclass(cls) and issubclass(cls, BackendV2):
            name = getattr(cls, "backend_name", None)
            if isinstance(name, str) and name.startswith("fake_") and name not in _TEST_BACKENDS:
                out[name] = cls
    return dict(sorted(out.items()))


def fake_backend_names() -> list[str]:
    """``fake_<name>`` of every fake backend, sorted."""
    return list(fake_backend_classes())


def canonical_fake_name(name: str) -> str:
    """``fake_<name>`` for ``fake_<name>`` or ``ibm_<name>`` (any case, spaces stripped).

    >>> canonical_fake_name(" IBM_Fez ")
    'fake_fez'
    """
    base = name.strip().lower()
    for prefix in ("fake_", "ibm_"):
        if base.startswith(prefix):
            return "fake_" + base.removeprefix(prefix)
    return base


def fake_backend(name: str, *, what: str = "fake backend"):
    """The fake backend named ``fake_<name>`` or ``ibm_<name>``, built once and cached.

    Args:
        name: ``"fake_fez"``, ``"ibm_fez"``, ...
        what: how an error message names the lookup (``"noise backend"``).

    Returns:
        The cached ``qiskit_ibm_runtime.fake_provider`` backend instance.

    Raises:
        BackendError: an unknown name, listing the known ones and the close matches.
    """
    key = canonical_fake_name(name) if isinstance(name, str) else None
    classes = fake_backend_classes()
    if key not in classes:
        raise BackendError(
            f"unknown {what} {name!r}; known: {', '.join(classes)} "
            f"(or ibm_<name> for fake_<name>){close_matches(key, classes)}"
        )
    return _instance(key)


@functools.cache
def _instance(key: str):
    return fake_backend_classes()[key]()
