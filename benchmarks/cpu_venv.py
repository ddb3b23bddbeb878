"""Build a venv with CPU-only PyTorch, to measure the app as Community Cloud runs it.

No CPU torchvision wheel exists on this machine and its source is too large to fetch
here, so this venv pairs ``torch 2.13.0+cpu`` (on disk in /opt/wheels) with PyPI's
``torchvision 0.28.0`` (the matching release) installed without its dependencies.
That wheel's ``_C.so`` is a CUDA build and cannot load beside CPU torch, so the venv's
``sitecustomize.py`` declares the two op schemas torchvision's Python registers fake
kernels for (``nms``, ``qnms``). The app calls no torchvision C++ op; a real CPU build
would add only its ``_C.so`` (about 9 MB on disk in the CUDA wheel).

Run: python benchmarks/cpu_venv.py /tmp/cpuvenv
then: /tmp/cpuvenv/bin/python benchmarks/bench_startup.py
"""

from __future__ import annotations

import re
import subprocess
import sys
from importlib.metadata import requires
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
TORCH = "/opt/wheels/torch-2.13.0+cpu-cp311-cp311-manylinux_2_28_x86_64.whl"
SHIM = """# Written by benchmarks/cpu_venv.py: see its docstring.
import torch

_lib = torch.library.Library("torchvision", "DEF")
_lib.define("nms(Tensor dets, Tensor scores, float iou_threshold) -> Tensor")
_lib.define("qnms(Tensor qdets, Tensor scores, float iou_threshold) -> Tensor")
"""


def main(target: Path) -> None:
    subprocess.run([sys.executable, "-m", "venv", str(target)], check=True)
    pip = [str(target / "bin" / "python"), "-m", "pip", "install", "-q"]
    subprocess.run([*pip, TORCH], check=True)
    subprocess.run([*pip, "--no-deps", "torchvision==0.28.0"], check=True)
    # Everything else the app and its tests declare (pyproject.toml, as installed here).
    wanted = [r.split(";")[0] for r in requires("pytorch-playground") or []
              if ";" not in r or 'extra == "test"' in r]  # fmt: skip
    deps = [d for d in wanted if re.split(r"[<>=\[ ]", d)[0] not in ("torch", "torchvision")]
    subprocess.run([*pip, *deps], check=True)
    site = next((target / "lib").glob("python3*/site-packages"))
    (site / "sitecustomize.py").write_text(SHIM)
    out = subprocess.run(
        [str(target / "bin" / "python"), "-c", "import torch, torchvision; print(torch.__version__, torchvision.__version__)"],
        check=True, capture_output=True, text=True, cwd=ROOT,
    )  # fmt: skip
    print(out.stdout.strip())


if __name__ == "__main__":
    main(Path(sys.argv[1] if len(sys.argv) > 1 else "/tmp/cpuvenv"))
