"""The analysis on a corpus it was not tuned on: a Polis conversation and a small taxonomy."""

from __future__ import annotations

import csv
import json
import shutil

from tests.conftest import FIXTURES, Cli

FOLDER = FIXTURES / "polis" / "15-per-hour-seattle"


def test_polis_conversation_with_its_own_taxonomy(project):
    cli = Cli(project)
    assert cli("add", str(FOLDER)).exit_code == 0
    shutil.copy(
        FIXTURES / "polis" / "taxonomy-15-per-hour.yml", project / "corpus" / "taxonomy.yml"
    )
    result = cli("analyse")
    assert result.exit_code == 0, result.output
    findings = json.loads((project / "build" / "findings.json").read_text("utf-8"))
    rows = list(csv.DictReader((FOLDER / "comments.csv").open(encoding="utf-8")))
    rejected = sum(1 for r in rows if r["moderated"] == "-1")
    assert findings["coverage"]["excluded"] == rejected == 23
    assert findings["corpus"]["comments"] == len(rows) - rejected

    [thread] = [
        json.loads(p.read_text("utf-8")) for p in (project / "corpus" / "threads").iterdir()
    ]
    by_text = {"\n\n".join(c["paragraphs"]).strip(): c for c in thread["comments"]}
    themes: dict[str, set[str]] = {}
    for item in findings["comment_assignments"]:
        if item["status"] == "assigned":
            themes.setdefault(item["unit_id"], set()).add(item["theme_id"])
    assert "automation" in themes[by_text["This will lead to robots."]["id"]]
    small = by_text["This will cause small businesses to go out of business."]["id"]
    assert "small-business" in themes[small]
    rejected_ids = {c["id"] for c in thread["comments"] if c["excluded"]}
    assert not rejected_ids & set(themes)
    assert all(t["quotes"] for t in findings["themes"] if t["comments"])
