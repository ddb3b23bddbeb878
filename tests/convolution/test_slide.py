"""Every number of the sliding window equals PyTorch's, for hundreds of random settings."""

from __future__ import annotations

import random

import pytest
import torch
import torch.nn.functional as F  # noqa: N812

from playground import convolution as cv


def _random_config(rng: random.Random) -> cv.SlideConfig:
    k = rng.randint(1, cv.MAX_KERNEL)
    kernel = tuple(tuple(round(rng.uniform(-2, 2), 3) for _ in range(k)) for _ in range(k))
    stride = rng.randint(1, cv.MAX_STRIDE)
    padding = "same" if stride == 1 and rng.random() < 0.3 else rng.randint(0, cv.MAX_PADDING)
    return cv.SlideConfig(kernel, round(rng.uniform(-1, 1), 2), stride, padding,
                          rng.choice(cv.PADDING_MODES), rng.randint(1, cv.MAX_DILATION))  # fmt: skip


@pytest.mark.parametrize("n", [30, pytest.param(300, marks=pytest.mark.slow)])
def test_every_cell_of_random_convolutions_is_pytorchs(n):
    rng, checked = random.Random(n), 0
    while checked < n:
        cfg = _random_config(rng)
        side = rng.choice(cv.SIDES)
        image = torch.rand(side, side, generator=torch.Generator().manual_seed(checked))
        try:
            s = cv.slide(image, cfg)
        except cv.ConvError as err:  # the kernel does not fit, or reflect padding ≥ the image
            assert err.key in ("err.conv.too_small", "err.conv.pad_refused")
            continue
        before, after = cfg.pads()
        side_out = cv.output_size(side, cfg.k, cfg.stride, before + after, cfg.dilation)
        assert s.out_shape == (side_out, side_out)
        assert s.diff_functional < 1e-5 and s.diff_unfold < 1e-4
        # the layer itself, built independently of the page's padded copy
        layer = torch.nn.Conv2d(1, 1, cfg.k, cfg.stride, cfg.padding, cfg.dilation,
                                padding_mode=cfg.padding_mode)  # fmt: skip
        with torch.no_grad():
            layer.weight.copy_(torch.tensor(cfg.kernel).view(1, 1, cfg.k, cfg.k))
            layer.bias.fill_(cfg.bias)
            assert torch.allclose(layer(image[None, None])[0, 0], s.output, atol=1e-5)
        for _ in range(3):
            cell = s.cell(rng.randrange(side_out), rng.randrange(side_out))
            assert abs(cell.total + cell.bias - cell.value) < 1e-4
            assert cell.window.shape == (cfg.k, cfg.k)
        checked += 1


@pytest.mark.parametrize("k", [2, 4])
@pytest.mark.parametrize("mode", cv.PADDING_MODES)
def test_same_padding_with_an_even_kernel_puts_the_odd_pixel_after(k, mode):
    cfg = cv.SlideConfig(tuple(tuple(1.0 for _ in range(k)) for _ in range(k)), padding="same",
                         padding_mode=mode)  # fmt: skip
    s = cv.slide(torch.rand(8, 8), cfg)
    assert s.out_shape == (8, 8) and s.pads == ((k - 1) // 2, k - 1 - (k - 1) // 2)
    assert s.diff_functional < 1e-5


def test_the_window_of_a_cell_is_what_unfold_gives():
    image = torch.rand(10, 10)
    cfg = cv.SlideConfig(cv.KERNELS["sobel_x"], stride=2, padding=1, dilation=2)
    s = cv.slide(image, cfg)
    cols = F.unfold(s.padded[None, None], 3, dilation=2, stride=2)[0]
    w_out = s.out_shape[1]
    for row, col in [(0, 0), (1, 2), (s.out_shape[0] - 1, w_out - 1)]:
        assert torch.equal(s.cell(row, col).window.flatten(), cols[:, row * w_out + col])


def test_the_preset_kernels_do_what_their_names_say():
    image = torch.rand(8, 8)
    identity = cv.slide(image, cv.SlideConfig(cv.KERNELS["identity"], padding=1))
    assert torch.allclose(identity.output, image)
    blur = cv.slide(image, cv.SlideConfig(cv.KERNELS["blur"]))
    assert torch.allclose(blur.output[0, 0], image[:3, :3].mean(), atol=1e-6)
    flat = cv.slide(torch.full((6, 6), 0.5), cv.SlideConfig(cv.KERNELS["edge"]))
    assert flat.output.abs().max() < 1e-6  # no edge in a flat image


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("1 2 3; 4 5 6; 7 8 9", ((1, 2, 3), (4, 5, 6), (7, 8, 9))),
        ("[1/9, 1/9; 1/9, 1/9]", ((1 / 9, 1 / 9), (1 / 9, 1 / 9))),
        ("-1e-1\n2.5", None),
        ("0.5", ((0.5,),)),
    ],
)
def test_kernels_parse_from_rows(text, expected):
    if expected is None:
        with pytest.raises(cv.ConvError):
            cv.parse_kernel(text)
    else:
        assert cv.parse_kernel(text) == expected


@pytest.mark.parametrize(
    ("text", "key"),
    [
        ("", "err.conv.kernel_size"),
        ("1 2; 3", "err.conv.kernel_square"),
        ("__import__('os')", "err.conv.kernel_number"),
        ("1e400", "err.conv.kernel_number"),
        ("nan", "err.conv.kernel_number"),
        ("1/0", "err.conv.kernel_number"),
        ("; ".join(["1 " * 8] * 8), "err.conv.kernel_size"),
        ("1 " * 400, "err.conv.kernel_long"),
    ],
)
def test_hostile_kernels_are_refused_with_a_key(text, key):
    with pytest.raises(cv.ConvError) as err:
        cv.parse_kernel(text)
    assert err.value.key == key


@pytest.mark.parametrize(
    ("settings", "key"),
    [
        ({"stride": 2, "padding": "same"}, "err.conv.same_stride"),
        ({"stride": 9}, "err.conv.stride_dilation"),
        ({"padding": 99}, "err.conv.padding"),
        ({"padding_mode": "mirror"}, "err.conv.padding_mode"),
        ({"bias": float("inf")}, "err.conv.bias"),
    ],
)
def test_settings_out_of_range_are_refused(settings, key):
    with pytest.raises(cv.ConvError) as err:
        cv.SlideConfig(**settings)
    assert err.value.key == key


def test_a_kernel_larger_than_the_image_and_reflect_padding_are_refused_not_raised():
    with pytest.raises(cv.ConvError) as err:
        cv.slide(torch.rand(4, 4), cv.SlideConfig(tuple((1.0,) * 7 for _ in range(7)), dilation=2))
    assert err.value.key == "err.conv.too_small"
    with pytest.raises(cv.ConvError) as err:
        cv.slide(torch.rand(4, 4), cv.SlideConfig(padding=5, padding_mode="reflect"))
    assert err.value.key == "err.conv.pad_refused" and err.value.torch_message


@pytest.mark.gpu
def test_the_layer_agrees_on_cuda():
    if not torch.cuda.is_available():
        pytest.skip("no CUDA device")
    image, cfg = torch.rand(14, 14), cv.SlideConfig(cv.KERNELS["sharpen"], 0.1, 1, 2, "reflect", 2)
    s = cv.slide(image, cfg)
    gpu = cfg.layer().cuda()(image[None, None].cuda())[0, 0].cpu()
    assert torch.allclose(gpu, s.output, atol=1e-4)
