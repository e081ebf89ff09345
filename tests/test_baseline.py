"""Committing a policy that is still being encoded: `--exit-zero` and the findings baseline."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from checker.cli import main

DATA = Path(__file__).parent / "data"
RULES = str(DATA / "house_rules.yaml")

POLICY = """\
document { title = "Shop" source = "notice.txt" jurisdictions = [other] }
handler { legal_name = "Shop Ltd" contact = unstated cite "1" "We are Shop Ltd." }
recipient partner { legal_name = unstated cite "4" "our partner abroad" }
transfer abroad {
  destination = outside_cn
  recipient   = partner
  consent     = bundled
  cite "4" "We may send your data to our partner abroad."
}
"""


@pytest.fixture()
def shop(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "shop.policy").write_text(POLICY, encoding="utf-8")
    shutil.copy(DATA / "notice.txt", tmp_path / "notice.txt")
    return tmp_path / "shop.policy"


def lint(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = main(["lint", *args, "--requirements", RULES, "--no-cache"])
    out, err = capsys.readouterr()
    return code, out, err


def test_exit_zero_reports_the_findings_and_exits_0(
    shop: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert lint(capsys, "shop.policy")[0] == 1
    code, out, _ = lint(capsys, "shop.policy", "--exit-zero")
    assert code == 0
    assert "shop.policy:7:17: error HOUSE-1 transfer abroad goes abroad" in out


def test_exit_zero_still_exits_2_on_an_input_error(
    shop: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    shop.write_text(POLICY.replace("consent     =", "consent     :"), encoding="utf-8")
    code, _, err = lint(capsys, "shop.policy", "--exit-zero")
    assert code == 2
    assert "shop.policy:7:15: error[E103]" in err
