"""Gradient methods of the native simulator, as ``torch.autograd.Function`` s over the angles.

The angle program (differentiable, ordinary autograd) maps inputs and weights to the slot angles
``shared: (A_s,)`` and ``per_sample: (B, A_p)``; these Functions map the angles to expectations
and return the angles' gradients, so the chain rule back to weights and inputs is autograd's:

- ``adjoint``: one forward pass keeping only the final state, then a backward sweep that
  un-computes the state gate group by gate group (``psi <- G^dagger psi``, ``lambda <-
  G^dagger lambda``) and collects each group matrix's cotangent ``2 sum lambda psi^dagger``;
  memory is a few states whatever the depth (Jones & Gacon 2020, arXiv:2009.02823, batched).
- ``parameter-shift``: two evaluations per angle (four for controlled rotations), every shifted
  circuit of every sample packed into as few large batches as memory allows
  (Schuld et al. 2019, arXiv:1811.11184; four-term rule: Anselmetti et al. 2021,
  arXiv:2107.12390). Works with shots.
- ``spsa``: two evaluations per step with a random +-1 perturbation of every angle
  (Spall 1992, IEEE TAC 37(3)); unbiased up to O(c^2).
"""

from __future__ import annotations

from collections.abc import Callable

import torch

from qml.errors import DiffMethodError
from qml.sim.compiled import CompiledPlan
from qml.sim.memory import SHIFT_BATCH_BYTES

__all__ = ["adjoint_expvals", "adjoint_backward", "shift_expvals", "spsa_expvals", "mask_rules"]


def _refuse_double_backward(method: str) -> None:
    """Autograd runs a backward with grad mode on only for ``create_graph=True`` (a second
    derivative, a gradient penalty): these gradients are computed, not differentiable."""
    if torch.is_grad_enabled():
        raise DiffMethodError(
            f"diff_method={method!r} gives first derivatives only; a second derivative "
            "(backward with create_graph=True, torch.func.hessian, ...) needs "
            "diff_method='backprop'"
        )


# ---------------------------------------------------------------------------------------------
# adjoint
# ---------------------------------------------------------------------------------------------
class _Adjoint(torch.autograd.Function):
    @staticmethod
    def forward(ctx, shared, sample, plan, dtype):
        with torch.no_grad():
            t = plan.tables(shared, sample, dtype=dtype)
            batch = sample.shape[0]
            state = plan.run(t, batch, dtype=dtype, device=sample.device, allow_unitary=False)
            out = plan.measure.expvals(state)
        ctx.plan, ctx.dtype = plan, dtype
        ctx.save_for_backward(shared, sample, state)
        return out

    @staticmethod
    def backward(ctx, g):
        _refuse_double_backward("adjoint")
        shared, sample, state = ctx.saved_tensors
        grads = adjoint_backward(ctx.plan, shared, sample, state, g, dtype=ctx.dtype)
        return grads[0], grads[1], None, None


def adjoint_backward(plan: CompiledPlan, shared, sample, state, g, *, dtype):
    """Gradients of ``sum(g * expvals)`` w.r.t. ``(shared, sample)`` by the adjoint sweep.

    Args:
        plan: the compiled plan that ran the forward pass.
        shared, sample: the slot angles ``(A_s,)`` and ``(B, A_p)``.
        state: the final flat states ``(B, 2**n)``.
        g: ``(B, n_obs)`` cotangent of the expectations.
        dtype: the complex dtype of the run.

    Returns:
        ``(grad shared (A_s,), grad sample (B, A_p))``.
    """
    n = plan.n
    batch = state.shape[0]
    with torch.enable_grad():
        s_ = shared.detach().requires_grad_(True)
        p_ = sample.detach().requires_grad_(True)
        t = plan.tables(s_, p_, dtype=dtype)
        pairs: list[tuple[torch.Tensor, torch.Tensor]] = []
        psi = state.detach()
        lam = plan.measure.weighted_apply(psi, g.detach())
        groups = plan.schedule.groups
        first = 1 if plan.product_start else 0
        for group in reversed(groups[first:]):
            psi, lam, step = group.adjoint_step(psi, lam, t, n=n)
            pairs.extend(step)
        if plan.product_start or plan.schedule.prep is not None:
            init = plan.initial_state(t, batch, dtype=dtype, device=psi.device)
            pairs.append((init, 2 * lam))
        live = [(m, c) for m, c in pairs if m.requires_grad]
        if not live:
            return torch.zeros_like(shared), torch.zeros_like(sample)
        gs, gp = torch.autograd.grad(
            [m for m, _ in live], [s_, p_], [c.to(m.dtype) for m, c in live], allow_unused=True
        )
    return (
        gs if gs is not None else torch.zeros_like(shared),
        gp if gp is not None else torch.zeros_like(sample),
    )


def adjoint_expvals(plan: CompiledPlan, shared, sample, *, dtype) -> torch.Tensor:
    """Expectations ``(B, n_obs)`` whose backward is the adjoint sweep."""
    return _Adjoint.apply(shared, sample, plan, dtype)


# ---------------------------------------------------------------------------------------------
# parameter-shift and SPSA
# ---------------------------------------------------------------------------------------------
Evaluate = Callable[[torch.Tensor, torch.Tensor], torch.Tensor]
# evaluate(shared (A_s,) or (R, A_s), sample (R, A_p)) -> (R, n_obs): a row per circuit


