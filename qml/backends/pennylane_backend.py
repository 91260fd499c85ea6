"""Any PennyLane device as a backend: ``backend="pennylane:<device>"``.

The circuit goes to PennyLane operations (:mod:`qml.interop.pennylane`) and a batch runs as one
broadcast execution. ``backprop`` (and ``auto`` on devices that support it) is PennyLane's own
through its torch interface; ``parameter-shift`` and ``spsa`` are qml's shift rules
(:mod:`qml.sim.gradients`) over the slot circuit, run by :class:`~qml.backends.rows.RowExecutable`,
so every shifted circuit of every sample is packed into as few broadcast executions as memory
allows (PennyLane's own parameter-shift cannot differentiate broadcast tapes).

Shots: the observables' terms are grouped qubit-wise (:mod:`qml.measurement_groups`, the
grouping the estimator counts); each group is one tape (the slot circuit, the group's basis
rotation, ``qml.sample`` of its wires) and all groups run in one ``qml.execute``. The seed:
PennyLane devices take ``seed=`` (an int or a numpy Generator) only when they are created, so
each shot evaluation draws an int from the layer's generator (:func:`draw_seed`) and creates a
fresh device with it; a real PennyLane device does the sampling, and one layer seed gives the
same estimates. A device that does not take ``seed=`` returns the exact probabilities of each
rotated group instead, and qml samples them (:func:`qml.sim.measure.sample_bits`) with the
generator.

Memory: before running, the state bytes (``16 * 2**n``, ``16 * 4**n`` on mixed-state devices)
times the rows a device holds at once (all of a broadcast on the ``default.*`` devices, one on
others) are checked against the free memory (:class:`~qml.errors.MemoryBudgetError`).
"""

from __future__ import annotations

import time
from collections.abc import Sequence

import numpy as np
import torch

from qml.backends.base import MAX_QUBITS, Capabilities
from qml.backends.rows import RowExecutable
from qml.backends.stats import ExecutionStats
from qml.circuit import Circuit
from qml.errors import BackendError, DiffMethodError, MemoryBudgetError
from qml.measurement_groups import MeasurementGroup, draw_seed
from qml.observables import Observable
from qml.sim.measure import sample_bits
from qml.sim.memory import ALWAYS_FITS_BYTES, available_bytes, format_bytes

__all__ = ["PennyLaneBackend", "PennyLaneExecutable"]

# default.mixed also backpropagates in PennyLane, but its input gradients under parameter
# broadcasting came out wrong (PennyLane 0.45); it runs the shift rules here instead.
BACKPROP_DEVICES = ("default.qubit",)
SHIFT_ROW_BYTES = 2**20  # rows of a shift batch are sized as if a state took at least this
MIXED_DEVICES = ("default.mixed", "default.qutrit.mixed")  # density matrices: 4**n amplitudes
BROADCAST_DEVICES = ("default.qubit", "default.mixed")  # hold every row of a broadcast at once
AMPLITUDE_BYTES = 16  # complex128


def _state_bytes(device_name: str, n_qubits: int) -> int:
    return AMPLITUDE_BYTES * (4**n_qubits if device_name in MIXED_DEVICES else 2**n_qubits)


def check_memory(device_name: str, n_qubits: int, rows: int) -> None:
    """Raise :class:`MemoryBudgetError` if ``rows`` states would not fit in the free memory.

    Raises:
        MemoryBudgetError: naming the bytes needed and available.
    """
    held = rows if device_name in BROADCAST_DEVICES else 1
    need = held * _state_bytes(device_name, n_qubits)
    if need <= ALWAYS_FITS_BYTES:
        return
    have = available_bytes(torch.device("cpu"))
    if need > have:
        raise MemoryBudgetError(
            f"pennylane:{device_name}: {held} state(s) of {n_qubits} qubits need about "
            f"{format_bytes(need)}, but {format_bytes(have)} is available; use fewer qubits"
            + (" or a smaller batch" if held > 1 else "")
        )


def _pennylane():
    try:
        import pennylane
    except ImportError as exc:  # pragma: no cover - pennylane is a core dependency
        raise BackendError(
            "backend 'pennylane:...' needs PennyLane: pip install pennylane"
        ) from exc
    return pennylane


def _stack(out, rows: int) -> torch.Tensor:
    """A QNode's list of ``n_obs`` results (each ``(R,)`` or a scalar) as ``(R, n_obs)``."""
    cols = [torch.as_tensor(o, dtype=torch.float64).reshape(-1) for o in out]
    cols = [c.expand(rows) if c.numel() == 1 else c for c in cols]
    return torch.stack(cols, dim=1)


