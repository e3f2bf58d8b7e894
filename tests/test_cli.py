"""The command line as a whole: every command has help and is documented; the console scripts run."""

import re
import subprocess
import sys
from pathlib import Path

import pytest

from kg.cli import COMMANDS, build_parser, main

ROOT = Path(__file__).resolve().parent.parent
README = (ROOT / "README.md").read_text(encoding="utf-8")


@pytest.mark.parametrize("name", COMMANDS)
def test_every_command_has_help_with_examples(name, capsys):
    assert main([name, "--help"]) == 0
    out = capsys.readouterr().out
    assert out.startswith(f"usage: kg {name}")
    assert "examples:" in out


@pytest.mark.parametrize("name", COMMANDS)
def test_every_command_is_in_the_readme(name):
    assert re.search(rf"^\s*kg {name}\b", README, flags=re.M), f"README shows no example of 'kg {name}'"


def test_readme_starts_with_the_two_commands():
    first_block = README.split("```")[1]
    assert "make run" in first_block and "make test" in first_block


def test_no_command_is_an_error_with_help(capsys):
    assert main([]) == 2
    assert "usage: kg" in capsys.readouterr().out


def test_unknown_command_is_a_usage_error(capsys):
    assert main(["frobnicate"]) == 2
    assert "invalid choice: 'frobnicate'" in capsys.readouterr().err


def test_console_script_and_module_both_run():
    script = Path(sys.executable).with_name("kg")
    for argv in ([str(script), "--version"], [sys.executable, "-m", "kg", "--version"]):
        done = subprocess.run(argv, capture_output=True, text=True, check=True)
        assert re.fullmatch(r"kg \d+\.\d+\.\d+\n", done.stdout)


def test_version_is_written_once_in_pyproject():
    from importlib.metadata import version

    text = (ROOT / "pyproject.toml").read_text(encoding="utf-8")
    assert f'version = "{version("vnhealth-kg")}"' in text
    assert "__version__ =" not in (ROOT / "kg" / "__init__.py").read_text(encoding="utf-8")


def test_parser_lists_every_command():
    help_text = build_parser().format_help()
    for name in COMMANDS:
        assert f"    {name}" in help_text


def test_a_folder_that_is_not_a_project_is_exit_2(tmp_path, capsys):
    assert main(["--root", str(tmp_path), "validate"]) == 2
    assert capsys.readouterr().err == (f"Error: --root {tmp_path}: not a project folder (it has no ontology/*.ttl); give the "
                                       "folder that holds ontology/, data/, shapes/ and queries/\n")


def test_a_reader_that_stops_early_ends_the_command_quietly():
    script = Path(sys.executable).with_name("kg")
    done = subprocess.run(f"'{script}' network --format json --top 0 | head -1", shell=True, capture_output=True,
                          text=True)
    assert done.stdout == "[\n"
    assert "Traceback" not in done.stderr and "BrokenPipe" not in done.stderr


def test_the_readme_python_example_runs():
    block = README.split("```python\n", 1)[1].split("```", 1)[0]
    namespace: dict = {}
    exec(compile(block, "README.md", "exec"), namespace)  # noqa: S102 - the project's own README
    assert namespace["rows"] and namespace["found"][0].iri.endswith("/org/bach-mai-hospital")
    assert namespace["report"].conforms


def test_the_readme_validation_example_is_real_output(capsys):
    shown = README.split("tests/shapes/period-reversed.trig`):\n\n```\n", 1)[1].split("```", 1)[0]
    assert main(["validate", "tests/shapes/valid-minimal.trig", "tests/shapes/period-reversed.trig"]) == 1
    assert capsys.readouterr().out == shown
