"""How close can an eager CPU step of the tutorial MLP come to its GEMMs alone?

``bench_training.py`` compares the app's epoch with the epoch's matrix products alone (the
"GEMM share"). This script takes the step apart, side by side, interleaved in chunks of 25 steps:

1. the app's step: ``index_select`` for the batch, then the tutorial's five lines
   (forward, loss, ``backward()``, ``optimizer.step()``, ``zero_grad()``);
2. the same numbers without autograd or the optimizer: forward and backward written out with
   the very kernels autograd calls (``addmm``, ``relu``, ``log_softmax``, ``nll_loss`` and
   their backward kernels, ``mm`` for the gradients) into buffers allocated once, and SGD's
   ``add_``. Checked bit for bit against (1);
3. as (2), with SGD's update folded into the weight-gradient GEMM
   (``W.addmm_(g.T, a, alpha=-lr)``): no gradient is written, but the numbers differ in the
   last bits (printed), so a run would no longer match its displayed script exactly;
4. the GEMMs alone, as ``bench_training.gemm_epoch`` times them.

Run: python benchmarks/bench_step.py [--steps 300]
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

import torch
from torch import nn

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from benchmarks.bench_training import gemm_epoch  # noqa: E402
from playground import layers as md  # noqa: E402
from playground.training.step import EagerStepper  # noqa: E402

aten = torch.ops.aten
BATCH, LR = 64, 1e-3
CHUNK = 25  # steps timed at a go


def tutorial_model() -> tuple[nn.Module, torch.optim.Optimizer]:
    model = md.build_model(md.PRESETS["tutorial"], seed=0, device="cpu")
    return model, torch.optim.SGD(model.parameters(), lr=LR)


class WrittenOut:
    """The tutorial MLP's step (Linear-ReLU-Linear-ReLU-Linear, cross-entropy, plain SGD) with
    autograd's kernels called directly; ``fused`` folds SGD into the weight-gradient GEMM."""

    def __init__(self, model: nn.Module, x: torch.Tensor, y: torch.Tensor, *, fused: bool):
        linears = [m for m in model.modules() if isinstance(m, nn.Linear)]
        self.w = [m.weight.detach() for m in linears]
        self.b = [m.bias.detach() for m in linears]
        self.x, self.y, self.fused = x, y, fused
        self.xb = torch.empty(BATCH, *x.shape[1:])
        self.yb = torch.empty(BATCH, dtype=y.dtype)
        self.z = [torch.empty(BATCH, w.shape[0]) for w in self.w]
        self.gw = [torch.empty_like(w) for w in self.w]
        self.gb = [torch.empty_like(b) for b in self.b]
        self.gx = [torch.empty(BATCH, w.shape[1]) for w in self.w]
        self.one = torch.ones(())

    def step(self, idx: torch.Tensor) -> float:
        xb = torch.index_select(self.x, 0, idx, out=self.xb)
        yb = torch.index_select(self.y, 0, idx, out=self.yb)
        acts, last = [xb.flatten(1)], len(self.w) - 1
        for k, (w, b) in enumerate(zip(self.w, self.b, strict=True)):
            z = torch.addmm(b, acts[-1], w.t(), out=self.z[k])
            acts.append(z.relu_() if k < last else z)
        logp = torch.log_softmax(acts[-1], 1)
        loss, total = aten.nll_loss_forward(logp, yb, None, 1, -100)
        g = aten.nll_loss_backward(self.one, logp, yb, None, 1, -100, total)
        g = aten._log_softmax_backward_data(g, logp, 1, torch.float32)
        for k in range(last, -1, -1):
            gb = torch.sum(g, 0, out=self.gb[k])
            gx = None
            if k:  # relu's backward on its own output, as autograd does
                gx = aten.threshold_backward(torch.mm(g, self.w[k], out=self.gx[k]), acts[k], 0)
            if self.fused:
                self.w[k].addmm_(g.t(), acts[k], alpha=-LR)
            else:
                self.w[k].add_(torch.mm(g.t(), acts[k], out=self.gw[k]), alpha=-LR)
            self.b[k].add_(gb, alpha=-LR)
            g = gx
        return loss.item()


def timed(step, batches: list[torch.Tensor]) -> float:
    start = time.perf_counter()
    for idx in batches:
        step(idx)
    return (time.perf_counter() - start) / len(batches)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--steps", type=int, default=300)
    parser.add_argument("--rounds", type=int, default=60)
    args = parser.parse_args()
    torch.manual_seed(0)
    n = BATCH * args.steps
    x, y = torch.rand(n, 1, 28, 28), torch.randint(0, 10, (n,))
    batches = list(torch.randperm(n, generator=torch.Generator().manual_seed(1)).split(BATCH))

    def app() -> tuple[nn.Module, EagerStepper]:
        model, opt = tutorial_model()
        return model, EagerStepper(model, nn.CrossEntropyLoss(), opt, x, y)

    # Bit for bit: the written-out step against the app's, over every batch.
    model_a, stepper = app()
    model_b, _ = tutorial_model()
    model_c, _ = tutorial_model()
    written, fused = WrittenOut(model_b, x, y, fused=False), WrittenOut(model_c, x, y, fused=True)
    same = all(stepper.step(i) == written.step(i) for i in batches)
    for i in batches:
        fused.step(i)
    pairs = list(zip(model_a.parameters(), model_b.parameters(), strict=True))
    same = same and all(torch.equal(p, q) for p, q in pairs)
    drift = max((p - q).abs().max().item() for p, q in zip(model_a.parameters(), model_c.parameters(), strict=True))  # fmt: skip
    # Interleaved in short chunks, each variant's best chunk kept: this machine's speed drifts
    # by ±25 % within seconds, more than the differences measured.
    steps = {
        "app": app()[1].step,
        "written": WrittenOut(tutorial_model()[0], x, y, fused=False).step,
        "fused": WrittenOut(tutorial_model()[0], x, y, fused=True).step,
    }
    times: dict[str, list[float]] = {k: [] for k in [*steps, "gemm"]}
    chunks = [batches[i : i + CHUNK] for i in range(0, len(batches) - CHUNK + 1, CHUNK)]
    for r in range(args.rounds):
        chunk = chunks[r % len(chunks)]
        order = [*steps, "gemm"][r % 4 :] + [*steps, "gemm"][: r % 4]
        for key in order:
            if key == "gemm":  # its own clock: the operands are made off it
                times[key].append(gemm_epoch(len(chunk) * BATCH, BATCH) / len(chunk))
            else:
                times[key].append(timed(steps[key], chunk))
    best = {k: min(v) for k, v in times.items()}
    print(f"tutorial MLP, batch {BATCH}, torch threads {torch.get_num_threads()}, best of {args.rounds} interleaved chunks of {CHUNK} steps")  # fmt: skip
    labels = {
        "app": "the app's step (autograd + SGD)",
        "written": f"written out, same kernels (bit-identical: {same})",
        "fused": f"written out, SGD folded into the GEMM (max weight drift {drift:.1e})",
        "gemm": "the GEMMs alone",
    }
    for key, label in labels.items():
        share = f"GEMM share {100 * best['gemm'] / best[key]:3.0f} %" if key != "gemm" else ""
        print(f"{label:68s} {1e6 * best[key]:7.0f} µs a step   {share}")


if __name__ == "__main__":
    main()