class PennyLaneExecutable(RowExecutable):
    """A circuit compiled to PennyLane QNodes: one for PennyLane's backprop, one broadcast over
    rows of slot angles (:meth:`run_rows`), one tape per measurement group (:meth:`sample_rows`)."""

    def __init__(
        self,
        backend: PennyLaneBackend,
        circuit: Circuit,
        observables: Sequence[Observable],
        *,
        shots: int | None,
        diff_method: str,
    ) -> None:
        from qml.interop.pennylane import observable_to_pennylane

        pl = _pennylane()
        super().__init__(backend.name, circuit, observables, shots=shots, diff_method=diff_method)
        self.device_name = backend.device_name
        try:
            self.device = pl.device(backend.device_name, wires=circuit.n_qubits)
        except Exception as exc:  # PennyLane raises its own DeviceError and others
            raise BackendError(
                f"PennyLane device {backend.device_name!r} could not be created: {exc}"
            ) from exc
        pl_obs = [observable_to_pennylane(o) for o in observables]
        qfunc = circuit.to_pennylane()
        slots = circuit.angles_as_inputs()
        slot_qfunc = slots.to_pennylane()
        self.backprop = (
            diff_method in ("backprop", "auto")
            and shots is None
            and backend.device_name in BACKPROP_DEVICES
        )
        kw = {"shots": shots} if shots is not None else {}

        @pl.qnode(
            self.device,
            interface="torch",
            diff_method="backprop" if self.backprop else None,
            **kw,
        )
        def direct(x, **weights):
            qfunc(x=x, **weights)
            return [pl.expval(o) for o in pl_obs]

        def run_slots(s):
            slot_qfunc(x=s) if slots.num_inputs else slot_qfunc()

        @pl.qnode(self.device, interface="torch", diff_method=None, **kw)
        def slot_node(s):
            run_slots(s)
            return [pl.expval(o) for o in pl_obs]

        @pl.qnode(self.device, interface="torch", diff_method=None)
        def probs_node(x, wires, **weights):
            qfunc(x=x, **weights)
            return pl.probs(wires=wires)

        self._direct, self._slot_node, self._probs = direct, slot_node, probs_node
        self.row_bytes = max(SHIFT_ROW_BYTES, _state_bytes(self.device_name, circuit.n_qubits))
        if shots is not None:
            self._prepare_shots(pl, run_slots)

    def _prepare_shots(self, pl, run_slots) -> None:
        """One tape function per measurement group; probe whether the device takes a seed."""
        assert self.grouping is not None  # only called with shots
        try:
            pl.device(self.device_name, wires=self.circuit.n_qubits, seed=0)
            self._seeded = True
        except Exception:  # noqa: BLE001 - a device without seed=: sample exact probabilities
            self._seeded = False
        rotation_ops = {
            "h": lambda w: pl.Hadamard(wires=w),
            "sdg": lambda w: pl.adjoint(pl.S)(wires=w),
        }

        def measure(group: MeasurementGroup):
            def fn(s):
                run_slots(s)
                wires = list(group.wires)
                if group.v_dag is not None:
                    pl.QubitUnitary(group.v_dag, wires=wires)  # first wire most significant
                else:
                    for gate, w in group.rotation:
                        rotation_ops[gate](w)
                return pl.sample(wires=wires) if self._seeded else pl.probs(wires=wires)

            return fn

        self._group_fns = [measure(g) for g in self.grouping.groups]

    def check_memory(self, rows: int) -> None:
        check_memory(self.device_name, self.circuit.n_qubits, rows)

    def run_rows(self, rows: np.ndarray) -> torch.Tensor:
        """``(R, A)`` slot angles -> ``(R, n_obs)``: one broadcast execution of every row."""
        s = torch.from_numpy(rows)
        return _stack(self._slot_node(s if s.shape[1] else None), rows.shape[0])

    def sample_rows(self, rows: np.ndarray, generator: torch.Generator | None) -> list:
        """Every group's tape in one ``qml.execute``: sampled by a device created with a seed
        drawn from ``generator``, else qml samples the exact probabilities with it."""
        pl = _pennylane()
        shots = self.shots
        assert shots is not None and self.grouping is not None  # only called with shots
        s = torch.from_numpy(rows)
        arg = s if s.shape[1] else None
        if self._seeded:
            device = pl.device(
                self.device_name, wires=self.circuit.n_qubits, seed=draw_seed(generator)
            )
            tapes = [pl.tape.make_qscript(fn, shots=shots)(arg) for fn in self._group_fns]
        else:
            device = self.device
            tapes = [pl.tape.make_qscript(fn)(arg) for fn in self._group_fns]
        results = pl.execute(tapes, device, diff_method=None) if tapes else []
        bits = []
        for group, r in zip(self.grouping.groups, results, strict=True):
            k = len(group.wires)
            r = torch.as_tensor(r)
            if self._seeded:
                bits.append(r.reshape(-1, shots, k))
            else:
                bits.append(sample_bits(r.reshape(-1, 2**k), shots, k, generator=generator))
        return bits

    def resolve(self, batch: int, dtype: torch.dtype, device: torch.device) -> str:
        """The gradient method in use: PennyLane's backprop where the device has it (and
        ``auto`` or ``backprop`` was asked), else qml's parameter-shift for ``auto``."""
        if self.backprop:
            return "backprop"
        return super().resolve(batch, dtype, device)

    def expvals(self, inputs, weights, *, batch, dtype, device, generator=None) -> torch.Tensor:
        """``(B, n_obs)``: PennyLane's own backprop where it applies, else over the rows."""
        if not self.backprop:
            run = {"batch": batch, "dtype": dtype, "device": device, "generator": generator}
            return super().expvals(inputs, weights, **run)
        real = torch.float64 if dtype == torch.complex128 else torch.float32
        check_memory(self.device_name, self.circuit.n_qubits, batch)
        x = inputs.double() if inputs is not None else None
        start = time.perf_counter()
        out = self._direct(x, **{k: v.double() for k, v in weights.items()})
        seconds = time.perf_counter() - start
        self.stats = self.stats + ExecutionStats(calls=1, circuits=batch, seconds=seconds)
        return _stack(out, batch).to(real)

    def probs(self, inputs, weights, *, wires=None, batch, dtype, device) -> torch.Tensor:
        wires = list(range(self.circuit.n_qubits)) if wires is None else list(wires)
        check_memory(self.device_name, self.circuit.n_qubits, batch)
        x = inputs.double() if inputs is not None else None
        with torch.no_grad():
            p = self._probs(x, wires, **{k: v.detach().double() for k, v in weights.items()})
        p = torch.as_tensor(p, dtype=torch.float64)
        return p.reshape(batch, -1) if p.dim() == 2 else p.expand(batch, -1)

    def sample(
        self, inputs, weights, *, shots, wires=None, batch, dtype, device, generator=None
    ) -> torch.Tensor:
        p = self.probs(inputs, weights, wires=wires, batch=batch, dtype=dtype, device=device)
        n_bits = self.circuit.n_qubits if wires is None else len(wires)
        return sample_bits(p, shots, n_bits, generator=generator)

    def cost(self, *, batch: int, dtype, device):
        raise BackendError(
            f"no cost model for pennylane:{self.device_name}; estimate_cost covers the native "
            "backend"
        )


