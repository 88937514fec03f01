"""REFI-QDA exchange: the codebook and project validate against the published schemas, a
codebook comes back as the same taxonomy, offsets slice the sources to the comments,
exports are byte-identical, hostile text stays valid XML and a bad codebook changes
nothing."""

from __future__ import annotations

import io
import shutil
import zipfile
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from lxml import etree

from tests.conftest import Cli, hostile_project, shipped_project, snapshot
from themesite.analyse.records import (
    AMBIGUOUS,
    ASSIGNED,
    Assignment,
    Findings,
    Theme,
    ThemeFindings,
)
from themesite.analyse.taxonomy import ThemeSpec, load_taxonomy
from themesite.ingest.records import Comment, Thread
from themesite.ingest.store import read_threads
from themesite.qda.codebook import codebook_xml, read_codebook
from themesite.qda.project import project_xml, source_text
from themesite.qda.schema import problems, schema
from themesite.qda.xmltext import CODEBOOK_NS, PROJECT_NS, code_guid, xml_safe

P = f"{{{PROJECT_NS}}}"
#: A GUID no theme id gives, for a code another tool made.
NEW_GUID = b"1FF58B12-6F6F-4B0C-8BE5-BBDC91F55294"
HOSTILE = "a <b> & c ]]> d \"e\" 'f' \x00\x01\x0b\x1f\ud800\ufffe tab\there \u202e rtl 🙂"


@pytest.fixture(scope="module")
def analysed(tmp_path_factory) -> Path:
    """The shipped project, analysed once (build/findings.json), for every export test."""
    root = shipped_project(tmp_path_factory.mktemp("qda"))
    result = Cli(root)("analyse")
    assert result.exit_code == 0, result.output
    return root


def _themes(taxonomy) -> list[tuple[str, str, str, str | None]]:
    return [(t.id, t.label, t.description, t.parent) for t in taxonomy.themes]


def test_the_vendored_schemas_compile():
    assert schema("codebook") is not None and schema("project") is not None


def test_the_repaired_codebook_schema_checks_guids_colours_and_sets():
    """The patterns the PDF's hyphens broke work: a full codebook (colour, nested code,
    a set) passes; a GUID or a colour of the wrong shape does not."""
    guid, other = "0E5ECC61-83D1-5B28-95B2-E14DFD3778BB", "{bf742595-6db9-5bc6-9227-b89a2f74afee}"
    good = (
        f'<CodeBook xmlns="{CODEBOOK_NS}" origin="a tool"><Codes>'
        f'<Code guid="{guid}" name="A" isCodable="false" color="#0A0B0C">'
        f'<Description>d</Description><Code guid="{other}" name="B" isCodable="true"/></Code>'
        f'</Codes><Sets><Set guid="{guid}" name="S"><MemberCode guid="{other}"/></Set></Sets>'
        "</CodeBook>"
    )
    assert problems(etree.fromstring(good), "codebook") == []
    for bad in (good.replace(guid, "0E5ECC61-83D1"), good.replace("#0A0B0C", "#0A0B0")):
        assert problems(etree.fromstring(bad), "codebook")


def test_codebook_round_trip_gives_the_same_themes(analysed, tmp_path):
    cli = Cli(analysed)
    qdc = tmp_path / "codebook.qdc"
    assert cli("export", "qdc", "--output", str(qdc)).exit_code == 0
    assert problems(etree.parse(str(qdc)).getroot(), "codebook") == []
    back = tmp_path / "back.yml"
    result = cli("import-codebook", str(qdc), "--output", str(back))
    assert result.exit_code == 0, result.output
    original = load_taxonomy(analysed / "corpus" / "taxonomy.yml")
    assert _themes(load_taxonomy(back)) == _themes(original)


