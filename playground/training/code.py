"""Show-the-code for training: the tutorial's script for the current settings.

Its step is :data:`~playground.training.step.STEP_CODE`, the same lines
:func:`~playground.training.step.train_step` runs.
"""

from __future__ import annotations

from collections.abc import Sequence

import torch

from playground.core.device import threads_code
from playground.data.code import dataset_parts, imports_of
from playground.layers.code import model_parts
from playground.layers.models import LayerSpec
from playground.training.config import TrainConfig
from playground.training.step import STEP_CODE


def loss_and_optimizer_code(cfg: TrainConfig, n_classes: int, lr: str) -> tuple[str, str]:
    """The script's ``loss_fn`` expression and optimizer arguments, as :func:`make_loss` and
    :func:`make_optimizer` build them."""
    opt_args = f"lr={lr}, weight_decay={cfg.weight_decay!r}"
    if cfg.optimizer == "SGD":
        opt_args += f", momentum={cfg.momentum!r}, nesterov={cfg.nesterov and cfg.momentum > 0}"
    one_hot = f"nn.functional.one_hot(y, {n_classes}).float()"
    loss = {
        "CrossEntropyLoss": "nn.CrossEntropyLoss()",
        "NLLLoss": "lambda pred, y: nn.NLLLoss()(nn.LogSoftmax(dim=1)(pred), y)",
        "MSELoss": f"lambda pred, y: nn.MSELoss()(pred, {one_hot})",
    }[cfg.loss]
    return loss, opt_args


def _parallel(device: str, data_parallel: bool) -> str:
    if not (data_parallel and device.startswith("cuda")):
        return ""
    first = torch.device(device).index or 0  # as the Trainer orders them
    ids = [first, *(k for k in range(torch.cuda.device_count()) if k != first)]
    return f"model = nn.DataParallel(model, device_ids={ids})  # splits each batch over the GPUs\n"


def training_code(
    cfg: TrainConfig,
    specs: Sequence[LayerSpec],
    dataset: str,
    subset: int | None,
    *,
    device: str = "cpu",
    data_parallel: bool = False,
) -> str:
    """The tutorial's script for the current settings, on the page's device."""
    limit = f"[:{subset}]" if subset else ""
    loss, opt_args = loss_and_optimizer_code(cfg, 10, "learning_rate")
    imports, definitions, ctor = model_parts(specs)
    data_imports, data_definitions, data_lines = dataset_parts(dataset, test=True)
    loader = "from torch.utils.data import DataLoader, Subset"
    all_imports = imports_of(imports, data_imports, loader)
    classes = f"\n\n{definitions.strip()}\n" if definitions else ""
    return f"""{all_imports}{data_definitions.rstrip()}{classes}

{threads_code()}device = "{device}"
torch.manual_seed({cfg.seed})
model = {ctor}.to(device)
{_parallel(device, data_parallel)}{data_lines}training_data = Subset(training_data, range(len(training_data)){limit})

learning_rate = {cfg.learning_rate!r}
batch_size = {cfg.batch_size}
epochs = {cfg.epochs}
train_dataloader = DataLoader(
    training_data, batch_size=batch_size, shuffle=True,
    generator=torch.Generator().manual_seed({cfg.seed}),
)
test_dataloader = DataLoader(test_data, batch_size=batch_size)
loss_fn = {loss}
optimizer = torch.optim.{cfg.optimizer}(model.parameters(), {opt_args})


def train_loop(dataloader, model, loss_fn, optimizer):
    size = len(dataloader.dataset)
    model.train()
    for batch, (X, y) in enumerate(dataloader):
        X, y = X.to(device), y.to(device)
{STEP_CODE}
        if batch % 100 == 0:
            loss, current = loss.item(), batch * batch_size + len(X)
            print(f"loss: {{loss:>7f}}  [{{current:>5d}}/{{size:>5d}}]")


def test_loop(dataloader, model, loss_fn):
    model.eval()
    size = len(dataloader.dataset)
    num_batches = len(dataloader)
    test_loss, correct = 0, 0
    with torch.no_grad():
        for X, y in dataloader:
            X, y = X.to(device), y.to(device)
            pred = model(X)
            test_loss += loss_fn(pred, y).item()
            correct += (pred.argmax(1) == y).type(torch.float).sum().item()
    test_loss /= num_batches
    correct /= size
    print(f"Test Error: \\n Accuracy: {{(100*correct):>0.1f}}%, Avg loss: {{test_loss:>8f}} \\n")


for t in range(epochs):
    print(f"Epoch {{t+1}}\\n-------------------------------")
    train_loop(train_dataloader, model, loss_fn, optimizer)
    test_loop(test_dataloader, model, loss_fn)
print("Done!")
"""
