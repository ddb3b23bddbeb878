"""The training figures hold the real values and outline what they say they outline."""

from __future__ import annotations

import torch


def test_compare_figure_overlays_loss_and_accuracy_per_run():
    from playground.training.figures import make_compare_figure
    from playground.training.loop import History

    a = History(train_steps=[0, 640], train_loss=[2.3, 1.9], test_accuracy=[0.4, 0.5])
    b = History(train_steps=[0, 640], train_loss=[2.3, 2.2], test_accuracy=[0.2])
    fig = make_compare_figure([("a", a), ("b", b)])
    assert [t.name for t in fig.data] == ["a", "a", "b", "b"]
    assert list(fig.data[0].y) == [2.3, 1.9] and list(fig.data[1].y) == [40.0, 50.0]
    assert list(fig.data[3].x) == [1] and fig.data[3].yaxis == "y2"


def test_curves_figure_plots_epochs_and_shows_epoch_one_before_the_first_test():
    from playground.training.figures import make_curves_figure
    from playground.training.loop import History

    early = make_curves_figure(History(train_steps=[0, 640], train_loss=[2.3, 2.1]), 6400)
    assert list(early.data[0].x) == [0.0, 0.1] and list(early.data[0].y) == [2.3, 2.1]
    assert tuple(early.layout.xaxis2.range) == (0.5, 1.5)  # not an autoscaled -1 to 6
    h = History([0, 6400], [2.3, 1.8], test_loss=[1.9, 1.7], test_accuracy=[0.41, 0.52])
    fig = make_curves_figure(h, 6400)
    assert list(fig.data[2].x) == [1, 2] and list(fig.data[2].y) == [41.0, 52.0]
    assert fig.layout.xaxis2.range is None  # plotly fits the epochs run so far


def test_confusion_figure_cells_are_clickable_and_map_back():
    from playground.training.figures import make_confusion_figure, selected_cell

    m = torch.tensor([[5, 1], [2, 7]])
    fig = make_confusion_figure(m, ["cat", "dog"])
    points = fig.data[1]
    assert list(points.customdata[2]) == [1, 0] and str(points.text[2]) == "2"
    assert (points.x[2], points.y[2]) == ("cat", "dog")
    click = {"selection": {"points": [{"x": "cat", "y": "dog", "customdata": [1, 0]}]}}
    assert selected_cell(click, ["cat", "dog"]) == (1, 0)
    assert selected_cell({"selection": {"points": [{"x": "dog", "y": "cat"}]}}, ["cat", "dog"]) == (
        0,
        1,
    )
    assert selected_cell({"selection": {"points": []}}, ["cat", "dog"]) is None
    assert selected_cell(None, ["cat", "dog"]) is None
    outlined = make_confusion_figure(m, ["cat", "dog"], selected=(1, 0)).layout.shapes[0]
    assert (outlined.x0, outlined.x1, outlined.y0, outlined.y1) == (-0.5, 0.5, 0.5, 1.5)
    assert fig.layout.shapes == ()
