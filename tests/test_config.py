"""The checked configuration schema: every field of themesite.yml has a type and, where it
has one, a range; every wrong value is one line `themesite.yml:LINE: key: what (allowed)`."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import yaml

from tests.conftest import Cli
from themesite.config import (
    SECTIONS,
    AnalyseConfig,
    ConfigError,
    IngestConfig,
    Project,
    SiteConfig,
    load_analyse_config,
    load_config,
    load_ingest_config,
)
from themesite.schema import field_specs

#: A wrong type for every field: the YAML value and what the message must say it is.
WRONG_TYPE = {
    ("ingest", "max_source_mb"): ("big", "is the text 'big', not a number"),
    ("ingest", "encoding"): ("[utf-8]", "is a list, not text"),
    ("ingest", "strict"): ('"false"', "is the text 'false', not a boolean"),
    ("analyse", "taxonomy"): ("{a: b}", "is a mapping, not text"),
    ("analyse", "labels"): ("12", "is the number 12, not text; put it in quotes"),
    ("analyse", "pipeline"): ("true", "is the boolean true, not text; put it in quotes"),
    ("analyse", "batch_size"): ("lots", "is the text 'lots', not a whole number"),
    ("analyse", "processes"): ('"2"', "is the text '2', not a whole number"),
    ("analyse", "engine"): ("3", "is the number 3, not text; put it in quotes"),
    ("analyse", "scheduler"): ("8786", "is the number 8786, not text; put it in quotes"),
    ("analyse", "partition_mb"): ("16 MB", "is the text '16 MB', not a number"),
    ("analyse", "cache"): ("1", "is the number 1, not a boolean"),
    ("analyse", "include_articles"): ("'yes'", "is the text 'yes', not a boolean"),
    ("analyse", "seed"): ("1.5", "is the number 1.5, not a whole number"),
    ("analyse", "assign_threshold"): ('"0.5"', "is the text '0.5', not a number"),
    ("analyse", "ambiguous_threshold"): ("false", "is the boolean false, not a number"),
    ("analyse", "encoder"): ("[]", "is a list, not text"),
    ("analyse", "quotes_max"): ("5.0", "is the number 5.0, not a whole number"),
    ("analyse", "discover"): ('"no"', "is the text 'no', not a boolean"),
    ("site", "title"): ("2024", "is the number 2024, not text; put it in quotes"),
    ("site", "description"): ("[a, b]", "is a list, not text"),
    ("site", "author"): ("yes", "is the boolean true, not text; put it in quotes"),
    ("site", "licence"): ("2024-01-01", "is a date, not text; put it in quotes"),
    ("site", "search_comments"): ("many", "is the text 'many', not a whole number"),
}

#: Values out of each ranged field's range, and the edge values it accepts.
OUT_OF_RANGE = {
    ("ingest", "max_source_mb"): (["0", "-1", ".inf", ".nan"], ["0.001", "500"]),
    ("ingest", "encoding"): (["latin-9", '""'], ["cp1252", "null"]),
    ("analyse", "taxonomy"): (['""', '"  "'], ["other.yml"]),
    ("analyse", "labels"): (['""'], ["coding.csv"]),
    ("analyse", "pipeline"): (['""'], ["blank:de"]),
    ("analyse", "batch_size"): (["0", "-5"], ["1"]),
    ("analyse", "processes"): (["-1"], ["0", "1"]),
    ("analyse", "engine"): (["spark", "Local"], ["local", "dask"]),
    ("analyse", "partition_mb"): (["0"], ["0.5"]),
    ("analyse", "seed"): (["-1", "4294967296"], ["0", "4294967295"]),
    ("analyse", "assign_threshold"): (["1.01", "-0.1"], ["1", "0.3"]),
    ("analyse", "ambiguous_threshold"): (["-0.5", "2"], ["0", "0.5"]),
    ("analyse", "quotes_max"): (["0"], ["1"]),
    ("site", "search_comments"): (["-1"], ["0", "1000000000"]),
}


def _project(tmp_path: Path, text: str) -> Project:
    (tmp_path / "themesite.yml").write_text(text, encoding="utf-8")
    return Project(tmp_path)


def _problems(tmp_path: Path, text: str) -> list[str]:
    with pytest.raises(ConfigError) as caught:
        load_config(_project(tmp_path, text))
    path = str(tmp_path / "themesite.yml")
    assert all(p.startswith(path + ":") for p in caught.value.problems)
    return [p[len(path) :] for p in caught.value.problems]


def _every_field() -> set[tuple[str, str]]:
    return {(section, name) for section, cls in SECTIONS.items() for name in field_specs(cls)}


def test_the_tables_cover_every_field():
    assert set(WRONG_TYPE) == _every_field()
    ranged = {key for key in _every_field() if _spec(*key).rule or _spec(*key).choices}
    assert set(OUT_OF_RANGE) == ranged


def _spec(section: str, name: str):
    return field_specs(SECTIONS[section])[name]


@pytest.mark.parametrize(("section", "name"), sorted(WRONG_TYPE))
def test_a_wrong_type_is_one_line_with_the_line_number(tmp_path, section, name):
    value, expected = WRONG_TYPE[section, name]
    text = f"# settings\n\n{section}:\n  # a comment\n  {name}: {value}\n"
    [problem] = _problems(tmp_path, text)
    assert problem == f":5: {section}.{name}: {expected} ({_spec(section, name).allowed()})"


@pytest.mark.parametrize(("section", "name"), sorted(OUT_OF_RANGE))
def test_ranges_are_checked_at_both_ends(tmp_path, section, name):
    refused, accepted = OUT_OF_RANGE[section, name]
    for value in refused:
        [problem] = _problems(tmp_path, f"{section}:\n  {name}: {value}\n")
        assert problem.startswith(f":2: {section}.{name}: "), problem
        assert problem.endswith(f"({_spec(section, name).allowed()})"), problem
    for value in accepted:
        config = load_config(_project(tmp_path, f"{section}:\n  {name}: {value}\n"))
        assert getattr(getattr(config, section), name) == yaml.safe_load(value)


BOOLEANS = [key for key in sorted(_every_field()) if _spec(*key).kinds == (bool,)]


@pytest.mark.parametrize(("section", "name"), BOOLEANS)
@pytest.mark.parametrize("word", ['"false"', "'true'", '"no"', '"yes"', '"off"', '"0"', '""'])
def test_booleans_written_as_text_are_refused(tmp_path, section, name, word):
    [problem] = _problems(tmp_path, f"{section}:\n  {name}: {word}\n")
    assert problem.startswith(f":2: {section}.{name}: is the text ")
    assert "not a boolean (true or false, without quotes)" in problem


@pytest.mark.parametrize(("section", "name"), BOOLEANS)
def test_real_booleans_are_read_as_written(tmp_path, section, name):
    for word, value in (("true", True), ("false", False)):
        config = load_config(_project(tmp_path, f"{section}:\n  {name}: {word}\n"))
        assert getattr(getattr(config, section), name) is value


def test_strict_false_in_the_file_is_not_strict(tmp_path):
    assert load_ingest_config(_project(tmp_path, "ingest:\n  strict: false\n")).strict is False
    with pytest.raises(ConfigError):
        load_ingest_config(_project(tmp_path, 'ingest:\n  strict: "false"\n'))


def test_valid_values_are_read_with_their_types(tmp_path):
    text = (
        "ingest:\n  max_source_mb: 3\n  encoding: latin-1\nanalyse:\n  batch_size: 64\n"
        "  assign_threshold: 0.6\n  engine: dask\n  scheduler: tcp://h:8786\nsite:\n"
        "  title: '2024'\n  search_comments: 0\n"
    )
    config = load_config(_project(tmp_path, text))
    assert config.ingest == IngestConfig(max_source_mb=3, encoding="latin-1")
    assert config.analyse == AnalyseConfig(
        batch_size=64, assign_threshold=0.6, engine="dask", scheduler="tcp://h:8786"
    )
    assert config.site == SiteConfig(title="2024", search_comments=0)


@pytest.mark.parametrize("text", ["", "# only a comment\n", "site:\n", "ingest: null\n"])
def test_empty_files_and_sections_give_the_defaults(tmp_path, text):
    config = load_config(_project(tmp_path, text))
    assert (config.ingest, config.analyse, config.site) == (
        IngestConfig(),
        AnalyseConfig(),
        SiteConfig(),
    )


def test_unknown_keys_are_refused_in_every_section(tmp_path):
    text = (
        "ingest:\n  max_size: 3\nanalyse:\n  batchsize: 4\n  search_comments: 10\n"
        "site:\n  colour: red\nsearch:\n  on: true\n"
    )
    problems = _problems(tmp_path, text)
    assert problems[0] == (
        ":2: ingest.max_size: unknown setting (did you mean max_source_mb? "
        "allowed: max_source_mb, encoding, strict)"
    )
    assert problems[1].startswith(
        ":4: analyse.batchsize: unknown setting (did you mean batch_size?"
    )
    assert problems[2].startswith(
        ":5: analyse.search_comments: unknown setting (it belongs under site:; allowed: taxonomy"
    )
    assert problems[3].startswith(":7: site.colour: unknown setting (allowed: title,")
    assert problems[4] == ":8: search: unknown setting (allowed: ingest, analyse, site)"
    assert len(problems) == 5


def test_every_problem_is_reported_at_once_in_line_order(tmp_path):
    text = (
        "site:\n  search_comments: many\n"
        "analyse:\n  seed: -1\n  seed: 3\n  discover: 'no'\n"
        "ingest:\n  max_source_mb: big\n"
    )
    lines = [int(p.split(":")[1]) for p in _problems(tmp_path, text)]
    assert lines == [2, 4, 5, 6, 8]


def test_a_repeated_key_names_its_first_line(tmp_path):
    [problem] = _problems(tmp_path, "analyse:\n  seed: 1\n\n  seed: 2\n")
    assert problem == ":4: analyse.seed: set twice (first at line 2; keep one)"


def test_the_ambiguous_threshold_cannot_pass_the_assign_threshold(tmp_path):
    [problem] = _problems(
        tmp_path, "analyse:\n  assign_threshold: 0.4\n  ambiguous_threshold: 0.45\n"
    )
    assert problem.startswith(":3: analyse.ambiguous_threshold: 0.45 is above assign_threshold 0.4")
    [problem] = _problems(tmp_path, "analyse:\n  assign_threshold: 0.2\n")
    assert problem.startswith(":2: analyse.ambiguous_threshold: 0.3 is above assign_threshold 0.2")


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("site:\n  title: [unclosed\n", ":3: not valid YAML: "),
        ("- ingest\n", ":1: the file must be a mapping of sections (ingest, analyse, site)"),
        ("\n\nsite: My title\n", ":3: site: is not a mapping (indent its settings under it)"),
        ("analyse:\n  - seed: 3\n", ":2: analyse: is not a mapping"),
    ],
)
def test_malformed_files_name_the_line(tmp_path, text, expected):
    [problem] = _problems(tmp_path, text)
    assert problem.startswith(expected), problem


def test_flags_are_checked_like_the_file(tmp_path):
    project = _project(tmp_path, "")
    with pytest.raises(
        ConfigError, match=r"^--max-source-mb: is -1, out of range \(a number, above 0\)$"
    ):
        load_ingest_config(project, max_source_mb=-1.0)
    with pytest.raises(ConfigError, match=r"^--engine: is 'spark', not a known choice"):
        load_analyse_config(project, engine="spark")
    assert load_analyse_config(project, engine="dask", scheduler=None).engine == "dask"


#: Every command that works on a project, with the arguments it needs to get going.
COMMANDS = [
    ["add", "nothing.txt"],
    ["ingest"],
    ["check"],
    ["build"],
    ["serve"],
    ["analyse"],
    ["evaluate"],
    ["export", "comments"],
    ["export", "assignments"],
    ["export", "themes"],
]


@pytest.mark.parametrize("args", COMMANDS, ids=" ".join)
def test_every_command_refuses_a_wrong_setting_in_any_section(seeded_project, args):
    (seeded_project / "themesite.yml").write_text(
        "site:\n  title: Fine\n  search_comments: lots\nanalyse:\n  colour: red\n", "utf-8"
    )
    result = Cli(seeded_project)(*args)
    assert result.exit_code == 1
    lines = result.stderr.strip().splitlines()
    assert [re.sub(r"^error: .*themesite\.yml:(\d+): .*$", r"\1", line) for line in lines] == [
        "3",
        "5",
    ], result.stderr
    assert "Traceback" not in result.output and not isinstance(result.exception, ConfigError)


def test_debug_shows_the_traceback_of_a_config_error(seeded_project):
    (seeded_project / "themesite.yml").write_text("ingest:\n  max_source_mb: big\n", "utf-8")
    result = Cli(seeded_project)("--debug", "check")
    assert isinstance(result.exception, ConfigError)
