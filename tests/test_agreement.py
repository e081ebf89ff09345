"""`policycheck diff A B --agreement`: two encodings of one notice, read against each other.

The two encodings (tests/two_encodings.py) differ in four known ways; the report must find each,
in its class, with both readings and both quotes, and the one verdict that differs because of
them; and the agreement figures must be right (Cohen's kappa checked by hand and by its
properties).
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import jsonschema
import pytest
from hypothesis import given
from hypothesis import strategies as st
from two_encodings import write_two_encodings

from checker.cli import main
from checker.rules.agreement import CLASSES, SECTIONS, classify, cohen_kappa, overlap

ROOT = Path(__file__).resolve().parents[1]
SCHEMA = json.loads((ROOT / "docs" / "agreement.schema.json").read_text(encoding="utf-8"))


@pytest.fixture
def encodings(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> tuple[str, str]:
    monkeypatch.chdir(tmp_path)
    write_two_encodings(tmp_path)
    return "a.policy", "b.policy"


def agreement(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(["diff", "--agreement", *argv])
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def test_each_known_difference_is_found_in_its_class_with_both_readings(
    encodings: tuple[str, str], capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, _ = agreement(capsys, *encodings)
    assert code == 0
    assert (
        "transfer outside_collection_location:\n"
        "  consent: bundled (a.policy) / separate (b.policy)  "
        "[consent: docs/encoding-guide.md#2-consent-which-mechanism]\n"
        '    a.policy: "this information and data will be sent to your country, area, or outside '
        'of the location our APP co…"\n'
        '    b.policy: "this information and data will be sent to your country, area, or outside '
        'of the location our APP co…"\n'
    ) in out
    assert (
        "collection registration:\n"
        "  basis_pipl: [consent] (a.policy) / unstated (b.policy)  "
        "[legal-basis: docs/encoding-guide.md#7-the-other-laws-fields]\n"
    ) in out
    assert (
        "minors:\n"
        "  guardian_consent: unstated (a.policy) / yes (b.policy)  "
        "[minors: no convention in docs/encoding-guide.md yet]\n"
        '    b.policy: "This APP of our company respect and protect the personal privacy of all '
        'service users."\n'
    ) in out
    assert (
        "only in a.policy: disclaimer excluded_from_policy: b.policy reads these words as "
        "irrelevant excluded_from_policy  [statement-kinds: no convention in docs/encoding-guide.md yet]"
    ) in out


def test_the_verdict_that_differs_is_traced_to_the_statement_read_differently(
    encodings: tuple[str, str], capsys: pytest.CaptureFixture[str]
) -> None:
    _, out, _ = agreement(capsys, *encodings)
    verdicts = out.split("verdicts that differ:\n")[1].split("\n\n")[0]
    assert verdicts == (
        "  error PIPL-31-1 Personal information of children under 14 is handled only with a "
        "parent's or guardian's consent: incomplete (a.policy) / pass (b.policy) "
        "[PIPL Art. 31(1)]; read differently: minors\n"
        "  error PIPL-39-consent Personal information is sent abroad only with the individual's "
        "separate consent: fail (a.policy) / pass (b.policy) [PIPL Art. 39]; read differently: "
        "transfer outside_collection_location"
    )
    # Two obligations of all differ: the agreement figures say so (their arithmetic is checked
    # by hand below; the number of obligations grows with the requirement sets). PIPL-31-1's
    # trigger (whether children use the service) is open in both; b.policy's guardian consent
    # meets the rule either way, a.policy's unstated one cannot be decided.
    summary = re.search(
        r"\n68 statements matched \(3 read differently\), 1 only in a.policy, 1 only in b.policy\n"
        r"agreement: (\d+) of (\d+) obligations with the same verdict \(([\d.]+)%\); "
        r"Cohen's kappa ([\d.]+)\n$",
        out,
    )
    assert summary is not None
    same, total = int(summary[1]), int(summary[2])
    assert same == total - 2
    assert summary[3] == f"{100 * same / total:.1f}"
    assert 0.9 < float(summary[4]) < 1.0


def test_an_encoding_agrees_fully_with_itself(
    encodings: tuple[str, str], capsys: pytest.CaptureFixture[str]
) -> None:
    _, out, _ = agreement(capsys, "a.policy", "a.policy")
    assert re.search(
        r"\n69 statements matched \(0 read differently\), 0 only in a.policy, 0 only in a.policy\n"
        r"agreement: (\d+) of \1 obligations with the same verdict \(100.0%\); "
        r"Cohen's kappa 1.00\n$",
        out,
    )
    assert "verdicts that differ" not in out


def test_the_json_report_follows_its_schema(
    encodings: tuple[str, str], capsys: pytest.CaptureFixture[str]
) -> None:
    _, out, _ = agreement(capsys, *encodings, "--format", "json")
    data = json.loads(out)
    jsonschema.validate(data, SCHEMA)
    assert {c: v["count"] for c, v in data["classes"].items()} == {
        "consent": 1,
        "legal-basis": 1,
        "minors": 1,
        "statement-kinds": 1,
    }
    figures = data["agreement"]
    assert figures["same"] == figures["obligations"] - 2  # PIPL-31-1 and PIPL-39-consent
    assert figures["share"] == round(figures["same"] / figures["obligations"], 4)
    assert 0.9 < figures["kappa"] < 1.0
    transfer = next(d for d in data["differences"] if d["kind"] == "transfer")
    assert transfer["overlap"] == 1.0
    assert transfer["fields"] == [
        {
            "field": "consent",
            "a": "bundled",
            "b": "separate",
            "class": "consent",
            "guide": "docs/encoding-guide.md#2-consent-which-mechanism",
        }
    ]


def test_free_text_is_compared_on_whether_it_is_stated_not_on_its_wording(
    encodings: tuple[str, str], capsys: pytest.CaptureFixture[str]
) -> None:
    text = Path("b.policy").read_text(encoding="utf-8")
    reworded = text.replace(
        'covers              = "all the contents of this privacy policy',
        'covers              = "everything in the privacy policy',
    )
    silenced = reworded.replace(
        "  withdrawal          = unstated\n  if_refused          = service_refused",
        '  withdrawal          = "never"\n  if_refused          = service_refused',
    )
    assert silenced != reworded != text
    Path("b.policy").write_text(silenced, encoding="utf-8")
    _, out, _ = agreement(capsys, *encodings)
    assert "covers:" not in out
    assert "covers" not in out.split("verdicts that differ")[0]
    # Stated against silent is a disagreement, whatever the words.
    assert '  withdrawal: unstated (a.policy) / "never" (b.policy)  [unstated: ' in out


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["a.policy"], "--agreement compares two policy files; 1 given"),
        (["a.policy", "b.policy", "--format", "markdown"], "--agreement reports as json or text"),
    ],
)
def test_usage_errors(
    argv: list[str], message: str, encodings: tuple[str, str], capsys: pytest.CaptureFixture[str]
) -> None:
    code, _, err = agreement(capsys, *argv)
    assert code == 2
    assert f"policycheck: error[E604] {message}" in err


def test_two_encodings_of_different_texts_are_refused(
    encodings: tuple[str, str], capsys: pytest.CaptureFixture[str]
) -> None:
    other = Path("sources/other.txt")
    other.write_text(Path("sources/004_4656aebb13097a8c.txt").read_text() + "\nMore.\n")
    text = Path("b.policy").read_text(encoding="utf-8")
    Path("b.policy").write_text(text.replace("004_4656aebb13097a8c.txt", "other.txt"))
    code, _, err = agreement(capsys, *encodings)
    assert code == 2
    assert "error[E604] a.policy and b.policy encode different texts" in err


def test_a_policy_that_does_not_load_is_an_input_error(
    encodings: tuple[str, str], capsys: pytest.CaptureFixture[str]
) -> None:
    Path("b.policy").write_text("document {\n", encoding="utf-8")
    code, _, err = agreement(capsys, *encodings)
    assert code == 2
    assert "b.policy:" in err and "error[E102]" in err


def test_cohen_kappa_by_hand() -> None:
    # 50 items: both yes 20, both no 15, a yes / b no 5, a no / b yes 10.
    a = ["yes"] * 20 + ["no"] * 15 + ["yes"] * 5 + ["no"] * 10
    b = ["yes"] * 20 + ["no"] * 15 + ["no"] * 5 + ["yes"] * 10
    # observed 0.7; expected 0.5 * 0.6 + 0.5 * 0.4 = 0.5; kappa (0.7 - 0.5) / 0.5 = 0.4
    assert cohen_kappa(a, b) == pytest.approx(0.4)
    assert cohen_kappa(["pass"] * 4, ["pass"] * 4) is None
    assert cohen_kappa([], []) is None


@given(st.lists(st.tuples(st.sampled_from("abc"), st.sampled_from("abc")), min_size=1))
def test_cohen_kappa_properties(pairs: list[tuple[str, str]]) -> None:
    a, b = [x for x, _ in pairs], [y for _, y in pairs]
    kappa = cohen_kappa(a, b)
    assert kappa == cohen_kappa(b, a)
    if kappa is not None:
        assert -1.0 <= kappa <= 1.0 + 1e-9
    if len(set(a)) > 1:
        assert cohen_kappa(a, a) == pytest.approx(1.0)


def test_overlap_is_shared_text_over_the_shorter_quote() -> None:
    assert overlap([(0, 10)], [(5, 25)]) == 0.5
    assert overlap([(0, 10)], [(10, 20)]) == 0.0
    assert overlap([], [(0, 5)]) == 0.0


@pytest.mark.parametrize(
    ("kind", "key", "a", "b", "cls"),
    [
        ("collection", "consent", "explicit", "separate", "consent"),
        ("minors", "guardian_consent", "yes", "unstated", "minors"),
        ("collection", "basis_pipl", "[consent]", None, "legal-basis"),
        ("collection", "data", "[user.name]", "all", "data-categories"),
        ("collection", "retention_basis", "criteria", "fixed_period", "retention"),
        ("transfer", "destination", "outside_cn", "us", "transfers"),
        ("right", "response_days", "15", "30", "rights"),
        ("handler", "legal_name", '"X Ltd"', "unstated", "unstated"),
        ("breach", "notify_individuals", "yes", None, "not-encoded"),
        ("breach", "notify_individuals", "yes", "no", "other-values"),
    ],
)
def test_disagreement_classes(kind: str, key: str, a: str, b: str | None, cls: str) -> None:
    assert classify(kind, key, a, b) == cls
    assert cls in CLASSES


GUIDE = ROOT / "docs" / "encoding-guide.md"


def github_anchor(heading: str) -> str:
    """The anchor GitHub gives a heading: lower case, punctuation dropped, spaces to hyphens."""
    kept = "".join(ch for ch in heading.strip().lower() if ch.isalnum() or ch in " -_")
    return kept.replace(" ", "-")


def test_every_linked_section_of_the_encoding_guide_exists() -> None:
    text = GUIDE.read_text(encoding="utf-8")
    anchors = {github_anchor(h) for h in re.findall(r"^#+ (.*)$", text, flags=re.M)}
    assert sorted(set(SECTIONS.values()) - anchors) == []
    assert set(SECTIONS) <= set(CLASSES)


def test_the_anchor_of_a_heading_is_the_one_github_makes() -> None:
    assert github_anchor("2. Consent: which mechanism") == "2-consent-which-mechanism"
    assert github_anchor("5. Rights exercised by oneself: `response_days = 0`") == (
        "5-rights-exercised-by-oneself-response_days--0"
    )


def test_a_right_read_as_several_pairs_with_the_same_right_read_as_one() -> None:
    from checker.language.build import build_policy
    from checker.language.syntax import parse_syntax
    from checker.rules.agreement import match

    def policy(rights: str) -> object:
        text = 'document { title = "t" source = "n.txt" jurisdictions = [cn] }\n' + rights
        return build_policy(parse_syntax(text), "p.policy", require_cites=False)

    a = policy('right delete.in_app { channel = "in the app" response_days = 0 }\n')
    b = policy(
        'right delete { channel = "in the app" response_days = 0 }\n'
        "right access { channel = unstated }\n"
    )
    pairs, unmatched = match(a, b, "notice text")  # type: ignore[arg-type]
    rights = [(p.a_label, p.b_label) for p in pairs if p.kind == "right"]
    assert rights == [("right delete.in_app", "right delete")]
    assert [(u.side, u.label) for u in unmatched] == [("b", "right access")]
