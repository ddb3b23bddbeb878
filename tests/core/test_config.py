"""Environment-variable limits and offline dataset detection."""

from __future__ import annotations

from playground.core.config import env_int, limits
from playground.data.datasets import TORCHVISION_FILES, dataset_status


def test_env_int_parses_and_guards(monkeypatch):
    monkeypatch.setenv("X_LIMIT", "42")
    assert env_int("X_LIMIT", 7) == 42
    monkeypatch.setenv("X_LIMIT", "lots")
    assert env_int("X_LIMIT", 7) == 7
    monkeypatch.setenv("X_LIMIT", "-5")
    assert env_int("X_LIMIT", 7) == 1


def test_limits_follow_the_environment(monkeypatch, tmp_path):
    monkeypatch.setenv("PLAYGROUND_MAX_ELEMENTS", "1234")
    monkeypatch.setenv("PLAYGROUND_MAX_MB", "3")
    monkeypatch.setenv("PLAYGROUND_DATA_DIR", str(tmp_path))
    lim = limits()
    assert lim.max_elements == 1234 and lim.max_bytes == 3 * 2**20 and lim.data_dir == tmp_path


def test_dataset_status_sees_torchvision_files(tmp_path):
    rows = {r.key: r for r in dataset_status(tmp_path)}
    assert rows["offline"].offline and rows["offline"].missing == 0
    fashion = rows["FashionMNIST"]
    assert not fashion.offline and (fashion.missing, fashion.total) == (4, 4)
    assert fashion.folder == str(tmp_path / "FashionMNIST")
    for rel in TORCHVISION_FILES["FashionMNIST"]:
        (tmp_path / rel).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / rel).write_bytes(b"\0")
    rows = {r.key: r for r in dataset_status(tmp_path)}
    assert (
        rows["FashionMNIST"].offline and not rows["MNIST"].offline and not rows["CIFAR10"].offline
    )


def test_dataset_titles_speak_the_pages_language():
    from playground.data.datasets import dataset_title

    assert dataset_title("offline") == "Offline shapes (built in, synthetic)"
    assert dataset_title("offline", "zh") == "离线形状数据集（内置、合成）"
    assert dataset_title("CIFAR10", "zh") == "CIFAR-10"  # a proper name stays as it is
