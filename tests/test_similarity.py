"""The zero-shot scorer of themes written in words only (analyse/similarity.py)."""

from __future__ import annotations

import csv
import io

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tests.conftest import Cli
from themesite.analyse.engine import LocalEngine
from themesite.analyse.stage import analyse
from themesite.analyse.statements import NlpSettings
from themesite.analyse.taxonomy import Taxonomy, ThemeSpec
from themesite.config import AnalyseConfig
from themesite.ingest.records import Comment, Thread

UNIFORMS = [
    "School uniforms should be banned because they stop children expressing themselves.",
    "Uniforms should be banned, pupils need to choose their own clothes.",
    "Ban the uniform: it crushes every child's sense of style.",
    "School uniforms should not be banned, they keep costs down for parents.",
    "Uniforms shouldn't be banned, they stop bullying over clothes.",
    "Do not ban uniforms: they make pupils equal.",
    "The canteen food at our school has improved a lot this year.",
    "Teachers deserve better pay for the hours they work.",
    "Our library opens late on Thursdays now.",
    "Homework takes up most of my evenings.",
    "The school bus is late almost every morning.",
    "Sports day was cancelled because of the rain.",
]
BAN = ThemeSpec("ban", "Uniforms should be banned", "Uniforms should be banned.")
KEEP = ThemeSpec("keep", "Uniforms should not be banned", "Uniforms should not be banned.")


def _findings(texts: list[str], themes: tuple[ThemeSpec, ...], encoder: str = ""):
    comments = tuple(
        Comment(f"c{i:02d}", i, f"author{i}", None, None, None, None, None, (text,), i + 1, i + 1)
        for i, text in enumerate(texts)
    )
    thread = Thread("t", "T", "t.csv", "", "csv", None, None, (), (), None, comments, (), ())
    taxonomy = Taxonomy("", themes)
    engine = LocalEngine.load([thread], taxonomy, NlpSettings("blank:en", 64, 1), False)
    config = AnalyseConfig(discover=False, processes=1, encoder=encoder)
    return analyse(engine, taxonomy, config).findings


def _best(findings) -> dict[str, str]:
    table = findings.scores
    return {
        comment: table.themes[max(range(len(row)), key=row.__getitem__)]
        for comment, row in zip(table.comments, table.similarity, strict=True)
    }


def test_a_negated_claim_is_closer_to_its_negation_than_to_the_claim():
    """Stance words are kept ("n't" is "not"); "never" would be another word to it."""
    best = _best(_findings(UNIFORMS, (BAN, KEEP)))
    assert [best[f"c{i:02d}"] for i in range(6)] == ["ban"] * 3 + ["keep"] * 3


def test_a_negated_claim_is_never_assigned_the_claim():
    findings = _findings(UNIFORMS, (BAN, KEEP))
    negated = {f"c{i:02d}" for i in (3, 4, 5)}
    for item in findings.comment_assignments:
        if item.unit_id in negated:
            assert item.theme_id != "ban" or item.status != "assigned", item


COSTS = [
    "The tuition fees went up again and families cannot pay them.",
    "Fees for the trip were far too expensive for most parents.",
    "Paying for textbooks every term is a burden on poor households.",
    "Everything at this school costs a fortune: trips, books, fees.",
] + UNIFORMS[6:]


def _ranked_first(findings, comments: set[str], theme_id: str) -> int:
    return sum(best == theme_id for comment, best in _best(findings).items() if comment in comments)


def test_examples_make_a_theme_find_what_its_words_miss():
    """Money matters, in words that none of the fee comments use; three examples (held
    out of the corpus) teach the scorer what they say."""
    money = ThemeSpec("money", "Money worries", "Money worries of households.")
    other = ThemeSpec("weather", "Bad weather", "Rain, storms and cold days.")
    fee_comments = {f"c{i:02d}" for i in range(4)}
    without = _findings(COSTS, (money, other))
    taught = ThemeSpec(
        money.id,
        money.label,
        money.description,
        examples=(
            "School fees are too expensive.",
            "Parents cannot pay for the books.",
            "The costs of trips keep rising.",
        ),
    )
    with_examples = _findings(COSTS, (taught, other))

    def confidence(findings):
        column = findings.scores.themes.index("money")
        return sum(
            row[column]
            for comment, row in zip(
                findings.scores.comments, findings.scores.confidence, strict=True
            )
            if comment in fee_comments
        )

    assert _ranked_first(with_examples, fee_comments, "money") == 4
    assert confidence(with_examples) > confidence(without)
    assigned = {a.unit_id for a in with_examples.comment_assignments if a.status == "assigned"}
    assert len(assigned & fee_comments) > len(
        {a.unit_id for a in without.comment_assignments if a.status == "assigned"} & fee_comments
    )


def test_scores_are_deterministic():
    first, second = _findings(UNIFORMS, (BAN, KEEP)), _findings(UNIFORMS, (BAN, KEEP))
    assert first.scores == second.scores
    assert first.comment_assignments == second.comment_assignments


def test_export_all_has_every_comment_and_theme_pair(project, tmp_path):
    export = tmp_path / "uniforms.csv"
    with export.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(["thread", "author", "text"])
        writer.writerows(("t1", f"a{i}", text) for i, text in enumerate(UNIFORMS))
    (project / "corpus" / "taxonomy.yml").write_text(
        "version: 1\nthemes:\n"
        "  - id: ban\n    label: Uniforms should be banned\n"
        "    description: Uniforms should be banned.\n"
        "  - id: keep\n    label: Uniforms should not be banned\n"
        "    description: Uniforms should not be banned.\n",
        encoding="utf-8",
    )
    (project / "themesite.yml").write_text("analyse:\n  discover: false\n", encoding="utf-8")
    cli = Cli(project)
    assert cli("add", str(export)).exit_code == 0
    assert cli("analyse").exit_code == 0
    result = cli("export", "assignments", "--all")
    assert result.exit_code == 0, result.output
    rows = list(csv.DictReader(io.StringIO(result.output)))
    assert len(rows) == 2 * len(UNIFORMS)
    assert {r["status"] for r in rows} >= {"assigned", "unassigned"}
    assert all(0 <= float(r["confidence"]) <= 1 for r in rows)
    outcomes = list(csv.DictReader(io.StringIO(cli("export", "assignments").output)))
    assert len(outcomes) < len(rows)


