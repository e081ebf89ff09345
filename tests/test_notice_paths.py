"""`policycheck lint NOTICE`: a notice text stands for the policies that cite it.

An edit of a notice's text alone can break the quotes of the policies encoding it, so the
pre-commit hook passes notice texts too, and lint checks the policies citing them.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from checker.cli import main
from checker.notice.sources import cited_source, resolve_notices

DATA = Path(__file__).parent / "integration" / "data"
RULES = str(Path(__file__).parent / "integration" / "data" / "house.yaml")


@pytest.fixture()
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """policies/shop.policy citing policies/sources/shop.txt, and an unrelated text file."""
    monkeypatch.chdir(tmp_path)
    (tmp_path / "policies" / "sources").mkdir(parents=True)
    policy = (DATA / "clean.policy").read_text(encoding="utf-8")
    (tmp_path / "policies" / "shop.policy").write_text(
        policy.replace('"notice.txt"', '"sources/shop.txt"'), encoding="utf-8"
    )
    shutil.copy(DATA / "notice.txt", tmp_path / "policies" / "sources" / "shop.txt")
    (tmp_path / "policies" / "sources" / "README.txt").write_text("Notes.\n", encoding="utf-8")
    return tmp_path


def lint(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = main(["lint", *args, "--requirements", RULES, "--no-cache"])
    out, err = capsys.readouterr()
    return code, out, err


def break_a_quote(project: Path) -> None:
    notice = project / "policies" / "sources" / "shop.txt"
    text = notice.read_text(encoding="utf-8")
    notice.write_text(text.replace("tick yourself", "find ticked"), encoding="utf-8")


def test_linting_a_notice_text_lints_the_policy_that_cites_it(
    project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, _ = lint(capsys, "policies/sources/shop.txt")
    assert code == 0
    assert out.rstrip().startswith("1 document, 2 requirements")
    break_a_quote(project)
    code, _, err = lint(capsys, "policies/sources/shop.txt")
    assert code == 2
    assert err.startswith("policies/shop.policy:28:12: error[E302] quote ")


def test_a_policy_named_both_itself_and_by_its_notice_is_linted_once(
    project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, _ = lint(capsys, "policies/shop.policy", "policies/sources/shop.txt")
    assert code == 0
    assert out.rstrip().startswith("1 document,")


def test_policies_are_found_under_the_configured_paths(
    project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # The notice sits far from the policy; the configuration says where policies live.
    (project / "texts").mkdir()
    shutil.move(project / "policies" / "sources" / "shop.txt", project / "texts" / "shop.txt")
    policy = project / "policies" / "shop.policy"
    policy.write_text(
        policy.read_text(encoding="utf-8").replace('"sources/shop.txt"', '"../texts/shop.txt"'),
        encoding="utf-8",
    )
    (project / "elsewhere").mkdir()
    (project / ".policycheck.toml").write_text('paths = ["elsewhere"]\n', encoding="utf-8")
    assert resolve_notices([Path("texts/shop.txt")], [project / "elsewhere"]) == [
        Path("texts/shop.txt")
    ]
    (project / ".policycheck.toml").write_text('paths = ["policies"]\n', encoding="utf-8")
    code, out, _ = lint(capsys, "texts/shop.txt")
    assert code == 0
    assert out.rstrip().startswith("1 document,")


def test_a_text_no_policy_cites_is_not_linted_as_a_policy_of_its_own(
    project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert resolve_notices([Path("policies/sources/README.txt")], [Path("policies")]) == [
        Path("policies/sources/README.txt")
    ]
    code, _, err = lint(capsys, "policies/sources/README.txt")
    assert code == 2
    assert "policies/sources/README.txt" in err


def test_changed_files_skip_what_is_neither_a_policy_nor_a_cited_notice(
    project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, err = lint(capsys, "--changed", "policies/sources/README.txt")
    assert (code, out) == (0, "")
    assert "none of the changed files is a policy or a notice text a policy cites" in err
    break_a_quote(project)
    code, _, err = lint(
        capsys, "--changed", "policies/sources/README.txt", "policies/sources/shop.txt"
    )
    assert code == 2
    assert "policies/shop.policy:28:12: error[E302]" in err


def test_a_policy_that_does_not_parse_cites_nothing(project: Path) -> None:
    policy = project / "policies" / "shop.policy"
    assert cited_source(policy) == policy.parent / "sources" / "shop.txt"
    policy.write_text(policy.read_text(encoding="utf-8") + "\nhandler {\n", encoding="utf-8")
    assert cited_source(policy) is None
