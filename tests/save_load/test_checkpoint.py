"""Checkpoints: bit-exact round trips, and hostile files refused without running anything."""

from __future__ import annotations

import functools
import importlib
import io
import operator
import os
import pickle
import runpy
import subprocess
import sys
import textwrap
import zipfile
from pathlib import Path

import pytest
import torch

from playground import layers as md
from playground import save_load as ck
from playground import training as trn
from playground.core.errors import CheckpointError, UnsafeCheckpointError
from playground.data.datasets import make_offline_dataset
from tests.snippets import run_snippet


# -- round trips --------------------------------------------------------------------------
@pytest.mark.parametrize(("fmt", "name"), [("pth", "m.pth"), ("safetensors", "m.safetensors")])
@pytest.mark.parametrize("preset", ["tutorial", "modern_cnn"])
def test_round_trip_is_bit_exact(fmt, name, preset):
    model = md.build_model(md.PRESETS[preset], seed=3).eval()
    sd = ck.read_state_dict(ck.save_bytes(fmt, model), name)
    own = model.state_dict()
    assert list(sd) == list(own) or sorted(sd) == sorted(own)  # safetensors sorts its keys
    assert all(sd[k].dtype == own[k].dtype and torch.equal(sd[k], own[k]) for k in own)
    fresh = md.build_model(md.PRESETS[preset], seed=99).eval()
    assert ck.load_into(fresh, sd, strict=True).ok
    x = torch.rand(4, 1, 28, 28)
    with torch.no_grad():
        assert torch.equal(fresh(x), model(x))


@pytest.mark.slow
def test_training_checkpoint_round_trip_and_resume_equal_an_uninterrupted_run():
    train, test = make_offline_dataset(0), make_offline_dataset(0, train=False)
    cfg = trn.TrainConfig(epochs=4, optimizer="Adam", seed=2)
    full = trn.Trainer(md.PRESETS["tutorial"], (1, 28, 28), train, test, cfg, subset=800)
    while not full.done:
        full.run(max_seconds=10)
    first = trn.Trainer(md.PRESETS["tutorial"], (1, 28, 28), train, test, cfg, subset=800)
    while first.epoch < 2:
        first.run(max_batches=1, max_seconds=600)
    data = first.checkpoint()
    obj = ck.read_checkpoint(data, "run.ckpt")
    assert obj["epoch"] == 2 and set(obj) >= {"model_state_dict", "optimizer_state_dict", "loss"}
    sd = ck.read_state_dict(data, "run.ckpt")  # the model entry of a checkpoint
    assert all(torch.equal(sd[k], v) for k, v in first.model.state_dict().items())
    resumed = trn.resume(obj, lambda name, tr: train if tr else test)
    assert resumed.epoch == 2 and resumed.history.test_accuracy == first.history.test_accuracy
    while not resumed.done:
        resumed.run(max_seconds=10)
    a, b = full.model.state_dict(), resumed.model.state_dict()
    assert all(torch.equal(a[k], b[k]) for k in a)
    assert resumed.history.test_loss == full.history.test_loss  # the curve continues


def test_missing_extra_and_mismatched_keys_are_named():
    model = md.build_model(md.PRESETS["tutorial"])
    sd = dict(model.state_dict())
    sd.pop("linear_relu_stack.2.bias")
    sd["head.weight"] = torch.zeros(3)
    sd["linear_relu_stack.4.weight"] = torch.zeros(5, 512)
    report = ck.compare(model, sd)
    assert report.missing == ["linear_relu_stack.2.bias"] and report.unexpected == ["head.weight"]
    assert report.mismatched == [("linear_relu_stack.4.weight", (5, 512), (10, 512))]
    text = "\n".join(report.lines())
    assert "missing key: linear_relu_stack.2.bias" in text and "unexpected key: head.weight" in text
    assert (
        "shape mismatch: linear_relu_stack.4.weight: the file has (5, 512), the model has (10, 512)"
        in text
    )
    before = model.linear_relu_stack[0].weight.clone()
    assert not ck.load_into(model, sd, strict=True).ok
    assert torch.equal(model.linear_relu_stack[0].weight, before)  # nothing loaded


def test_non_strict_load_takes_the_keys_that_fit():
    model = md.build_model(md.PRESETS["tutorial"], seed=1)
    source = md.build_model(md.PRESETS["tutorial"], seed=2).state_dict()
    source.pop("linear_relu_stack.4.bias")
    source["extra"] = torch.ones(1)
    report = ck.load_into(model, source, strict=False)
    assert report.missing == ["linear_relu_stack.4.bias"] and report.unexpected == ["extra"]
    assert torch.equal(model.linear_relu_stack[0].weight, source["linear_relu_stack.0.weight"])


