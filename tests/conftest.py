"""Shared pytest setup for the checker tests: make tests/fixtures.py importable and offer the default rules
and a CLI runner. Every draft a test uses is written into its tmp_path by tests/fixtures.py."""
from __future__ import annotations

import json
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).parent))

from fixtures import default_rules  # noqa: E402


@pytest.fixture(scope="session")
def rules():
    return default_rules()


class Cli:
    """`gongkai …` in-process through click's CliRunner."""

    def __init__(self) -> None:
        from click.testing import CliRunner

        self.runner = CliRunner()

    def __call__(self, *args: str | Path):
        from cli import cli

        return self.runner.invoke(cli, [str(a) for a in args], catch_exceptions=False)

    def json(self, *args: str | Path):
        result = self("check", "--json", *args)
        return result, json.loads(result.stdout)


@pytest.fixture
def gongkai() -> Cli:
    return Cli()
