"""Transfer learning: frozen means bit-identical and grad-free, the head alone learns, and the
page's script reproduces the page's numbers."""

from __future__ import annotations

import re

import pytest
import torch
from torch import nn

from playground import layers as md
from playground import training as trn
from playground.data.datasets import make_offline_dataset
from playground.training import transfer as tl
from tests.snippets import run_standalone

TUTORIAL = md.PRESETS["tutorial"]
CFG = trn.TrainConfig(optimizer="Adam", epochs=3, seed=0)


@pytest.fixture(scope="module")
def offline():
    return make_offline_dataset(0), make_offline_dataset(0, train=False)


@pytest.fixture(scope="module")
def report(offline):
    return tl.run_transfer(
        TUTORIAL, (1, 28, 28), *offline, CFG, source_epochs=3, target_subset=1000
    )


def test_by_classes_keeps_order_and_relabels(offline):
    train = offline[0]
    part = tl.by_classes(train, tl.TARGET_CLASSES)
    keep = (train.targets >= 5).nonzero().flatten()
    assert torch.equal(part.images, train.images[keep])
    assert torch.equal(part.targets, train.targets[keep] - 5)
    assert part.classes == train.classes[5:]
    with pytest.raises(ValueError, match="10 classes"):
        tl.by_classes(train, (3, 12))


def test_new_head_copies_the_body_and_leaves_the_source_alone():
    source = md.build_model(TUTORIAL, seed=1)
    model = tl.with_new_head(source, 5, seed=7)
    head = model.linear_relu_stack[4]  # the tutorial's class: the head sits in the stack
    assert tl.head_name(model) == "linear_relu_stack.4" and head.weight.shape == (5, 512)
    assert torch.equal(model.linear_relu_stack[0].weight, source.linear_relu_stack[0].weight)
    assert model.linear_relu_stack[0].weight is not source.linear_relu_stack[0].weight
    assert source.linear_relu_stack[4].out_features == 10
    torch.manual_seed(7)
    assert torch.equal(head.weight, nn.Linear(512, 5).weight)


@pytest.mark.slow
@pytest.mark.slow
def test_fixed_feature_extractor_freezes_everything_but_the_head(report):
    runs = {r.scenario: r for r in report.runs}
    fx = runs[tl.FEATURE_EXTRACTOR]
    assert (fx.trainable, fx.frozen) == (512 * 5 + 5, 784 * 512 + 512 + 512 * 512 + 512)
    assert fx.frozen_identical and fx.frozen_without_grad and fx.head_changed
    assert all(p.grad is None for n, p in fx.model.named_parameters() if "linear3" not in n)
    for name in (tl.SCRATCH, tl.FINE_TUNING):
        assert (runs[name].trainable, runs[name].frozen) == (667_141, 0)


@pytest.mark.slow
def test_fine_tuning_trains_the_body_too(offline, report):
    fine = next(r for r in report.runs if r.scenario == tl.FINE_TUNING)
    fx = next(r for r in report.runs if r.scenario == tl.FEATURE_EXTRACTOR)
    # Same source body at the start; fine-tuning moved it, the extractor did not.
    assert not torch.equal(fine.model.linear1.weight, fx.model.linear1.weight)


@pytest.mark.slow
def test_transfer_beats_scratch_on_related_classes(report):
    """Measured on the offline shapes (Adam, 3+3 epochs, 1,000 target samples): source 53.3 %,
    scratch 46.6 %, fine-tuning 55.3 %, feature extractor 51.0 % (chance 20 %)."""
    acc = {r.scenario: r.accuracy for r in report.runs}
    assert report.source_accuracy > 0.4
    assert acc[tl.FINE_TUNING] > acc[tl.SCRATCH]
    assert acc[tl.FEATURE_EXTRACTOR] > 0.35


@pytest.mark.slow  # over 2 s: left out of the fast loop
def test_the_script_reproduces_the_page(report, tmp_path):
    code = tl.transfer_code(CFG, TUTORIAL, "offline", 3, 1000)
    out = run_standalone(code, tmp_path)  # a fresh Python without playground, as a learner runs it
    printed = dict(re.findall(r"^([\w ()0-9-]+): ([\d.]+)%$", out, re.M))
    assert float(printed["source (classes 0-4)"]) == pytest.approx(100 * report.source_accuracy)
    for r in report.runs:
        assert float(printed[r.scenario]) == pytest.approx(100 * r.accuracy, abs=1e-4)


