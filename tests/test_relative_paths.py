"""Every command with a relative --project, run from another folder.

Options name files relative to where the command runs (`--taxonomy`, `--labels`,
`--output`, the files to add); paths in themesite.yml are relative to the project
folder. `serve` is `build` followed by a server that does not return, so it is left out.
"""

from __future__ import annotations

import json
from pathlib import Path

from tests.conftest import Cli
from tests.test_crash import source

TAXONOMY = """\
version: 1
themes:
  - id: prices
    label: Prices
    description: People say that prices rose.
    patterns:
      phrases:
        - prices rose
"""


def test_every_command_with_a_relative_project_from_another_folder(tmp_path, monkeypatch):
    source(tmp_path / "incoming", "market")
    (tmp_path / "elsewhere").mkdir()
    monkeypatch.chdir(tmp_path / "elsewhere")
    project = Path("..") / "proj"
    cli = Cli(project)

    def ok(*args: str) -> str:
        result = cli(*args)
        assert result.exit_code == 0, (args, result.output)
        return result.stdout

    ok("init", str(project))
    ok("add", "../incoming/market.csv")
    ok("ingest")
    assert json.loads(ok("check", "--json"))["threads"] == 2
    ok("export", "comments", "--format", "csv", "--output", "comments.csv")
    comment = next(json.loads(line) for line in ok("export", "comments").splitlines())
    # The settings name files inside the project, relative to it.
    (tmp_path / "proj" / "themes").mkdir()
    (tmp_path / "proj" / "themes" / "mine.yml").write_text(TAXONOMY, encoding="utf-8")
    (tmp_path / "proj" / "coding").mkdir()
    labels = tmp_path / "proj" / "coding" / "labels.csv"
    labels.write_text(f"comment_id,themes\n{comment['comment_id']},prices\n", encoding="utf-8")
    (tmp_path / "proj" / "themesite.yml").write_text(
        "analyse:\n  taxonomy: themes/mine.yml\n  labels: coding/labels.csv\n", encoding="utf-8"
    )
    assert "prices (seeded): 2 comments" in ok("analyse")
    # Options name files relative to the folder the command runs in.
    assert "prices (seeded): 2 comments" in ok("analyse", "--taxonomy", "../proj/themes/mine.yml")
    assert "over 1 comment" in ok("evaluate")
    assert "over 1 comment" in ok("evaluate", "--labels", "../proj/coding/labels.csv")
    ok("export", "assignments", "--output", "assignments.csv")
    ok("export", "themes", "--output", "themes.json")
    ok("export", "qdc", "--output", "codebook.qdc")
    ok("export", "qdpx", "--output", "project.qdpx")
    ok("import-codebook", "codebook.qdc", "--output", "taxonomy.yml")
    assert "site: " in ok("build")
    ok("formats")
    here = sorted(p.name for p in Path(".").iterdir())
    assert here == [
        "assignments.csv",
        "codebook.qdc",
        "comments.csv",
        "project.qdpx",
        "taxonomy.yml",
        "themes.json",
    ]
    assert "id: prices" in Path("taxonomy.yml").read_text("utf-8")
    assert (tmp_path / "proj" / "site" / "index.html").is_file()
    assert json.loads(Path("themes.json").read_text("utf-8"))[0]["id"] == "prices"
    assert "prices" in Path("assignments.csv").read_text("utf-8")
    # A model folder in the settings is the project's too (here an empty one, refused).
    (tmp_path / "proj" / "models" / "mine").mkdir(parents=True)
    (tmp_path / "proj" / "themesite.yml").write_text(
        "analyse:\n  taxonomy: themes/mine.yml\n  encoder: models/mine\n", encoding="utf-8"
    )
    result = cli("analyse")
    assert result.exit_code == 1
    assert f"{project / 'models' / 'mine'} is not a sentence-transformers model" in result.stderr
