"""The class shares one untrained model per architecture and seed; no session changes it."""

from __future__ import annotations

import torch

from playground import layers as md
from playground.ui.save_load import SHARED_MAX_PARAMS, _shared_model, fresh_model, own_model
from tests.apptest import open_page, texts

TUTORIAL = tuple(md.PRESETS["tutorial"])
PARAMS = 669_706  # the tutorial's NeuralNetwork


def _equal(a: torch.nn.Module, b: torch.nn.Module) -> bool:
    sa, sb = a.state_dict(), b.state_dict()
    return sa.keys() == sb.keys() and all(torch.equal(sa[k], sb[k]) for k in sa)


def test_one_model_per_architecture_and_seed_equal_to_a_fresh_build():
    one = fresh_model(TUTORIAL, 7, PARAMS)
    assert fresh_model(TUTORIAL, 7, PARAMS) is one  # the class's one copy
    assert _equal(one, md.build_model(TUTORIAL, seed=7))  # bit for bit what a session built
    assert fresh_model(TUTORIAL, 8, PARAMS) is not one
    assert not _equal(fresh_model(TUTORIAL, 8, PARAMS), one)
    big = SHARED_MAX_PARAMS + 1  # a large model is built per run, as before
    assert fresh_model(TUTORIAL, 7, big) is not fresh_model(TUTORIAL, 7, big)


def test_an_own_copy_changes_alone():
    shared = fresh_model(TUTORIAL, 7, PARAMS)
    mine = own_model(shared, shared=True)
    assert _equal(mine, shared) and mine.training == shared.training
    mine.eval()
    with torch.no_grad():
        next(mine.parameters()).add_(1.0)
    assert shared.training and _equal(shared, md.build_model(TUTORIAL, seed=7))


def test_two_sessions_run_inference_and_the_shared_model_stays_as_built():
    _shared_model.clear()
    for _ in range(2):
        at = open_page("pages/save_load.py", s_tab="Inference")
        assert not at.exception and "Predicted:" in texts(at)
    shared = fresh_model(TUTORIAL, 0, PARAMS)  # the page's seed
    assert shared.training  # the page put its own copy in eval(), not the class's model
    assert _equal(shared, md.build_model(TUTORIAL, seed=0))
