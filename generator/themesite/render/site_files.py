"""The site's templates, assets and MkDocs configuration: the package's defaults, which a
project overrides file by file.

A project needs none of these files to build. A file in the project's own
`site_templates/` replaces the default of the same name (a template, the stylesheet,
the script); the project's `mkdocs.yml` is laid over the default configuration, except
for the keys themesite owns (`OWNED`), which come from `themesite.yml` and from the
pages themesite renders. Lists in `EXTENDED` gain the project's entries instead of
losing the defaults, so a project that adds a plugin keeps search working.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from markupsafe import escape

from themesite.config import SiteConfig
from themesite.errors import ThemesiteError
from themesite.ingest.records import Thread
from themesite.wording import count

OVERRIDES = "site_templates"
MKDOCS = "mkdocs.yml"

#: Files copied into the site beside the pages: path in the site -> name in site_templates/.
ASSETS = {
    "stylesheets/themesite.css": "themesite.css",
    "javascripts/themesite.js": "themesite.js",
    "javascripts/iframe-worker-shim.js": "vendor/iframe-worker/shim.js",
}

#: Keys themesite sets itself, with where a project sets them instead.
OWNED = {
    "site_name": "set 'site: title' in themesite.yml",
    "site_description": "set 'site: description' in themesite.yml",
    "site_author": "set 'site: author' in themesite.yml",
    "copyright": "set 'site: licence' in themesite.yml",
    "docs_dir": "themesite renders the pages into build/docs/",
    "site_dir": "themesite builds the site into site/",
    "use_directory_urls": "the pages must open from disk",
    "strict": "themesite always builds strictly",
    "nav": "themesite lays out the pages it renders",
    "not_in_nav": "themesite lays out the pages it renders",
}
#: Lists that a project's mkdocs.yml extends (after the defaults) rather than replaces.
EXTENDED = ("plugins", "extra_css", "extra_javascript", "markdown_extensions")

NAV = [
    {"Findings": "index.md"},
    {"Themes": "themes/index.md"},
    {"Threads": "threads/index.md"},
    {"Contributors": "contributors/index.md"},
    {"What changed": "changes.md"},
    {"Method": "method.md"},
    {"Data": "data.md"},
]
NOT_IN_NAV = "/themes/*.md\n/threads/*.md\n/contributors/*.md\n"


@dataclass(frozen=True)
class SiteText:
    """What the site says about itself: every page's title bar, meta tags and footer."""

    title: str
    description: str
    author: str = ""
    licence: str = ""


#: Thread titles named in a description made from the corpus.
TITLES_NAMED = 3


def site_text(config: SiteConfig, threads: Sequence[Thread]) -> SiteText:
    """The site's wording from themesite.yml, and where it says nothing, from the corpus:
    a site is about the researcher's texts, never about the corpus themesite began with."""
    titles = [t.title for t in threads if t.title.strip()]
    title = config.title or (
        titles[0] if len(titles) == 1 else f"Findings from {count(len(threads), 'thread')}"
    )
    description = config.description
    if not description:
        comments = sum(len(t.comments) for t in threads)
        named = "; ".join(titles[:TITLES_NAMED])
        more = len(titles) - TITLES_NAMED
        description = (
            f"Themes and verbatim, attributed quotes from {count(comments, 'comment')} in "
            f"{count(len(threads), 'thread')}"
            + (f": {named}" if named else "")
            + (f" and {more} more." if more > 0 else ".")
        )
    licence = config.licence or " ".join(corpus_attributions(threads))
    return SiteText(title=title, description=description, author=config.author, licence=licence)


def corpus_attributions(threads: Sequence[Thread]) -> list[str]:
    """The attributions the sources' licences require (Polis exports carry theirs), once each."""
    return sorted({t.attributes["attribution"] for t in threads if "attribution" in t.attributes})


def default_folder() -> Path:
    """The package's own site_templates/ (the repository's folder in an editable install)."""
    import themesite.site_templates

    return Path(themesite.site_templates.__file__).parent


def template_folders(root: Path) -> list[Path]:
    """Where templates are looked up, in order: the project's own folder first."""
    own = root / OVERRIDES
    return [own, default_folder()] if own.is_dir() else [default_folder()]


