"""The `zoo` command in process: build, bad arguments, any unexpected error as one line."""

from zoo import registry
from zoo.app import cli


def test_cli_build_prints_summary_and_head(capsys, tmp_path):
    out = tmp_path / "m.keras"
    assert cli.main(["build", "mlp", "--set", "task=regression", "--set", "outputs=2", "--save", str(out)]) == 0
    text = capsys.readouterr().out
    assert "head: output (None, 2), activation linear, loss mean_squared_error" in text
    assert out.exists()


def test_cli_reports_bad_arguments_with_exit_2(capsys):
    assert cli.main(["build", "mlp", "--set", "task=foo"]) == 2
    assert "Received: task='foo'" in capsys.readouterr().err


def test_cli_turns_any_unexpected_error_into_one_line(monkeypatch, capsys):
    def broken(*args, **kwargs):
        raise ZeroDivisionError("division by zero somewhere deep")

    monkeypatch.setattr(registry, "build", broken)
    monkeypatch.delenv("ZOO_DEBUG", raising=False)
    assert cli.main(["build", "mlp"]) == 1
    err = capsys.readouterr().err
    assert err.strip() == ("zoo build: error: ZeroDivisionError: division by zero somewhere deep "
                           "(ZOO_DEBUG=1 shows the traceback)")
