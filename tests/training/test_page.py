"""AppTest: the Training page reacts to its widgets, survives hostile input, speaks both languages."""

from __future__ import annotations

import pytest

from tests.apptest import open_page, texts


def test_training_page_trains_live_and_keeps_the_model(monkeypatch):
    at = open_page("pages/training.py", tr_subset=1000, tr_epochs=1, tr_opt="Adam")
    assert any("def train_loop(dataloader, model, loss_fn, optimizer):" in c.value for c in at.code)
    next(b for b in at.button if b.label == "Train").click().run()
    assert not at.exception
    body = texts(at)
    assert "loss: " in body and "[   64/ 1000]" in body and "Test Error:" in body
    trainer = at.session_state["trainer"]
    assert trainer.done and len(trainer.history.test_accuracy) == 1
    at.switch_page("pages/home.py").run()
    at.switch_page("pages/training.py").run()
    assert at.session_state["trainer"] is trainer  # survives switching pages


def test_training_page_reports_divergence():
    at = open_page("pages/training.py", tr_subset=10_000, tr_epochs=1, tr_lr=10.0)
    next(b for b in at.button if b.label == "Train").click().run()
    assert "learning rate is too high" in texts(at)


def test_training_results_tab_shows_confusion_and_mistakes():
    at = open_page("pages/training.py", tr_subset=1000, tr_epochs=1, tr_opt="Adam")
    next(b for b in at.button if b.label == "Train").click().run()
    at.session_state["tr_tab"] = "Results"
    at.run()
    assert not at.exception
    assert "Misclassified test images" in texts(at)


def test_training_compare_and_transfer_tabs_render_with_their_code():
    # (AppTest does not deliver clicks inside lazy tabs; tests/test_browser.py clicks them.)
    at = open_page("pages/training.py", tr_tab="Compare", tr_cmp_field="optimizer")
    assert not at.exception
    assert at.multiselect[0].value == ["SGD", "Adam"]
    at = open_page("pages/training.py", tr_tab="Transfer learning", tl_src=1, tl_n=300)
    assert not at.exception
    code = next(c.value for c in at.code if "Fixed feature extractor" in c.value)
    assert "extractor.requires_grad_(False)" in code and "weights=ResNet18_Weights" in code
    assert (
        "[:300]" in code
        and "source, by_classes(training_data, 0), by_classes(test_data, 0), 1" in code
    )


def test_the_status_tells_the_truth_after_a_run_and_after_stop():
    at = open_page("pages/training.py", tr_subset=500, tr_epochs=1)
    next(b for b in at.button if b.label == "Train").click().run()
    assert [e.proto.text for e in at.get("progress")][0].startswith("done · ")
    assert at.button[0].label == "Train again"
    trainer = at.session_state["trainer"]
    trainer.cfg = trainer.cfg.__class__(**{**trainer.cfg.__dict__, "epochs": 3})  # a longer run
    at.run()
    bars = [e.proto.text for e in at.get("progress")]
    assert bars[0].startswith("stopped at epoch 2") and at.button[0].label == "Resume"


@pytest.mark.slow
def test_a_finished_run_continues_for_more_epochs_and_equals_one_longer_run():
    import torch

    from playground import layers as md
    from playground import training as trn
    from playground.data.datasets import make_offline_dataset

    at = open_page("pages/training.py", tr_subset=500, tr_epochs=2, tr_opt="Adam")
    next(b for b in at.button if b.label == "Train").click().run()
    trainer = at.session_state["trainer"]
    assert trainer.done and trainer.epoch == 2
    go_on = next(b for b in at.button if b.label == "Continue for 2 more epochs")
    go_on.click().run()
    assert not at.exception, [e.value for e in at.exception]
    longer = at.session_state["trainer"]  # the 4-epoch run's own key: the class's 2 stay 2
    assert longer is not trainer and trainer.epoch == 2 and longer.epoch == 4 and longer.done
    trainer = longer
    assert at.number_input(key="tr_epochs").value == 4  # the box shows the run's total
    assert "The settings changed" not in texts(at) and at.button[0].label == "Train again"
    cfg = trn.TrainConfig(epochs=4, optimizer="Adam")
    whole = trn.Trainer(md.PRESETS["tutorial"], (1, 28, 28), make_offline_dataset(0),
                        make_offline_dataset(0, train=False), cfg, subset=500)  # fmt: skip
    while not whole.done:
        whole.run(max_seconds=10)
    # Bit-exact equality is the engine test's (tests/training/test_loop.py); here the app's
    # one torch thread and this process's may sum in another order, so allow float32 rounding.
    torch.testing.assert_close(whole.history.test_loss, trainer.history.test_loss)
    assert whole.history.test_accuracy == trainer.history.test_accuracy
    at.number_input(key="tr_more").set_value(1).run()
    assert any(b.label == "Continue for 1 more epoch" for b in at.button)  # a real plural
