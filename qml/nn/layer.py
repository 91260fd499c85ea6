"""``QuantumLayer``: a parametrised circuit as a ``torch.nn.Module``."""

from __future__ import annotations

from collections.abc import Sequence

import torch
from torch import nn

from qml._checks import integer, is_integer
from qml.backends import Backend, get_backend
from qml.backends.stats import ExecutionStats
from qml.circuit import Circuit
from qml.errors import (
    BackendError,
    CircuitError,
    DiffMethodError,
    InputError,
    ModelFileError,
    ParameterError,
    ShotsError,
)
from qml.nn.init import initial_weights
from qml.nn.validation import check_state_dict_entry, checked_seed, layer_inputs, layer_weight
from qml.observables import Observable, observable_list
from qml.sim.memory import check_bytes

__all__ = ["QuantumLayer"]

_REAL_FOR = {torch.complex64: torch.float32, torch.complex128: torch.float64}
_COMPLEX_FOR = {torch.float32: torch.complex64, torch.float64: torch.complex128}
# instance attributes a weight array must not shadow (methods and properties are found on the class)
_INSTANCE_ATTRIBUTES = frozenset(
    {
        *("circuit", "observables", "shots", "backend", "requested_diff_method"),
        *("_executable", "_generator", "_anchor", "_resolved"),
    }
)
MAX_SHOTS = 2**31 - 1  # per execution; engines count shots in 32-bit integers


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
            parameters get the matching float dtype, and ``.double()`` / ``.float()`` switch it
            (``.half()`` / ``.bfloat16()`` are refused: there is no complex32 simulation).
        seed: an integer in ``[0, 2**64)`` (numpy integers too); seeds one generator for the
            initial weights and the shot sampling.

    ``layer.diff_method`` is the method the layer actually uses (``"auto"`` resolved: for the
    last call, or for one sample before any); ``layer.requested_diff_method`` is what was asked.
    An empty batch ``(0, F)`` gives an empty ``(0, n_observables)`` result without running
    anything, as PyTorch's own layers do. Non-finite inputs and weights are refused before a
    forward, and ``load_state_dict`` refuses non-finite or wrongly shaped weights.

    Inputs ``(B, F)`` give outputs ``(B, n_observables)``; a single sample ``(F,)`` gives
    ``(n_observables,)``. ``F`` is ``circuit.num_inputs``; a circuit without inputs is called
    as ``layer()``.

    Raises:
        QmlError: at construction (a ``CircuitError``, ``ObservableError``, ``ShotsError``,
            ``DiffMethodError``, ``BackendError`` or ``ParameterError``), naming the value.

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
        obs = observable_list(observables, n_qubits=circuit.n_qubits)
        if not obs:
            raise CircuitError("QuantumLayer needs at least one observable")
        if shots is not None:
            integer(
                shots,
                name="shots",
                error=ShotsError,
                minimum=1,
                expected="a positive integer or None",
            )
        if shots is not None and shots > MAX_SHOTS:
            raise ShotsError(
                f"shots must be at most {MAX_SHOTS} (2**31 - 1) per execution, got {shots!r}"
            )
        if not isinstance(dtype, torch.dtype) or dtype not in _REAL_FOR:
            raise ParameterError(
                f"dtype must be torch.complex64 or torch.complex128, got {dtype!r}"
            )
        seed = checked_seed(seed)
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
        if not isinstance(diff_method, str) or diff_method not in caps.diff_methods:
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
        self.requested_diff_method = diff_method
        self._resolved: str | None = None  # what "auto" resolved to in the last call
        self._generator = torch.Generator().manual_seed(seed) if seed is not None else None

        clash = [n for n in circuit.weight_shapes if self._clashes(n)]
        if clash:
            raise ParameterError(
                f"weight name(s) {clash} clash with attributes of QuantumLayer (methods, "
                "properties or nn.Module's own); rename them, e.g. "
                f"circuit.rename_weights({{{clash[0]!r}: {clash[0] + '_w'!r}}})"
            )
        real = _REAL_FOR[dtype]
        values = initial_weights(
            circuit.weight_shapes,
            init=init,
            scale=init_scale,
            dtype=real,
            generator=self._generator,
        )
        for name, value in values.items():
            self.register_parameter(name, nn.Parameter(value))
        # follows .to(device), .double(), .float(): sets where and in what dtype we simulate
        self.register_buffer("_anchor", torch.empty(0, dtype=real), persistent=False)
        self._executable = self.backend.compile(
            circuit, obs, shots=self.shots, diff_method=diff_method
        )

    def _clashes(self, name: str) -> bool:
        """A weight called ``name`` would shadow a method, property or attribute."""
        return hasattr(type(self), name) or name in _INSTANCE_ATTRIBUTES or name in vars(self)

    # -- pickling (torch.save of a whole model)
    def __getstate__(self) -> dict:
        """The compiled executable holds kernels and tables; it is rebuilt on loading."""
        state = super().__getstate__() if hasattr(super(), "__getstate__") else self.__dict__
        state = dict(state)
        state["_executable"] = None
        return state

    def __setstate__(self, state: dict) -> None:
        super().__setstate__(dict(state))
        self._executable = self.backend.compile(
            self.circuit,
            self.observables,
            shots=self.shots,
            diff_method=self.requested_diff_method,
        )

    # -- dtype and device moves, state_dict loading: refused before anything changes
    def _apply(self, fn, recurse: bool = True):
        """Every ``.to()`` / ``.half()`` / ``.double()`` / ``.cuda()`` comes through here: the
        move is tried on the dtype anchor first, and a real dtype without a complex simulation
        (float16, bfloat16) or a complex one is refused before any parameter changes."""
        probe = fn(self._anchor_tensor)
        if isinstance(probe, torch.Tensor) and probe.dtype not in _COMPLEX_FOR:
            raise ParameterError(
                f"a QuantumLayer simulates in complex64 or complex128, so its parameters are "
                f"float32 or float64; converting it to {probe.dtype} is not supported (keep the "
                "quantum layer in float32/float64, e.g. call .half() on the other modules only)"
            )
        return super()._apply(fn, recurse)

    def _load_from_state_dict(
        self, state_dict, prefix, local_metadata, strict, missing_keys, unexpected_keys, error_msgs
    ):
        for name, shape in self.circuit.weight_shapes.items():
            value = state_dict.get(prefix + name)
            if value is not None:
                check_state_dict_entry(value, key=prefix + name, name=name, shape=shape)
        super()._load_from_state_dict(
            state_dict, prefix, local_metadata, strict, missing_keys, unexpected_keys, error_msgs
        )

    # -- helpers
    @property
    def n_qubits(self) -> int:
        return self.circuit.n_qubits

    @property
    def real_dtype(self) -> torch.dtype:
        """The real dtype the layer simulates in: ``float32`` (complex64) or ``float64``."""
        return self._anchor_tensor.dtype

    @property
    def generator(self) -> torch.Generator | None:
        """The generator seeded by ``seed=`` (initial weights, shot sampling), else ``None``."""
        return self._generator

    @property
    def output_size(self) -> int:
        return len(self.observables)

    @property
    def diff_method(self) -> str:
        """The gradient method in use: the requested one, or what ``"auto"`` resolved to (for
        the last call; before any call, for one sample at the layer's dtype and device)."""
        if self.requested_diff_method != "auto":
            return self.requested_diff_method
        return self._resolved or self._resolve(1)

    def _resolve(self, batch: int) -> str:
        resolve = getattr(self._executable, "resolve", None)
        if resolve is None:
            return self.requested_diff_method
        return resolve(**self._run_args(batch))

    def weight_tensors(self) -> dict[str, torch.Tensor]:
        return {name: getattr(self, name) for name in self.circuit.weight_shapes}

    def _checked_weights(self) -> dict[str, torch.Tensor]:
        """The weight tensors, each checked (:func:`~qml.nn.validation.layer_weight`)."""
        device = self._anchor_tensor.device
        return {
            name: layer_weight(getattr(self, name, None), name=name, shape=shape, device=device)
            for name, shape in self.circuit.weight_shapes.items()
        }

    def _prepare(self, x) -> tuple[torch.Tensor | None, int, bool]:
        """Validate and shape the input: returns ``(x as (B, F) or None, B, was_single)``."""
        anchor = self._anchor_tensor
        return layer_inputs(
            x, num_inputs=self.circuit.num_inputs, dtype=anchor.dtype, device=anchor.device
        )

    def _empty(self, shape: tuple[int, ...], x: torch.Tensor | None, weights) -> torch.Tensor:
        """An empty result of ``shape`` (batch 0) in the layer's dtype and on its device, still
        connected to the inputs and weights: backward gives an empty input gradient and zero
        weight gradients, as an ``nn.Linear`` does on an empty batch."""
        anchor = self._anchor_tensor
        out = torch.zeros(shape, dtype=anchor.dtype, device=anchor.device)
        for w in weights.values():
            out = out + w.reshape(-1)[:0].sum().to(anchor.dtype)
        if x is not None and x.shape[1]:
            out = out + x.sum(1).reshape((0,) + (1,) * (len(shape) - 1))
        return out

    @property
    def _anchor_tensor(self) -> torch.Tensor:
        anchor = self._anchor
        if not isinstance(anchor, torch.Tensor):  # only a tampered model file gets here
            raise ModelFileError(f"the layer's dtype anchor is a {type(anchor).__name__}")
        return anchor

    def _run_args(self, batch: int) -> dict:
        anchor = self._anchor_tensor
        return {"batch": batch, "dtype": _COMPLEX_FOR[anchor.dtype], "device": anchor.device}

    # -- forward and measurements
    # Dynamo does not trace into the simulation (custom autograd Functions holding compiled
    # plans, data-dependent checks): under torch.compile the layer runs eagerly between the
    # compiled graphs of the modules around it, for every diff method.
    @torch.compiler.disable
    def forward(self, x: torch.Tensor | None = None) -> torch.Tensor:
        """Expectations: ``(B, F) -> (B, n_observables)``, ``(F,) -> (n_observables,)``."""
        x2, batch, single = self._prepare(x)
        weights = self._checked_weights()
        if batch == 0:
            return self._empty((0, self.output_size), x2, weights)
        if self.requested_diff_method == "auto":
            self._resolved = self._resolve(batch)
        if self.shots is not None:  # the bits of one measured group, before any engine runs
            check_bytes(
                batch * self.shots * (8 + 9 * self.n_qubits),
                what=f"{self.shots} shots of {self.n_qubits} qubits for {batch} sample(s)",
                device=self._anchor_tensor.device,
            )
        out = self._executable.expvals(
            x2, weights, generator=self._generator, **self._run_args(batch)
        )
        if not torch.isfinite(out).all():  # finite inputs and weights, yet an angle overflowed
            top_x = float(x2.detach().abs().max()) if x2 is not None and x2.numel() else 0.0
            tops = (float(w.detach().abs().max()) for w in weights.values() if w.numel())
            top_w = max(tops, default=0.0)
            raise InputError(
                f"the expectations are not finite: an angle overflowed "
                f"{self._anchor_tensor.dtype} for inputs up to {top_x:g} (weights up to "
                f"{top_w:g}); scale the inputs or use .double()"
            )
        return out[0] if single else out

    @property
    def stats(self) -> ExecutionStats:
        """Executions since the layer was built or :meth:`reset_stats`: ``calls``,
        ``circuits``, ``shots``, ``seconds`` (a frozen :class:`ExecutionStats`)."""
        return self._executable.stats

    def reset_stats(self) -> None:
        """Start :attr:`stats` again from zero."""
        self._executable.stats = ExecutionStats()

    def estimate_cost(self, *, batch: int = 1):
        """Memory and traffic of one training step at ``batch`` (see :mod:`qml.sim.memory`).

        Args:
            batch: samples per step, a positive integer.

        Returns:
            A :class:`~qml.sim.memory.CostEstimate` with ``forward_bytes``, ``backward_bytes``,
            ``step_peak_bytes`` and the gradient method ``auto`` resolves to.

        Raises:
            InputError: ``batch`` is not a positive integer.
        """
        batch = integer(batch, name="batch", error=InputError, minimum=1)
        return self._executable.cost(**self._run_args(batch))

    def _wires(self, wires, what: str) -> list[int] | None:
        """``wires`` as a list of distinct wires of the circuit (one integer means that wire)."""
        if wires is None:
            return None
        if is_integer(wires):
            wires = [wires]
        if isinstance(wires, torch.Tensor) and not wires.is_floating_point():
            wires = wires.reshape(-1).tolist()
        out = list(self.circuit.check_wires(wires, what))
        if not out:
            raise CircuitError(f"{what} needs at least one wire, got {wires!r}")
        return out

    def probs(self, x: torch.Tensor | None = None, *, wires: Sequence[int] | None = None):
        """Exact basis-state probabilities ``(B, 2**len(wires))`` (wire order as given).

        Raises:
            CircuitError: wires out of range, repeated, empty or not integers.
            InputError: bad inputs (see ``forward``).
            MemoryBudgetError: the states or probabilities would not fit in memory.
        """
        wires = self._wires(wires, "probs")
        x2, batch, single = self._prepare(x)
        weights = self._checked_weights()
        k = self.n_qubits if wires is None else len(wires)
        if batch == 0:
            return self._empty((0, 2**k), x2, weights)
        real = self._anchor_tensor.dtype
        check_bytes(
            batch * 2**k * torch.empty((), dtype=real).element_size(),
            what=f"probabilities of {k} wires for {batch} sample(s)",
            device=self._anchor_tensor.device,
        )
        out = self._executable.probs(x2, weights, wires=wires, **self._run_args(batch))
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

        Raises:
            ShotsError: ``shots`` is not a positive integer.
            CircuitError: wires out of range, repeated, empty or not integers.
            InputError: bad inputs, or ``generator`` is not a ``torch.Generator``.
            MemoryBudgetError: the samples would not fit in memory.
        """
        shots = integer(shots, name="shots", error=ShotsError, minimum=1)
        if generator is not None and not isinstance(generator, torch.Generator):
            raise InputError(f"generator must be a torch.Generator or None, got {generator!r}")
        wires = self._wires(wires, "sample")
        x2, batch, single = self._prepare(x)
        weights = self._checked_weights()
        k = self.n_qubits if wires is None else len(wires)
        if batch == 0:
            device = self._anchor_tensor.device
            return torch.zeros((0, shots, k), dtype=torch.int8, device=device)
        # the drawn indices (int64) and their bits (int64, then int8), beside the probabilities
        check_bytes(
            batch * shots * (8 + 9 * k) + batch * 2**k * 8,
            what=f"{shots} shots of {k} wires for {batch} sample(s)",
            device=self._anchor_tensor.device,
        )
        with torch.no_grad():
            out = self._executable.sample(
                x2,
                weights,
                shots=shots,
                wires=wires,
                generator=generator or self._generator,
                **self._run_args(batch),
            )
        return out[0] if single else out

    def extra_repr(self) -> str:
        obs = ", ".join(repr(o) for o in self.observables)
        return (
            f"{self.circuit!r}, observables=[{obs}], backend={self.backend.name!r}, "
            f"shots={self.shots}, diff_method={self.requested_diff_method!r}"
        )

    def save(self, path):
        """Write this layer to ``path`` as a qml model file that loads without running code.

        The file holds the circuit, observables and options as JSON and the weights as
        tensors (docs/model-files.md); read it back with ``qml.load(path)``.

        Args:
            path: the file to write (``.pt`` by convention).

        Returns:
            The ``pathlib.Path`` written.

        Raises:
            ModelFileError: something the file cannot hold as data (a backend object with
                non-data options, a custom observable, non-finite weights), or the file
                cannot be written.
        """
        from qml.nn.serialization import save

        return save(self, path)
