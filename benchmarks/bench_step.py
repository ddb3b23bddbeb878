"""How close can an eager CPU step of the tutorial MLP come to its GEMMs alone?

``bench_training.py`` compares the app's epoch with the epoch's matrix products alone (the
"GEMM share"). This script takes the step apart, side by side, interleaved in chunks of 25
steps (each variant's best chunk kept):

1. the eager step (``EagerStepper``): ``index_select`` for the batch, then the tutorial's
   five lines (forward, loss, ``backward()``, ``optimizer.step()``, ``zero_grad()``);
2. the app's CPU step (``WrittenStepper``): the same numbers with autograd's own kernels
   called directly into buffers made once, no graph and no gradient allocated. Checked bit
   for bit against (1) over every batch;
3. as (2), with SGD's update folded into the weight-gradient GEMM
   (``W.addmm_(g.T, a, alpha=-lr)``): no gradient is written, but the numbers differ in the
   last bits (printed), so a run would no longer match its displayed script exactly;
4. the GEMMs alone, as ``bench_training.gemm_epoch`` times them.

Run: python benchmarks/bench_step.py [--steps 300] [--rounds 60]
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
from playground.training.written import WrittenStepper  # noqa: E402

BATCH, LR = 64, 1e-3
CHUNK = 25  # steps timed at a go


def tutorial_model() -> tuple[nn.Module, torch.optim.Optimizer]:
    model = md.build_model(md.PRESETS["tutorial"], seed=0, device="cpu")
    return model, torch.optim.SGD(model.parameters(), lr=LR)


class Folded(WrittenStepper):
    """The app's written-out step with SGD's update folded into the weight-gradient GEMM."""

    def update_weight(self, k, g, a, lr, out) -> None:
        self.weights[k].addmm_(g.t(), a, alpha=-lr)


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

    # Bit for bit: the app's step against the eager one, over every batch.
    runs = {kind: tutorial_model() for kind in ("eager", "written", "folded")}
    steppers = {
        "eager": EagerStepper(runs["eager"][0], nn.CrossEntropyLoss(), runs["eager"][1], x, y),
        "written": WrittenStepper(runs["written"][0], nn.CrossEntropyLoss(), runs["written"][1], x, y),
        "folded": Folded(runs["folded"][0], nn.CrossEntropyLoss(), runs["folded"][1], x, y),
    }  # fmt: skip
    same = all(steppers["eager"].step(i) == steppers["written"].step(i) for i in batches)
    for i in batches:
        steppers["folded"].step(i)
    params = {kind: list(model.parameters()) for kind, (model, _) in runs.items()}
    same = same and all(map(torch.equal, params["eager"], params["written"]))
    drift = max((p - q).abs().max().item() for p, q in zip(params["eager"], params["folded"], strict=True))  # fmt: skip
    # Interleaved in short chunks, each variant's best chunk kept: this machine's speed drifts
    # by ±25 % within seconds, more than the differences measured.
    steps = {kind: stepper.step for kind, stepper in steppers.items()}
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
        "eager": "eager: the tutorial's five lines (autograd + SGD)",
        "written": f"the app's: autograd's kernels called directly (bit-identical: {same})",
        "folded": f"as the app's, SGD folded into the GEMM (max weight drift {drift:.1e})",
        "gemm": "the GEMMs alone",
    }
    for key, label in labels.items():
        share = f"GEMM share {100 * best['gemm'] / best[key]:3.0f} %" if key != "gemm" else ""
        print(f"{label:68s} {1e6 * best[key]:7.0f} µs a step   {share}")


if __name__ == "__main__":
    main()
