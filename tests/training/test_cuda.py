"""The CUDA path: the captured step trains exactly as the eager loop does, and fails safely.

Every test here needs a GPU and skips cleanly without one (CI has none).
"""

from __future__ import annotations

import gc

import pytest
import torch

from playground import layers as md
from playground import training as trn
from playground.data.datasets import make_offline_dataset

pytestmark = [
    pytest.mark.gpu,
    pytest.mark.skipif(not torch.cuda.is_available(), reason="needs a CUDA device"),
]
TUTORIAL = md.PRESETS["tutorial"]


@pytest.fixture(scope="module")
def offline():
    return make_offline_dataset(0), make_offline_dataset(0, train=False)


def _train(train, test, cfg, **kw) -> trn.Trainer:
    t = trn.Trainer(TUTORIAL, (1, 28, 28), train, test, cfg, device="cuda", **kw)
    while not t.done:
        t.run(max_seconds=10)
    return t


@pytest.mark.parametrize(
    "cfg",
    [
        trn.TrainConfig(epochs=2, seed=3),
        trn.TrainConfig(epochs=1, seed=1, optimizer="Adam", loss="NLLLoss", batch_size=32),
        trn.TrainConfig(epochs=1, seed=2, momentum=0.9, nesterov=True, loss="MSELoss"),
        trn.TrainConfig(epochs=1, seed=4, optimizer="RMSprop", weight_decay=1e-4),
    ],
    ids=["sgd", "adam-nll", "nesterov-mse", "rmsprop"],
)
def test_captured_step_trains_like_the_eager_loop(offline, cfg):
    # 2,000 samples: the last batch is partial, so the eager step runs between replays too.
    graph = _train(*offline, cfg, subset=2000)
    eager = _train(*offline, cfg, subset=2000, captured=False)
    assert graph.pipeline == trn.CAPTURED and graph.stepper.graph is not None, (
        graph.stepper.capture_error
    )
    assert eager.pipeline == trn.DEVICE_TENSOR and isinstance(eager.stepper, trn.EagerStepper)
    # A replay runs the very kernels the eager step runs: the same bits, not just close.
    for (name, a), b in zip(
        graph.model.state_dict().items(), eager.model.state_dict().values(), strict=True
    ):
        assert torch.equal(a, b), name
    assert graph.history.train_loss == eager.history.train_loss
    assert graph.history.test_accuracy == eager.history.test_accuracy


def test_captured_step_detects_nan_at_its_step_and_undoes_it(offline):
    t = _train(*offline, trn.TrainConfig(learning_rate=10.0, seed=0, epochs=1))
    assert t.diverged and "learning rate" in str(t.diverged)
    assert all(torch.isfinite(p).all() for p in t.model.parameters())
    eager = _train(*offline, trn.TrainConfig(learning_rate=10.0, seed=0, epochs=1), captured=False)
    # Both stop at the same batch, with the same weights: the graph's step was taken back.
    assert (t.epoch, t.batch) == (eager.epoch, eager.batch)
    for a, b in zip(t.model.parameters(), eager.model.parameters(), strict=True):
        assert torch.equal(a, b)


def test_stop_and_resume_on_cuda_equal_one_run(offline):
    cfg = trn.TrainConfig(epochs=2, seed=7, optimizer="Adam")
    whole = _train(*offline, cfg, subset=1500)
    parts = trn.Trainer(TUTORIAL, (1, 28, 28), *offline, cfg, device="cuda", subset=1500)
    while not parts.done:
        parts.run(max_batches=7, max_seconds=600)
    for a, b in zip(whole.model.parameters(), parts.model.parameters(), strict=True):
        assert torch.equal(a, b)


def test_slow_step_after_capture_is_one_exact_sgd_step(offline):
    t = trn.Trainer(TUTORIAL, (1, 28, 28), *offline, trn.TrainConfig(seed=0), device="cuda")
    t.run(max_batches=10, max_seconds=600)
    assert t.stepper.graph is not None
    s = trn.slow_step(t)
    assert s.sgd_check is not None and s.sgd_check < 1e-6
    assert all(s.grads_after_zero.values())
    t.run(max_batches=10, max_seconds=600)  # captures again and goes on
    assert t.stepper.graph is not None and all(
        torch.isfinite(p).all() for p in t.model.parameters()
    )


def test_pipeline_lab_times_three_pipelines_on_cuda(offline):
    times = trn.pipeline_times(offline[0], TUTORIAL, samples=1280, device="cuda")
    assert list(times) == ["tutorial DataLoader", trn.DEVICE_TENSOR, trn.CAPTURED]
    assert all(v > 0 for v in times.values())


def test_oom_in_a_training_returns_gpu_memory_to_baseline(offline):
    """A real CUDA OOM inside one run: caught, the run dropped, memory back where it was."""
    gc.collect()
    torch.cuda.empty_cache()
    baseline = torch.cuda.memory_allocated()
    t = trn.Trainer(TUTORIAL, (1, 28, 28), *offline, trn.TrainConfig(seed=0), device="cuda")
    assert torch.cuda.memory_allocated() > baseline  # the data and the model live there now

    def huge(*_args, **_kw):
        return torch.empty(1 << 45, device="cuda")  # 128 TiB: a genuine OutOfMemoryError

    t.model.forward = huge  # (monkeypatch would keep the model alive until teardown)
    with pytest.raises(torch.cuda.OutOfMemoryError):
        t.run(max_batches=5, max_seconds=600)
    del t
    gc.collect()
    torch.cuda.empty_cache()
    assert torch.cuda.memory_allocated() == baseline
    after = _train(*offline, trn.TrainConfig(seed=0, epochs=1, optimizer="Adam"), subset=2000)
    assert after.history.test_accuracy[-1] > 0.15  # the GPU still trains (chance: 0.10)


def test_two_sessions_capture_and_train_at_once(offline):
    """Two sessions' threads capture and replay on one GPU together, each as if alone."""
    import threading

    cfgs = [trn.TrainConfig(epochs=1, seed=s, momentum=0.5) for s in (11, 12)]
    alone = [_train(*offline, c, subset=3000) for c in cfgs]
    together: list[trn.Trainer | None] = [None, None]

    def work(k: int) -> None:
        together[k] = _train(*offline, cfgs[k], subset=3000)

    threads = [threading.Thread(target=work, args=(k,)) for k in range(2)]
    for th in threads:
        th.start()
    for th in threads:
        th.join()
    for a, b in zip(alone, together, strict=True):
        assert b is not None and b.stepper.graph is not None, b and b.stepper.capture_error
        for p, q in zip(a.model.parameters(), b.model.parameters(), strict=True):
            assert torch.equal(p, q)


def test_data_parallel_trains_the_same_model_and_keeps_plain_keys(offline):
    cfg = trn.TrainConfig(epochs=1, seed=5, momentum=0.9)
    plain = _train(*offline, cfg, subset=1000, captured=False)
    dp = _train(*offline, cfg, subset=1000, data_parallel=True)
    assert isinstance(dp.net, torch.nn.DataParallel)
    assert isinstance(dp.stepper, trn.EagerStepper)
    assert "nn.DataParallel" in dp.pipeline
    assert list(dp.model.state_dict()) == list(plain.model.state_dict())  # no "module." prefix
    one_gpu = torch.cuda.device_count() == 1  # then DataParallel runs the module as it is
    for a, b in zip(plain.model.parameters(), dp.model.parameters(), strict=True):
        assert torch.equal(a, b) if one_gpu else torch.allclose(a, b, atol=1e-4)