class PennyLaneBackend:
    """``pennylane:<device>``: any installed PennyLane device.

    Raises:
        BackendError: a name not of the form ``pennylane:<device>``, or a device PennyLane
            does not have installed.
    """

    def __init__(self, name: str):
        prefix, _, device = name.partition(":")
        if prefix != "pennylane" or not device:
            raise BackendError(
                f"PennyLane backends are named 'pennylane:<device>', e.g. "
                f"'pennylane:default.qubit', got {name!r}"
            )
        known = sorted(_pennylane().plugin_devices)
        if device not in known:
            raise BackendError(
                f"no PennyLane device {device!r} is installed (backend {name!r}); installed: "
                f"{', '.join(known)}"
            )
        self.name = name
        self.device_name = device
        methods = ["auto", "parameter-shift", "spsa"]
        if device in BACKPROP_DEVICES:
            methods.insert(1, "backprop")
        self.capabilities = Capabilities(
            exact=True,
            shots=True,
            diff_methods=tuple(methods),
            devices=("cpu",),
            max_qubits=MAX_QUBITS,
        )

    def compile(
        self,
        circuit: Circuit,
        observables: Sequence[Observable],
        *,
        shots: int | None,
        diff_method: str = "auto",
    ) -> PennyLaneExecutable:
        if shots is not None and diff_method == "backprop":
            raise DiffMethodError(
                f"diff_method='backprop' needs exact expectations, but shots={shots}; use "
                "'parameter-shift' or 'spsa' with shots"
            )
        return PennyLaneExecutable(self, circuit, observables, shots=shots, diff_method=diff_method)
