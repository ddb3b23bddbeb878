"""Channels, groups and pooling: shapes, counts, winners and gradients, checked against torch."""

from __future__ import annotations

import random

import pytest
import torch
import torch.nn.functional as F  # noqa: N812

from playground import convolution as cv


def test_random_channel_settings_count_and_rebuild_like_pytorch():
    rng = random.Random(1)
    for _ in range(120):
        g = rng.choice([1, 1, 2, 3, 4])
        c_in, c_out = g * rng.randint(1, 4), g * rng.randint(1, 4)
        k, size, bias = rng.randint(1, 5), rng.randint(5, 12), rng.random() < 0.7
        ch = cv.channels(cv.ChannelsConfig(c_in, c_out, k, g, size, bias, rng.randrange(100)))
        out = size - k + 1
        assert ch.weight_shape == (c_out, c_in // g, k, k)
        assert ch.conv_params == c_out * (c_in // g) * k * k + (c_out if bias else 0)
        assert ch.linear_params == (c_in * size * size + 1) * c_out * out * out
        assert ch.output.shape == (c_out, out, out)
        assert ch.depthwise == (g == c_in == c_out)
        o = rng.randrange(c_out)
        assert len(ch.sums_over[o]) == c_in // g
        per_channel, _, diff = ch.rebuild(o)
        assert diff < 1e-5 and len(per_channel) == c_in // g


def test_a_group_reads_only_its_own_input_channels():
    ch = cv.channels(cv.ChannelsConfig(4, 6, 3, groups=2))
    assert ch.sums_over == ((0, 1),) * 3 + ((2, 3),) * 3
    x = ch.input.clone()
    x[2:] = 0  # output channels 0..2 cannot see channels 2 and 3
    with torch.no_grad():
        out = ch.layer()(x[None])[0]
    assert torch.allclose(out[:3], ch.output[:3], atol=1e-6)
    assert not torch.allclose(out[3:], ch.output[3:])


@pytest.mark.parametrize(
    ("settings", "key"),
    [({"in_channels": 3, "groups": 2}, "err.conv.groups"), ({"in_channels": 0}, "err.conv.channels"),
     ({"kernel_size": 9, "size": 8}, "err.conv.channel_sizes"), ({"out_channels": 999}, "err.conv.channels")],
)  # fmt: skip
def test_bad_channel_settings_are_refused(settings, key):
    with pytest.raises(cv.ConvError) as err:
        cv.ChannelsConfig(**settings)
    assert err.value.key == key


def test_the_dense_comparison_is_counted_without_allocating_it():
    ch = cv.channels(cv.ChannelsConfig(64, 64, 3, size=32))
    assert ch.linear_params > 3e9  # about 15 GB as float32: counted on meta, never built


def _windows(x: torch.Tensor, k: int, s: int) -> torch.Tensor:
    return F.unfold(x[None, None], k, stride=s)[0]  # (k·k, cells)


def test_max_pool_winners_and_gradient_routing():
    rng = random.Random(2)
    for _ in range(60):
        n, k = rng.randint(4, 12), rng.randint(1, 4)
        s = rng.randint(1, k + 1)
        if k > n:
            continue
        p = cv.pool(cv.PoolConfig("max", k, s, 0, 2, n, rng.randrange(50)))
        windows = _windows(p.input, k, s)
        w_out = p.output.shape[1]
        assert torch.equal(p.output.flatten(), windows.max(0).values)
        for cell in range(p.output.numel()):
            row, col = divmod(cell, w_out)
            i, j = p.winner(row, col)
            assert p.input[i, j] == p.output[row, col]
        # each upstream number lands on its winner, summed where winners are shared
        expected = torch.zeros(n * n)
        expected.index_add_(0, p.indices.flatten(), p.upstream.flatten())
        assert torch.equal(p.grad.flatten(), expected)
        assert p.grad.sum() == p.upstream.sum()


def test_average_pooling_spreads_the_gradient_evenly():
    p = cv.pool(cv.PoolConfig("avg", 2, 2, 0, 2, 6))
    assert p.winner(0, 0) is None
    assert torch.allclose(p.output, F.avg_pool2d(p.input[None, None], 2)[0, 0])
    assert torch.allclose(p.grad, p.upstream.repeat_interleave(2, 0).repeat_interleave(2, 1) / 4)


def test_adaptive_average_pooling_gives_the_size_asked_for():
    p = cv.pool(cv.PoolConfig("adaptive_avg", output_size=3, size=7))
    assert p.output.shape == (3, 3)
    assert torch.allclose(p.output, F.adaptive_avg_pool2d(p.input[None, None], 3)[0, 0])
    assert torch.isclose(p.grad.sum(), p.upstream.sum())


@pytest.mark.parametrize(
    ("settings", "key"),
    [({"kind": "lp"}, "err.conv.pool_kind"), ({"size": 99}, "err.conv.pool_size"),
     ({"kernel_size": 2, "padding": 2}, "err.conv.pool_padding"), ({"kernel_size": 9}, "err.conv.pool_window")],
)  # fmt: skip
def test_bad_pooling_settings_are_refused(settings, key):
    with pytest.raises(cv.ConvError) as err:
        cv.PoolConfig(**settings)
    assert err.value.key == key


def test_feature_maps_follow_the_forward_pass_of_the_apps_lenet():
    from playground.layers.models import PRESETS, build_model

    model = build_model(PRESETS["lenet"], seed=0, device="cpu")
    maps = cv.feature_maps(model, torch.rand(1, 1, 28, 28))
    assert [(name, tuple(m.shape)) for name, _, m in maps] == [
        ("conv1", (1, 6, 28, 28)),
        ("conv2", (1, 16, 10, 10)),
    ]
    assert torch.equal(cv.first_filters(model), model.conv1.weight.detach()[:, 0])
    assert not model._forward_hooks and not model.conv1._forward_hooks  # the hooks are gone
