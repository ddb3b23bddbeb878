"""AppTest: the Data page reacts to its widgets, survives hostile input, speaks both languages."""

from __future__ import annotations

import pytest

from tests.apptest import interact, open_page, texts


def test_data_page_browses_the_offline_dataset():
    at = open_page("pages/data.py")
    body = texts(at)
    assert "60,000 images of shape (1, 28, 28), 10 classes" in body
    assert "A synthetic dataset, not a real one" in body
    assert any("training_data = OfflineShapes(train=True" in c.value for c in at.code)


def test_data_page_shows_the_tutorials_batch_shapes():
    at = open_page("pages/data.py", d_tab="DataLoader")
    body = texts(at)
    assert "images torch.Size([64, 1, 28, 28]), labels torch.Size([64])" in body
    assert "938 batches; the last one holds 32 samples" in body
    interact(at, "toggle", "d_drop", True)
    assert "937 batches; the last one holds 64 samples" in texts(at)


def test_data_page_offers_offline_when_a_dataset_is_missing(tmp_path, monkeypatch):
    monkeypatch.setenv("PLAYGROUND_DATA_DIR", str(tmp_path))
    at = open_page("pages/data.py", d_name="FashionMNIST")
    assert "This dataset is not on the server yet." in texts(at)
    labels = [b.label for b in at.button]
    assert "Download it" in labels and "Use the offline dataset" in labels
    next(b for b in at.button if b.label == "Use the offline dataset").click().run()
    assert "60,000 images of shape (1, 28, 28)" in texts(at)


def test_plurals_the_labelled_augmentation_and_a_one_sample_batch():
    at = open_page("pages/data.py", d_tab="DataLoader", d_bs=1)
    assert "60000 batches; the last one holds 1 sample." in texts(at)
    at = open_page("pages/data.py", lang="zh", d_tab="变换 (Transforms)")
    assert "原图" in str(at.get("plotly_chart")[0].proto.spec) or not at.exception
    assert not at.exception


def test_an_uploaded_dataset_trains_on_the_training_page():
    from playground.data.datasets import make_offline_dataset

    own = make_offline_dataset(3, n=120)
    at = open_page("pages/training.py", d_uploaded=own, tr_data="upload", tr_epochs=1, tr_subset=0)
    assert "Your own dataset" in at.selectbox(key="tr_data").options
    next(b for b in at.button if b.label == "Train").click().run()
    assert not at.exception, [e.value for e in at.exception]
    trainer = at.session_state["trainer"]
    assert trainer.done and trainer.n == 96 and len(trainer.x_test) == 24  # 80/20


@pytest.mark.slow
def test_a_class_browsing_one_split_shares_the_figures_and_they_count_every_pixel():
    from playground.data.datasets import make_offline_dataset
    from playground.ui.data import overview_figures, sample_grid

    overview_figures.clear()
    sample_grid.clear()
    a, b = open_page("pages/data.py"), open_page("pages/data.py")
    assert not a.exception and not b.exception
    specs = [c.proto.spec for c in a.get("plotly_chart")][:3]
    assert specs == [c.proto.spec for c in b.get("plotly_chart")][:3]  # the same drawing
    ds = make_offline_dataset(0)
    names = tuple(ds.classes)
    classes, pixels = overview_figures(("offline", True), names, ds)
    assert overview_figures(("offline", True), names, ds)[1] is pixels  # computed once
    assert sum(pixels.figure.data[0].y) == ds.images.numel()  # every pixel of 60,000 images, binned
    assert list(classes.figure.data[0].y) == ds.class_counts().tolist()
    test_split = overview_figures(("offline", False), names, make_offline_dataset(0, train=False))
    assert sum(test_split[1].figure.data[0].y) == 10_000 * 28 * 28  # another split: its own figures
