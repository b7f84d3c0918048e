"""The layout's rule, checked on the code: imports run one way, up the layers, never back.

    utils -> runtime -> registry -> models -> data -> viz -> training -> tuning -> app

A module may import its own layer and the layers before it. ``zoo/__init__.py`` (the
public API) and ``zoo/__main__.py`` gather everything and are exempt. The library never
imports the scripts (entry points and the benchmark engine live outside it).

Run ``python -m pytest tests/test_layout.py -q -s`` to see every cross-layer import.
"""

import ast
import pathlib

ROOT = pathlib.Path(__file__).resolve().parents[1]
LAYERS = ("zoo.utils", "zoo.runtime", "zoo.registry", "zoo.models", "zoo.data", "zoo.viz", "zoo.training",
          "tuning", "zoo.app")
FACADES = {"zoo", "zoo.__main__"}
SCRIPTS = {p.stem for p in (ROOT / "scripts").glob("*.py")}


def layer(module):
    """The layer of a module name, or None outside the layered packages."""
    if module in FACADES:
        return "zoo.app"  # importing the whole public API from inside the library reaches every layer
    matches = [name for name in LAYERS if module == name or module.startswith(name + ".")]
    return max(matches, key=len) if matches else None


def module_name(path):
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def is_module(name):
    path = ROOT.joinpath(*name.split("."))
    return path.with_suffix(".py").is_file() or (path / "__init__.py").is_file()


def imports(path):
    """(line, imported module) for every import in a file, inside functions too."""
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.Import):
            yield from ((node.lineno, alias.name) for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
            for alias in node.names:  # `from zoo import registry` imports the module zoo.registry
                full = f"{node.module}.{alias.name}"
                yield node.lineno, full if is_module(full) else node.module


def library_files():
    return sorted(p for pkg in ("zoo", "tuning") for p in (ROOT / pkg).rglob("*.py"))


def cross_layer_imports():
    """Every import from one layer into another: (file, line, from layer, to layer, module)."""
    found = []
    for path in library_files():
        name = module_name(path)
        if name in FACADES:
            continue
        own = layer(name)
        assert own is not None, f"{path} is in no layer; add its folder to LAYERS"
        for line, target in sorted(set(imports(path))):
            other = layer(target)
            if other is not None and other != own:
                found.append((str(path.relative_to(ROOT)), line, own, other, target))
    return found


def test_every_library_module_is_in_a_layer():
    names = [module_name(p) for p in library_files()]
    assert names and all(layer(n) for n in names)


def test_imports_run_one_way_up_the_layers():
    rank = {name: i for i, name in enumerate(LAYERS)}
    crossings = cross_layer_imports()
    for path, line, own, other, target in crossings:
        print(f"{path}:{line}  {own} -> {other}  ({target})")
    backwards = [c for c in crossings if rank[c[3]] > rank[c[2]]]
    assert not backwards, "imports that run back down the layers:\n" + "\n".join(
        f"  {p}:{n} ({own}) imports {t} ({other})" for p, n, own, other, t in backwards)
    assert crossings, "the check sees the imports between layers"


def test_the_library_never_imports_a_script():
    for path in library_files():
        for line, target in imports(path):
            assert target.split(".")[0] not in SCRIPTS, f"{path}:{line} imports the script {target}"


def test_a_backward_import_is_caught(tmp_path):
    bad = ROOT / "zoo" / "models" / "_layout_probe.py"
    bad.write_text("from zoo.training.pipeline import fit\n")
    try:
        rank = {name: i for i, name in enumerate(LAYERS)}
        backwards = [c for c in cross_layer_imports() if rank[c[3]] > rank[c[2]]]
        assert [(c[0], c[4]) for c in backwards] == [("zoo/models/_layout_probe.py", "zoo.training.pipeline")]
    finally:
        bad.unlink()