def test_an_uploaded_state_dict_is_a_source(offline):
    state = md.build_model(TUTORIAL, seed=3).state_dict()
    model = tl.source_from_state_dict(TUTORIAL, state, "cpu")
    assert torch.equal(model.linear_relu_stack[2].weight, state["linear_relu_stack.2.weight"])
    with pytest.raises(ValueError, match="Missing: linear_relu_stack.0.bias"):
        tl.source_from_state_dict(
            TUTORIAL, {k: v for k, v in state.items() if k != "linear_relu_stack.0.bias"}, "cpu"
        )
    bad = dict(state, **{"linear_relu_stack.2.weight": torch.zeros(3, 3)})
    with pytest.raises(ValueError, match=r"linear_relu_stack.2.weight \(3, 3\)"):
        tl.source_from_state_dict(TUTORIAL, bad, "cpu")
    small = trn.TrainConfig(optimizer="Adam", epochs=1, seed=0)
    r = tl.run_transfer(
        TUTORIAL, (1, 28, 28), *offline, small, target_subset=300, source_state=state
    )
    assert r.source_accuracy is None and len(r.runs) == 3


@pytest.mark.slow
def test_the_table_and_curves_speak_the_pages_language(report):
    en, zh = tl.report_rows(report, "en"), tl.report_rows(report, "zh")
    assert [r["scenario"] for r in en] == list(tl.SCENARIOS)
    assert [r["做法"] for r in zh] == ["从零训练", "微调 (fine-tuning)", "固定特征提取器"]
    assert [r["冻结参数"] for r in zh] == ["0", "0", "664,576"]
    assert [name for name, _ in tl.curves(report, "zh")][0] == "从零训练"
    assert tl.label("source", "zh") == "源模型"


def test_the_transfer_note_names_fashionmnists_real_classes():
    from playground.core.i18n import t
    from playground.data.datasets import FASHION_CLASSES

    note = t("train.tl_note", "en")
    assert FASHION_CLASSES[0] == "T-shirt/top" and FASHION_CLASSES[4] == "Coat"
    assert all(name in note for name in FASHION_CLASSES[5:])  # Shirt is in 5–9, not 0–4
    assert "shoes and bags" not in note


def _key(**changes):
    args = {"specs": TUTORIAL, "input_shape": (1, 28, 28), "dataset": "offline", "cfg": CFG,
            "source_epochs": 3, "target_subset": 1000, "source": None, **changes}  # fmt: skip
    return trn.transfer_key(**args)


@pytest.mark.parametrize(
    "change",
    [{"cfg": trn.TrainConfig(optimizer="Adam", epochs=3, seed=1)}, {"source_epochs": 2},
     {"target_subset": 999}, {"source": b"weights"}, {"dataset": "sha256:upload"},
     {"specs": md.PRESETS["lenet"]}, {"cfg": trn.TrainConfig(optimizer="SGD", epochs=3)}],
    ids=["seed", "source_epochs", "subset", "upload", "dataset", "model", "optimizer"],
)  # fmt: skip
def test_a_transfer_study_is_keyed_by_everything_that_sets_its_numbers(change):
    assert _key() == _key() and hash(_key()) == hash(_key())
    assert _key(**change) != _key()
    assert _key(source=b"weights") == _key(source=b"weights")  # an upload: by its bytes' hash


@pytest.mark.slow
def test_a_class_asking_for_one_study_trains_it_once(offline):
    import threading

    from playground.server.store import STORE
    from playground.ui.training import transfer_study

    cfg, reports = trn.TrainConfig(optimizer="Adam", epochs=1, seed=2), []

    def student():
        reports.append(transfer_study(TUTORIAL, (1, 28, 28), offline, "offline", cfg, 1, 200,
                                      None, torch.device("cpu"), "en"))  # fmt: skip

    threads = [threading.Thread(target=student) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert len(reports) == 4 and len({id(r) for r in reports}) == 1
    assert STORE.stats().computed == 1 and STORE.stats().shared == 3
    solo = []  # in a fresh thread too: OpenMP's thread count is per thread and sets the bits
    alone = threading.Thread(target=lambda: solo.append(tl.run_transfer(
        TUTORIAL, (1, 28, 28), *offline, cfg, source_epochs=1, target_subset=200)))  # fmt: skip
    alone.start()
    alone.join()
    solo = solo[0]
    assert [r.history.test_loss for r in reports[0].runs] == [
        r.history.test_loss for r in solo.runs
    ]
