"""`policycheck init`: a scaffold for every bundled notice and for hostile texts lints (exit 0 or 1,
never an input error), is left unchanged by `fmt`, accounts for every paragraph, and never
replaces a file without `--force`."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from checker.cli import main
from checker.commands.coverage import coverage_of
from checker.commands.init import default_output, guess_language, is_heading, scaffold
from checker.language.formatter import format_text
from checker.notice.anchoring import anchor
from checker.notice.loading import load_policy, parse_policy

ROOT = Path(__file__).resolve().parents[1]
NOTICES = sorted((ROOT / "policies" / "sources").glob("*.txt"))

HOSTILE = {
    "empty": "",
    "blank_lines_only": "\n\n   \n\t\n",
    "one_huge_paragraph": "We collect your data and use it. " * 20_000,
    "crlf": "Privacy Notice\r\n\r\n1. Who we are\r\nShop Ltd. handles your data.\r\n",
    "chinese_punctuation": (
        "隐私政策\n\n一、我们如何收集信息\n我们收集您的姓名、手机号码。\n"
        "二、我们如何使用信息\n我们将信息用于：提供服务；改进产品！\n第三条 跨境传输\n"
        "您的信息可能被传输至境外，我们将取得您的单独同意。\n"
    ),
    "no_headings": (
        "We collect your name and email address when you register.\n"
        "We share your data with our payment processor, as the contract requires.\n"
        "You may delete your account at any time, by writing to us.\n"
    ),
    "quotes_and_backslashes": 'The "Shop" \\ Notice\n\nWe say "hello" and C:\\path.\n',
    "invisible_characters": "Privacy\u200b Notice\n\u200b\u200b\nWe\u202e collect data.\n\x0cPage 2\n",
    "lone_carriage_returns": "Privacy Notice\rSecond part\n\nWe collect data.\r\n",
    "heading_with_tabs": "Privacy\tNotice\n\nWe collect data.\n",
}


def init_and_lint(
    notice: Path, output: Path, capsys: pytest.CaptureFixture[str]
) -> tuple[str, int]:
    """Run `init`, then `lint` on the result; the new file and lint's exit code."""
    assert main(["init", str(notice), "-o", str(output)]) == 0
    capsys.readouterr()
    code = main(["lint", "--no-cache", str(output)])
    err = capsys.readouterr().err
    assert "error[E" not in err, err
    return output.read_text(encoding="utf-8"), code


def paragraphs(text: str) -> int:
    return sum(1 for line in text.split("\n") if line.strip())


def check_scaffold(policy_text: str, notice_text: str, path: Path) -> None:
    assert format_text(policy_text) == policy_text, "fmt would change the new file"
    policy, _ = load_policy(path)
    comments = len(re.findall(r"^# ¶\d+ line \d+: ", policy_text, flags=re.M))
    covered = coverage_of(policy, notice_text).covered
    # Every paragraph is either a cited heading or listed as a comment to encode.
    assert covered + comments == paragraphs(notice_text)


