"""playground.tensors against direct PyTorch, and its show-the-code snippets."""

from __future__ import annotations

import numpy as np
import pytest
import torch

from playground import tensors as tns
from playground.core.errors import ExpressionError, PlaygroundError
from tests.snippets import run_snippet

SPECS = [
    tns.TensorSpec("tensor", "[[1, 2, 3], [4, 5, 6]]", dtype="int64"),
    tns.TensorSpec("from_numpy", "[[1.5, 2], [3, 4]]", dtype="float64"),
    tns.TensorSpec("zeros", shape="(2, 3)"),
    tns.TensorSpec("ones", shape="(4,)", dtype="int32"),
    tns.TensorSpec("rand", shape="(2, 3, 4)"),
    tns.TensorSpec("randn", shape="(3, 3)", requires_grad=True),
    tns.TensorSpec("arange", shape="(3, 4)"),
    tns.TensorSpec("linspace", shape="(5,)", dtype="float64"),
    tns.TensorSpec("full", shape="(2, 2)", fill=3.5),
    tns.TensorSpec("eye", shape="(3, 4)"),
    tns.TensorSpec("ones_like", shape="(2, 3)", like_dtype="int64"),
    tns.TensorSpec("rand_like", shape="(2, 3)", dtype="float32", like_dtype="int64"),
    tns.TensorSpec("tensor", "torch.arange(6).reshape(2, 3)", dtype="float32", requires_grad=True),
    tns.TensorSpec("tensor", "[[1, 2], [3, 4]]"),  # dtype inferred from here on
    tns.TensorSpec("from_numpy", "[[1.5, 2], [3, 4]]"),
    tns.TensorSpec("ones_like", shape="(2, 3)", like_dtype="uint8"),
    tns.TensorSpec("arange", shape="(2, 3)"),
]


@pytest.mark.parametrize(
    ("spec", "dtype"),
    [
        (tns.TensorSpec("tensor", "[[1, 2], [3, 4]]"), torch.int64),  # the tutorial's first lesson
        (tns.TensorSpec("tensor", "[[1.0, 2], [3, 4]]"), torch.float32),
        (tns.TensorSpec("tensor", "[True, False]"), torch.bool),
        (tns.TensorSpec("from_numpy", "[[1.5, 2], [3, 4]]"), torch.float64),  # NumPy's float64
        (tns.TensorSpec("ones_like", shape="(2,)", like_dtype="int32"), torch.int32),
        (tns.TensorSpec("rand_like", shape="(2,)", like_dtype="float64"), torch.float64),
        (tns.TensorSpec("arange", shape="(4,)"), torch.int64),
        (tns.TensorSpec("zeros", shape="(4,)"), torch.float32),
        (
            tns.TensorSpec("ones_like", shape="(2,)", dtype="float16", like_dtype="int32"),
            torch.float16,
        ),
    ],
)
def test_without_a_chosen_dtype_pytorch_infers_it_and_the_script_passes_none(spec, dtype):
    assert tns.TensorSpec().dtype == tns.INFERRED  # the page opens on inference
    assert tns.create(spec).dtype == dtype
    code = tns.creation_code(spec)
    assert ("dtype=" in code.split("result = ")[-1].split("\n")[0]) == (spec.dtype != tns.INFERRED)
    assert (
        f"torch.Size([{', '.join(map(str, tns.create(spec).shape))}]) {dtype}"
        in run_snippet(code)["__stdout__"]
    )


def test_a_random_tensor_from_an_integer_source_says_why_it_cannot():
    with pytest.raises(ExpressionError) as refused:
        tns.create(tns.TensorSpec("rand_like", shape="(2,)", like_dtype="int64"))
    assert refused.value.key == "err.tensors.random_needs_float"
    assert refused.value.params["dtype"] == "int64"


@pytest.mark.parametrize("spec", SPECS, ids=lambda s: s.creator)
def test_creation_snippet_reproduces_the_page(spec):
    page = tns.create(spec, device="cpu", seed=3)
    snippet = run_snippet(tns.creation_code(spec, device="cpu", seed=3))["result"]
    assert page.dtype == snippet.dtype and page.shape == snippet.shape
    assert page.requires_grad == snippet.requires_grad
    if spec.creator != "rand_like":  # rand_like draws from the global generator in both
        torch.testing.assert_close(page, snippet)


def test_creation_values_are_real():
    assert torch.equal(
        tns.create(tns.TensorSpec("arange", shape="(2, 3)")), torch.arange(6.0).reshape(2, 3)
    )
    assert torch.equal(tns.create(tns.TensorSpec("eye", shape="(3,)")), torch.eye(3))
    randn = tns.create(tns.TensorSpec("randn", shape="(4,)"), seed=9)
    assert torch.equal(randn, torch.randn(4, generator=torch.Generator().manual_seed(9)))


