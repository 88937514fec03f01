"""Render every page of the site to Markdown text, in memory.

The Jinja2 environment autoescapes everything (corpus text lands in HTML blocks) and
uses StrictUndefined, so a typo in a template is an error, not an empty string.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from pathlib import Path

from jinja2 import Environment, FileSystemLoader, StrictUndefined
from markupsafe import Markup, escape

from themesite.analyse.records import Findings
from themesite.render.charts import heatmap, prevalence_chart
from themesite.render.context import Site
from themesite.render.links import ROWS_PER_INDEX_PAGE, chunks, href, part_path
from themesite.render.matrices import Matrix, by_thread, by_year, co_occurrence
from themesite.render.overview import (
    Chart,
    DataPage,
    HomePage,
    IndexPage,
    MethodPage,
    PagerLink,
    ThemeIndexPage,
)
from themesite.render.site_files import SiteText
from themesite.wording import count, plural


def environment(templates: Sequence[Path]) -> Environment:
    """Templates are looked up in `templates` in order: a project's own folder comes
    before the package's defaults, so it overrides any template by name."""
    env = Environment(
        loader=FileSystemLoader(list(templates)),
        autoescape=True,
        finalize=escape_text,
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    env.globals["zip"] = zip
    env.filters["count"] = count
    return env


#: Control characters Python-Markdown would change (tabs expanded, \r folded, STX/ETX
#: removed): written as numeric references, the browser shows them exactly as written.
_CONTROL = re.compile("[\x00-\x09\x0b-\x1f]")


def escape_text(value: object) -> Markup:
    """HTML-escape `value` for a page, keeping every character Markdown would alter."""
    text = str(escape(value))
    if _CONTROL.search(text) is None:  # the common case: no pass over the text in Python
        return Markup(text)
    return Markup(_CONTROL.sub(lambda m: f"&#{ord(m.group())};", text))


def headlines(findings: Findings) -> list[str]:
    """The findings in plain sentences, generated from the numbers."""
    analysed = findings.corpus.get("comments", 0)
    ranked = sorted(findings.themes, key=lambda t: (-t.comments, t.theme.id))
    contributors = findings.corpus.get("contributors", 0)
    sentences = [
        f"{count(contributors, 'contributor')} wrote {count(analysed, 'comment')} "
        f"in {findings.corpus.get('threads_with_comments', 0)} of the corpus's "
        f"{count(findings.corpus.get('threads', 0), 'thread')}."
    ]
    seeded = [t for t in ranked if t.theme.kind == "seeded" and t.comments]
    if seeded:
        top = seeded[0]
        sentences.append(
            f"The most prevalent seeded theme is {top.theme.label}: {top.comments} of "
            f"{count(analysed, 'comment')} ({top.comments / max(analysed, 1):.0%}), "
            f"from {count(top.contributors, 'contributor')} "
            f"in {count(len(top.threads), 'thread')}."
        )
    for item in seeded[1:]:
        sentences.append(
            f"{item.theme.label} comes up in {count(item.comments, 'comment')} "
            f"from {count(item.contributors, 'contributor')}."
        )
    discovered = [t for t in ranked if t.theme.kind == "discovered"]
    if discovered:
        names = ", ".join(t.theme.label for t in discovered[:3])
        largest = ": " if len(discovered) == 1 else "; the largest are "
        sentences.append(
            f"Clustering found {count(len(discovered), 'further theme')}{largest}{names}."
        )
    cover = findings.coverage
    assigned = cover.get("assigned", 0)
    sentences.append(
        f"{count(assigned, 'comment')} {plural(assigned, 'carries', 'carry')} "
        f"at least one theme, {cover.get('ambiguous', 0)} only ambiguous evidence, "
        f"and {cover.get('unassigned', 0)} none."
    )
    return sentences


def _chart(matrix: Matrix | None) -> Chart | None:
    if matrix is None:
        return None
    svg = heatmap(
        matrix.id, matrix.title, matrix.description, matrix.rows, matrix.columns, matrix.values
    )
    return Chart(matrix=matrix, svg=Markup(svg))


def render_pages(
    site: Site,
    templates: Sequence[Path],
    about: SiteText,
    method: MethodPage,
    data: DataPage,
    threads=(),
    changes=None,
) -> dict[str, str]:
    """Page path (relative to the docs folder) -> Markdown text; each template gets `page`."""
    env = environment(templates)
    findings = site.findings
    rows = tuple(sorted(site.theme_rows.values(), key=lambda r: (-r.comments, r.link.label)))
    chart = prevalence_chart([(r.link.label, r.kind, r.share, r.comments) for r in rows])
    home = HomePage(
        about=about,
        headlines=tuple(headlines(findings)),
        chart=Markup(chart),
        rows=rows,
        corpus=findings.corpus,
        coverage=findings.coverage,
        over_time=_chart(by_year(findings, threads)),
        agreement=site.agreement,
    )
    theme_index = ThemeIndexPage(
        rows=tuple(_relative(r, "themes/") for r in rows),
        co_occurrence=_chart(co_occurrence(findings)),
    )
    pages = {
        "index.md": env.get_template("index.md.j2").render(page=home),
        "themes/index.md": env.get_template("themes.md.j2").render(page=theme_index),
        **_paged(
            env,
            "threads",
            [p for p in site.threads if p.part == 0],
            _chart(by_thread(findings, threads)),
        ),
        **_paged(env, "contributors", [p for p in site.contributors if p.part == 0], None),
        "method.md": env.get_template("method.md.j2").render(page=method),
        "data.md": env.get_template("data.md.j2").render(page=data),
    }
    if changes is not None:
        pages["changes.md"] = env.get_template("changes.md.j2").render(page=changes)
    # Rendered in this process: forked workers would touch (and so copy) every page
    # context, which at 100k comments cost a gigabyte to save a tenth of the time.
    for kind, group in (
        ("theme", site.themes),
        ("thread", site.threads),
        ("contributor", site.contributors),
    ):
        template = env.get_template(f"{kind}.md.j2")
        for page in group:
            pages[page.path] = template.render(page=page)
    return pages


def _paged(env: Environment, folder: str, rows: list, chart: Chart | None) -> dict[str, str]:
    """An index split in pages of ROWS_PER_INDEX_PAGE rows: index.md, index-2.md, ..."""
    template = env.get_template(f"{folder}.md.j2")
    sections = chunks(rows, ROWS_PER_INDEX_PAGE)
    index = f"{folder}/index.md"
    rendered = {}
    for part, section in enumerate(sections):
        path = part_path(index, part)
        pager = tuple(
            PagerLink(str(i + 1), href(path, part_path(index, i)), i == part)
            for i in range(len(sections))
        )
        page = IndexPage(
            pages=tuple(section),
            pager=pager if len(sections) > 1 else (),
            total=len(rows),
            chart=chart if part == 0 else None,
        )
        rendered[path] = template.render(page=page)
    return rendered


def _relative(row, folder: str):
    """A theme row whose link works from inside `folder`."""
    from dataclasses import replace

    return replace(row, link=replace(row.link, url=row.link.url.removeprefix(folder)))
