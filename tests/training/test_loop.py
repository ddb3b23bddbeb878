"""The training loop: the tutorial's numbers to the letter, accuracy on real data, NaN, resume."""

from __future__ import annotations

import itertools
import re

import pytest
import torch

from playground import layers as md
from playground import training as trn
from playground.core.errors import TrainingError
from playground.data.datasets import ImageDataset, make_offline_dataset
from playground.data.torchvision_raw import load_dataset
from playground.server.runs import RunRegistry
from playground.server.slots import TrainingSlots
from tests.snippets import run_standalone

TUTORIAL = md.PRESETS["tutorial"]


@pytest.fixture(scope="module")
def offline():
    return make_offline_dataset(0), make_offline_dataset(0, train=False)


def _train(train, test, cfg, subset=None, **kw) -> trn.Trainer:
    t = trn.Trainer(TUTORIAL, (1, 28, 28), train, test, cfg, subset=subset, **kw)
    while not t.done:
        t.run(max_seconds=10)
    return t


def _numbers(lines: list[str]) -> list[float]:
    text = "\n".join(lines)
    return [float(x) for x in re.findall(r"(?:loss: |Avg loss: |Accuracy: )\s*([\d.]+)", text)]


@pytest.mark.slow
@pytest.mark.parametrize(
    "cfg",
    [
        trn.TrainConfig(epochs=2, seed=5),
        trn.TrainConfig(epochs=1, seed=1, optimizer="Adam", loss="NLLLoss", batch_size=32),
        trn.TrainConfig(
            epochs=1, seed=2, optimizer="SGD", momentum=0.9, nesterov=True, loss="MSELoss"
        ),
    ],
    ids=["tutorial-defaults", "adam-nll", "nesterov-mse"],
)
def test_loop_reproduces_the_tutorial_script(offline, cfg, tmp_path):
    """The app's loop and the tutorial's train_loop/test_loop print the same numbers: the
    script runs as a learner runs it, in a fresh Python without ``playground``."""
    t = _train(*offline, cfg, subset=6400)
    code = trn.training_code(cfg, TUTORIAL, "offline", 6400)
    theirs = [line for line in run_standalone(code, tmp_path).splitlines() if line.strip()]
    ours = [line for entry in t.history.log for line in entry.splitlines() if line.strip()]
    assert _numbers(ours) == pytest.approx(_numbers(theirs), rel=1e-5, abs=1e-6)
    loss_lines = -(-6400 // cfg.batch_size // 100)  # batches 0, 100, … of each epoch
    assert len(_numbers(ours)) == cfg.epochs * (2 + loss_lines)


@pytest.mark.slow  # over 2 s here
def test_fashion_sample_reaches_75_percent(fashion_root):
    ds = load_dataset("FashionMNIST", root=fashion_root, train=False)
    train = ImageDataset(ds.images[:3443], ds.targets[:3443], ds.classes)
    test = ImageDataset(ds.images[3443:], ds.targets[3443:], ds.classes)
    t = _train(
        train, test, trn.TrainConfig(optimizer="Adam", learning_rate=1e-3, batch_size=64, epochs=5)
    )
    print(f"FashionMNIST sample, Adam, 5 epochs: test accuracy {t.history.test_accuracy[-1]:.3f}")
    assert len(test) == 1000
    assert t.history.test_accuracy[-1] >= 0.75


@pytest.mark.slow
def test_the_tutorials_defaults_learn_the_offline_dataset_as_they_learn_fashionmnist(offline):
    # SGD, lr 1e-3, batch 64, 5 epochs, the whole 60,000: measured 44.4 / 80.4 / 88.6 / 90.6 / 92.0 %.
    t = _train(*offline, trn.TrainConfig(seed=0))
    acc = t.history.test_accuracy
    print("offline, tutorial defaults, test accuracy per epoch:", [f"{a:.1%}" for a in acc])
    assert len(acc) == 5 and acc[0] >= 0.35  # chance is 10 %
    assert all(b > a for a, b in itertools.pairwise(acc)) and acc[-1] < 0.99
    assert t.history.test_loss[-1] < t.history.test_loss[0] < 2.3


@pytest.mark.parametrize("seed", [0, 1])
def test_nan_loss_stops_and_keeps_finite_weights(offline, seed):
    t = _train(*offline, trn.TrainConfig(learning_rate=10.0, epochs=2, seed=seed), subset=10_000)
    assert t.diverged and "learning rate is too high" in str(t.diverged)
    assert t.epoch == 0 and t.history.test_accuracy == []
    assert all(torch.isfinite(p).all() for p in t.model.parameters())
    assert any("non-finite" in line for line in t.history.log)


def test_stop_and_resume_equal_one_uninterrupted_run(offline):
    cfg = trn.TrainConfig(epochs=2, seed=4, optimizer="Adam")
    whole = _train(*offline, cfg, subset=2000)
    pieces = trn.Trainer(TUTORIAL, (1, 28, 28), *offline, cfg, subset=2000)
    while not pieces.done:  # stopped after every 7 batches, resumed each time
        pieces.run(max_batches=7, max_seconds=600)
    a, b = whole.model.state_dict(), pieces.model.state_dict()
    assert all(torch.equal(a[k], b[k]) for k in a)
    assert whole.history.test_loss == pieces.history.test_loss


@pytest.mark.slow  # over 2 s here
def test_save_at_two_resume_and_continue_to_four_equals_one_four_epoch_run(offline):
    from playground import save_load as ck

    whole = _train(*offline, trn.TrainConfig(epochs=4, seed=5, optimizer="Adam"), subset=600)
    first = _train(*offline, trn.TrainConfig(epochs=2, seed=5, optimizer="Adam"), subset=600)
    assert first.done and first.epoch == 2
    ckpt = ck.read_checkpoint(first.checkpoint(), "run.ckpt")
    resumed = trn.resume(ckpt, lambda name, train: offline[0] if train else offline[1])
    assert resumed.done and resumed.cfg.epochs == 2  # finished: it can only go on
    resumed.extend(2)
    assert not resumed.done and resumed.cfg == whole.cfg
    while not resumed.done:
        resumed.run(max_seconds=10)
    a, b = whole.model.state_dict(), resumed.model.state_dict()
    assert all(torch.equal(a[k], b[k]) for k in a)
    assert resumed.history.test_loss == whole.history.test_loss
    assert resumed.history.train_loss == whole.history.train_loss
    opt_a, opt_b = whole.optimizer.state_dict()["state"], resumed.optimizer.state_dict()["state"]
    assert all(torch.equal(opt_a[i]["exp_avg"], opt_b[i]["exp_avg"]) for i in opt_a)


def test_extend_refuses_a_diverged_run_and_one_over_the_cap(offline, monkeypatch):
    t = _train(*offline, trn.TrainConfig(learning_rate=10.0, epochs=1, seed=0), subset=10_000)
    with pytest.raises(TrainingError) as err:
        t.extend(1)
    assert err.value.key == "err.training.cannot_extend"
    ok = _train(*offline, trn.TrainConfig(epochs=1, seed=0), subset=500)
    monkeypatch.setenv("PLAYGROUND_MAX_TRAIN_SAMPLES", "1000")
    with pytest.raises(TrainingError) as err:
        ok.extend(2)  # 3 × 500 > 1000
    assert err.value.key == "err.training.epochs_epochs_n" and ok.cfg.epochs == 1
    ok.extend(1)
    assert ok.cfg.epochs == 2 and not ok.done


def test_a_checkpoint_with_settings_the_page_lacks_is_refused(offline):
    from playground import save_load as ck

    t = _train(*offline, trn.TrainConfig(epochs=1, seed=0), subset=300)
    ckpt = ck.read_checkpoint(t.checkpoint(), "run.ckpt")
    datasets = lambda name, train: offline[0] if train else offline[1]  # noqa: E731
    for field, value in (("optimizer", "os.system"), ("epochs", "5"), ("learning_rate", [1])):
        bad = {**ckpt, "config": {**ckpt["config"], field: value}}
        with pytest.raises(TrainingError) as err:
            trn.resume(bad, datasets)
        assert err.value.key == "err.training.checkpoint_settings"
        assert f"{field}=" in str(err.value) and str(value) in str(err.value)
    assert trn.resume(ckpt, datasets).cfg == t.cfg


def test_slow_step_shows_exactly_one_sgd_step(offline):
    cfg = trn.TrainConfig(learning_rate=0.1, seed=0)
    t = trn.Trainer(TUTORIAL, (1, 28, 28), *offline, cfg, subset=640)
    s = trn.slow_step(t)
    assert s.sgd_check is not None and s.sgd_check < 1e-6
    assert all(s.grads_after_zero.values())
    assert set(s.grad_norms) == {n for n, _ in t.model.named_parameters()}
    assert s.grad_example[0] == "linear_relu_stack.0.weight" and s.grad_example[1].shape == (
        512,
        784,
    )
    assert s.logits.shape == (4, 10) and 2.0 < s.loss < 2.6
    assert list(s.forward_table().columns)[-1] == "label"


def test_caps_and_bad_settings_are_refused(offline, monkeypatch):
    monkeypatch.setenv("PLAYGROUND_MAX_TRAIN_SAMPLES", "5000")
    with pytest.raises(ValueError, match="over this server's cap of 5,000"):
        trn.Trainer(TUTORIAL, (1, 28, 28), *offline, trn.TrainConfig(epochs=1))
    with pytest.raises(ValueError, match="learning rate"):
        trn.Trainer(TUTORIAL, (1, 28, 28), *offline, trn.TrainConfig(learning_rate=1e9), subset=10)
    with pytest.raises(ValueError, match="does not fit"):
        trn.Trainer(md.PRESETS["cifar_lenet"], (1, 28, 28), *offline, trn.TrainConfig(), subset=10)


def test_training_slots_queue_in_order():
    slots = TrainingSlots(1)
    assert slots.try_acquire("a") == 0
    assert slots.try_acquire("b") == 1 and slots.try_acquire("c") == 2
    assert slots.try_acquire("b") == 1  # asking again keeps the place
    slots.release("a")
    assert slots.try_acquire("c") == 2  # b is first in line
    assert slots.try_acquire("b") == 0 and slots.try_acquire("c") == 1


def test_a_queued_session_that_stops_asking_loses_its_place():
    slots = TrainingSlots(1, patience=5)
    assert slots.try_acquire("a", now=0) == 0
    assert slots.try_acquire("gone", now=1) == 1 and slots.try_acquire("b", now=2) == 2
    slots.release("a")
    assert slots.try_acquire("b", now=4) == 2  # "gone" asked 3 s ago: still first
    assert slots.try_acquire("b", now=7) == 0  # 6 s of silence: its tab was closed
    assert slots.counts() == (1, 0)


@pytest.mark.slow  # over 2 s here
def test_results_confusion_matrix_and_per_class(offline):
    t = _train(*offline, trn.TrainConfig(optimizer="Adam", epochs=1), subset=3000)
    r = trn.results(t)
    assert int(r.matrix.sum()) == len(offline[1])
    assert r.matrix.diag().sum().item() / len(offline[1]) == pytest.approx(
        t.history.test_accuracy[-1]
    )
    k = 3
    assert r.per_class[k] == pytest.approx(100 * r.matrix[k, k].item() / r.matrix[k].sum().item())
    idx = r.cell(t.y_test, 0, 0)
    assert (t.y_test[idx] == 0).all() and (r.predicted[idx] == 0).all()
    wrong = r.mistakes(t.y_test)
    assert (r.predicted[wrong] != t.y_test[wrong].cpu()).all()
    assert trn.images_of(t, wrong).dtype == torch.uint8


def test_pipelines_train_the_same_model_faster_on_device_tensors(offline):
    times = trn.pipeline_times(offline[0], TUTORIAL, samples=640)
    assert set(times) == {"tutorial DataLoader", "device tensor + randperm", trn.WRITTEN_OUT}
    assert all(v > 0 for v in times.values())
    table = trn.pipeline_table({"tutorial DataLoader": 2.0, "device tensor + randperm": 0.5})
    assert (
        list(table["speed-up"]) == ["1.0×", "4.0×"] and list(table["6,400 samples"])[1] == "0.500 s"
    )


@pytest.mark.gpu
@pytest.mark.skipif(not torch.cuda.is_available(), reason="needs a CUDA device")
def test_training_on_cuda_matches_cpu_closely(offline):
    cfg = trn.TrainConfig(optimizer="Adam", epochs=1, seed=0)
    cpu = _train(*offline, cfg, subset=2000)
    gpu = _train(*offline, cfg, subset=2000, device="cuda")
    assert gpu.history.test_accuracy[-1] == pytest.approx(cpu.history.test_accuracy[-1], abs=0.05)


def test_compare_configs_vary_one_setting():
    base = trn.TrainConfig(epochs=2, seed=3)
    runs = trn.compare_configs(base, "learning_rate", [0.1, 1e-2, 1e-3])
    assert [c.learning_rate for c in runs] == [0.1, 1e-2, 1e-3]
    assert all(c.epochs == 2 and c.seed == 3 and c.optimizer == "SGD" for c in runs)
    assert [c.optimizer for c in trn.compare_configs(base, "optimizer", ["SGD", "Adam"])] == [
        "SGD",
        "Adam",
    ]
    with pytest.raises(ValueError, match="two or three"):
        trn.compare_configs(base, "optimizer", ["SGD", "SGD"])
    with pytest.raises(ValueError, match="two or three"):
        trn.compare_configs(base, "learning_rate", [1e-4, 1e-3, 1e-2, 1e-1])
    with pytest.raises(ValueError, match="not 'seed'"):
        trn.compare_configs(base, "seed", [1, 2])


def test_run_registry_frees_runs_of_sessions_gone_past_the_ttl(offline):
    reg = RunRegistry()
    a = trn.Trainer(TUTORIAL, (1, 28, 28), *offline, trn.TrainConfig(), subset=640)
    b = trn.Trainer(TUTORIAL, (1, 28, 28), *offline, trn.TrainConfig(), subset=640)
    reg.track("a", a)
    reg.track("b", b)
    active = {"a": True, "b": False}
    assert reg.reap(active.get, grace=60, now=0) == [] and reg.held() == 2  # b just left
    assert reg.reap(active.get, grace=60, now=59) == []
    assert reg.reap(active.get, grace=60, now=61) == ["b"]
    assert b.released and b.x.numel() == 0 and b.x_test.numel() == 0
    assert not a.released and a.x.shape == (640, 1, 28, 28) and reg.held() == 1
    active["a"] = False
    reg.reap(active.get, grace=60, now=100)
    active["a"] = True  # came back within the TTL: the clock starts over
    reg.reap(active.get, grace=60, now=150)
    active["a"] = False
    assert reg.reap(active.get, grace=60, now=170) == [] and not a.released
    del a
    assert reg.reap(active.get, grace=60, now=1000) == [] and reg.held() == 0  # collected


def test_a_subset_run_is_a_view_of_the_one_shared_conversion(offline):
    t = trn.Trainer(TUTORIAL, (1, 28, 28), *offline, trn.TrainConfig(), subset=500)
    assert t.x.shape == (500, 1, 28, 28)
    # Converted once for every run on the server (tests/training/test_shared_data.py).
    assert t.x.untyped_storage().nbytes() == len(offline[0]) * 784 * 4


def test_data_parallel_is_a_cuda_choice_only(offline):
    t = trn.Trainer(TUTORIAL, (1, 28, 28), *offline, trn.TrainConfig(), data_parallel=True)
    assert not t.data_parallel and t.net is t.model and t.pipeline == trn.WRITTEN_OUT


def test_a_model_that_does_not_fit_is_refused_with_one_period(offline):
    from playground.core.errors import TrainingError

    bad = [
        md.LayerSpec.of("Flatten"),
        md.LayerSpec.of("Linear", 784, 10),
        md.LayerSpec.of("Linear", 20, 5),
    ]
    with pytest.raises(TrainingError) as err:
        trn.Trainer(bad, (1, 28, 28), *offline, trn.TrainConfig())
    text = str(err.value)
    assert (
        ".." not in text and "in_features=10" in text and text.startswith("The model does not fit")
    )
    assert "。." not in err.value.message("zh")