@pytest.mark.parametrize(
    ("spec", "fragment"),
    [
        (tns.TensorSpec("tensor", "[[1, 2], [3]]"), "expected sequence of length 2"),
        (tns.TensorSpec("tensor", "[[1, 2], [3, 4]"), "not valid Python"),
        (tns.TensorSpec("zeros", shape="(100000, 100000)"), "Nothing was allocated"),
        (tns.TensorSpec("zeros", shape="(2, -3)"), "negative"),
        (
            tns.TensorSpec("rand_like", shape="(2, 3)", dtype="int64", like_dtype="int64"),
            "needs a floating dtype",
        ),
        (
            tns.TensorSpec("zeros", shape="(2,)", dtype="int64", requires_grad=True),
            "floating point",
        ),
        (tns.TensorSpec("tensor", "__import__('os')"), "private"),
    ],
)
def test_hostile_creation_gets_a_clear_message(spec, fragment):
    with pytest.raises(PlaygroundError) as err:
        tns.create(spec)
    assert fragment in str(err.value) + (err.value.torch_message or "")


def test_attributes_match_the_tensor():
    t = torch.zeros(3, 4, dtype=torch.float64).T
    a = tns.attributes(t)
    assert a.shape == (4, 3) and a.stride == (1, 4) and not a.is_contiguous
    assert a.numel == 12 and a.element_size == 8 and a.nbytes == 96 and a.dtype == "torch.float64"


@pytest.mark.parametrize(
    "index", ["[0]", "[:, 1]", "[..., -1]", "[:2, -1]", "[1:3, :]", "[t > 5]", "[::2, ::2]"]
)
def test_index_selects_exactly_the_cells_torch_selects(index):
    t = torch.arange(1.0, 13.0).reshape(3, 4)
    r = tns.index_tensor(t, index, value=0.0)
    expected = {
        "[0]": t[0],
        "[:, 1]": t[:, 1],
        "[..., -1]": t[..., -1],
        "[:2, -1]": t[:2, -1],
        "[1:3, :]": t[1:3, :],
        "[t > 5]": t[t > 5],
        "[::2, ::2]": t[::2, ::2],
    }[index]
    assert torch.equal(r.result, expected)
    assert torch.equal(t[r.selected], expected.reshape(-1)) or torch.equal(
        t[r.selected].sort().values, expected.reshape(-1).sort().values
    )
    assigned = t.clone()
    ns = {"t": assigned}
    run = run_snippet(tns.index_code("[[1, 2, 3, 4], [5, 6, 7, 8], [9, 10, 11, 12]]", index, 0.0))
    assert torch.equal(r.assigned, run["t"])
    assert torch.equal(run["result"], expected) and ns


def test_index_refuses_text_without_brackets():
    with pytest.raises(PlaygroundError, match="brackets"):
        tns.index_tensor(torch.ones(2, 2), ":, 1")


@pytest.mark.parametrize(
    "op", ["t.view(4, 3)", "t.T", "t.permute(1, 0)", "t.unsqueeze(0)", "t.flatten()", "t[:, 1:3]"]
)
def test_views_share_storage_and_offsets_read_the_right_values(op):
    t = torch.arange(12.0).reshape(3, 4)
    v = tns.view_result(t, op)
    assert v.error is None and v.shares_storage
    # Reading t's storage at the offsets gives exactly the view's values.
    assert torch.equal(t.reshape(-1)[v.storage_offsets], v.result)


def test_copies_do_not_share_and_view_on_non_contiguous_raises_the_real_error():
    t = torch.arange(12.0).reshape(3, 4)
    assert not tns.view_result(t, "t.T.contiguous().view(-1)").shares_storage
    err = tns.view_result(t, "t.T.view(-1)").error
    assert err is not None and "view size is not compatible" in err.torch_message
    assert tns.view_result(t, "t.T.reshape(-1)").shares_storage is False  # reshape copied


def test_matmul_cell_is_the_dot_product_of_a_row_and_a_column():
    a, b = (
        torch.tensor([[1.0, 2.0, 3.0], [4.0, 5.0, 6.0]]),
        torch.tensor([[1.0, 0.0], [2.0, 1.0], [3.0, 4.0]]),
    )
    c, pairs = tns.matmul_cell(a, b, 1, 1)
    assert torch.equal(c, a @ b) and pairs == [(4.0, 0.0), (5.0, 1.0), (6.0, 4.0)]
    assert sum(x * y for x, y in pairs) == c[1, 1].item() == 29.0


def test_reductions_match_torch():
    t = torch.tensor([[1.0, 5.0, 2.0], [7.0, 0.0, 3.0]])
    mx = tns.reduce(t, "max", dim=1, keepdim=False)
    assert torch.equal(mx.values, torch.tensor([5.0, 7.0])) and torch.equal(
        mx.indices, torch.tensor([1, 0])
    )
    assert tns.reduce(t, "sum", dim=0, keepdim=True).shape == (1, 3)
    assert tns.reduce(t, "mean", dim=None, keepdim=False).item() == pytest.approx(3.0)


