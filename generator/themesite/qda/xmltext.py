"""What every REFI-QDA document we write shares: namespaces, stable GUIDs, a fixed date,
text that XML 1.0 can carry, and one way of serializing."""

from __future__ import annotations

import os
import re
import uuid
from datetime import UTC, datetime

from lxml import etree

CODEBOOK_NS = "urn:QDA-XML:codebook:1.0"
PROJECT_NS = "urn:QDA-XML:project:1.0"
#: The namespace of our GUIDs: uuid5 of it and a stable key (a theme id, a thread id)
#: gives the same GUID in every export, so a tool sees the same code as the same code.
GUID_NAMESPACE = uuid.uuid5(uuid.NAMESPACE_URL, "themesite:refi-qda")
#: The site's fixed build date (see render/site.py) unless SOURCE_DATE_EPOCH says otherwise.
DEFAULT_EPOCH = 315532800  # 1980-01-01
#: Characters XML 1.0 cannot carry at all, not even as a character reference.
_FORBIDDEN = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")
REPLACEMENT = "\ufffd"


def guid(kind: str, key: str) -> str:
    """The GUID of a code, source, selection, coding or user, from its stable key."""
    return str(uuid.uuid5(GUID_NAMESPACE, f"{kind}:{key}")).upper()


def normal_guid(value: str) -> str:
    """A GUID as `guid` writes it: without braces, in upper case."""
    return value.strip().strip("{}").upper()


def code_guid(theme_id: str) -> str:
    return guid("code", theme_id)


def xml_safe(text: str) -> str:
    """`text` with each character XML 1.0 forbids (control characters other than tab,
    newline and carriage return, lone surrogates, U+FFFE, U+FFFF) replaced by U+FFFD:
    one character for one, so offsets into the text stay right."""
    return _FORBIDDEN.sub(REPLACEMENT, text)


def timestamp() -> str:
    """The creation date written into a project: SOURCE_DATE_EPOCH, else 1980-01-01."""
    raw = os.environ.get("SOURCE_DATE_EPOCH", "")
    epoch = int(raw) if raw.isdigit() else DEFAULT_EPOCH
    return datetime.fromtimestamp(epoch, UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def element(parent: etree._Element | None, ns: str, tag: str, **attrs: str) -> etree._Element:
    """A child of `parent` (or a root) in namespace `ns`, its attribute values made safe."""
    name = f"{{{ns}}}{tag}"
    safe = {k: xml_safe(v) for k, v in attrs.items()}
    if parent is None:
        return etree.Element(name, safe, nsmap={None: ns})
    return etree.SubElement(parent, name, safe)


def text_element(parent: etree._Element, ns: str, tag: str, text: str) -> etree._Element:
    child = element(parent, ns, tag)
    child.text = xml_safe(text)
    return child


def serialize(root: etree._Element) -> bytes:
    """UTF-8 with the declaration in double quotes, the form every QDA tool reads."""
    body = etree.tostring(root, xml_declaration=False, encoding="UTF-8", pretty_print=True)
    return b'<?xml version="1.0" encoding="UTF-8"?>\n' + body
