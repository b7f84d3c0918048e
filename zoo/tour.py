"""The main job: a tour of the zoo (``zoo tour``, run by ``scripts/demo.sh``)."""

from __future__ import annotations

import time

from zoo import registry


def run(*, quick: bool = False) -> int:
    """Builds every registered model and prints its summary and head.

    Args:
        quick: Build the tiny test configurations instead of the notes' models.

    Returns:
        0 when every model built, else 1.
    """
    from zoo.cli import head_summary

    names = registry.list_models()
    failures = []
    for i, name in enumerate(names, start=1):
        entry = registry.get_entry(name)
        kwargs = dict(entry.smoke if quick else entry.offline)
        print(f"\n[{i}/{len(names)}] {name} ({entry.family}): {entry.summary}")
        start = time.perf_counter()
        try:
            model = registry.build(name, **kwargs)
        except Exception as err:  # keep touring; report at the end
            failures.append(name)
            print(f"  FAILED: {type(err).__name__}: {err}")
            continue
        model.summary()
        print(f"  {head_summary(model)}  [{time.perf_counter() - start:.1f}s]")
    print(f"\nBuilt {len(names) - len(failures)}/{len(names)} models." +
          (f" Failed: {', '.join(failures)}" if failures else ""))
    return 1 if failures else 0
