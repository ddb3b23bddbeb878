"""AppTest: the Model layers page reacts to its widgets, survives hostile input, speaks both languages."""

from __future__ import annotations

import pytest

from tests.apptest import interact, open_page, texts


def test_layers_page_traces_the_tutorial_network():
    at = open_page("pages/layers.py")
    body = texts(at)
    assert "(0): Linear(in_features=784, out_features=512, bias=True)" in body
    assert "NeuralNetwork(\n  (flatten): Flatten(start_dim=1, end_dim=-1)" in body
    assert "A real input of shape torch.Size([3, 1, 28, 28])" in body
    assert any(m.value == "669,706" for m in at.metric)
    assert any("class NeuralNetwork(nn.Module):" in c.value for c in at.code)
    interact(at, "selectbox", "m_preset", "cifar_lenet")
    assert "torch.Size([3, 3, 32, 32])" in texts(at)


def test_layers_page_explains_a_mismatch_with_a_fix():
    from playground import layers as md

    bad = [
        md.LayerSpec.of("Flatten"),
        md.LayerSpec.of("Linear", 784, 10),
        md.LayerSpec.of("Linear", 20, 5),
    ]
    at = open_page("pages/layers.py", model_specs=bad, model_input=(1, 28, 28))
    body = texts(at)
    assert "Layer 3 does not fit its input. PyTorch says:" in body
    assert "Linear expects in_features=10 here, the builder has 20." in body


def test_layers_page_refuses_a_billion_parameters():
    from playground import layers as md

    at = open_page(
        "pages/layers.py",
        model_specs=[
            md.LayerSpec.of("Flatten"),
            md.LayerSpec.of("Linear", 784, 900_000),
            md.LayerSpec.of("Linear", 900_000, 2000),
        ],
    )
    body = texts(at)
    assert "parameters; the limit is 20,000,000" in body and "Nothing was allocated" in body


def test_layers_inside_tab_shows_softmax_prediction():
    at = open_page("pages/layers.py", m_tab="Inside each layer")
    assert "the probabilities sum to 1.000000" in texts(at)


def test_the_fix_speaks_chinese():
    from playground import layers as md

    bad = [
        md.LayerSpec.of("Flatten"),
        md.LayerSpec.of("Linear", 784, 10),
        md.LayerSpec.of("Linear", 20, 5),
    ]
    at = open_page("pages/layers.py", lang="zh", model_specs=bad, model_input=(1, 28, 28))
    body = texts(at)
    assert "这里 Linear 需要 in_features=10，而构建器中是 20。" in body
    assert "the builder has" not in body


def test_apply_fix_and_the_input_shape_box():
    from playground import layers as md

    bad = [
        md.LayerSpec.of("Flatten"),
        md.LayerSpec.of("Linear", 784, 100),
        md.LayerSpec.of("Linear", 20, 5),
    ]
    at = open_page("pages/layers.py", model_specs=bad, model_input=(1, 28, 28))
    next(b for b in at.button if b.label == "Apply fix").click().run()
    assert not at.exception and not at.error and at.metric[0].label == "Parameters in all"
    assert at.session_state["model_specs"][2] == md.LayerSpec.of("Linear", 100, 5)
    at = open_page("pages/layers.py")
    at.text_input(key="m_shape").set_value("(3, 32, 32)").run()
    assert at.session_state["model_input"] == (3, 32, 32) and "in_features=3072" in texts(at)
    next(b for b in at.button if b.label == "Apply fix").click().run()
    assert at.session_state["model_specs"][1].kwargs["in_features"] == 3072
    assert not at.error and at.text_input(key="m_shape").value == "(3, 32, 32)"
    at.text_input(key="m_shape").set_value("(0, -1)").run()
    assert not at.exception and at.session_state["model_input"] == (3, 32, 32)
    assert at.error and at.text_input(key="m_shape").value == "(3, 32, 32)"


@pytest.mark.slow
def test_a_model_without_parameters_opens_every_tab_and_big_maps_are_shrunk():
    """MaxPool2d alone on (3, 1290, 1290): the .to demo has no parameter to show (it used to
    raise StopIteration), and 'Inside' drew two 3870-pixel PNGs (2.7 s of CPU)."""
    import torch

    from playground import layers as md
    from playground.layers.figures import inside_layer
    from playground.plots.images import MAX_GRID_SIDE

    link = {"m_model": "MaxPool2d(2)", "m_input": "(3, 1290, 1290)"}
    for tab in ("structure", "parameters", "inside", "activations"):
        at = open_page("pages/layers.py", query={**link, "m_tab": tab})
        assert not at.exception, (tab, [e.value for e in at.exception])
        assert at.session_state["model_specs"] == [md.LayerSpec.of("MaxPool2d", 2)]
    assert "model.to(torch.float64) is model" in str(at.dataframe[-1].value)
    x = torch.rand(1, 3, 1290, 1290)
    for _, fig in inside_layer(torch.nn.MaxPool2d(2), x, torch.nn.MaxPool2d(2)(x)):
        assert fig.layout.images[0].sizex <= 3 * (MAX_GRID_SIDE + 2) + 2  # 3 maps, 160 px each


@pytest.mark.slow
def test_a_class_on_one_link_shares_one_traced_model_and_nobody_changes_it():
    import torch

    from playground import layers as md
    from playground.ui.layers import traced

    traced.clear()
    a = open_page("pages/layers.py", m_tab="Activations & devices")
    b = open_page("pages/layers.py", m_tab="Activations & devices")
    assert not a.exception and not b.exception
    spec = (tuple(md.PRESETS["tutorial"]), tuple(md.INPUT_SHAPES["tutorial"]), 0, "cpu", True)
    shared = traced(*spec)  # the one both sessions drew: computed once, found again
    assert traced(*spec) is shared
    # The Module.to demo ran in both sessions on its own copy: the shared model is untouched.
    assert all(p.dtype == torch.float32 for p in shared.model.parameters())
    assert any("model.to(torch.float64) is model" in str(d.value) for d in a.dataframe)
    fresh = md.build_model(md.PRESETS["tutorial"], seed=0).eval()
    weights = zip(shared.model.state_dict().values(), fresh.state_dict().values(), strict=True)
    assert all(torch.equal(x, y) for x, y in weights)  # the seed's weights, bit for bit
