"""The model builder: real modules, exact shapes and counts, PyTorch's own print, refusals."""

from __future__ import annotations

import random

import pytest
import torch
from torch import nn

from playground import layers as md
from playground.core.errors import ModelError
from playground.layers import figures as mf
from tests.snippets import run_snippet


@pytest.mark.parametrize("preset", sorted(md.PRESETS))
def test_presets_build_trace_and_count(preset):
    specs, shape = md.PRESETS[preset], md.INPUT_SHAPES[preset]
    check = md.check_model(specs, shape, batch=2)
    assert check.ok and check.output_shape == (2, 10)
    model = md.build_model(specs, seed=0).eval()
    assert check.params == sum(p.numel() for p in model.parameters())
    x = torch.rand(2, *shape)
    with torch.no_grad():
        rows, outputs = md.trace(model, x)
        expected = model(x)
    assert torch.equal(outputs[-1], expected)  # the trace is the model's own forward
    assert [r.output_shape for r in rows] == [r.output_shape for r in check.rows]
    assert [r.name for r in rows] == [n for n, _ in md.steps(model)]


def test_tutorial_preset_is_the_tutorials_network():
    model = md.build_model(md.PRESETS["tutorial"])
    reference = nn.Sequential(
        nn.Flatten(),
        nn.Linear(784, 512),
        nn.ReLU(),
        nn.Linear(512, 512),
        nn.ReLU(),
        nn.Linear(512, 10),
    )
    assert [type(m) for _, m in md.steps(model)] == [type(m) for m in reference]
    assert sum(p.numel() for p in model.parameters()) == 669_706
    rows, _ = md.trace(model, torch.rand(3, 28, 28))
    assert rows[1].macs == 784 * 512 and rows[0].output_shape == (3, 784)


def test_lenet_matches_the_blitz_shapes():
    rows, _ = md.trace(md.build_model(md.PRESETS["cifar_lenet"]), torch.rand(1, 3, 32, 32))
    shapes = [r.output_shape for r in rows]
    assert shapes[0] == (1, 6, 28, 28) and shapes[2] == (1, 6, 14, 14)
    assert shapes[5] == (1, 16, 5, 5) and shapes[6] == (1, 400)
    assert rows[0].macs == 6 * 28 * 28 * (3 * 5 * 5)  # outputs × (in_channels × kernel area)


def test_the_blitz_net_is_the_blitzs_class_and_its_28_pixel_variant_changes_only_padding():
    from playground.layers.tutorial import CLASSES, class_source

    source = class_source("blitz_net")
    assert "self.conv1 = nn.Conv2d(1, 6, 5)\n" in source and "padding" not in source
    assert "outputs a Tensor with size (N, 6, 28, 28)" in source  # the blitz's own comments
    rows, _ = md.trace(md.build_model(md.PRESETS["blitz_net"]), torch.rand(1, 1, 32, 32))
    shapes = [r.output_shape for r in rows]
    assert shapes[0] == (1, 6, 28, 28) and shapes[5] == (1, 16, 5, 5) and shapes[6] == (1, 400)
    exact, variant = CLASSES["blitz_net"][0](), CLASSES["lenet"][0]()
    assert str(variant) == str(exact).replace("stride=(1, 1))", "stride=(1, 1), padding=(2, 2))", 1)
    exact.load_state_dict(variant.state_dict())  # same keys and shapes: weights go both ways
    variant.load_state_dict(exact.state_dict())
    x28 = torch.rand(2, 1, 28, 28)
    with torch.no_grad():  # padding inside conv1 = padding the image first
        torch.testing.assert_close(variant(x28), exact(md.pad_to(x28, (1, 32, 32))))
    assert "blitz_net" not in md.TRAINABLE and "lenet" in md.TRAINABLE


# "Build the Neural Network", print(model), character for character.
TUTORIAL_PRINT = """NeuralNetwork(
  (flatten): Flatten(start_dim=1, end_dim=-1)
  (linear_relu_stack): Sequential(
    (0): Linear(in_features=784, out_features=512, bias=True)
    (1): ReLU()
    (2): Linear(in_features=512, out_features=512, bias=True)
    (3): ReLU()
    (4): Linear(in_features=512, out_features=10, bias=True)
  )
)"""
BLITZ_KEYS = [
    f"{n}.{p}" for n in ("conv1", "conv2", "fc1", "fc2", "fc3") for p in ("weight", "bias")
]


