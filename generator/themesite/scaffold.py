"""`themesite init`: a new project folder with what a researcher edits, and nothing else.

The templates, the stylesheet and the MkDocs configuration stay in the package, so a
project holds only its own texts, its themes and its wording; everything it does not
set is a default that improves with themesite.
"""

from __future__ import annotations

from pathlib import Path

from themesite.config import CONFIG_FILE, Project
from themesite.errors import CorpusError

TAXONOMY = """\
# The themes you are looking for, written in words. With no themes (as now) themesite
# finds themes by clustering alone ("discovered themes"); add your own below, and the
# site shows both.
#
# Each theme: an id (lower-case-with-hyphens), a label, a description of what a coder
# looks for, and optionally examples (statements a coder would assign to the theme, in
# your own words), counter_examples (near misses that must not be assigned), patterns
# (phrases matched on lemmas and lower-case words) and sub_themes (the same shape).
# To start, remove the brackets after 'themes:' and the '#' before the example lines.
version: 1
themes: []
#  - id: waiting-times
#    label: Waiting times
#    description: >
#      People describe how long they wait for an appointment, a reply or a decision,
#      and what the wait costs them.
#    examples:
#      - I waited three months for a first appointment.
#      - Nobody answered my letter for weeks.
#    counter_examples:
#      - The staff took time to explain everything.
#    patterns:
#      phrases:
#        - waiting list
#        - waiting time
"""

SETTINGS = """\
# Settings of this themesite project. Every setting is optional: remove a line to get
# the default. The README lists them all (ingest, analyse and site settings).
site:
  # The site's name, in every page's title bar (default: made from the corpus).
  title: ""
  # A sentence or two on what the texts are, shown under the Findings heading.
  description: ""
  # Who made the report.
  author: ""
  # The licence of the texts and the attribution their sources require, shown in every
  # page's footer and on the Data page (default: the attributions the sources carry).
  licence: ""
"""

#: What `init` writes, relative to the project folder; a trailing slash is a folder.
FILES = {
    "corpus/raw/": None,
    "corpus/taxonomy.yml": TAXONOMY,
    CONFIG_FILE: SETTINGS,
}


def init_project(root: Path) -> list[str]:
    """Create a project in `root` (made if needed); refuse if it already holds one."""
    project = Project(root)
    taken = [name for name in (CONFIG_FILE, "corpus") if (project.root / name).exists()]
    if taken:
        raise CorpusError(
            f"{project.root / taken[0]} already exists: {project.root} holds a project",
            "choose a new folder, or remove it first if you mean to start again",
        )
    created = []
    for name, text in FILES.items():
        target = project.root / name
        if text is None:
            target.mkdir(parents=True, exist_ok=True)
        else:
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_text(text, encoding="utf-8")
        created.append(name)
    return created


def require_project(project: Project) -> None:
    """Commands that read a corpus say how to make one when the folder has none."""
    if not project.corpus.is_dir():
        raise CorpusError(
            f"{project.root} has no corpus/ folder",
            f"run 'themesite init {project.root}' to start a project there, "
            "or pass --project with the folder that holds one",
        )
