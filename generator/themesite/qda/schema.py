"""Read a REFI-QDA document safely and check it against the published schema.

A file a researcher hands us is parsed without entities, DTDs or network access, and a
problem is reported as one line naming the file and, where XML gives one, the line.
Our own exports are checked too, before anything is written: a document that breaks
the schema is a bug here, not something to hand to another tool.
"""

from __future__ import annotations

import re
from functools import cache
from importlib import resources
from pathlib import Path

from lxml import etree

from themesite.errors import InputError, ThemesiteError

SCHEMAS = {"codebook": "Codebook.xsd", "project": "Project.xsd"}


@cache
def schema(kind: str) -> etree.XMLSchema:
    """The vendored schema of a codebook or a project."""
    source = resources.files("themesite.qda").joinpath("schemas", SCHEMAS[kind])
    with resources.as_file(source) as path:
        return etree.XMLSchema(etree.parse(str(path)))


def problems(document: etree._Element, kind: str) -> list[tuple[int, str]]:
    """Every way `document` breaks the schema, as (line, message); none: it is valid."""
    checker = schema(kind)
    if checker.validate(document):
        return []
    return [(e.line, re.sub(r"\{urn:QDA-XML:[^}]*\}", "", e.message)) for e in checker.error_log]


def parse(path: Path, data: bytes) -> etree._Element:
    """The root element of the XML in `data` (read from `path`), or InputError naming
    the line where it breaks."""
    parser = etree.XMLParser(
        resolve_entities=False, no_network=True, load_dtd=False, huge_tree=False
    )
    try:
        root = etree.fromstring(data, parser)
    except etree.XMLSyntaxError as exc:
        line = exc.lineno if exc.lineno else None
        message = re.sub(r",? line \d+(, column \d+)?$", "", exc.msg or "") or "not XML"
        raise InputError(
            path, f"not well-formed XML: {message}", line=line, hint="is it a REFI-QDA file?"
        ) from exc
    if root is None:
        raise InputError(path, "the file holds no XML element", hint="is it a REFI-QDA file?")
    return root


def require_valid(path: Path, document: etree._Element, kind: str) -> None:
    """InputError on the first way `document` (read from `path`) breaks the schema."""
    found = problems(document, kind)
    if found:
        line, message = found[0]
        more = f" (and {len(found) - 1} more)" if len(found) > 1 else ""
        raise InputError(
            path,
            f"does not follow the REFI-QDA {kind} schema: {message}{more}",
            line=line or None,
            hint=f"export it again as a REFI-QDA {kind}",
        )


def check_export(data: bytes, kind: str) -> None:
    """Our own document, as written, must parse and follow the schema; if it does not,
    that is a bug here."""
    # Our own bytes: no depth limit (a deep taxonomy is odd, not an attack).
    found = problems(etree.fromstring(data, etree.XMLParser(huge_tree=True)), kind)
    if found:
        line, message = found[0]
        raise ThemesiteError(
            f"the {kind} export breaks the REFI-QDA schema at line {line}: {message}",
            "please report this as a bug in themesite",
        )