def test_train_and_eval_modes_and_reload():
    specs = md.PRESETS["modern_cnn"]
    demo = ck.train_vs_eval(
        md.build_model(specs), torch.rand(2, 1, 28, 28), md.build_model(specs, seed=7)
    )
    assert demo.train_differs and demo.eval_same and demo.reload_same
    assert [r[3] for r in demo.rows()] == [True, False, False]


def test_image_upload_becomes_model_input():
    from PIL import Image

    buf = io.BytesIO()
    Image.new("RGB", (64, 40), (255, 0, 0)).save(buf, format="PNG")
    x = ck.image_to_input(buf.getvalue(), (1, 28, 28))
    assert x.shape == (1, 1, 28, 28) and 0 < x.mean() < 1
    assert ck.image_to_input(buf.getvalue(), (3, 32, 32))[0, 0].mean() == pytest.approx(1.0)


@pytest.mark.parametrize("fmt", ["safetensors", "pth", "checkpoint", "whole", "explorer", "load"])
def test_save_and_load_scripts_run_standalone_on_the_pages_model(fmt, tmp_path):
    specs = md.PRESETS["tutorial"]
    code = {"explorer": ck.explorer_code(specs, 4), "load": ck.load_code(specs, 4)}.get(fmt)
    ns = run_snippet(code or ck.save_code(fmt, specs, 4))
    ours = md.build_model(specs, seed=4).state_dict()
    theirs = ns["model"].state_dict()
    assert list(theirs) == list(ours) and all(torch.equal(theirs[k], ours[k]) for k in ours)
    if fmt == "load":
        assert "[] []" in ns["__stdout__"]  # no missing, no unexpected keys
    if fmt == "explorer":
        assert "linear_relu_stack.0.weight (512, 784) torch.float32" in ns["__stdout__"]


def test_snippets_round_trip(tmp_path, monkeypatch):
    """The Save and Load snippets run as shown and give back the same weights."""
    monkeypatch.chdir(tmp_path)
    model = md.build_model(md.PRESETS["tutorial"], seed=5)
    for fmt in ("safetensors", "pth"):
        namespace = {"model": model}
        exec(compile(ck.SAVE_CODE[fmt], "<snippet>", "exec"), namespace)
    for path in ("model_weights.pth", "model.safetensors"):
        namespace = {"model": md.build_model(md.PRESETS["tutorial"], seed=9), "path": path}
        exec(compile(ck.LOAD_CODE, "<snippet>", "exec"), namespace)
        assert torch.equal(
            namespace["model"].linear_relu_stack[0].weight, model.linear_relu_stack[0].weight
        )


# -- hostile files ---------------------------------------------------------------------------
class Gadget:
    """Pickles as ``fn(*args)``: what an attacker's checkpoint would run on load."""

    def __init__(self, fn, *args):
        self.fn, self.args = fn, args

    def __reduce__(self):
        return self.fn, self.args

    def __call__(self, *args):  # pickle wants the callable of a nested call to be callable
        raise RuntimeError("never called in the test process")


class EvilTensor(torch.Tensor):
    def __reduce_ex__(self, protocol):
        return (os.system, (self._cmd,))


