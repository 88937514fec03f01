"""The page cache (`render/page_cache.py`): a build that reuses the previous build's pages
is byte-identical to one that does not, and anything a page depends on is a miss."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from tests.conftest import FIXTURES, Cli, built, shipped_project, snapshot
from themesite.render.site import SiteBuildError, _mkdocs, with_cache

SETTINGS = {
    "site_name": "cache test",
    "theme": {"name": "material"},
    "plugins": ["search"],
    "strict": True,
    "use_directory_urls": False,
}


def test_a_rebuild_after_a_new_thread_equals_a_build_without_the_cache(tmp_path):
    warm = shipped_project(tmp_path / "warm")
    built(warm)
    cache = warm / "build" / "cache" / "pages"
    before = {p.name for p in cache.rglob("*.json")}
    assert Cli(warm)("add", str(FIXTURES / "hostile" / "hostile_thread.txt")).exit_code == 0
    cold = tmp_path / "cold"  # the same project, previous build and all, but no cache
    shutil.copytree(warm, cold)
    shutil.rmtree(cold / "build" / "cache" / "pages")
    built(warm)
    built(cold)
    assert snapshot(warm / "site") == snapshot(cold / "site")
    # On a corpus this small one thread moves the discovered themes on most pages; the
    # pages that did not change came from the cache, the others were made and kept.
    after = {p.name for p in cache.rglob("*.json")}
    assert before & after and after - before


def _docs(folder: Path, pages: dict[str, str]) -> Path:
    for name, text in pages.items():
        (folder / name).parent.mkdir(parents=True, exist_ok=True)
        (folder / name).write_text(text, encoding="utf-8")
    return folder


def _build(tmp_path: Path, name: str, docs: Path, cache: Path | None) -> dict[str, bytes]:
    site = tmp_path / name
    _mkdocs(with_cache(SETTINGS, cache), docs, site)
    return snapshot(site)


@pytest.fixture
def docs(tmp_path):
    return _docs(
        tmp_path / "docs",
        {
            "index.md": "# Home\n\nSee [the other page](other.md#part) and [here](#home).\n",
            "other.md": "---\ntitle: Other\n---\n\n# Other\n\n## Part\n\n<p>raw html</p>\n",
        },
    )


def test_pages_from_the_cache_are_not_rendered_again_and_are_the_same(tmp_path, docs, monkeypatch):
    from mkdocs.structure.pages import Page

    cache = tmp_path / "cache"
    plain = _build(tmp_path, "plain", docs, None)
    assert _build(tmp_path, "first", docs, cache) == plain
    rendered = []
    original = Page.render
    monkeypatch.setattr(
        Page, "render", lambda page, *args: rendered.append(page) or original(page, *args)
    )
    assert _build(tmp_path, "second", docs, cache) == plain
    assert rendered == []


def test_a_link_to_a_page_that_has_gone_fails_as_it_does_without_the_cache(tmp_path, docs):
    cache = tmp_path / "cache"
    _build(tmp_path, "first", docs, cache)
    kept = snapshot(cache)
    (docs / "other.md").unlink()
    with pytest.raises(SiteBuildError):
        _build(tmp_path, "plain", docs, None)
    with pytest.raises(SiteBuildError):
        _build(tmp_path, "cached", docs, cache)
    assert snapshot(cache) == kept  # a failed build writes and removes nothing


def test_a_damaged_or_stale_cache_is_a_miss(tmp_path, docs):
    cache = tmp_path / "cache"
    plain = _build(tmp_path, "plain", docs, None)
    _build(tmp_path, "first", docs, cache)
    entries = sorted(cache.rglob("*.json"))
    entries[0].write_text('{"content": ', "utf-8")  # cut short
    (cache / "zz").mkdir()
    (cache / "zz" / f"{'z' * 64}.json").write_text("{}", "utf-8")  # no page has this key
    assert _build(tmp_path, "second", docs, cache) == plain
    assert sorted(cache.rglob("*.json")) == entries  # unused entries are gone


def _slow_in_this_process(monkeypatch, seconds: float) -> list:
    """Make MkDocs' own conversions slow (not the helper's, a forked process): the helper
    then certainly gets to the last pages first. Returns the pages MkDocs converted."""
    import os
    import time

    from mkdocs.structure.pages import Page

    here, converted, original = os.getpid(), [], Page.render

    def render(page, *args):
        if os.getpid() == here:
            converted.append(page.file.src_uri)
            time.sleep(seconds)
        return original(page, *args)

    monkeypatch.setattr(Page, "render", render)
    return converted


@pytest.fixture
def many(tmp_path):
    pages = {f"page-{n:02}.md": f"# {n}\n\nSee [next](page-{n + 1:02}.md).\n" for n in range(11)}
    pages["page-11.md"] = "# 11\n\n<p>the <em>raw</em> last</p>\n\nBack to [one](page-00.md).\n"
    return _docs(tmp_path / "many", pages)


def _needs_the_helper(tmp_path, docs) -> None:
    from mkdocs.config import load_config

    from themesite.render import page_helper
    from themesite.render.site import mkdocs_options

    config = load_config(**mkdocs_options(with_cache(SETTINGS, tmp_path / "c"), docs))
    if not page_helper.available(config):
        pytest.skip("the helper needs a second core")


def test_the_helper_makes_pages_ahead_of_mkdocs_for_the_same_site(tmp_path, many, monkeypatch):
    _needs_the_helper(tmp_path, many)
    plain = _build(tmp_path, "plain", many, None)
    converted = _slow_in_this_process(monkeypatch, 0.3)
    assert _build(tmp_path, "helped", many, tmp_path / "cache") == plain
    assert 0 < len(converted) < 12  # the helper converted the last pages
    assert "page-11.md" not in converted


def test_a_page_that_warns_in_the_helper_fails_the_build_as_without_it(tmp_path, many, monkeypatch):
    _needs_the_helper(tmp_path, many)
    (many / "page-11.md").write_text("# Page 11\n\nA link to [nowhere](gone.md).\n", "utf-8")
    with pytest.raises(SiteBuildError):
        _build(tmp_path, "plain", many, None)
    converted = _slow_in_this_process(monkeypatch, 0.3)
    cache = tmp_path / "cache"
    with pytest.raises(SiteBuildError):
        _build(tmp_path, "helped", many, cache)
    assert "page-11.md" in converted  # MkDocs met the warning itself
    kept = [path.read_text("utf-8") for path in cache.rglob("*.json")]
    assert kept  # the helper kept the pages that did not warn, and only those
    assert not [entry for entry in kept if "gone.md" in entry or "nowhere" in entry]