@pytest.mark.parametrize("op", ["add_", "copy_", "t_"])
def test_inplace_ops_keep_the_same_memory(op):
    demo = tns.inplace_demo(op, seed=1)
    assert demo.same_data_ptr
    expected = {
        "add_": demo.before + 5,
        "copy_": torch.ones_like(demo.before),
        "t_": demo.before.T,
    }[op]
    assert torch.equal(demo.after, expected)


def test_inplace_on_a_saved_tensor_raises_autograds_real_error():
    assert "modified by an inplace operation" in tns.autograd_inplace_error()


def test_numpy_bridge_shares_memory_until_a_copy():
    bridge = tns.numpy_bridge(device="cpu")
    assert np.array_equal(bridge.array, np.full(5, 3.0)) and torch.equal(
        bridge.tensor, torch.full((5,), 3.0)
    )
    assert (
        bridge.shares["torch.from_numpy(n)"] and bridge.shares["t.to('cpu')"]
    )  # .to() on the same device is a no-op
    assert not bridge.shares["t.to(torch.float64)"] and not bridge.shares["t.clone()"]


def test_matmul_timing_has_a_memory_cap():
    compute, copy = tns.time_matmul(64, "cpu", repeat=2)
    assert compute > 0 and copy is None
    with pytest.raises(PlaygroundError, match="limit"):
        tns.time_matmul(100_000, "cpu")


@pytest.mark.gpu
@pytest.mark.skipif(not torch.cuda.is_available(), reason="needs a CUDA device")
def test_cuda_timing_includes_the_copy():
    compute, copy = tns.time_matmul(512, "cuda:0")
    assert compute > 0 and copy is not None and copy > 0
    t = tns.create(tns.TensorSpec("arange", shape="(2, 3)"), device="cuda:0")
    assert t.device.type == "cuda"


@pytest.mark.parametrize("creator", ["rand", "randn", "rand_like"])
@pytest.mark.parametrize("dtype", ["int64", "uint8", "bool"])
def test_random_floats_on_an_integer_dtype_explain_randint(creator, dtype):
    with pytest.raises(ExpressionError, match="needs a floating dtype") as err:
        tns.create(tns.TensorSpec(creator, shape="(2, 2)", dtype=dtype))
    assert "torch.randint" in str(err.value) and "torch.randint" in err.value.message("zh")
    with pytest.raises(RuntimeError, match="not implemented"):  # what PyTorch itself says
        getattr(torch, creator.removesuffix("_like"))(2, 2, dtype=getattr(torch, dtype))


@pytest.mark.parametrize(
    ("op", "expected"),
    [
        ("t.view(2, -1, 3)", [("t.view(2, -1, 3)", 2, 12, 6)]),
        ("t.reshape((-1, 6))", [("t.reshape((-1, 6))", 2, 12, 6)]),
        ("t.T.reshape(-1)", [("t.T.reshape(-1)", 12, 12, 1)]),
        ("t[0].view(-1, 2)", [("t[0].view(-1, 2)", 2, 4, 2)]),  # the receiver's 4 elements
        ("t.view(3, 4)", []),
        ("t.view(-1, -1)", []),  # PyTorch refuses two -1s: nothing inferred
    ],
)
def test_the_inferred_minus_one_is_what_pytorch_chose(op, expected):
    t = torch.arange(12.0).reshape(3, 4)
    found = tns.inferred_sizes(t, op)
    assert found == expected
    for call, size, _, _ in found:  # the real shape has that size where -1 stood
        real = tns.view_result(t, call).result
        assert size in real.shape


def test_view_splits_a_transposed_dim_but_cannot_merge_non_adjacent_ones():
    t = torch.arange(12.0).reshape(3, 4)
    assert tns.view_result(t, "t.T.view(2, 2, 3)").result.shape == (2, 2, 3)  # a split: works
    assert tns.view_result(t, "t.T.view(-1)").error is not None  # a merge across strides


def test_a_typed_expression_is_shown_as_typed_and_runs_without_a_warning():
    import warnings

    spec = tns.TensorSpec("tensor", "torch.arange(6).reshape(2, 3) * 2", dtype="float32")
    code = tns.creation_code(spec)
    assert "torch.as_tensor(torch.arange(6).reshape(2, 3) * 2, dtype=torch.float32" in code
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # torch.tensor(a_tensor) would raise here
        result = run_snippet(code)["result"]
    assert torch.equal(result, tns.create(spec))


def test_the_inplace_script_prints_the_error_the_page_shows():
    ns = run_snippet(tns.INPLACE_AUTOGRAD_CODE)
    assert ns["error"] == tns.autograd_inplace_error()
    assert "modified by an inplace operation" in ns["__stdout__"]
