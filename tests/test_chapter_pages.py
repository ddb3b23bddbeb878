"""AppTest: the Tensors and Broadcasting pages react to their widgets, and survive hostile input."""

from __future__ import annotations

import pytest

from playground.autograd.descent import fit_line
from tests.apptest import open_page, texts


def _interact(at, kind: str, key: str, value: object):
    getattr(at, kind)(key=key).set_value(value).run()
    assert not at.exception, [e.value for e in at.exception]
    return at


# Tabs run lazily: a test opens the tab that holds its widget.
INDEX = {"t_tab": "Index & slice"}
VIEWS = {"t_tab": "Views & reshaping"}
CAT = {"b_tab": "cat"}
DESCENT = {"ag_tab": "Gradient descent by hand"}


def test_tensors_page_updates_the_index_result():
    at = open_page("pages/tensors.py", **INDEX)
    assert any("torch.tensor" in c.value for c in at.code)
    _interact(at, "text_input", "t_index", "[t > 5]")
    assert "t[t > 5] → shape (7,)" in texts(at)


@pytest.mark.parametrize(
    ("kind", "key", "value", "message"),
    [
        ("text_input", "t_shape", "(100000, 100000)", "Nothing was allocated"),
        ("text_input", "t_shape", "(2, -1)", "negative"),
        ("text_input", "t_data", "[[1, 2], [3]", "not valid Python"),
        ("text_input", "t_data", "().__class__", "refused"),
        ("text_input", "t_index", "[:, 9]", "out of bounds"),
        ("text_input", "t_index", "[__import__('os')]", "private"),
    ],
)
def test_tensors_page_explains_hostile_input(kind, key, value, message):
    at = open_page("pages/tensors.py", **(INDEX if key == "t_index" else {}))
    if key == "t_shape":
        _interact(at, "selectbox", "t_creator", "zeros")
    _interact(at, kind, key, value)
    assert message in texts(at)
    assert at.title[0].value  # the page is still up


def test_views_tab_explains_view_on_a_non_contiguous_tensor():
    at = open_page("pages/tensors.py", **VIEWS)
    _interact(at, "selectbox", "t_view", "t.T.view(-1)")
    body = texts(at)
    assert "view size is not compatible" in body and ".contiguous()" in body


def test_broadcasting_page_states_result_and_clash():
    at = open_page("pages/broadcasting.py")
    assert "Result shape: (3, 4)" in texts(at)
    _interact(at, "text_input", "b_shapes", "(3, 2), (4, 2)")
    body = texts(at)
    assert "Dimension -2" in body and "3 and 4" in body and "PyTorch says" in body


@pytest.mark.parametrize(
    ("value", "message"),
    [("(100000, 100000), (1,)", "limit"), ("(2, 3), 'x'", "not allowed"), ("(1, 2", "not valid")],
)
def test_broadcasting_page_explains_hostile_shapes(value, message):
    at = open_page("pages/broadcasting.py")
    _interact(at, "text_input", "b_shapes", value)
    assert message in texts(at)


def test_cat_tab_reports_the_tutorial_shape_and_mismatches():
    at = open_page("pages/broadcasting.py", **CAT)
    assert "torch.cat(…, dim=1) → (3, 6)" in texts(at)
    _interact(at, "text_input", "cat_shapes", "(3, 4), (2, 2)")
    body = texts(at)
    assert "dimension 0" in body and "PyTorch says" in body


def test_autograd_page_shows_graph_gradients_and_check():
    at = open_page("pages/autograd.py")
    body = texts(at)
    assert "Op nodes: 4. Leaves: 2." in body
    assert "Autograd agrees with the numerical gradient." in body
    assert any("loss.backward()" in c.value for c in at.code)
    _interact(at, "selectbox", "ag_preset", "blitz")
    assert "x = torch.ones(2, 2, requires_grad=True)" in at.text_area(key="ag_program").value
    assert "Op nodes: 4. Leaves: 1." in texts(at)


@pytest.mark.parametrize(
    ("program", "message"),
    [
        ("x = torch.ones(3, dtype=torch.long, requires_grad=True)", "floating point"),
        ("x = torch.ones(100000, 100000, requires_grad=True)", "Nothing was allocated"),
        ("w = torch.randn(3, requires_grad=True)\ni = torch.argmax(w)", "no grad_fn"),
        ("y = q * 2", "'q'"),
        ("import os", "name = expression"),
    ],
)
def test_autograd_page_explains_bad_programs(program, message):
    at = open_page("pages/autograd.py")
    _interact(at, "text_area", "ag_program", program)
    assert message in texts(at)
    assert at.title[0].value


def test_autograd_page_reports_divergence():
    at = open_page("pages/autograd.py", **DESCENT)
    _interact(at, "select_slider", "ag_lr", 1.5)
    assert "Diverged at step" in texts(at)