class _Shift(torch.autograd.Function):
    @staticmethod
    def forward(ctx, shared, sample, evaluate, rules, row_bytes):
        with torch.no_grad():
            out = evaluate(shared, sample)
        ctx.evaluate, ctx.rules, ctx.row_bytes = evaluate, rules, row_bytes
        ctx.save_for_backward(shared, sample)
        return out

    @staticmethod
    def backward(ctx, g):
        _refuse_double_backward("parameter-shift")
        shared, sample = ctx.saved_tensors
        shared_rules, sample_rules = ctx.rules
        batch = sample.shape[0]
        jobs = []  # (is_shared, slot, shift, coefficient)
        # angles nothing asks a gradient of (inputs without requires_grad, frozen weights)
        # are not shifted: their circuits would be run for nothing
        wanted = {True: ctx.needs_input_grad[0], False: ctx.needs_input_grad[1]}
        for is_shared, rules in ((True, shared_rules), (False, sample_rules)):
            if not wanted[is_shared]:
                continue
            for slot, terms in enumerate(rules):
                if terms is None:
                    raise DiffMethodError(
                        "parameter-shift has no rule for an amplitude-embedded feature whose "
                        "gradient is asked for; use diff_method='adjoint' or 'backprop', or "
                        "detach what feeds the amplitudes"
                    )
                jobs.extend((is_shared, slot, s, c) for s, c in terms)
        grad_s = torch.zeros_like(shared)
        grad_p = torch.zeros_like(sample)
        per_chunk = max(1, SHIFT_BATCH_BYTES // max(1, ctx.row_bytes * batch))
        with torch.no_grad():
            for start in range(0, len(jobs), per_chunk):
                chunk = jobs[start : start + per_chunk]
                s_rows = shared.expand(len(chunk), batch, -1).clone()
                p_rows = sample.expand(len(chunk), batch, -1).clone()
                for j, (is_shared, slot, shift, _) in enumerate(chunk):
                    (s_rows if is_shared else p_rows)[j, :, slot] += shift
                rows = len(chunk) * batch  # -1 cannot be inferred when a side has no slots
                values = ctx.evaluate(
                    s_rows.reshape(rows, shared.shape[-1]), p_rows.reshape(rows, sample.shape[-1])
                )
                contracted = (values.reshape(len(chunk), batch, -1) * g).sum(-1)  # (J, B)
                for j, (is_shared, slot, _, coeff) in enumerate(chunk):
                    if is_shared:
                        grad_s[slot] += coeff * contracted[j].sum()
                    else:
                        grad_p[:, slot] += coeff * contracted[j]
        return grad_s, grad_p, None, None, None


def mask_rules(rules, wanted: tuple[list[bool], list[bool]]):
    """``rules`` with ``()`` (nothing to shift) for every slot no gradient is asked of."""
    return tuple(
        [terms if want else () for terms, want in zip(part, mask, strict=True)]
        for part, mask in zip(rules, wanted, strict=True)
    )


def shift_expvals(shared, sample, evaluate: Evaluate, rules, *, row_bytes: int) -> torch.Tensor:
    """Expectations whose backward is the parameter-shift rule.

    Args:
        shared, sample: the slot angles.
        evaluate: runs rows of angles, see ``Evaluate``.
        rules: ``(shared_rules, sample_rules)``: per slot its shift terms, ``()`` for a slot
            not to shift (see :func:`mask_rules`), or ``None`` for one that cannot be shifted
            (a ``DiffMethodError`` if its gradient is asked for).
        row_bytes: bytes one row's state takes, to size the batches.
    """
    return _Shift.apply(shared, sample, evaluate, rules, row_bytes)


class _Spsa(torch.autograd.Function):
    @staticmethod
    def forward(ctx, shared, sample, evaluate, eps, generator):
        with torch.no_grad():
            out = evaluate(shared, sample)
        ctx.evaluate, ctx.eps, ctx.generator = evaluate, eps, generator
        ctx.save_for_backward(shared, sample)
        return out

    @staticmethod
    def backward(ctx, g):
        _refuse_double_backward("spsa")
        shared, sample = ctx.saved_tensors
        batch = sample.shape[0]
        gen = ctx.generator
        ds = _rademacher(shared.shape, gen).to(shared)
        dp = _rademacher(sample.shape, gen).to(sample)
        eps = ctx.eps
        with torch.no_grad():
            s_rows = torch.stack([shared + eps * ds, shared - eps * ds]).unsqueeze(1)
            s_rows = s_rows.expand(2, batch, -1).reshape(2 * batch, -1)
            p_rows = torch.cat([sample + eps * dp, sample - eps * dp])
            values = ctx.evaluate(s_rows, p_rows).reshape(2, batch, -1)
            diff = ((values[0] - values[1]) * g).sum(-1) / (2 * eps)  # (B,)
        return diff.sum() * ds, diff[:, None] * dp, None, None, None


def _rademacher(shape, generator) -> torch.Tensor:
    bits = torch.randint(0, 2, shape, generator=generator, dtype=torch.int64)
    return (2 * bits - 1).to(torch.float64)


def spsa_expvals(shared, sample, evaluate: Evaluate, *, eps: float, generator) -> torch.Tensor:
    """Expectations whose backward is a simultaneous-perturbation (SPSA) estimate."""
    return _Spsa.apply(shared, sample, evaluate, eps, generator)