@pytest.mark.parametrize("path", ["/nonexistent/model", "."])
def test_an_encoder_that_is_not_a_model_folder_is_a_one_line_error(path, tmp_path):
    from themesite.analyse.encoder import load_encoder
    from themesite.errors import ThemesiteError

    with pytest.raises(ThemesiteError) as raised:
        load_encoder(path if path != "." else str(tmp_path))
    assert "\n" not in str(raised.value) and "encoder" in str(raised.value)


class ConceptEncoder:
    """A stand-in for a sentence encoder, for the plug-in only: words hashed into a few
    dimensions, plus one strong dimension per concept that texts naming it in any words
    share (what a trained model would learn)."""

    CONCEPTS = (("environment", "pollution", "smog"), ("money", "fees", "expensive"))
    WIDTH = 64

    def embed(self, texts):
        import zlib

        import numpy as np

        rows = np.zeros((len(texts), self.WIDTH + len(self.CONCEPTS)))
        for row, text in enumerate(texts):
            words = text.lower().replace(".", " ").split()
            for word in words:
                rows[row, zlib.crc32(word.encode()) % self.WIDTH] += 1
            for column, concept in enumerate(self.CONCEPTS):
                rows[row, self.WIDTH + column] = 5.0 * any(w in concept for w in words)
        return rows / np.maximum(np.linalg.norm(rows, axis=1, keepdims=True), 1e-9)


def test_an_encoder_finds_a_paraphrase_that_shares_no_word(monkeypatch):
    import themesite.analyse.stage as stage

    texts = ["Smog covers the city every winter now.", *UNIFORMS[6:]]
    themes = (
        ThemeSpec("green", "Harm to the environment", "The environment suffers."),
        ThemeSpec("cost", "Money worries", "Households cannot pay."),
    )

    def assigned(findings):
        return {
            (a.unit_id, a.theme_id) for a in findings.comment_assignments if a.status == "assigned"
        }

    assert ("c00", "green") not in assigned(_findings(texts, themes))
    monkeypatch.setattr(stage, "load_encoder", lambda path: ConceptEncoder())
    findings = _findings(texts, themes, encoder="concepts")
    assert _best(findings)["c00"] == "green"
    assert ("c00", "green") in assigned(findings)
    assert findings.parameters["encoder"] == "concepts"


def _words(text: str) -> tuple[str, tuple[str, ...]]:
    return text, tuple(text.lower().strip(".").split())


def test_a_long_example_gives_the_theme_only_its_sentence_nearest_the_theme():
    """A coded comment says more than its theme: its other sentences must not become
    the theme's words."""
    from sklearn.feature_extraction.text import HashingVectorizer

    from themesite.analyse.similarity import ThemeWords, _chosen

    hashing = HashingVectorizer(n_features=2**12, alternate_sign=False)

    def space(word_lists, raw):
        return hashing.transform([" ".join(words) for words in word_lists])

    passage = tuple(
        _words(text)
        for text in (
            "The canteen food at our school has improved a lot this year.",
            "School uniforms should be banned outright.",
            "The bus is late every morning.",
        )
    )
    themes = [
        ThemeWords("ban", _words("Uniforms should be banned."), (), (passage,)),
        ThemeWords("food", _words("Canteen food."), (_words("The food is good."),)),
    ]
    chosen = _chosen(themes, space)
    assert [t.examples for t in chosen] == [(passage[1],), themes[1].examples]
    assert all(t.passages == () for t in chosen)


def test_examples_longer_than_a_passage_are_split_into_sentences():
    from themesite.analyse.pipeline import build_pipeline
    from themesite.analyse.similarity import PASSAGE_WORDS
    from themesite.analyse.stage import _theme_words

    long = " ".join(["Uniforms should be banned now."] + ["We talked about lunch."] * 15)
    assert len(long.split()) > PASSAGE_WORDS
    theme = ThemeSpec("ban", "Ban", "Ban uniforms.", examples=("Ban them.", long))
    (words,) = _theme_words(build_pipeline("blank:en"), Taxonomy("", (theme,)))
    assert [text for text, _ in words.examples] == ["Ban them."]
    assert len(words.passages) == 1 and len(words.passages[0]) == 16
    assert words.passages[0][0][0] == "Uniforms should be banned now."


@settings(max_examples=200, deadline=None)
@given(st.lists(st.text(max_size=80), max_size=8))
def test_character_ngrams_summed_over_words_are_those_of_the_whole_text(texts):
    """The fast `char_counts` (each word hashed once) gives scikit-learn's numbers for
    hashing each text whole, whatever its spaces, case or script."""
    from sklearn.feature_extraction.text import HashingVectorizer

    from themesite.analyse.similarity import CHAR_FEATURES, char_counts

    whole = HashingVectorizer(
        analyzer="char_wb",
        ngram_range=(3, 5),
        n_features=CHAR_FEATURES,
        alternate_sign=False,
        norm=None,
        lowercase=True,
    )
    fast = char_counts(texts)
    expected = whole.transform(texts) if texts else fast
    assert fast.shape == expected.shape
    assert (fast != expected).nnz == 0
    assert fast.has_sorted_indices and (fast.indices == expected.indices).all()
