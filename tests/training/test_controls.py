"""The Training page's controls are declared once: the page, Resume and the checkpoint checks
read the same ranges, options and defaults (playground/training/controls.py)."""

from __future__ import annotations

import dataclasses

import pytest

from playground import training as trn
from playground.training.controls import CONTROLS, MAX_EPOCHS, config_from, values_of
from tests.conftest import ROOT


def _fields(values: dict[str, object]) -> dict[str, object]:
    return {c.field: values[c.key] for c in CONTROLS.values() if c.key in values}


def test_the_defaults_are_the_tutorials():
    defaults = {c.field: c.default for c in CONTROLS.values()}
    assert config_from(defaults, seed=0) == trn.TrainConfig()


@pytest.mark.parametrize(
    "cfg",
    [
        trn.TrainConfig(),
        trn.TrainConfig(learning_rate=0.01, optimizer="Adam", batch_size=128, epochs=MAX_EPOCHS),
        trn.TrainConfig(momentum=0.9, nesterov=True, weight_decay=1e-4, loss="MSELoss", seed=7),
    ],
)
def test_resume_writes_a_config_back_through_the_controls_unchanged(cfg):
    values = values_of(cfg, subset=2000)
    assert values["tr_subset"] == 2000
    assert config_from(_fields(values), seed=cfg.seed) == cfg


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("learning_rate", 0.02),
        ("learning_rate", True),
        ("epochs", MAX_EPOCHS + 1),
        ("epochs", 2.5),
        ("optimizer", "LBFGS"),
        ("momentum", float("nan")),
        ("nesterov", 1),
    ],
)
def test_a_value_no_control_offers_is_refused(field, value):
    chosen = {c.field: c.default for c in CONTROLS.values()} | {field: value}
    with pytest.raises(ValueError, match=field):
        config_from(chosen, seed=0)
    cfg = dataclasses.replace(trn.TrainConfig(), **{field: value})
    assert CONTROLS[field].key not in values_of(cfg, subset=0)  # Resume drops it


def test_no_range_or_option_list_is_written_on_the_page():
    """The page names controls, never their numbers: the declaration is the one place."""
    page = (ROOT / "pages" / "training.py").read_text()
    for c in CONTROLS.values():
        assert f'key="{c.key}"' not in page, c.key
    assert "LEARNING_RATES" not in page and "1, 50" not in page
