"""The data layer: offline dataset, torchvision raw formats, downloads under a lock, uploads."""

from __future__ import annotations

import io
import pickle
import stat
import struct
import threading
import time
import zipfile
from pathlib import Path

import pytest
import torch

from playground import data as dt
from playground import data as ld
from playground.core.errors import DatasetError, UploadError
from playground.data.upload import CUSTOM_DATASET_CODE, UploadLimits, read_image_zip
from playground.plots.images import make_grid_figure
from tests.hostile import files
from tests.snippets import run_in_process, run_snippet


# -- torchvision's raw formats, written by the tests ------------------------------------
def write_idx(path: Path, tensor: torch.Tensor) -> None:
    """IDX as MNIST ships it: magic (0, 0, 0x08 = uint8, ndim), big-endian sizes, data."""
    path.parent.mkdir(parents=True, exist_ok=True)
    header = struct.pack(">I", 0x0800 + tensor.dim()) + b"".join(
        struct.pack(">I", s) for s in tensor.shape
    )
    path.write_bytes(header + tensor.to(torch.uint8).contiguous().numpy().tobytes())


def write_mnist(root: Path, name: str, n_train: int = 30, n_test: int = 12) -> dict:
    g = torch.Generator().manual_seed(1)
    made = {}
    for prefix, n in (("train", n_train), ("t10k", n_test)):
        images = torch.randint(0, 256, (n, 28, 28), generator=g, dtype=torch.uint8)
        labels = torch.arange(n) % 10
        write_idx(root / name / "raw" / f"{prefix}-images-idx3-ubyte", images)
        write_idx(root / name / "raw" / f"{prefix}-labels-idx1-ubyte", labels)
        made[prefix] = (images, labels)
    return made


def write_cifar(root: Path) -> torch.Tensor:
    base = root / "cifar-10-batches-py"
    base.mkdir(parents=True)
    g = torch.Generator().manual_seed(2)
    first = None
    for name in [f"data_batch_{i}" for i in range(1, 6)] + ["test_batch"]:
        data = torch.randint(0, 256, (4, 3072), generator=g, dtype=torch.uint8)
        first = data if first is None else first
        entry = {"data": data.numpy(), "labels": [0, 1, 2, 9], "batch_label": name}
        (base / name).write_bytes(pickle.dumps(entry))
    meta = {
        "label_names": [
            "airplane",
            "automobile",
            "bird",
            "cat",
            "deer",
            "dog",
            "frog",
            "horse",
            "ship",
            "truck",
        ]
    }
    (base / "batches.meta").write_bytes(pickle.dumps(meta))
    return first


@pytest.mark.parametrize("name", ["FashionMNIST", "MNIST"])
def test_mnist_family_reads_idx_written_in_torchvision_format(tmp_path, name):
    made = write_mnist(tmp_path, name)
    for train, key in ((True, "train"), (False, "t10k")):
        ds = dt.load_dataset(name, root=tmp_path, train=train)
        images, labels = made[key]
        assert ds.images.shape == (len(images), 1, 28, 28)
        assert torch.equal(ds.images[:, 0], images) and torch.equal(ds.targets, labels)
    assert ds.classes == dt.DATASETS[name].classes
    assert {s.key: s.offline for s in dt.dataset_status(tmp_path)}[name]


def test_fashion_classes_are_the_tutorials():
    assert dt.DATASETS["FashionMNIST"].classes[0] == "T-shirt/top"
    assert dt.DATASETS["FashionMNIST"].classes[-1] == "Ankle boot"


def test_cifar10_reads_pickled_batches(tmp_path):
    first = write_cifar(tmp_path)
    ds = dt.load_dataset("CIFAR10", root=tmp_path, train=True)
    assert ds.images.shape == (20, 3, 32, 32)
    assert torch.equal(ds.images[0].reshape(-1), first[0])
    assert ds.targets[:4].tolist() == [0, 1, 2, 9]
    assert ds.classes[1] == "automobile"
    assert len(dt.load_dataset("CIFAR10", root=tmp_path, train=False)) == 4