def test_the_tutorial_preset_is_the_tutorials_class():
    model = md.build_model(md.PRESETS["tutorial"])
    assert type(model).__name__ == "NeuralNetwork" and str(model) == TUTORIAL_PRINT
    assert list(model.state_dict())[:2] == [
        "linear_relu_stack.0.weight",
        "linear_relu_stack.0.bias",
    ]
    for preset in ("lenet", "cifar_lenet"):  # the blitz's Net: conv1, conv2, fc1, fc2, fc3
        assert list(md.build_model(md.PRESETS[preset]).state_dict()) == BLITZ_KEYS
    assert "(pool): MaxPool2d(kernel_size=2, stride=2" in str(
        md.build_model(md.PRESETS["cifar_lenet"])
    )


def test_builder_models_stay_sequential_with_named_children():
    edited = [*md.PRESETS["tutorial"][:-1], md.LayerSpec.of("Linear", 512, 5)]
    model = md.build_model(edited)
    assert isinstance(model, nn.Sequential) and str(model).splitlines()[0] == "Sequential("
    assert "(linear1): Linear(in_features=784, out_features=512, bias=True)" in str(model)


@pytest.mark.parametrize("preset", sorted(md.PRESETS))
def test_the_trace_runs_the_same_function_as_forward(preset):
    model = md.build_model(md.PRESETS[preset], seed=3)
    x = torch.rand(2, *md.INPUT_SHAPES[preset], generator=torch.Generator().manual_seed(0))
    rows, outputs = md.trace(model.eval(), x)
    assert torch.equal(outputs[-1], model(x))  # the step list is forward, one layer at a time
    assert [r.name for r in rows] == md.layer_names(md.PRESETS[preset])
    assert len({r.name for r in rows}) == len(rows)  # unique: the Inside picker needs that
    check = md.check_model(md.PRESETS[preset], md.INPUT_SHAPES[preset])
    assert [r.output_shape[1:] for r in check.rows] == [r.output_shape[1:] for r in rows]


@pytest.mark.parametrize("preset", sorted(md.PRESETS))
def test_generated_module_code_prints_and_initialises_the_same_model(preset):
    specs = md.PRESETS[preset]
    ns = run_snippet(md.model_code(specs, seed=4))
    ours = md.build_model(specs, seed=4)
    assert str(ns["model"]) == str(ours)
    theirs = ns["model"].state_dict()
    assert list(theirs) == list(ours.state_dict())
    assert all(torch.equal(theirs[k], v) for k, v in ours.state_dict().items())


def _random_specs(rng: random.Random) -> list[md.LayerSpec]:
    specs, c, side = [], 1, 28
    for _ in range(rng.randint(0, 3)):
        out, k = rng.randint(1, 12), rng.choice([1, 3, 5])
        if k > side:
            break
        specs += [
            md.LayerSpec.of("Conv2d", c, out, k),
            md.LayerSpec.of(rng.choice(["ReLU", "Tanh", "GELU"])),
        ]
        c, side = out, side - k + 1
        if side >= 4 and rng.random() < 0.5:
            specs.append(md.LayerSpec.of("MaxPool2d", 2))
            side //= 2
    specs.append(md.LayerSpec.of("Flatten"))
    width = c * side * side
    for _ in range(rng.randint(1, 3)):
        out = rng.randint(1, 64)
        specs += [md.LayerSpec.of("Linear", width, out), md.LayerSpec.of("ReLU")]
        width = out
    return specs


def test_random_builder_configurations_count_and_trace():
    rng = random.Random(0)
    for _ in range(40):
        specs = _random_specs(rng)
        check = md.check_model(specs, (1, 28, 28), batch=2)
        assert check.ok, (specs, check.error)
        model = md.build_model(specs)
        assert check.params == sum(p.numel() for p in model.parameters())
        rows, outputs = md.trace(model, torch.rand(2, 1, 28, 28))
        assert outputs[-1].shape == check.output_shape


