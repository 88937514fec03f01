"""Docs that cannot drift: every command has help and is in the README; CI runs the README."""

from __future__ import annotations

import re

import typer.main

from tests.conftest import REPO
from themesite.cli import app

README = (REPO / "README.md").read_text("utf-8")


def _commands(group, prefix=""):
    for name, command in sorted(group.commands.items()):
        full = f"{prefix}{name}"
        if hasattr(command, "commands"):
            yield from _commands(command, f"{full} ")
        else:
            yield full, command


def test_every_command_has_help_and_is_documented():
    commands = list(_commands(typer.main.get_command(app)))
    assert {name for name, _ in commands} >= {"add", "ingest", "check", "build", "export comments"}
    for name, command in commands:
        assert command.help, name
        assert f"themesite {name}" in README, name


def test_ci_runs_the_readme_test_command():
    ci = (REPO / ".ci" / "run").read_text("utf-8")
    command = next(line for line in ci.splitlines() if line.startswith("python3 -m venv"))
    assert command in README


def test_every_registered_format_is_documented():
    from themesite.ingest.registry import formats

    for fmt in formats():
        assert re.search(rf"`{re.escape(fmt.name)}`", README), fmt.name


def test_every_setting_is_in_the_readme_configuration_example():
    from dataclasses import fields

    from themesite.config import SECTIONS

    example = README.split("## Configuration", 1)[1].split("```yaml", 1)[1].split("```", 1)[0]
    for section, schema in SECTIONS.items():
        assert re.search(rf"^{section}:$", example, re.MULTILINE), section
        for field in fields(schema):
            assert re.search(rf"^  {field.name}:", example, re.MULTILINE), field.name


def test_the_readme_lists_every_setting_with_what_it_allows():
    from themesite.config import SECTIONS
    from themesite.schema import field_specs

    for section, schema in SECTIONS.items():
        for name, spec in field_specs(schema).items():
            row = f"| `{section}.{name}` | {spec.allowed()} |"
            assert row in README, row