def test_real_fashion_sample_loads_through_the_same_path(fashion_root):
    ds = dt.load_dataset("FashionMNIST", root=fashion_root, train=False)
    assert ds.images.shape == (4443, 1, 28, 28) and ds.images.dtype == torch.uint8
    assert set(ds.targets.tolist()) == set(range(10))
    assert ds.classes[9] == "Ankle boot"
    assert 50 < ds.images.float().mean() < 100  # real clothes on black: FashionMNIST's mean is ~73


def test_missing_dataset_without_download_says_so(tmp_path):
    with pytest.raises(DatasetError, match="not on this server yet"):
        dt.load_dataset("MNIST", root=tmp_path)
    with pytest.raises(DatasetError, match="Unknown dataset"):
        dt.load_dataset("ImageNet", root=tmp_path)


def test_failed_download_offers_the_offline_dataset(tmp_path, monkeypatch):
    import torchvision

    def offline(*args, **kwargs):
        raise OSError("Name or service not known")

    monkeypatch.setattr(torchvision.datasets, "FashionMNIST", offline)
    with pytest.raises(DatasetError, match="offline dataset"):
        dt.load_dataset("FashionMNIST", root=tmp_path, download=True)


def test_concurrent_downloads_happen_once(tmp_path, monkeypatch):
    import torchvision

    calls = []

    class FakeFashion:  # stands in for the network: writes the raw files torchvision would
        def __init__(self, root, train, download):
            assert download is True
            calls.append(threading.get_ident())
            time.sleep(0.2)
            write_mnist(Path(root), "FashionMNIST")

    monkeypatch.setattr(torchvision.datasets, "FashionMNIST", FakeFashion)
    results, errors = [], []

    def student():
        try:
            results.append(len(dt.load_dataset("FashionMNIST", root=tmp_path, download=True)))
        except Exception as err:
            errors.append(err)

    threads = [threading.Thread(target=student) for _ in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == [] and results == [30] * 8
    assert len(calls) == 1
    assert (tmp_path / ".FashionMNIST.lock").exists()


# -- the offline dataset ------------------------------------------------------------------
def test_offline_dataset_is_deterministic_balanced_and_sized():
    a = dt.make_offline_dataset(3, train=False)
    b = dt.make_offline_dataset(3, train=False)
    c = dt.make_offline_dataset(4, train=False)
    assert torch.equal(a.images, b.images) and torch.equal(a.targets, b.targets)
    assert not torch.equal(a.images, c.images)
    assert len(a) == 10_000 and a.class_counts().tolist() == [1000] * 10
    train = dt.make_offline_dataset(3, train=True)
    assert len(train) == 60_000 and train.class_counts().tolist() == [6000] * 10  # FashionMNIST's
    assert not torch.equal(train.images[:10_000], a.images)  # the splits differ
    assert a.images.dtype == torch.uint8 and a.images.shape[1:] == (1, 28, 28)


def test_offline_classes_differ_in_their_pixels():
    ds = dt.make_offline_dataset(0, train=False)
    means = torch.stack([ds.images[ds.targets == k].float().mean(0) for k in range(10)])
    # Each class's mean image is closer to itself than to any other class's.
    dist = torch.cdist(means.reshape(10, -1), means.reshape(10, -1))
    assert (dist + torch.eye(10) * 1e9).min() > 1.0


# -- uploads ------------------------------------------------------------------------------
def _zip(
    members: dict[str, bytes], *, symlink: str | None = None, level=zipfile.ZIP_DEFLATED
) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", level) as zf:
        for name, blob in members.items():
            zf.writestr(name, blob)
        if symlink:
            info = zipfile.ZipInfo(symlink)
            info.external_attr = (stat.S_IFLNK | 0o777) << 16
            zf.writestr(info, "/etc/passwd")
    return buf.getvalue()


def _good() -> dict[str, bytes]:
    return {
        "data/labels.csv": b"file,label\na.png,cat\nb.png,dog\nc.png,cat\n",
        "data/a.png": files.png(color=10),
        "data/b.png": files.png((40, 20), color=200),
        "data/c.png": files.png(color=90),
    }


def test_good_upload_becomes_a_dataset():
    ds = read_image_zip(_zip(_good()))
    assert len(ds) == 3 and ds.classes == ("cat", "dog")
    assert ds.targets.tolist() == [0, 1, 0]
    assert ds.images.shape == (3, 1, 28, 28)
    assert int(ds.images[1].float().mean().round()) == 200  # resized, grey level kept
    image, label = ds[2]
    assert label == 0 and int(image[0, 0, 0]) == 90


def test_integer_labels_and_classes_txt():
    members = {"labels.csv": b"a.png,1\nb.png,0\n", "a.png": files.png(), "b.png": files.png()}
    assert read_image_zip(_zip(members)).classes == ("0", "1")
    members["classes.txt"] = b"shoe\nshirt\n"
    members["labels.csv"] = b"a.png,shirt\nb.png,0\n"
    ds = read_image_zip(_zip(members))
    assert ds.classes == ("shoe", "shirt") and ds.targets.tolist() == [1, 0]


HOSTILE = {
    "zip slip ..": (lambda: _zip({**_good(), "../evil.png": files.png()}), "zip slip"),
    "zip slip nested": (lambda: _zip({**_good(), "data/../../evil.png": files.png()}), "zip slip"),
    "absolute path": (lambda: _zip({**_good(), "/tmp/evil.png": files.png()}), "absolute path"),
    "drive letter": (lambda: _zip({**_good(), "C:/evil.png": files.png()}), "drive letter"),
    "backslashes": (lambda: _zip({**_good(), "..\\evil.png": files.png()}), "zip slip"),
    "symlink": (lambda: _zip(_good(), symlink="data/link.png"), "symbolic link"),
    "1000:1 bomb": (lambda: _zip({**_good(), "data/bomb.bin": b"\0" * 2_000_000}), "zip bomb"),
    "10,000 members": (
        lambda: _zip({**_good(), **{f"data/x{k}.txt": b"" for k in range(10_000)}}),
        "10,00",
    ),
    "30000x30000 png": (
        lambda: _zip({**_good(), "data/a.png": files.png_header(30000, 30000)}),
        "(a decompression bomb?). Nothing was decoded",
    ),
    "9 megapixel png": (
        lambda: _zip({**_good(), "data/a.png": files.png_header(3000, 3000)}),
        "(a.png): The image is 3000×3000 pixels; the limit is 4,000,000",
    ),
    "missing files": (
        lambda: _zip(
            {**_good(), "data/labels.csv": b"a.png,cat\nnope.png,dog\nb.png,cat\ngone.jpg,cat\n"}
        ),
        "line 2: nope.png, line 4: gone.jpg",
    ),
    "not an image": (
        lambda: _zip({**_good(), "data/b.png": b"#!/bin/sh\nrm -rf /\n"}),
        "not an image",
    ),
    "corrupt zip": (lambda: _zip(_good())[:-40] + b"garbage", "not a readable zip"),
    "random bytes": (lambda: b"PK\x03\x04" + bytes(range(256)) * 4, "not a readable zip"),
    "unknown label": (
        lambda: _zip({**_good(), "data/classes.txt": b"cat\n"}),
        "Unknown labels (not in classes.txt): line 3: 'dog'",
    ),
    "two csvs": (lambda: _zip({**_good(), "other.csv": b"a,b\n"}), "exactly one labels CSV"),
    "bad csv row": (
        lambda: _zip({**_good(), "data/labels.csv": b"a.png,cat,extra\n"}),
        "2 columns",
    ),
}


@pytest.mark.parametrize("case", sorted(HOSTILE))
def test_hostile_uploads_get_specific_messages(case, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    make, message = HOSTILE[case]
    before = set(Path(tmp_path).rglob("*")) | set(Path(tmp_path.parent).glob("*"))
    with pytest.raises(UploadError) as info:
        read_image_zip(make())
    assert message in str(info.value)
    assert set(Path(tmp_path).rglob("*")) | set(Path(tmp_path.parent).glob("*")) == before


def test_archive_size_cap():
    with pytest.raises(UploadError, match="over 1 MB"):
        read_image_zip(b"x" * (2 * 2**20), limits=UploadLimits(max_archive_bytes=2**20))


def test_custom_dataset_snippet_reads_the_same_labels(tmp_path, monkeypatch):
    folder = tmp_path / "my_images"
    folder.mkdir()
    for name, blob in _good().items():
        (folder / Path(name).name).write_bytes(blob)
    monkeypatch.chdir(tmp_path)
    ns = run_in_process(CUSTOM_DATASET_CODE)
    ours = read_image_zip(_zip(_good()))
    theirs = ns["dataset"]
    assert len(theirs) == len(ours)
    assert [theirs[i][1] for i in range(len(theirs))] == [
        ours.classes[int(t)] for t in ours.targets
    ]
    assert tuple(theirs[1][0].shape) == (1, 20, 40)  # the tutorial's class keeps the original size


# -- transforms and DataLoader ------------------------------------------------------------
@pytest.fixture(scope="module")
def offline_test():
    return dt.make_offline_dataset(0, train=False)


@pytest.fixture(scope="module")
def offline_train():
    return dt.make_offline_dataset(0)


def test_to_float_scales_to_unit_interval(offline_test):
    x = ld.to_float()(offline_test.images[:4])
    assert x.dtype == torch.float32
    assert torch.allclose(x * 255, offline_test.images[:4].float())


def test_one_hot_is_the_tutorials_scatter():
    assert ld.one_hot(3).tolist() == [0, 0, 0, 1, 0, 0, 0, 0, 0, 0]


def test_mean_std_and_normalize(offline_test):
    mean, std = ld.mean_std(offline_test)
    x = offline_test.images.double() / 255
    assert mean[0] == pytest.approx(x.mean().item()) and std[0] == pytest.approx(x.std().item())
    report = ld.normalize_report(offline_test)
    assert abs(report["new_mean"]) < 0.01 and report["new_std"] == pytest.approx(1.0, abs=0.01)


def test_pixel_histogram_counts_every_pixel(offline_test):
    centres, counts = ld.pixel_histogram(offline_test.images)
    assert sum(counts) == offline_test.images.numel() and len(centres) == 32
    _, counts = ld.pixel_histogram(ld.to_float()(offline_test.images[:10]))
    assert sum(counts) == 10 * 784


def test_flip_augmentation_is_a_real_flip(offline_test):
    imgs = offline_test.images[:3]
    assert torch.equal(ld.augment(imgs, "RandomHorizontalFlip", 0), imgs.flip(-1))
    for name in ld.AUGMENTATIONS:
        out = ld.augment(imgs, name, 5)
        assert out.shape == imgs.shape and out.dtype == torch.uint8
        assert torch.equal(out, ld.augment(imgs, name, 5))  # seeded


@pytest.mark.parametrize(("batch_size", "drop_last"), [(64, False), (64, True), (7, False)])
def test_first_batch_and_snippet_agree(offline_train, batch_size, drop_last):
    cfg = ld.LoaderSettings(batch_size=batch_size, shuffle=True, drop_last=drop_last, seed=11)
    b = ld.first_batch(offline_train, cfg)
    assert b.image_shape == (batch_size, 1, 28, 28) and b.label_shape == (batch_size,)
    full, rest = divmod(60_000, batch_size)
    assert b.n_batches == full + (0 if drop_last or not rest else 1)
    assert b.last_batch == (batch_size if drop_last or not rest else rest)
    ns = run_snippet(ld.loader_code("offline", cfg))
    assert tuple(ns["train_features"].shape) == b.image_shape
    assert torch.equal(ns["train_features"], b.images) and torch.equal(ns["train_labels"], b.labels)
    assert f"{b.n_batches} batches" in ns["__stdout__"]


def test_custom_collate_gives_the_same_batch(offline_train):
    cfg = ld.LoaderSettings(batch_size=16, seed=2)
    a = ld.first_batch(offline_train, cfg)
    b = ld.first_batch(offline_train, ld.LoaderSettings(batch_size=16, seed=2, custom_collate=True))
    assert torch.equal(a.images, b.images) and torch.equal(a.labels, b.labels)
    ns = run_snippet(
        ld.loader_code(
            "offline",
            ld.LoaderSettings(batch_size=16, seed=2, custom_collate=True),
        )
    )
    assert torch.equal(ns["train_labels"], a.labels)


def test_batch_assignment_is_the_dataloaders():
    plain = ld.batch_assignment(10, ld.LoaderSettings(batch_size=4, shuffle=False))
    assert plain == [[[0, 1, 2, 3], [4, 5, 6, 7], [8, 9]]] * 2
    dropped = ld.batch_assignment(
        10, ld.LoaderSettings(batch_size=4, shuffle=False, drop_last=True)
    )
    assert dropped[0] == [[0, 1, 2, 3], [4, 5, 6, 7]]
    shuffled = ld.batch_assignment(10, ld.LoaderSettings(batch_size=4, shuffle=True, seed=1))
    assert shuffled[0] != shuffled[1]  # a new order each epoch
    assert sorted(sum(shuffled[0], [])) == list(range(10))


def test_browse_snippet_picks_the_page_samples():
    ns = run_snippet(ld.browse_code("offline", 5))
    assert ns["idx"] == ld.sample_indices(60_000, 9, 5)


@pytest.mark.slow
def test_the_transforms_script_prints_the_pages_numbers(offline_train):
    """Fresh Python, only torch and torchvision: the same six samples, the same [0, 1]
    range, the same one-hot label and the same augmented pixels as the page."""
    seed = 3
    idx = ld.sample_indices(len(offline_train), 6, seed)
    raw = offline_train.images[idx]
    floats = ld.to_float()(raw)
    label = int(offline_train.targets[idx[0]])
    for name in ld.AUGMENTATIONS:
        out = run_snippet(ld.transforms_code("offline", name, seed))["__stdout__"].splitlines()
        assert out[0] == f"before: torch.uint8 {int(raw.min())} {int(raw.max())}"
        assert out[1] == f"after: torch.float32 {floats.min().item()} {floats.max().item()}"
        one_hot = ld.one_hot(label, len(offline_train.classes))
        assert out[2] == f"label {label} -> {one_hot}"
        after = ld.augment(raw, name, seed)
        assert out[3] == (
            f"augmented: {tuple(after.shape)} torch.uint8 mean {after.float().mean().item():.4f}"
        ), name


def test_grid_figure_is_one_png_with_labels(offline_test):
    fig = make_grid_figure(offline_test.images[:9], ["a"] * 9)
    assert fig.layout.images[0].source.startswith("data:image/png;base64,")
    assert [a.text for a in fig.layout.annotations] == ["a"] * 9


def test_worker_timing_reports_each_setting(offline_test):
    times = ld.time_workers(offline_test, (0,), max_samples=256)
    assert set(times) == {0} and times[0] > 0


def test_every_dataset_is_described_in_both_languages():
    from playground.core.i18n import t

    for key, info in dt.DATASETS.items():
        assert t(f"data.desc.{key}", "en") == info.description
        assert t(f"data.desc.{key}", "zh") != info.description


def test_download_reports_progress_from_the_files_on_disk(tmp_path, monkeypatch):
    import torchvision

    class SlowFashion:  # writes the raw files in steps, as a download would
        def __init__(self, root, train, download):
            raw = Path(root) / "FashionMNIST" / "raw"
            raw.mkdir(parents=True, exist_ok=True)
            for k in range(4):
                (raw / f"part{k}").write_bytes(b"\0" * (dt.DOWNLOAD_BYTES["FashionMNIST"] // 8))
                time.sleep(0.4)
            write_mnist(Path(root), "FashionMNIST")

    monkeypatch.setattr(torchvision.datasets, "FashionMNIST", SlowFashion)
    seen: list[float] = []
    ds = dt.load_dataset("FashionMNIST", root=tmp_path, download=True, progress=seen.append)
    assert len(ds) == 30
    assert seen[-1] == 1.0 and len(seen) >= 3
    assert seen == sorted(seen) and 0 < seen[1] < 1


@pytest.mark.slow  # over 2 s: left out of the fast loop
def test_num_workers_give_the_same_batch(offline_test):
    plain = ld.first_batch(offline_test, ld.LoaderSettings(batch_size=16, seed=4))
    workers = ld.first_batch(offline_test, ld.LoaderSettings(batch_size=16, seed=4, num_workers=1))
    assert torch.equal(plain.images, workers.images) and torch.equal(plain.labels, workers.labels)


def test_an_uploaded_dataset_splits_into_train_and_test_once_per_seed():
    from playground.core.errors import DatasetError
    from playground.data.datasets import make_offline_dataset, train_test_split

    ds = make_offline_dataset(0, n=50)
    train, test = train_test_split(ds)
    assert (len(train), len(test)) == (40, 10) and train.classes == ds.classes
    seen = torch.cat([train.images, test.images])
    assert sorted(seen.flatten(1).sum(1).tolist()) == sorted(ds.images.flatten(1).sum(1).tolist())
    again = train_test_split(ds)
    assert torch.equal(again[1].images, test.images)  # the same split every time
    with pytest.raises(DatasetError):
        train_test_split(make_offline_dataset(0, n=1))


def test_batch_numbers_get_one_distinct_colour_each():
    from playground.data.figures import make_assignment_figure

    fig = make_assignment_figure([[[0, 1], [2, 3], [4]]], 5)
    scale = fig.data[0].colorscale
    colours = [c for _, c in scale]
    assert colours[0::2] == colours[1::2]  # steps, not a gradient
    assert len(set(colours)) == 3 and (fig.data[0].zmin, fig.data[0].zmax) == (-0.5, 2.5)


def test_the_upload_tabs_script_writes_its_example_and_reads_it():
    ns = run_snippet(ld.custom_dataset_code())
    assert ns["__stdout__"].strip() == "8 torch.Size([1, 28, 28]) 0"


def test_the_servers_look_at_its_data_folder_is_shared_and_matches_the_files(tmp_path, monkeypatch):
    """Home, Data, Training and Convolution ask which datasets are on disk on every run; the
    answer is looked up once per data folder every DISK_RECHECK_S and shared."""
    from playground.ui import state

    monkeypatch.setenv("PLAYGROUND_DATA_DIR", str(tmp_path))
    state._on_disk.clear()
    empty = state.on_disk()
    assert empty.has("offline", train=True) and not empty.has("MNIST", train=True)
    assert state.on_disk() is empty  # a second session: no second look
    write_mnist(tmp_path, "MNIST")
    assert state.on_disk() is empty  # seen at the next look, within DISK_RECHECK_S
    assert 0 < state.DISK_RECHECK_S <= 10
    state._on_disk.clear()
    now = state.on_disk()
    assert now.has("MNIST", train=True) and now.has("MNIST", train=False)
    assert not now.has("FashionMNIST", train=False)
    assert now.statuses == tuple(dt.dataset_status(tmp_path))
    assert {s.key: s.offline for s in now.statuses} == {
        "offline": True,
        "FashionMNIST": False,
        "MNIST": True,
        "CIFAR10": False,
    }