@pytest.mark.parametrize(
    ("specs", "shape", "fix"),
    [
        (
            [
                md.LayerSpec.of("Flatten"),
                md.LayerSpec.of("Linear", 784, 10),
                md.LayerSpec.of("Linear", 20, 5),
            ],
            (1, 28, 28),
            "Linear expects in_features=10 here, the builder has 20.",
        ),
        (
            [
                md.LayerSpec.of("Conv2d", 1, 6, 5),
                md.LayerSpec.of("MaxPool2d", 2),
                md.LayerSpec.of("Flatten"),
                md.LayerSpec.of("Linear", 784, 10),
            ],
            (1, 28, 28),
            "Linear expects in_features=864 here, the builder has 784.",
        ),
        (
            md.PRESETS["cifar_lenet"],
            (1, 28, 28),
            "Conv2d expects in_channels=1 here, the builder has 3.",
        ),
        ([md.LayerSpec.of("Conv2d", 1, 4, 9)], (1, 5, 5), "use kernel_size≤5, or padding=2"),
        (
            [md.LayerSpec.of("Linear", 100, 4)],
            (1, 28, 28),
            "add a Flatten before it, then use in_features=784",
        ),
        (
            [md.LayerSpec.of("Flatten"), md.LayerSpec.of("BatchNorm2d", 784)],
            (1, 28, 28),
            "BatchNorm2d wants 4-D",
        ),
    ],
)
def test_mismatches_get_pytorchs_error_and_a_computed_fix(specs, shape, fix):
    check = md.check_model(specs, shape)
    assert not check.ok and check.error
    assert fix in check.fix
    # The suggested sizes really fit: apply the Linear fix and the model runs.
    if fix.startswith("Linear expects"):
        want = int(fix.split("=")[1].split()[0])
        fixed = list(specs)
        fixed[check.failed_at] = md.LayerSpec.of(
            "Linear", want, specs[check.failed_at].kwargs["out_features"]
        )
        assert md.check_model(fixed, shape).ok


@pytest.mark.parametrize(
    ("kind", "args", "message"),
    [
        ("Linear", "0, 10", "must be positive"),
        ("Linear", "-5, 10", "must be positive"),
        ("Conv2d", "1, 6, 100", "over the limit"),
        ("Linear", "784", "needs out_features"),
        ("Linear", "784, 10, bias=__import__('os')", "numbers"),
        ("Linear", "784, 10, evil=1", "has no argument 'evil'"),
        ("Dropout", "p=1.5", "[0, 1)"),
        ("Linear", "7.5, 2", "whole number"),
        ("Teleport", "", "Unknown layer"),
        ("Linear", "784, 10)", "not valid"),
    ],
)
def test_hostile_builder_arguments_are_refused(kind, args, message):
    with pytest.raises(
        ModelError, match=message.replace("[", r"\[").replace(")", r"\)").replace("(", r"\(")
    ):
        md.parse_args(kind, args)


def test_parameter_cap_refuses_before_allocation(monkeypatch):
    specs = [md.LayerSpec.of("Linear", 100_000, 10_000)]  # 10^9 parameters
    with pytest.raises(ModelError, match="1,000,010,000 parameters"):
        md.check_model(specs, (100_000,))
    monkeypatch.setenv("PLAYGROUND_MAX_PARAMS", "1000")
    with pytest.raises(ModelError, match="limit is 1,000"):
        md.check_model(md.PRESETS["tutorial"], (1, 28, 28))


def test_parse_args_round_trips_the_call():
    for specs in md.PRESETS.values():
        for s in specs:
            assert md.parse_args(s.kind, s.args_text()) == s


def test_parameter_table_is_named_parameters():
    model = md.build_model(md.PRESETS["lenet"])
    table = md.parameter_table(model)
    assert [r["name"] for r in table] == [n for n, _ in model.named_parameters()]
    assert sum(r["numel"] for r in table) == 61_706
    assert table[0]["name"] == "conv1.weight"
    w = model.conv1.weight
    assert table[0]["mean"] == pytest.approx(w.double().mean().item())


def test_build_is_seeded():
    a = md.build_model(md.PRESETS["tutorial"], seed=3).state_dict()
    b = md.build_model(md.PRESETS["tutorial"], seed=3).state_dict()
    c = md.build_model(md.PRESETS["tutorial"], seed=4).state_dict()
    assert all(torch.equal(a[k], b[k]) for k in a)
    assert not torch.equal(a["linear_relu_stack.0.weight"], c["linear_relu_stack.0.weight"])


