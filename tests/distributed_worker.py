"""Runs in a child process of the distribution tests (they set devices and TF_CONFIG first).

Usage: python distributed_worker.py replicas OUT.json
       python distributed_worker.py worker OUT_FOLDER   (TF_CONFIG set by the test)
       python distributed_worker.py jax OUT.json        (KERAS_BACKEND=jax, 2 XLA CPU devices)
"""

import json
import os
import sys

import numpy as np


def _two_logical_cpus():
    import tensorflow as tf

    cpu = tf.config.list_physical_devices("CPU")[0]
    tf.config.set_logical_device_configuration(cpu, [tf.config.LogicalDeviceConfiguration()] * 2)


def replicas(out):
    """Every registered model on a 2-replica MirroredStrategy; then 2 replicas vs 1."""
    _two_logical_cpus()
    from helpers import targets_for

    import zoo
    from zoo import registry

    strategy = zoo.get_strategy("mirrored")
    report = {"replicas": strategy.num_replicas_in_sync, "models": {}}
    rng = np.random.default_rng(0)
    for name in zoo.list_models():
        entry = registry.get_entry(name)
        try:
            model = zoo.build(name, **entry.smoke, strategy=strategy)
            shape = model.input_shape[1:]
            x = rng.random((16, *shape)).astype("float32")
            y = targets_for(model, 16, rng)
            loss = model.fit(x, y, epochs=1, batch_size=8, verbose=0).history["loss"][-1]
            spread = max(float(np.max(np.abs(np.asarray(a) - np.asarray(b))))
                         for v in model.weights
                         for a, b in [strategy.experimental_local_results(v.value)[:2]])
            report["models"][name] = {"loss": float(loss), "replica_spread": spread,
                                      "mirrored": all(len(strategy.experimental_local_results(v.value)) == 2
                                                      for v in model.trainable_weights)}
        except Exception as error:  # reported, and the test names the model
            report["models"][name] = {"error": f"{type(error).__name__}: {error}"[:500]}

    x = rng.random((64, 6)).astype("float32")
    y = x @ rng.random((6, 1)).astype("float32")
    weights = {}
    for label, chosen in (("two", strategy), ("one", zoo.get_strategy("default"))):
        model = zoo.mlp((6,), task="regression", hidden_layers=2, units=8, optimizer="sgd",
                        learning_rate=0.05, seed=1, strategy=chosen)
        model.fit(x, y, epochs=3, batch_size=16, shuffle=False, verbose=0)
        weights[label] = [np.asarray(w).tolist() for w in model.get_weights()]
    report["two_vs_one"] = max(float(np.max(np.abs(np.asarray(a) - np.asarray(b))))
                               for a, b in zip(weights["two"], weights["one"]))
    with open(out, "w") as f:
        json.dump(report, f)


def worker(out):
    """One worker of a 2-worker MultiWorkerMirroredStrategy run through zoo.train."""
    import zoo

    result = zoo.train("mlp", dataset="breast_cancer", epochs=2, batch_size=32, out=out, patience=5,
                       verbose=0, hidden_layers=1, units=16)
    history = result.history
    report = {"loss": history["loss"], "weights": [np.asarray(w).tolist() for w in result.model.get_weights()],
              "replicas": zoo.get_strategy().num_replicas_in_sync}
    with open(os.path.join(out, "worker.json"), "w") as f:
        json.dump(report, f)


def jax_devices(out):
    """On JAX with two CPU devices the zoo trains under keras.distribution.DataParallel."""
    import keras

    import zoo

    model = zoo.mlp((6,), task="regression", units=8, seed=0)
    distribution = zoo.get_distribution()
    rng = np.random.default_rng(0)
    x = rng.random((64, 6)).astype("float32")
    history = model.fit(x, x.sum(1, keepdims=True), epochs=2, batch_size=16, verbose=0).history
    report = {"backend": keras.backend.backend(), "distribution": type(distribution).__name__,
              "devices": len(distribution.device_mesh.devices.flatten()), "loss": history["loss"],
              "strategy": repr(zoo.get_strategy())}
    with open(out, "w") as f:
        json.dump(report, f)


if __name__ == "__main__":
    sys.path.insert(0, os.path.dirname(__file__))
    {"replicas": replicas, "worker": worker, "jax": jax_devices}[sys.argv[1]](sys.argv[2])
