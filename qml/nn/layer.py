"""``QuantumLayer``: a parametrised circuit as a ``torch.nn.Module``."""

from __future__ import annotations

import numbers
from collections.abc import Sequence

import torch
from torch import nn

from qml.backends import Backend, get_backend
from qml.circuit import Circuit
from qml.errors import (
    BackendError,
    CircuitError,
    DiffMethodError,
    InputError,
    ParameterError,
    ShotsError,
)
from qml.nn.init import initial_weights
from qml.observables import Observable, Z, as_observable

__all__ = ["QuantumLayer"]

_REAL_FOR = {torch.complex64: torch.float32, torch.complex128: torch.float64}
_COMPLEX_FOR = {torch.float32: torch.complex64, torch.float64: torch.complex128}


class QuantumLayer(nn.Module):
    """A variational circuit whose weights are ``nn.Parameter`` s and whose output is
    the expectation of each observable.

    Args:
        circuit: the :class:`~qml.Circuit`; each weight array becomes a parameter of the same
            name, and the layer's input features feed the circuit's inputs.
        observables: one observable or a list (default ``Z`` on every wire).
        backend: a backend name (``"torch"``, the native simulator, by default;
            ``"pennylane:<device>"``, ``"aer"``, ``"aer:gpu"``) or a backend object, e.g.
            ``qml.backends.get_backend("aer", noise="fake_fez")``.
        shots: ``None`` for exact expectations, or a positive number of measurements per
            expectation (gradients then come from ``"parameter-shift"`` or ``"spsa"``).
        diff_method: ``"backprop"`` (autograd), ``"adjoint"`` (memory flat in depth),
            ``"parameter-shift"`` or ``"spsa"`` (what hardware can do; exact or with shots),
            or ``"auto"`` (backprop or adjoint by the memory model; parameter-shift with shots).
        init: weight initialiser, see :mod:`qml.nn.init`.
        init_scale: standard deviation for ``init="normal"``.
        dtype: ``torch.complex64`` (default) or ``torch.complex128`` simulation; the real
            parameters get the matching float dtype, and ``.double()`` / ``.float()`` switch it.
        seed: seeds one generator for the initial weights and the shot sampling.

    Inputs ``(B, F)`` give outputs ``(B, n_observables)``; a single sample ``(F,)`` gives
    ``(n_observables,)``. ``F`` is ``circuit.num_inputs``; a circuit without inputs is called
    as ``layer()``.

    Raises:
        CircuitError, ObservableError, ShotsError, DiffMethodError, BackendError,
        ParameterError: at construction, naming the offending value.

    Example:
        >>> import torch, qml
        >>> c = qml.Circuit(2)
        >>> x = c.inputs(2)
        >>> w = c.weights("theta", (2,))
        >>> _ = c.ry(0, x[0]).ry(1, x[1]).cnot(0, 1).rx(0, w[0]).rx(1, w[1])
        >>> layer = qml.QuantumLayer(c, seed=0)
        >>> layer(torch.zeros(5, 2)).shape
        torch.Size([5, 2])
    """

    def __init__(
        self,
        circuit: Circuit,
        observables: Observable | Sequence[Observable] | None = None,
        *,
        backend: str | Backend = "torch",
        shots: int | None = None,
        diff_method: str = "auto",
        init: str = "uniform",
        init_scale: float = 0.1,
        dtype: torch.dtype = torch.complex64,
        seed: int | None = None,
    ):
        super().__init__()
        if not isinstance(circuit, Circuit):
            raise CircuitError(f"QuantumLayer needs a qml.Circuit, got {type(circuit).__name__}")
        if observables is None:
            observables = [Z(q) for q in range(circuit.n_qubits)]
        elif isinstance(observables, Observable):
            observables = [observables]
        obs = [as_observable(o) for o in observables]
        if not obs:
            raise CircuitError("QuantumLayer needs at least one observable")
        for o in obs:
            o.validate(circuit.n_qubits)
        if shots is not None and (
            isinstance(shots, bool) or not isinstance(shots, numbers.Integral) or shots <= 0
        ):
            raise ShotsError(f"shots must be a positive integer or None, got {shots!r}")
        if dtype not in _REAL_FOR:
            raise ParameterError(
                f"dtype must be torch.complex64 or torch.complex128, got {dtype!r}"
            )
        self.backend = get_backend(backend) if isinstance(backend, str) else backend
        if not hasattr(self.backend, "capabilities") or not hasattr(self.backend, "compile"):
            raise BackendError(
                f"backend must be a name such as 'torch' or a backend object, got {backend!r}"
            )
        caps = self.backend.capabilities
        if shots is not None and not caps.shots:
            raise BackendError(
                f"backend {self.backend.name!r} computes exact expectations only; got "
                f"shots={shots} (use shots=None, or a backend with shots)"
            )
        if diff_method not in caps.diff_methods:
            raise DiffMethodError(
                f"diff_method {diff_method!r} is not available on backend {self.backend.name!r}; "
                f"choose one of {', '.join(caps.diff_methods)}"
            )
        if circuit.n_qubits > caps.max_qubits:
            raise CircuitError(
                f"circuit has {circuit.n_qubits} qubits; backend {self.backend.name!r} allows "
                f"{caps.max_qubits}"
            )
        self.circuit = circuit
        self.observables = obs
        self.shots = None if shots is None else int(shots)
        self.diff_method = diff_method
        self._generator = torch.Generator().manual_seed(seed) if seed is not None else None

        clash = [n for n in circuit.weight_shapes if hasattr(nn.Module, n) or n in vars(self)]
        if clash:
            raise ParameterError(
                f"weight name(s) {clash} clash with nn.Module attributes; rename them"
            )
        real = _REAL_FOR[dtype]
        values = initial_weights(
            circuit.weight_shapes, init=init, scale=init_scale, dtype=real,
            generator=self._generator,
        )  # fmt: skip
        for name, value in values.items():
            self.register_parameter(name, nn.Parameter(value))
        # follows .to(device), .double(), .float(): sets where and in what dtype we simulate
        self.register_buffer("_anchor", torch.empty(0, dtype=real), persistent=False)
        self._executable = self.backend.compile(
            circuit, obs, shots=self.shots, diff_method=diff_method
        )

    # -- pickling (torch.save of a whole model) -------------------------------------------------
    def __getstate__(self) -> dict:
        """The compiled executable holds kernels and tables; it is rebuilt on loading."""
        state = super().__getstate__() if hasattr(super(), "__getstate__") else self.__dict__
        state = dict(state)
        state["_executable"] = None
        return state

    def __setstate__(self, state: dict) -> None:
        super().__setstate__(state)
        self._executable = self.backend.compile(
            self.circuit, self.observables, shots=self.shots, diff_method=self.diff_method
        )

    # -- helpers -------------------------------------------------------------------------------
    @property
    def n_qubits(self) -> int:
        return self.circuit.n_qubits

    @property
    def output_size(self) -> int:
        return len(self.observables)

    def weight_tensors(self) -> dict[str, torch.Tensor]:
        return {name: getattr(self, name) for name in self.circuit.weight_shapes}

    def _prepare(self, x) -> tuple[torch.Tensor | None, int, bool]:
        """Validate and shape the input: returns ``(x as (B, F) or None, B, was_single)``."""
        real = self._anchor_tensor.dtype
        device = self._anchor_tensor.device
        if x is None:
            if self.circuit.num_inputs:
                raise InputError(
                    f"this layer expects inputs of {self.circuit.num_inputs} features, got None"
                )
            return None, 1, True
        if not isinstance(x, torch.Tensor):
            x = torch.as_tensor(x)
        if x.is_complex():
            raise InputError(f"inputs must be real, got dtype {x.dtype}")
        if x.device != device:
            raise InputError(
                f"inputs are on {x.device} but the layer is on {device}; move one with .to()"
            )
        single = x.dim() == 1
        if x.dim() not in (1, 2):
            raise InputError(f"inputs must be (B, F) or (F,), got shape {tuple(x.shape)}")
        x2 = x.unsqueeze(0) if single else x
        if x2.shape[1] != self.circuit.num_inputs:
            raise InputError(
                f"inputs have {x2.shape[1]} features, but the circuit declares "
                f"{self.circuit.num_inputs} (shape {tuple(x.shape)})"
            )
        if not torch.isfinite(x2).all():
            bad = (~torch.isfinite(x2)).nonzero()[0].tolist()
            raise InputError(
                f"inputs contain {x2[bad[0], bad[1]].item()} at sample {bad[0]}, feature {bad[1]}"
            )
        return x2.to(real), x2.shape[0], single

    @property
    def _anchor_tensor(self) -> torch.Tensor:
        anchor = self._anchor
        assert isinstance(anchor, torch.Tensor)
        return anchor

    def _run_args(self, batch: int) -> dict:
        anchor = self._anchor_tensor
        return {"batch": batch, "dtype": _COMPLEX_FOR[anchor.dtype], "device": anchor.device}

    # -- forward and measurements ------------------------------------------------------------
    def forward(self, x: torch.Tensor | None = None) -> torch.Tensor:
        """Expectations: ``(B, F) -> (B, n_observables)``, ``(F,) -> (n_observables,)``."""
        x2, batch, single = self._prepare(x)
        weights = self.weight_tensors()
        out = self._executable.expvals(
            x2, weights, generator=self._generator, **self._run_args(batch)
        )
        return out[0] if single else out

    @property
    def stats(self):
        """Executions so far: ``calls``, ``circuits``, ``shots``, ``seconds`` (``.reset()``)."""
        return self._executable.stats

    def estimate_cost(self, *, batch: int = 1):
        """Memory and traffic of one training step at ``batch`` (see :mod:`qml.sim.memory`).

        Returns:
            A :class:`~qml.sim.memory.CostEstimate` with ``forward_bytes``, ``backward_bytes``,
            ``step_peak_bytes`` and the gradient method ``auto`` resolves to.
        """
        return self._executable.cost(**self._run_args(batch))

    def probs(self, x: torch.Tensor | None = None, *, wires: Sequence[int] | None = None):
        """Exact basis-state probabilities ``(B, 2**len(wires))`` (wire order as given)."""
        for w in wires or ():
            if not 0 <= w < self.n_qubits:
                raise CircuitError(f"probs on wire {w}, but the circuit has {self.n_qubits} qubits")
        x2, batch, single = self._prepare(x)
        out = self._executable.probs(
            x2, self.weight_tensors(), wires=wires, **self._run_args(batch)
        )
        return out[0] if single else out

    def sample(
        self,
        x: torch.Tensor | None = None,
        *,
        shots: int,
        wires: Sequence[int] | None = None,
        generator: torch.Generator | None = None,
    ) -> torch.Tensor:
        """Measured bits ``(B, shots, len(wires))`` int8 (wire 0 first).

        ``generator`` defaults to the layer's own (from ``seed``), else torch's global one.
        """
        if isinstance(shots, bool) or not isinstance(shots, numbers.Integral) or shots <= 0:
            raise ShotsError(f"shots must be a positive integer, got {shots!r}")
        for w in wires or ():
            if not 0 <= w < self.n_qubits:
                raise CircuitError(
                    f"sample on wire {w}, but the circuit has {self.n_qubits} qubits"
                )
        x2, batch, single = self._prepare(x)
        with torch.no_grad():
            out = self._executable.sample(
                x2, self.weight_tensors(), shots=int(shots), wires=wires,
                generator=generator or self._generator, **self._run_args(batch),
            )  # fmt: skip
        return out[0] if single else out

    def extra_repr(self) -> str:
        obs = ", ".join(repr(o) for o in self.observables)
        return (
            f"{self.circuit!r}, observables=[{obs}], backend={self.backend.name!r}, "
            f"shots={self.shots}, diff_method={self.diff_method!r}"
        )