def site_file(root: Path, name: str) -> Path:
    """The project's copy of a site file when it has one, else the default."""
    for folder in template_folders(root):
        if (folder / name).is_file():
            return folder / name
    raise ThemesiteError(
        f"the site file {name} is missing from the themesite package",
        "reinstall themesite",
    )


def assets(root: Path) -> dict[str, bytes]:
    return {target: site_file(root, name).read_bytes() for target, name in ASSETS.items()}


def _load(path: Path) -> dict[str, Any]:
    """A MkDocs configuration file read as MkDocs reads it (with its !ENV and INHERIT)."""
    import yaml
    from mkdocs.exceptions import ConfigurationError
    from mkdocs.utils.yaml import get_yaml_loader, yaml_load

    try:
        text = path.read_text(encoding="utf-8")
        # Syntax first, where the error still knows its line (MkDocs' own loader
        # rewraps it); composing needs no constructor for MkDocs' tags.
        yaml.compose(text)
        with path.open("rb") as handle:
            document = yaml_load(handle, get_yaml_loader())
    except (OSError, UnicodeDecodeError) as exc:
        raise ThemesiteError(f"{path}: cannot read it as UTF-8 text", "check the file") from exc
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = f":{mark.line + 1}" if mark else ""
        raise ThemesiteError(
            f"{path}{line}: not valid YAML", "fix the indentation or quoting"
        ) from exc
    except ConfigurationError as exc:  # e.g. an INHERIT file that is missing
        raise ThemesiteError(f"{path}: {exc}", "fix the MkDocs settings") from exc
    if document is None:
        return {}
    if not isinstance(document, dict):
        raise ThemesiteError(f"{path}:1: must be a mapping of MkDocs settings", "see the README")
    return document


def _named(entry: Any) -> str:
    """A plugin's or extension's name, whether written as a string or a one-key mapping."""
    return next(iter(entry)) if isinstance(entry, dict) else str(entry)


def _extend(ours: list, theirs: list) -> list:
    names = {_named(entry) for entry in theirs}
    return [entry for entry in ours if _named(entry) not in names] + list(theirs)


def _theme(ours: dict, theirs: Any, path: Path) -> dict:
    theirs = {"name": theirs} if isinstance(theirs, str) else dict(theirs or {})
    if theirs.get("name", ours["name"]) != ours["name"]:
        raise ThemesiteError(
            f"{path}: theme {theirs['name']!r} is not supported",
            f"themesite's pages need the {ours['name']} theme; remove 'theme: name'",
        )
    custom_dir = theirs.get("custom_dir")
    if custom_dir:
        # The configuration is loaded from the build folder: keep the project's meaning.
        theirs["custom_dir"] = str((path.parent / custom_dir).resolve())
    return {**ours, **theirs}


def mkdocs_config(root: Path, text: SiteText) -> dict[str, Any]:
    """The site's MkDocs settings: defaults, the project's mkdocs.yml, themesite's own keys."""
    config = _load(default_folder() / MKDOCS)
    project_file = root / MKDOCS
    if project_file.is_file():
        theirs = _load(project_file)
        taken = sorted(set(theirs) & set(OWNED))
        if taken:
            raise ThemesiteError(
                f"{project_file}: themesite sets {', '.join(taken)} itself",
                "; ".join(f"for {key}: {OWNED[key]}" for key in taken),
            )
        for key, value in theirs.items():
            if key in EXTENDED:
                config[key] = _extend(config.get(key) or [], value or [])
            elif key == "theme":
                config[key] = _theme(config[key], value, project_file)
            elif key == "extra" and isinstance(value, dict):
                polyfills = config["extra"]["polyfills"] + list(value.get("polyfills") or [])
                config[key] = {**config["extra"], **value, "polyfills": polyfills}
            else:
                config[key] = value
    # Material writes these into its pages unescaped, and they can come from the corpus.
    config.update(
        site_name=str(escape(text.title)),
        site_description=str(escape(text.description)),
        site_author=str(escape(text.author)) or None,
        copyright=str(escape(text.licence)) or None,
        use_directory_urls=False,
        strict=True,
        nav=NAV,
        not_in_nav=NOT_IN_NAV,
    )
    return config