def test_activation_derivatives_come_from_autograd():
    x, y, dy = mf.activation_curves("Sigmoid")
    s = torch.sigmoid(x)
    assert torch.allclose(dy, s * (1 - s), atol=1e-6)
    x, y, dy = mf.activation_curves("ReLU")
    assert torch.equal(dy, (x > 0).float())
    assert len(mf.make_activation_figure(["ReLU", "Tanh"]).data) == 4


def test_softmax_probabilities_sum_to_one_and_argmax():
    logits = torch.tensor([[1.0, 3.0, 0.5], [0.0, 0.0, 5.0]])
    probs, pred = mf.probabilities(logits)
    assert torch.allclose(probs.sum(1), torch.ones(2)) and pred.tolist() == [1, 2]


def test_module_to_is_in_place_tensor_to_is_a_copy():
    demo = mf.module_to_demo(md.build_model(md.PRESETS["tutorial"]))
    assert demo["model.to(torch.float64) is model"] == "True"
    assert demo["t.to(torch.float64) is t"] == "False"
    assert demo["param dtype after model.to"] == "torch.float64"


def test_inside_layer_views_for_each_kind():
    model = md.build_model(md.PRESETS["modern_cnn"]).eval()
    x = torch.rand(2, 1, 28, 28)
    with torch.no_grad():
        rows, outputs = md.trace(model, x)
    for k, (_, layer) in enumerate(model.named_children()):
        views = mf.inside_layer(layer, x if k == 0 else outputs[k - 1], outputs[k])
        assert views and all(fig.to_dict() for _, fig in views)
    conv = mf.inside_layer(model.conv2d1, x, outputs[0])
    assert "16 kernels" in conv[0][0]


@pytest.mark.slow
@pytest.mark.parametrize(
    ("preset", "samples"),
    [("tutorial", True), ("lenet", True), ("blitz_net", True), ("cifar_lenet", False)],
)
def test_layer_page_scripts_give_the_pages_parameters_and_probabilities(preset, samples):
    """The named_parameters loop and the softmax prediction, as the Layers page runs them."""
    from playground.data.datasets import make_offline_dataset

    specs, shape = md.PRESETS[preset], md.INPUT_SHAPES[preset]
    model = md.build_model(specs, seed=6).eval()
    ns = run_snippet(md.parameters_code(specs, 6))
    assert ns["__stdout__"].count("Layer: ") == len(md.parameter_table(model))
    if samples:  # the blitz's exact Net takes them padded to 32×32
        x = md.pad_to(make_offline_dataset(0).images[:3].float() / 255, shape)
        assert tuple(x.shape[1:]) == shape
    else:
        x = torch.rand(3, *shape, generator=torch.Generator().manual_seed(6))
    with torch.no_grad():
        probs, pred = mf.probabilities(model(x))
    ns = run_snippet(md.softmax_code(specs, 6, shape, samples))
    assert torch.equal(ns["y_pred"], pred)
    assert torch.allclose(ns["pred_probab"], probs, atol=1e-6)


@pytest.mark.parametrize(
    ("layers", "shape", "expected"),
    [
        ([("Flatten",), ("Linear", 784, 100), ("Linear", 20, 5)], (1, 28, 28), ("Linear", 100, 5)),
        ([("Linear", 10, 5)], (1, 28, 28), None),  # a Flatten goes in first: checked below
        ([("Conv2d", 3, 8, 3), ("ReLU",)], (1, 28, 28), ("Conv2d", 1, 8, 3)),
        ([("Conv2d", 1, 8, 3), ("BatchNorm2d", 4)], (1, 28, 28), ("BatchNorm2d", 8)),
    ],
)
def test_the_applied_fix_makes_the_model_run(layers, shape, expected):
    specs = [md.LayerSpec.of(*layer) for layer in layers]
    check = md.check_model(specs, shape)
    assert not check.ok and check.fixed is not None
    fixed = md.check_model(check.fixed, shape)
    assert fixed.ok, fixed.error  # real torch runs the fixed layers
    if expected is not None:
        assert md.LayerSpec.of(*expected) in check.fixed
    else:
        assert [s.kind for s in check.fixed] == ["Flatten", "Linear"]
        assert check.fixed[1].kwargs["in_features"] == 784


def test_a_fix_that_needs_a_choice_offers_no_button():
    specs = [md.LayerSpec.of("Conv2d", 1, 8, 40)]  # kernel larger than the image
    check = md.check_model(specs, (1, 28, 28))
    assert not check.ok and check.fixed is None and check.fix
