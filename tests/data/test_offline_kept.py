"""The offline set, drawn once and kept in the data folder for the next start."""

from __future__ import annotations

import os

import torch

from playground.data import offline
from playground.data.datasets import make_offline_dataset
from playground.data.torchvision_raw import load_dataset


def _kept(folder):
    return sorted((folder / "offline").glob("*.safetensors"))


def test_a_kept_set_is_read_back_bit_for_bit(tmp_path):
    images, labels = offline.make_offline(True, 3, 120, 28)
    first = make_offline_dataset(3, n=120, folder=tmp_path)
    (path,) = _kept(tmp_path)
    assert torch.equal(first.images, images) and torch.equal(first.targets, labels)
    os.utime(path, (1, 1))  # read, not drawn again: the file is left as it was
    second = make_offline_dataset(3, n=120, folder=tmp_path)
    assert torch.equal(second.images, images) and torch.equal(second.targets, labels)
    assert path.stat().st_mtime == 1
    assert not list((tmp_path / "offline").glob("*.tmp"))


def test_each_seed_split_and_size_has_its_own_file(tmp_path):
    make_offline_dataset(0, n=40, folder=tmp_path)
    make_offline_dataset(1, n=40, folder=tmp_path)
    make_offline_dataset(0, train=False, n=40, folder=tmp_path)
    make_offline_dataset(0, n=40, size=16, folder=tmp_path)
    assert len(_kept(tmp_path)) == 4
    other = make_offline_dataset(1, n=40, folder=tmp_path)
    assert torch.equal(other.images, offline.make_offline(True, 1, 40, 28)[0])


def test_a_torn_or_foreign_file_is_drawn_again(tmp_path):
    make_offline_dataset(0, n=40, folder=tmp_path)
    (path,) = _kept(tmp_path)
    want = offline.make_offline(True, 0, 40, 28)[0]
    for junk in (b"", b"not a safetensors file", path.read_bytes()[: len(path.read_bytes()) // 2]):
        path.write_bytes(junk)
        assert torch.equal(make_offline_dataset(0, n=40, folder=tmp_path).images, want)
    assert len(path.read_bytes()) > 40 * 28 * 28  # and kept whole again


def test_a_read_only_folder_keeps_nothing_and_still_works(tmp_path):
    folder = tmp_path / "ro"
    folder.mkdir()
    folder.chmod(0o500)
    try:
        ds = make_offline_dataset(0, n=40, folder=folder)
        assert torch.equal(ds.images, offline.make_offline(True, 0, 40, 28)[0])
    finally:
        folder.chmod(0o700)
    if os.geteuid() != 0:  # root writes anyway
        assert not (folder / "offline").exists()


def test_load_dataset_keeps_the_offline_set_in_the_data_root(tmp_path):
    ds = load_dataset("offline", train=False, root=tmp_path)
    assert len(ds) == 10_000 and len(_kept(tmp_path)) == 1
    assert torch.equal(load_dataset("offline", train=False, root=tmp_path).images, ds.images)