def test_sub_themes_and_renamed_codes_keep_their_ids(tmp_path):
    themes = [
        ThemeSpec("people", "People", "Who is involved."),
        ThemeSpec("silos", "Organisational silos", "Working apart.", parent="people"),
    ]
    qdc = tmp_path / "c.qdc"
    qdc.write_bytes(codebook_xml(themes).replace(b"Organisational silos", b"Silo thinking"))
    read, _ = read_codebook(qdc, {c: i for c, i in _guids(themes)})
    assert [(t.id, t.label, t.parent) for t in read] == [
        ("people", "People", None),
        ("silos", "Silo thinking", "people"),
    ]
    fresh, _ = read_codebook(qdc)  # no taxonomy to recognise them: ids from the names
    assert [t.id for t in fresh] == ["people", "silo-thinking"]


def test_an_exported_code_keeps_its_id_before_a_new_code_of_the_same_name(tmp_path):
    """The new code "Silos" comes first; the old `silos`, renamed, still gets its id."""
    qdc = tmp_path / "c.qdc"
    data = codebook_xml([ThemeSpec("new", "Silos", "New."), ThemeSpec("silos", "Apart", "Old.")])
    qdc.write_bytes(data.replace(code_guid("new").encode(), NEW_GUID))
    read, _ = read_codebook(qdc, {c: i for c, i in _guids([ThemeSpec("silos", "", "")])})
    assert [(t.id, t.label) for t in read] == [("silos-2", "Silos"), ("silos", "Apart")]


def test_a_code_without_a_description_is_named_in_a_warning(project, tmp_path):
    qdc = tmp_path / "c.qdc"
    qdc.write_text(
        f'<CodeBook xmlns="{CODEBOOK_NS}"><Codes>\n{CODE.format(NAMED)}</Codes></CodeBook>',
        encoding="utf-8",
    )
    result = Cli(project)("import-codebook", str(qdc))
    assert result.exit_code == 0, result.output
    assert f"{qdc}:2: code 'Trust' has no description" in result.stderr
    (theme,) = load_taxonomy(project / "corpus" / "taxonomy.yml").themes
    assert (theme.id, theme.label, theme.description) == ("trust", "Trust", "Trust")


def _guids(themes):
    return [(code_guid(t.id), t.id) for t in themes]


def test_import_refuses_to_overwrite_and_replace_keeps_patterns(analysed, tmp_path):
    project = tmp_path / "p"
    shutil.copytree(analysed / "corpus", project / "corpus")
    cli = Cli(project)
    qdc = tmp_path / "codebook.qdc"
    assert cli("export", "qdc", "--output", str(qdc)).exit_code == 0
    taxonomy = project / "corpus" / "taxonomy.yml"
    before = taxonomy.read_bytes()
    refused = cli("import-codebook", str(qdc))
    assert refused.exit_code == 1 and "--replace" in refused.stderr
    assert taxonomy.read_bytes() == before
    assert cli("import-codebook", str(qdc), "--replace").exit_code == 0
    old = {t.id: t for t in load_taxonomy(analysed / "corpus" / "taxonomy.yml").themes}
    for theme in load_taxonomy(taxonomy).themes:
        kept = old[theme.id]
        assert (theme.phrases, theme.tokens, theme.examples, theme.counter_examples) == (
            kept.phrases,
            kept.tokens,
            kept.examples,
            kept.counter_examples,
        )


def _checked_qdpx(root: Path, out: Path) -> int:
    """Export the project at `root`; check that it validates and that every selection
    slices its source to exactly its comment, coded with codes the project has.
    Returns how many codings it holds."""
    result = Cli(root)("export", "qdpx", "--output", str(out))
    assert result.exit_code == 0, result.output
    archive = zipfile.ZipFile(out)
    assert archive.namelist()[0] == "project.qde"
    project = etree.fromstring(archive.read("project.qde"))
    assert problems(project, "project") == []
    codes = {c.get("guid") for c in project.iter(f"{P}Code")}
    threads = read_threads(root / "corpus" / "threads")
    comments = {c.id: c.text for t in threads for c in t.comments}
    codings = 0
    for source in project.iter(f"{P}TextSource"):
        path = source.get("plainTextPath").removeprefix("internal://")
        text = archive.read(f"Sources/{path}").decode("utf-8")
        for selection in source.iter(f"{P}PlainTextSelection"):
            start, end = int(selection.get("startPosition")), int(selection.get("endPosition"))
            assert text[start:end] == comments[selection.get("name")]
            refs = [r.get("targetGUID") for r in selection.iterfind(f"{P}Coding/{P}CodeRef")]
            assert refs and set(refs) <= codes and len(set(refs)) == len(refs)
            codings += len(refs)
    return codings