def _payloads(canary: Path) -> dict[str, object]:
    def cmd(tag: str) -> str:
        return f"touch {canary}/{tag}"

    def pyfile(tag: str) -> str:
        script = canary / f"{tag}.py"
        script.write_text(f"open({str(canary / tag)!r}, 'w').close()\n")
        return str(script)

    evil = EvilTensor(torch.zeros(1))
    evil._cmd = cmd("tensor_subclass")
    inner = pickle.dumps(Gadget(os.system, cmd("nested_inner")))
    return {
        "os.system": Gadget(os.system, cmd("os_system")),
        "os.popen": Gadget(os.popen, cmd("os_popen")),
        "subprocess.Popen": Gadget(subprocess.Popen, ["touch", f"{canary}/popen"]),
        "subprocess.call": Gadget(subprocess.call, ["touch", f"{canary}/call"]),
        "subprocess.run": Gadget(subprocess.run, ["touch", f"{canary}/run"]),
        "builtins.eval": Gadget(eval, f"open({str(canary / 'eval')!r}, 'w')"),
        "builtins.exec": Gadget(exec, f"open({str(canary / 'exec')!r}, 'w').close()"),
        "builtins.compile+exec": Gadget(
            exec, Gadget(compile, f"open({str(canary / 'compile')!r}, 'w')", "x", "exec")
        ),
        "builtins.open": Gadget(open, str(canary / "open"), "w"),
        "builtins.__import__": Gadget(
            Gadget(getattr, Gadget(__import__, "os"), "system"), cmd("dunder_import")
        ),
        "importlib.import_module": Gadget(
            Gadget(getattr, Gadget(importlib.import_module, "os"), "system"), cmd("import_module")
        ),
        "getattr chain": Gadget(
            Gadget(getattr, Gadget(getattr, Gadget(importlib.import_module, "os"), "path"), "join"),
            "a",
        ),
        "getattr system": Gadget(
            Gadget(getattr, Gadget(importlib.import_module, "posix"), "system"), cmd("posix")
        ),
        "functools.partial": Gadget(Gadget(functools.partial, os.system, cmd("partial"))),
        "operator.attrgetter": Gadget(
            Gadget(operator.attrgetter("system"), Gadget(importlib.import_module, "os")),
            cmd("attrgetter"),
        ),
        "operator.methodcaller": Gadget(
            Gadget(
                operator.methodcaller("system", cmd("methodcaller")),
                Gadget(importlib.import_module, "os"),
            )
        ),
        "runpy.run_path": Gadget(runpy.run_path, pyfile("runpy_path")),
        "runpy.run_module": Gadget(runpy.run_module, "this"),
        "entry point (importlib.metadata)": Gadget(
            Gadget(getattr, Gadget(importlib.import_module, "importlib.metadata"), "entry_points")
        ),
        "pip-style main": Gadget(
            Gadget(getattr, Gadget(importlib.import_module, "os"), "execv"),
            "/bin/sh",
            ["sh", "-c", cmd("execv")],
        ),
        "nested pickle": Gadget(pickle.loads, inner),
        "tensor subclass __reduce__": {"weight": evil},
        "inside a state_dict": {
            "linear.weight": torch.zeros(2),
            "linear.bias": Gadget(os.system, cmd("in_sd")),
        },
        "inside a checkpoint": {
            "epoch": 1,
            "model_state_dict": {"w": Gadget(os.system, cmd("in_ckpt"))},
        },
        "shutil.rmtree": Gadget(
            Gadget(getattr, Gadget(importlib.import_module, "shutil"), "rmtree"),
            str(canary / "nothing"),
        ),
        "code.InteractiveInterpreter": Gadget(
            Gadget(
                getattr,
                Gadget(
                    Gadget(
                        getattr, Gadget(importlib.import_module, "code"), "InteractiveInterpreter"
                    )
                ),
                "runsource",
            ),
            f"open({str(canary / 'code')!r}, 'w').close()",
        ),
        "timeit": Gadget(
            Gadget(getattr, Gadget(importlib.import_module, "timeit"), "timeit"),
            f"open({str(canary / 'timeit')!r}, 'w').close()",
            "pass",
            None,
            1,
        ),
    }


def _as_files(obj: object) -> dict[str, bytes]:
    """The same payload as a legacy pickle and as torch.save's zip, under several names."""
    raw = pickle.dumps(obj, protocol=2)
    buf = io.BytesIO()
    try:
        torch.save(obj, buf)
        zipped = buf.getvalue()
    except Exception:
        zipped = None
    files = {"raw.pth": raw, "raw.ckpt": raw}
    if zipped:
        files |= {"zip.pt": zipped, "zip.pth": zipped}
    return files


def test_payloads_are_live_when_unpickled_unsafely(tmp_path):
    """The gadgets are real: plain pickle.loads in a child process creates the canaries."""
    canary = tmp_path / "canary"
    canary.mkdir()
    payloads = _payloads(canary)
    blobs = tmp_path / "blobs"
    blobs.mkdir()
    for k, name in enumerate(
        (
            "os.system",
            "subprocess.Popen",
            "builtins.exec",
            "functools.partial",
            "nested pickle",
            "runpy.run_path",
        )
    ):
        (blobs / f"{k}.pkl").write_bytes(pickle.dumps(payloads[name], protocol=2))
    script = textwrap.dedent(
        f"""
        import pickle, pathlib, time
        for f in sorted(pathlib.Path({str(blobs)!r}).glob("*.pkl")):
            try:
                pickle.loads(f.read_bytes())
            except Exception:
                pass
        time.sleep(0.5)
        """
    )
    subprocess.run([sys.executable, "-c", script], cwd=tmp_path, timeout=60, check=False)
    made = {p.name for p in canary.iterdir() if not p.name.endswith(".py")}
    assert {"os_system", "popen", "exec", "partial", "nested_inner", "runpy_path"} <= made


