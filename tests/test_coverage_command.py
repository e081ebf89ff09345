"""`policycheck coverage`: paragraphs of the notice cited by some fact or marked irrelevant."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from checker.cli import main

DATA = Path(__file__).parent / "data"


def test_the_bundled_notices_are_fully_covered(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["coverage", "policies", "--format", "json"]) == 0
    entries = json.loads(capsys.readouterr().out)
    assert len(entries) == 6
    for entry in entries:
        assert entry["coverage"] == 1.0, (entry["path"], entry["uncovered"][:3])
        assert entry["uncovered"] == []


def test_an_uncited_paragraph_is_reported_by_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    shutil.copy(DATA / "notice.txt", tmp_path / "notice.txt")
    (tmp_path / "shop.policy").write_text(
        'document { title = "Shop" source = "notice.txt" jurisdictions = [other] }\n'
        'handler { legal_name = "Shop Ltd" cite "1" "We are Shop Ltd. Write to privacy@shop.example." }\n'
        'irrelevant title { reason = "title" cite "0" "Shop notice." }\n'
        # a quote spanning two lines covers both
        'collection pay { data = [user.financial] cite "3" "to take payment. We may send" }\n',
        encoding="utf-8",
    )
    assert main(["coverage", str(tmp_path / "shop.policy"), "--format", "json"]) == 0
    (entry,) = json.loads(capsys.readouterr().out)
    assert entry["paragraphs"] == 5
    assert entry["covered"] == 4
    assert entry["coverage"] == 0.8
    assert entry["uncovered"] == [{"line": 5, "text": "You may see your data by writing to us."}]
    assert main(["coverage", str(tmp_path / "shop.policy")]) == 0
    out = capsys.readouterr().out
    assert "80.0% of 5 paragraphs" in out and "notice.txt:5: not covered" in out