@pytest.mark.parametrize("notice", NOTICES, ids=[n.stem for n in NOTICES])
def test_every_bundled_notice_gets_a_scaffold_that_lints_and_is_formatted(
    notice: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # The notice lies inside the project the policy is written to, as lint requires.
    copy = tmp_path / "sources" / notice.name
    copy.parent.mkdir()
    copy.write_bytes(notice.read_bytes())
    output = tmp_path / "new.policy"
    text, code = init_and_lint(copy, output, capsys)
    assert code in (0, 1)
    check_scaffold(text, notice.read_text(encoding="utf-8"), output)
    assert "# TODO" in text
    assert re.search(r'^  source += "[^"]*' + re.escape(notice.name) + '"$', text, re.M)


@pytest.mark.parametrize("name", sorted(HOSTILE))
def test_hostile_notices_get_a_scaffold_that_lints_and_is_formatted(
    name: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    notice = tmp_path / "sources" / f"{name}.txt"
    notice.parent.mkdir()
    notice.write_bytes(HOSTILE[name].encode("utf-8"))
    output = tmp_path / f"{name}.policy"
    text, code = init_and_lint(notice, output, capsys)
    assert code in (0, 1)
    # Read as lint reads it: bytes decoded, line breaks as they are.
    check_scaffold(text, notice.read_bytes().decode("utf-8"), output)


def test_the_header_takes_the_first_heading_the_language_and_the_jurisdictions(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / ".git").mkdir()  # the project root, which holds both files
    notice = tmp_path / "notice.txt"
    notice.write_text(HOSTILE["chinese_punctuation"], encoding="utf-8")
    output = tmp_path / "out" / "shop.policy"
    assert main(["init", str(notice), "-o", str(output), "--jurisdictions", "cn,eu"]) == 0
    text = output.read_text(encoding="utf-8")
    assert 'title         = "隐私政策"' in text
    assert 'source        = "../notice.txt"' in text
    assert "language      = zh" in text
    assert "jurisdictions = [cn, eu]" in text
    assert 'cite "¶2" "一、我们如何收集信息"' in text
    assert 'cite "¶6" "第三条 跨境传输"' in text
    assert '# ¶3 line 4: "我们收集您的姓名、手机号码。"' in text


def test_an_existing_file_is_never_replaced_without_force(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    notice = tmp_path / "notice.txt"
    notice.write_text(HOSTILE["no_headings"], encoding="utf-8")
    output = tmp_path / "shop.policy"
    output.write_text("# mine\n", encoding="utf-8")
    capsys.readouterr()
    assert main(["init", str(notice), "-o", str(output)]) == 2
    err = capsys.readouterr().err
    assert f"{output}: error[E607] already exists; not overwritten" in err
    assert "--force" in err
    assert output.read_text(encoding="utf-8") == "# mine\n"
    assert main(["init", str(notice), "-o", str(output), "--force"]) == 0
    assert output.read_text(encoding="utf-8").startswith("# TODO")


def test_the_default_output_is_above_a_sources_folder_or_beside_the_notice() -> None:
    assert default_output(Path("policies/sources/shop.txt")) == Path("policies/shop.policy")
    assert default_output(Path("notices/shop.txt")) == Path("notices/shop.policy")


def test_without_output_the_policy_goes_above_sources(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "policies" / "sources").mkdir(parents=True)
    Path("policies/sources/shop.txt").write_text(HOSTILE["crlf"], encoding="utf-8")
    assert main(["init", "policies/sources/shop.txt"]) == 0
    assert "wrote policies/shop.policy" in capsys.readouterr().err
    assert 'source        = "sources/shop.txt"' in Path("policies/shop.policy").read_text()


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("cn,moon", "unknown jurisdiction 'moon'"),
        ("us", "no requirement set applies to [us]"),
    ],
)
def test_bad_jurisdictions_are_a_usage_error(
    value: str, message: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    notice = tmp_path / "notice.txt"
    notice.write_text("Notice\n", encoding="utf-8")
    assert main(["init", str(notice), "--jurisdictions", value]) == 2
    err = capsys.readouterr().err
    assert f"error[E604] --jurisdictions: {message}" in err
    assert not (tmp_path / "notice.policy").exists()


def test_a_missing_or_undecodable_notice_is_an_input_error(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["init", str(tmp_path / "none.txt")]) == 2
    assert "error[E601] no such file or directory" in capsys.readouterr().err
    bad = tmp_path / "bad.txt"
    bad.write_bytes(b"Notice\n\xff\n")
    assert main(["init", str(bad)]) == 2
    assert "error[E602]" in capsys.readouterr().err
    assert not (tmp_path / "bad.policy").exists()


@pytest.mark.parametrize(
    ("line", "heading"),
    [
        ("Privacy Policy", True),
        ("4.Information storage and exchange", True),
        ("IX. Storage and transfer abroad", True),
        ("第三条 跨境传输", True),
        ("一、我们如何收集信息", True),
        ("We collect your data.", False),
        ("Contact us:", False),
        ("我们收集您的姓名。", False),
        ("x" * 81, False),
    ],
)
def test_what_counts_as_a_heading(line: str, heading: bool) -> None:
    assert is_heading(line) is heading


def test_the_language_is_guessed_from_the_script() -> None:
    assert guess_language("Privacy Policy. We collect data.") == "en"
    assert guess_language("隐私政策 Privacy") == "zh"
    assert guess_language("Политика конфиденциальности") == "other"
    assert guess_language("") == "other"


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    st.lists(
        st.text(
            st.characters(blacklist_categories=("Cs",), blacklist_characters="\n"), max_size=90
        ),
        max_size=12,
    )
)
def test_any_text_gets_a_scaffold_that_parses_anchors_and_is_formatted(lines: list[str]) -> None:
    notice = "\n".join(lines)
    text = scaffold(notice, "notice.txt", ("cn",), "notice")
    assert format_text(text) == text
    anchor(parse_policy(text, "new.policy"), notice)  # raises if a quote is not found


def test_a_notice_outside_the_projects_root_is_refused_before_anything_is_written(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    project = tmp_path / "project"
    (project / ".git").mkdir(parents=True)
    notice = tmp_path / "elsewhere" / "notice.txt"
    notice.parent.mkdir()
    notice.write_text("Privacy Policy\n\nWe collect your e-mail address.\n", encoding="utf-8")
    output = project / "policies" / "new.policy"
    assert main(["init", str(notice), "-o", str(output)]) == 2
    err = capsys.readouterr().err
    assert "error[E301]" in err and "outside the project root" in err
    assert not output.exists()