def test_lazy_tabs_run_only_the_open_section():
    at = open_page("pages/autograd.py")
    assert "Op nodes" in texts(at)
    assert "final loss" not in [m.label for m in at.metric]
    at = open_page("pages/autograd.py", **DESCENT)
    assert "Op nodes" not in texts(at)
    metrics = {m.label: m.value for m in at.metric}
    w, b = (float(v) for v in metrics["least squares w, b"].split(","))
    best = fit_line(0.1, 60, 0).best  # the page's defaults: lr 0.1, 60 steps, seed 0
    assert (w, b) == pytest.approx(best, abs=1e-3)


def test_autograd_concepts_tab_shows_real_errors_and_warnings():
    at = open_page("pages/autograd.py", ag_tab="Concepts, live")
    body = texts(at)
    assert "Trying to backward through the graph a second time" in body
    assert "is not a leaf Tensor" in body
    assert "MulBackward0 nodes" in body


def test_data_page_browses_the_offline_dataset():
    at = open_page("pages/data.py")
    body = texts(at)
    assert "10,000 images of shape (1, 28, 28), 10 classes" in body
    assert "A synthetic dataset, not a real one" in body
    assert any("load_dataset('offline', train=True)" in c.value for c in at.code)


def test_data_page_shows_the_tutorials_batch_shapes():
    at = open_page("pages/data.py", d_tab="DataLoader")
    body = texts(at)
    assert "images torch.Size([64, 1, 28, 28]), labels torch.Size([64])" in body
    assert "157 batches; the last one holds 16 samples" in body
    _interact(at, "toggle", "d_drop", True)
    assert "156 batches; the last one holds 64 samples" in texts(at)


def test_data_page_offers_offline_when_a_dataset_is_missing(tmp_path, monkeypatch):
    monkeypatch.setenv("PLAYGROUND_DATA_DIR", str(tmp_path))
    at = open_page("pages/data.py", d_name="FashionMNIST")
    assert "This dataset is not on the server yet." in texts(at)
    labels = [b.label for b in at.button]
    assert "Download it" in labels and "Use the offline dataset" in labels
    next(b for b in at.button if b.label == "Use the offline dataset").click().run()
    assert "10,000 images of shape (1, 28, 28)" in texts(at)


def test_layers_page_traces_the_tutorial_network():
    at = open_page("pages/layers.py")
    body = texts(at)
    assert "(linear1): Linear(in_features=784, out_features=512, bias=True)" in body
    assert "A real input of shape torch.Size([3, 1, 28, 28])" in body
    assert any(m.value == "669,706" for m in at.metric)
    assert any("class NeuralNetwork(nn.Module):" in c.value for c in at.code)
    _interact(at, "selectbox", "m_preset", "cifar_lenet")
    assert "torch.Size([3, 3, 32, 32])" in texts(at)


def test_layers_page_explains_a_mismatch_with_a_fix():
    from playground import layers as md

    bad = [md.LayerSpec.of("Flatten"), md.LayerSpec.of("Linear", 784, 10), md.LayerSpec.of("Linear", 20, 5)]
    at = open_page("pages/layers.py", model_specs=bad, model_input=(1, 28, 28))
    body = texts(at)
    assert "Layer 3 does not fit its input. PyTorch says:" in body
    assert "Linear expects in_features=10 here, the builder has 20." in body


def test_layers_page_refuses_a_billion_parameters():
    from playground import layers as md

    at = open_page(
        "pages/layers.py",
        model_specs=[md.LayerSpec.of("Flatten"), md.LayerSpec.of("Linear", 784, 900_000), md.LayerSpec.of("Linear", 900_000, 2000)],
    )
    body = texts(at)
    assert "parameters; the limit is 20,000,000" in body and "Nothing was allocated" in body


def test_layers_inside_tab_shows_softmax_prediction():
    at = open_page("pages/layers.py", m_tab="Inside each layer")
    assert "the probabilities sum to 1.000000" in texts(at)


def test_autograd_page_offers_a_costly_check_on_request():
    # Clicking it is tested in the browser: AppTest does not deliver clicks inside fragments.
    at = open_page("pages/autograd.py")
    _interact(at, "selectbox", "ag_preset", "mlp")
    assert "Autograd agrees" not in texts(at)
    assert any(b.label == "Run the check (900 statement evaluations)" for b in at.button)


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
    at = open_page("pages/training.py", tr_subset=0, tr_epochs=1, tr_lr=10.0)
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


def test_save_load_page_explores_state_dict_and_modes():
    at = open_page("pages/save_load.py")
    table = at.dataframe[0].value
    assert list(table["key"])[:2] == ["linear1.weight", "linear1.bias"]
    assert "freshly initialised model" in texts(at)
    at = open_page("pages/save_load.py", s_tab="eval() vs train()")
    assert list(at.dataframe[0].value["differ"]) == [True, False, False]
    at = open_page("pages/save_load.py", s_tab="Inference")
    assert not at.exception and "Predicted:" in texts(at)
