"""The import contracts in pyproject.toml ([tool.importlinter]) hold: CI runs this with the suite."""

import tomllib
from pathlib import Path

from importlinter.cli import lint_imports

PYPROJECT = Path(__file__).resolve().parents[2] / "pyproject.toml"


def test_api_and_web_stay_apart_and_domain_apps_form_no_cycles(capsys):
    contracts = {c["id"] for c in tomllib.loads(PYPROJECT.read_text())["tool"]["importlinter"]["contracts"]}
    assert {"api-web", "domains-not-api", "domain-layers"} <= contracts
    exit_code = lint_imports(config_filename=str(PYPROJECT), no_cache=True, no_logo=True)
    assert exit_code == 0, capsys.readouterr().out