def test_qdpx_validates_and_offsets_slice_exactly_the_comments(analysed, tmp_path):
    from themesite.build import read_findings
    from themesite.config import Project

    codings = _checked_qdpx(analysed, tmp_path / "p.qdpx")
    findings = read_findings(Project(analysed))
    assigned = [a for a in findings.comment_assignments if a.status == ASSIGNED]
    assert codings == len(assigned) > 0


def test_exports_are_byte_identical(analysed, tmp_path):
    cli = Cli(analysed)
    for kind in ("qdc", "qdpx"):
        one, two = tmp_path / f"1.{kind}", tmp_path / f"2.{kind}"
        assert cli("export", kind, "--output", str(one)).exit_code == 0
        assert cli("export", kind, "--output", str(two)).exit_code == 0
        assert one.read_bytes() == two.read_bytes(), kind


def test_qdpx_without_an_analysis_is_one_line_error(project, tmp_path):
    result = Cli(project)("export", "qdpx", "--output", str(tmp_path / "x.qdpx"))
    assert result.exit_code == 1
    assert result.stderr.count("\n") == 1 and "themesite analyse" in result.stderr
    assert not (tmp_path / "x.qdpx").exists()


def test_xml_safe_replaces_what_xml_forbids_one_for_one():
    assert xml_safe("a\x00b\tc\nd\re\ud800\uffff") == "a\ufffdb\tc\nd\re\ufffd\ufffd"


def test_hostile_text_exports_valid_xml_and_comes_back(tmp_path):
    themes = [ThemeSpec("hostile", HOSTILE, HOSTILE), ThemeSpec("cdata", "]]>", "<![CDATA[")]
    qdc = tmp_path / "h.qdc"
    qdc.write_bytes(codebook_xml(themes))
    read, _ = read_codebook(qdc)
    assert read[0].label == " ".join(xml_safe(HOSTILE).split())
    assert (read[1].label, read[1].description) == ("]]>", "<![CDATA[")

    comment = Comment("c1", 0, HOSTILE, None, None, None, None, None, (HOSTILE, "x\r\ny"), 1, 2)
    thread = Thread(
        "t1",
        HOSTILE,
        "raw.txt",
        "0" * 64,
        "test",
        None,
        None,
        (HOSTILE,),
        (),
        None,
        (comment,),
        (),
        (),
    )
    theme = Theme("hostile", HOSTILE, "seeded", HOSTILE)
    findings = Findings(
        themes=(ThemeFindings(theme, 1, 1, ("t1",), 1, {}, (), ()),),
        comment_assignments=(
            Assignment("c1", "hostile", ASSIGNED, 0.9, ()),
            Assignment("c1", "hostile", AMBIGUOUS, 0.5, ()),
        ),
        statement_assignments=(),
        coverage={},
        contributors=(),
        threads=(),
        corpus={},
    )
    source = source_text(thread)
    root = etree.fromstring(project_xml(HOSTILE, [source], findings))
    assert problems(root, "project") == []
    (selection,) = root.iter(f"{P}PlainTextSelection")
    start, end = int(selection.get("startPosition")), int(selection.get("endPosition"))
    assert source.text[start:end] == comment.text


def test_the_hostile_corpus_exports_a_valid_project(tmp_path):
    """Every naughty string as thread title, author and comment."""
    hostile_project(tmp_path)
    assert Cli(tmp_path)("analyse").exit_code == 0
    assert _checked_qdpx(tmp_path, tmp_path / "h.qdpx") > 0


