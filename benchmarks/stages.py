"""Child process of `run.py`: the real build stages in order, each timed.

    python benchmarks/stages.py PROJECT --status-fd N

Announces each stage on the status pipe (see `procwatch.py`) so the parent can
attribute memory samples, and ends with one `result` line of JSON. The heavy
imports (spaCy, scikit-learn, MkDocs) are done first and timed as `import_s`, so
each stage's time is its work, not the import of its libraries.
"""

from __future__ import annotations

import argparse
import json
import os
import time
from pathlib import Path


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("project", type=Path)
    parser.add_argument("--status-fd", type=int, required=True)
    args = parser.parse_args()
    status = os.fdopen(args.status_fd, "w", encoding="utf-8", buffering=1)

    def announce(kind: str, text: str) -> None:
        status.write(f"{kind} {text}\n")
        status.flush()

    timings: dict[str, float] = {}
    announce("stage", "import")
    started = time.perf_counter()
    import mkdocs.commands.build  # noqa: F401
    import mkdocs.config  # noqa: F401

    import themesite.analyse.stage
    import themesite.render.pages  # noqa: F401
    from themesite.build import (
        analyse_stage,
        ingest_stage,
        publish_site,
        render_stage,
        stage_site,
    )
    from themesite.config import Project, load_analyse_config, load_ingest_config
    from themesite.progress import Progress

    class Announced(Progress):
        """The library's steps on the status pipe, so memory is traced to each."""

        def step(self, label: str, total: int | None = None):
            announce("step", label)
            return super().step(label, total)

    steps = Announced()

    timings["import_s"] = time.perf_counter() - started
    project = Project(args.project)
    ingest_config = load_ingest_config(project)
    analyse_config = load_analyse_config(project)

    def timed(name: str, call, *args, **kwargs):
        announce("stage", name)
        begun = time.perf_counter()
        value = call(*args, **kwargs)
        timings[f"{name}_s"] = time.perf_counter() - begun
        return value

    def staged(progress):
        """Ingest, analyse, render and stage the site, each timed: what `themesite build`
        does in its child process (where the revision has one)."""
        corpus = timed("ingest", ingest_stage, project, ingest_config, progress)
        analysis = timed(
            "analyse",
            analyse_stage,
            project,
            analyse_config,
            progress=progress,
            threads=corpus.threads,
        )
        site = timed("render", render_stage, project, analyse_config, analysis, corpus)
        summary = {
            "authors": len({c.author for t in corpus.threads for c in t.comments if c.author}),
            "themes": len(analysis.findings.themes),
            "nlp_processed": getattr(analysis, "processed", None),
            "nlp_cached": getattr(analysis, "cached", None),
            "markdown_pages": len(site.pages),
            "download_mb": round(
                sum(
                    b.stat().st_size if isinstance(b, Path) else len(b) for b in site.files.values()
                )
                / 1e6,
                2,
            ),
        }
        # As `themesite build` does: only the staged site stays in memory beside MkDocs.
        announce("stage", "mkdocs")
        begun = time.perf_counter()
        staging = stage_site(project, site)
        # Revisions since the MkDocs settings ship in the package carry them with the site.
        settings = [site.mkdocs] if hasattr(site, "mkdocs") else []
        return dict(timings), corpus.check, summary, staging, settings, begun

    # Revisions since the build runs its heavy part in a child process (asked of the
    # measured package's folder: an editable install could supply the module otherwise).
    package = Path(themesite.analyse.stage.__file__).parent.parent
    if (package / "isolated.py").exists():
        from themesite.isolated import run_isolated

        found = run_isolated(staged, steps)
    else:
        found = staged(steps)
    child_timings, check, summary, staging, settings, begun = found
    timings.update(child_timings)
    publish_site(project, staging, *settings)
    timings["mkdocs_s"] = time.perf_counter() - begun
    announce("stage", "done")
    result = {
        "themesite_path": str(package),
        **{k: round(v, 3) for k, v in timings.items()},
        "threads": check.threads,
        "comments": check.comments,
        "unaccounted_lines": check.unaccounted_lines,
        **summary,
    }
    announce("result", json.dumps(result))


if __name__ == "__main__":
    main()
