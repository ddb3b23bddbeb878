"""Shared fixtures: the repository root on sys.path, and where the real sample data lives."""

from __future__ import annotations

import os
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

# Tests see the real error text; hosted users get the redacted message from config.toml.
os.environ.setdefault("STREAMLIT_CLIENT_SHOW_ERROR_DETAILS", "full")

SHARED_SAMPLE = ROOT.parent / "shared" / "data" / "fashion-mnist-sample"


@pytest.fixture
def fashion_sample() -> Path:
    if not (SHARED_SAMPLE / "images-idx3-ubyte.gz").is_file():
        pytest.skip(f"real FashionMNIST sample not present at {SHARED_SAMPLE}")
    return SHARED_SAMPLE