@settings(max_examples=60, deadline=None)
@given(label=st.text(min_size=1), description=st.text(min_size=1))
def test_any_label_and_description_make_a_valid_codebook(tmp_path_factory, label, description):
    qdc = tmp_path_factory.mktemp("h") / "c.qdc"
    data = codebook_xml([ThemeSpec("x", label, description)])
    assert problems(etree.fromstring(data), "codebook") == []
    qdc.write_bytes(data)
    if " ".join(xml_safe(label).split()):
        (theme,), _ = read_codebook(qdc)
        assert theme.label == " ".join(xml_safe(label).split())


EMPTY, ENTITY, NAMED = 'name=" "', 'name="&e;"', 'name="Trust"'
CODE = '<Code guid="1FF58B12-6F6F-4B0C-8BE5-BBDC91F55294" {} isCodable="true"/>'
BAD = {
    "not-xml.qdc": ("this is not <xml", 1),
    "truncated.qdc": (f'<CodeBook xmlns="{CODEBOOK_NS}">\n<Codes>\n', 3),
    "wrong-root.qdc": (f'<?xml version="1.0"?>\n<Project xmlns="{PROJECT_NS}" name="p"/>', 2),
    "no-namespace.qdc": ("<CodeBook><Codes/></CodeBook>", 1),
    "missing-name.qdc": (
        f'<CodeBook xmlns="{CODEBOOK_NS}">\n<Codes>\n{CODE.format("")}\n</Codes></CodeBook>',
        3,
    ),
    "empty-name.qdc": (
        f'<CodeBook xmlns="{CODEBOOK_NS}">\n<Codes>\n{CODE.format(EMPTY)}\n</Codes></CodeBook>',
        3,
    ),
    "entity.qdc": (
        '<?xml version="1.0"?>\n<!DOCTYPE x [<!ENTITY e SYSTEM "file:///etc/passwd">]>\n'
        f'<CodeBook xmlns="{CODEBOOK_NS}"><Codes>\n{CODE.format(ENTITY)}</Codes></CodeBook>',
        None,
    ),
}


@pytest.mark.parametrize("name", sorted(BAD))
def test_a_bad_codebook_names_the_file_and_line_and_changes_nothing(analysed, tmp_path, name):
    project = tmp_path / "p"
    shutil.copytree(analysed / "corpus", project / "corpus")
    before = snapshot(project / "corpus")
    text, line = BAD[name]
    bad = tmp_path / name
    bad.write_text(text, encoding="utf-8")
    result = Cli(project)("import-codebook", str(bad), "--replace")
    assert result.exit_code == 1
    lines = [x for x in result.stderr.splitlines() if x.strip()]
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith(f"error: {bad}")
    if line is not None:
        assert lines[0].startswith(f"error: {bad}:{line}: "), lines[0]
    assert "Traceback" not in result.output and "root:" not in lines[0]
    assert snapshot(project / "corpus") == before


def test_a_missing_codebook_is_one_line_error(project, tmp_path):
    result = Cli(project)("import-codebook", str(tmp_path / "none.qdc"))
    assert result.exit_code == 1 and "none.qdc" in result.stderr
    assert not (project / "corpus" / "taxonomy.yml").exists()


def test_a_codebook_as_read_by_the_stdlib_too(analysed):
    """The .qdc on stdout is the same document (for scripts that pipe it)."""
    result = Cli(analysed)("export", "qdc")
    assert result.exit_code == 0
    root = etree.parse(io.BytesIO(result.stdout_bytes)).getroot()
    assert root.tag == f"{{{CODEBOOK_NS}}}CodeBook"


def test_a_deep_taxonomy_exports(tmp_path):
    """Deeper than lxml parses by default (256): our own output is checked without it."""
    chain = [
        ThemeSpec(f"t{i}", f"T{i}", "d", parent=f"t{i - 1}" if i else None) for i in range(300)
    ]
    assert codebook_xml(chain).count(b"<Code ") == 300