def test_malicious_checkpoints_are_refused_and_nothing_runs(tmp_path, monkeypatch):
    canary = tmp_path / "canary"
    canary.mkdir()
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("TORCH_FORCE_NO_WEIGHTS_ONLY_LOAD", "1")  # an override we must not honour
    payloads = _payloads(canary)
    assert len(payloads) >= 25
    refused = 0
    for _name, obj in payloads.items():
        for filename, blob in _as_files(obj).items():
            with pytest.raises(UnsafeCheckpointError, match="refused"):
                ck.read_state_dict(blob, filename)
            refused += 1
    assert refused >= 50
    assert [p.name for p in canary.iterdir() if not p.name.endswith(".py")] == []


def test_whole_model_pickle_is_refused_as_unsafe():
    model = md.build_model(md.PRESETS["tutorial"])
    with pytest.raises(UnsafeCheckpointError, match="Python objects"):
        ck.read_state_dict(ck.whole_model_bytes(model), "model.pt")


def _saved(obj: object) -> bytes:
    buf = io.BytesIO()
    torch.save(obj, buf)
    return buf.getvalue()


def test_broken_files_get_their_own_messages(monkeypatch):
    good = ck.weights_bytes(md.build_model(md.PRESETS["tutorial"]))
    cases = [
        (b"", "x.pth", "empty"),
        (good[: len(good) // 2], "x.pth", "truncated"),
        (good[:100], "x.pth", "truncated"),
        (b"hello world", "x.pth", "not a readable PyTorch file|truncated"),
        (good, "model.exe", "Use a .pth"),
        (good, "weights.txt", "Use a .pth"),
        (b"\x00" * 64, "x.safetensors", "not a valid safetensors"),
        (
            ck.safetensors_bytes(md.build_model(md.PRESETS["tutorial"]))[:500],
            "x.safetensors",
            "not a valid safetensors",
        ),
        (_saved([1, 2, 3]), "x.pth", "holds a list"),
        (_saved({"a": 1}), "x.pth", "not named tensors"),
        (pickle.dumps([1, 2, 3], protocol=2), "x.pth", "truncated"),
    ]
    for data, name, message in cases:
        with pytest.raises(CheckpointError, match=message):
            ck.read_state_dict(data, name)
    monkeypatch.setenv("PLAYGROUND_MAX_UPLOAD_MB", "1")
    with pytest.raises(CheckpointError, match="limit is 1 MB. Nothing was read"):
        ck.read_state_dict(good, "x.pth")


def test_zip_with_a_malicious_data_pkl_is_refused(tmp_path):
    """A hand-made torch zip whose data.pkl calls os.system."""
    canary = tmp_path / "zipped"
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:
        zf.writestr(
            "archive/data.pkl", pickle.dumps(Gadget(os.system, f"touch {canary}"), protocol=2)
        )
        zf.writestr("archive/version", "3\n")
        zf.writestr("archive/byteorder", "little")
    with pytest.raises(UnsafeCheckpointError):
        ck.read_state_dict(buf.getvalue(), "evil.pth")
    assert not canary.exists()


def test_onnx_export_is_a_valid_model():
    onnx = pytest.importorskip("onnx", reason='ONNX export is the optional ".[onnx]" extra')
    model = md.build_model(md.PRESETS["lenet"], seed=0)
    proto = onnx.load_from_string(ck.save_bytes("onnx", model, input_shape=(1, 28, 28)))
    onnx.checker.check_model(proto)
    dims = [d.dim_value for d in proto.graph.input[0].type.tensor_type.shape.dim]
    assert dims == [1, 1, 28, 28] and proto.graph.output[0].name == "logits"
    weights = {i.name for i in proto.graph.initializer}
    assert {"conv1.weight", "fc3.bias"} <= weights or len(weights) >= 10


def test_onnx_missing_is_explained(monkeypatch):
    from playground.save_load import checkpoint

    monkeypatch.setattr(checkpoint, "onnx_available", lambda: False)  # where save_bytes looks
    with pytest.raises(CheckpointError, match=r'pip install -e "\.\[onnx\]"'):
        ck.save_bytes("onnx", md.build_model(md.PRESETS["tutorial"]))


def test_resume_uses_the_saved_dataset_and_refuses_one_that_differs():
    from playground.core.errors import DatasetError, TrainingError
    from playground.data.datasets import ImageDataset

    big, test = make_offline_dataset(0, n=12_000), make_offline_dataset(0, train=False)
    small = ImageDataset(big.images[:10_000], big.targets[:10_000], big.classes)
    run = trn.Trainer(md.PRESETS["tutorial"], (1, 28, 28), big, test, trn.TrainConfig(epochs=1),
                      subset=12_000, dataset="FashionMNIST")  # fmt: skip
    run.run(max_batches=3, max_seconds=600)
    obj = ck.read_checkpoint(run.checkpoint(), "run.ckpt")
    assert obj["dataset"] == "FashionMNIST" and obj["subset"] == 12_000
    asked = []

    def datasets(name, train):
        asked.append(name)
        return small if train else test  # this server's copy has only 10,000 samples

    with pytest.raises(TrainingError) as err:
        trn.resume(obj, datasets)
    assert asked[0] == "FashionMNIST" and err.value.key == "err.training.resume_differs"
    assert "12,000 samples of FashionMNIST" in str(err.value)

    def missing(name, train):
        raise DatasetError("err.data.unknown_dataset_name", name=name)

    with pytest.raises(TrainingError) as err:
        trn.resume(obj, missing)
    assert err.value.key == "err.training.resume_missing"
    resumed = trn.resume(obj, lambda name, tr: big if tr else test)
    assert resumed.dataset == "FashionMNIST" and resumed.batch == 3 and resumed.n == 12_000
    resumed.run(max_batches=2, max_seconds=600)  # the restored order indexes all 12,000 samples


@pytest.mark.slow
def test_the_modes_snippet_is_a_complete_script_that_shows_what_the_page_shows():
    result = subprocess.run(
        [sys.executable, "-c", ck.modes_code(3)], capture_output=True, text=True, timeout=120,
        cwd=os.path.dirname(os.__file__), env={**os.environ, "PYTHONPATH": ""},
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    page = ck.train_vs_eval(
        md.build_model(md.PRESETS["modern_cnn"], seed=3),
        torch.rand(2, 1, 28, 28, generator=torch.Generator().manual_seed(3)),
        md.build_model(md.PRESETS["modern_cnn"], seed=4),
    )
    # train() differs, eval() agrees, and the eval() row is the page's
    assert result.stdout.strip().splitlines()[-3:] == ["False", "True", page.rows()[1][1]]
    assert [row[-1] for row in page.rows()][:2] == [True, False]  # the page's "differ" column


@pytest.mark.slow  # a fresh script per preset: 2-3 s each here
@pytest.mark.parametrize("preset", ["tutorial", "lenet"])
def test_the_inference_script_predicts_what_the_page_predicts(preset):
    from playground import layers as md
    from playground.data.torchvision_raw import load_dataset
    from playground.layers.figures import probabilities
    from playground.save_load.code import inference_code
    from tests.snippets import run_snippet

    specs, index, seed = md.PRESETS[preset], 17, 3
    model = md.build_model(specs, seed=seed).eval()
    test = load_dataset("offline", train=False)
    with torch.no_grad():
        probs, pred = probabilities(model(test.images[index : index + 1].float() / 255))
    ns = run_snippet(inference_code(specs, seed, index))
    torch.testing.assert_close(ns["pred_probab"], probs)
    assert ns["predicted"] == test.classes[int(pred[0])]
    assert ns["actual"] == test.classes[int(test.targets[index])]


def test_the_onnx_explanation_is_one_sentence_about_one_exporter():
    from playground.core.i18n import t

    for lang in ("en", "zh"):
        text = t("save.why.onnx", lang)
        assert text.count("torch.onnx.export") == 1 and "dynamo=True" in text


@pytest.mark.parametrize("seed", [0, 5])
def test_the_train_eval_script_prints_the_pages_eval_numbers(seed, tmp_path):
    from playground import layers as md
    from playground import save_load as ck
    from playground.save_load.code import modes_code
    from tests.snippets import run_standalone

    specs = md.PRESETS["modern_cnn"]
    x = torch.rand(2, 1, 28, 28, generator=torch.Generator().manual_seed(seed))
    demo = ck.train_vs_eval(
        md.build_model(specs, seed=seed), x, md.build_model(specs, seed=seed + 1)
    )
    printed = run_standalone(modes_code(seed), tmp_path).strip().splitlines()
    assert printed[-3:] == ["False", "True", demo.rows()[1][1]]  # the page's eval() row
