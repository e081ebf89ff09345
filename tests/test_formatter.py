"""The formatter and `policycheck fmt`: canonical layout, every comment kept, safe writes."""

from __future__ import annotations

import os
import stat
import subprocess
import sys
from pathlib import Path

import pytest

from checker.cli import main
from checker.errors import CheckerError
from checker.language.facts import value_text
from checker.language.formatter import format_text
from checker.language.syntax import comments_of
from checker.notice.loading import parse_policy

ROOT = Path(__file__).resolve().parent.parent

MESSY = """\
# Example Shop — header comment


# second header line, after two blank lines
document {   # trailing on the opening line
  title="Example Shop"   # trailing after a value
  # own line before a field
  source        =     "notice.txt"



  jurisdictions = [cn, # after the first item
     eu]
  # own line before the closing brace
}
handler
{
  contact = ["privacy@example.com", "+86 400 000 0000",]
  legal_name = "Example \\"Shop\\" Ltd. \\\\ HK"
  cite "1" "Example Shop Ltd. is the handler"   # after a citation
  # last comment in the block

} # after the closing brace
# between statements
purpose account { description = "create your account" cite "2" "to create your account" }
collection registration {
  data = [
    # own line inside a list
    user.name,
    user.contact.email, user.contact.phone_number
  ]
  purposes = [account]

  retention = unstated # kept after a blank line
}
storage {}
# end of file 1

# end of file 2
"""

FORMATTED = """\
# Example Shop — header comment

# second header line, after two blank lines
document {  # trailing on the opening line
  title         = "Example Shop"  # trailing after a value
  # own line before a field
  source        = "notice.txt"

  jurisdictions = [
    cn,  # after the first item
    eu,
  ]
  # own line before the closing brace
}

handler {
  contact    = ["privacy@example.com", "+86 400 000 0000"]
  legal_name = "Example \\"Shop\\" Ltd. \\\\ HK"
  cite "1" "Example Shop Ltd. is the handler"  # after a citation
  # last comment in the block
}  # after the closing brace

# between statements
purpose account {
  description = "create your account"
  cite "2" "to create your account"
}

collection registration {
  data      = [
    # own line inside a list
    user.name,
    user.contact.email,
    user.contact.phone_number,
  ]
  purposes  = [account]

  retention = unstated  # kept after a blank line
}

storage {}

# end of file 1

# end of file 2
"""


def comment_texts(text: str) -> list[str]:
    return [c.text for c in comments_of(text)]


def test_a_messy_file_gets_the_canonical_layout() -> None:
    assert format_text(MESSY) == FORMATTED


def test_formatting_is_idempotent_on_the_golden_file() -> None:
    assert format_text(FORMATTED) == FORMATTED


def test_every_comment_survives_in_order() -> None:
    assert comment_texts(format_text(MESSY)) == comment_texts(MESSY)
    assert len(comment_texts(MESSY)) == 15


SHIPPED = sorted((ROOT / "policies").glob("*.policy")) + sorted(
    (ROOT / "tests" / "examples").rglob("*.policy")
)


@pytest.mark.parametrize("path", SHIPPED, ids=[p.name for p in SHIPPED])
def test_shipped_policies_are_formatted(path: Path) -> None:
    text = path.read_text(encoding="utf-8")
    assert format_text(text) == text


@pytest.mark.parametrize(
    ("before", "after"),
    [
        # A comment between `=` and its value ends the field's line.
        ("a {\n  k = # c\n    v\n}\n", "a {\n  k = v  # c\n}\n"),
        # Two comments that land on one output line: the first moves above it.
        ("a {\n  k = # c1\n    v # c2\n}\n", "a {\n  # c1\n  k = v  # c2\n}\n"),
        # A comment after a one-line block's brace stays after the brace.
        ("a { k = v } # c\n", "a {\n  k = v\n}  # c\n"),
        # A comment between keyword and `{` ends the head line.
        ("a # c\n{\n  k = v\n}\n", "a {  # c\n  k = v\n}\n"),
        # Inside a citation.
        ('a {\n  cite # c\n    "x" "y"\n}\n', 'a {\n  cite "x" "y"  # c\n}\n'),
        # Several items on one line, the comment after the last: it follows that item.
        (
            "a {\n  k = [x, y, # c\n    z]\n}\n",
            "a {\n  k = [\n    x,\n    y,  # c\n    z,\n  ]\n}\n",
        ),
        # A comment after `[` stays on the field's line.
        ("a {\n  k = [ # c\n    x]\n}\n", "a {\n  k = [  # c\n    x,\n  ]\n}\n"),
        # A comment before `]` stays inside the list.
        ("a {\n  k = [x\n  # c\n  ]\n}\n", "a {\n  k = [\n    x,\n    # c\n  ]\n}\n"),
        # A list split over lines without comments joins up.
        ("a {\n  k = [\n    x,\n    y,\n  ]\n}\n", "a {\n  k = [x, y]\n}\n"),
        # A comment inside an otherwise empty block keeps the block open.
        ("a { # c\n}\n", "a {  # c\n}\n"),
        ("a {\n  # c\n}\n", "a {\n  # c\n}\n"),
        # Blank lines: at most one kept inside a block, none after `{` or before `}`.
        ("a {\n\n  k = v\n\n\n\n  j = w\n\n}\n", "a {\n  k = v\n\n  j = w\n}\n"),
        # A blank line between a heading comment and its statement is kept.
        ("# §1\n\na {}\n", "# §1\n\na {}\n"),
        # Exactly one blank line between statements, before their leading comments.
        ("a {}\n# c\nb {}\nc {}", "a {}\n\n# c\nb {}\n\nc {}\n"),
        # Windows line ends become \n; a comment's \r goes.
        ("a {\r\n  k = v # c\r\n}\r\n", "a {\n  k = v  # c\n}\n"),
        # Comments only, and nothing at all.
        ("\n\n# only\n\n", "# only\n"),
        ("\n \n\t\n", ""),
        # `#` inside a string is not a comment.
        ('a { k = "x # y" }', 'a {\n  k = "x # y"\n}\n'),
        # Nested blocks (refused later by the builder, still formatted).
        ("a { b { k = v } }\n", "a {\n  b {\n    k = v\n  }\n}\n"),
    ],
)
def test_comment_and_blank_line_placement(before: str, after: str) -> None:
    assert format_text(before) == after
    assert format_text(after) == after


def test_a_long_list_is_split_one_item_per_line() -> None:
    keys = ", ".join(f"user.contact.k{i}" for i in range(8))
    text = format_text(f"a {{\n  data = [{keys}]\n}}\n")
    assert text.splitlines()[1] == "  data = ["
    assert all(len(line) <= 100 for line in text.splitlines())
    assert format_text(text) == text


def test_a_list_that_just_fits_stays_on_one_line() -> None:
    item = "x" * (100 - len("  k = [") - len("]"))
    assert format_text(f"a {{\n  k = [{item}]\n}}\n") == f"a {{\n  k = [{item}]\n}}\n"
    longer = item + "x"
    assert (
        format_text(f"a {{\n  k = [{longer}]\n}}\n") == f"a {{\n  k = [\n    {longer},\n  ]\n}}\n"
    )


def test_text_that_does_not_parse_is_refused() -> None:
    with pytest.raises(CheckerError) as caught:
        format_text("a {\n  k = \n}\n")
    assert caught.value.code == "E105"


# --- policycheck fmt -----------------------------------------------------------------------------


@pytest.fixture
def messy(tmp_path: Path) -> Path:
    path = tmp_path / "shop.policy"
    path.write_text(MESSY, encoding="utf-8")
    return path


def test_fmt_rewrites_the_file(messy: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["fmt", str(messy)]) == 0
    assert messy.read_text(encoding="utf-8") == FORMATTED
    assert capsys.readouterr().err == f"reformatted {messy}\n"
    assert main(["fmt", str(messy)]) == 0
    assert capsys.readouterr().err == ""


def test_fmt_check_reports_and_exits_1_without_writing(
    messy: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["fmt", "--check", str(messy)]) == 1
    assert messy.read_text(encoding="utf-8") == MESSY
    out, err = capsys.readouterr()
    assert out == ""
    assert err == f"would reformat {messy}\n1 file(s) would be reformatted\n"


def test_fmt_check_on_a_formatted_file_exits_0_silently(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "clean.policy"
    path.write_text(FORMATTED, encoding="utf-8")
    assert main(["fmt", "--check", str(path)]) == 0
    assert capsys.readouterr() == ("", "")


def test_fmt_diff_prints_a_unified_diff_and_writes_nothing(
    messy: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["fmt", "--diff", str(messy)]) == 0
    assert messy.read_text(encoding="utf-8") == MESSY
    out, _ = capsys.readouterr()
    lines = out.splitlines()
    assert lines[0] == f"--- {messy} (original)"
    assert lines[1] == f"+++ {messy} (formatted)"
    assert '-  title="Example Shop"   # trailing after a value' in lines
    assert '+  title         = "Example Shop"  # trailing after a value' in lines


def test_fmt_check_and_diff_together_exit_1(
    messy: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["fmt", "--check", "--diff", str(messy)]) == 1
    assert capsys.readouterr().out.startswith(f"--- {messy} (original)\n")
    assert messy.read_text(encoding="utf-8") == MESSY


def test_fmt_keeps_the_file_permissions(messy: Path) -> None:
    messy.chmod(0o640)
    assert main(["fmt", str(messy)]) == 0
    assert stat.S_IMODE(messy.stat().st_mode) == 0o640
    assert messy.read_text(encoding="utf-8") == FORMATTED
    assert sorted(p.name for p in messy.parent.iterdir()) == ["shop.policy"]  # no temp file left


def test_a_write_that_fails_midway_leaves_the_original_and_no_temporary_file(
    messy: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    def disk_full(fd: int) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "fsync", disk_full)
    assert main(["fmt", str(messy)]) == 2
    assert messy.read_text(encoding="utf-8") == MESSY
    assert sorted(p.name for p in messy.parent.iterdir()) == ["shop.policy"]
    assert "error[E601] cannot write: No space left on device" in capsys.readouterr().err


@pytest.mark.parametrize(
    "content",
    [
        b"document {\n  title = \n}\n# keep me\n",
        b'document { title = "unterminated }\n',
        b'document { title = "caf\xe9" }\n',  # Latin-1, not UTF-8
    ],
    ids=["syntax-error", "unterminated-string", "not-utf8"],
)
def test_a_file_that_does_not_parse_is_left_byte_identical_with_exit_2(
    tmp_path: Path, content: bytes, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "bad.policy"
    path.write_bytes(content)
    before = path.stat().st_mtime_ns
    assert main(["fmt", str(path)]) == 2
    assert path.read_bytes() == content
    assert path.stat().st_mtime_ns == before
    err = capsys.readouterr().err
    assert err.startswith(f"{path}:") and "error[E" in err
    assert "Traceback" not in err


def test_one_bad_file_does_not_stop_the_others(
    tmp_path: Path, messy: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    bad = tmp_path / "bad.policy"
    bad.write_text("a {\n", encoding="utf-8")
    assert main(["fmt", str(tmp_path)]) == 2
    assert messy.read_text(encoding="utf-8") == FORMATTED
    assert bad.read_text(encoding="utf-8") == "a {\n"
    assert "error[E102]" in capsys.readouterr().err


def test_two_concurrent_fmt_runs_leave_one_valid_formatted_file(tmp_path: Path) -> None:
    path = tmp_path / "shop.policy"
    command = [sys.executable, "-m", "checker", "fmt", str(path)]
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    for _ in range(3):
        path.write_text(MESSY, encoding="utf-8")
        runs = [
            subprocess.Popen(command, cwd=tmp_path, env=env, stderr=subprocess.PIPE, text=True)
            for _ in range(2)
        ]
        results = [(run.wait(timeout=120), run.stderr.read() if run.stderr else "") for run in runs]
        for run in runs:
            if run.stderr:
                run.stderr.close()
        assert [code for code, _ in results] == [0, 0], results
        assert path.read_text(encoding="utf-8") == FORMATTED
        assert sorted(p.name for p in tmp_path.iterdir()) == ["shop.policy"]


RECIPIENTS = """\
recipient payments { # trailing on the opening line
  one_of = ["Stripe, Inc.", # after the first name
    "Stripe Payments Europe, Ltd."]
  chosen_by=unstated
  # the places, as the notice gives them
  location = [us,eu]
  cite "5.4" "Payments are processed securely by Stripe, Inc. and/or Stripe Payments Europe, Ltd. (as applicable)."
}
recipient mipush {
  sdk = "小米push SDK"   # the product
  legal_name = "北京小米移动软件有限公司"
  privacy_policy = "https://dev.mi.com/console/doc/detail?pId=1822"
  collects_directly = yes
  described_as = unstated
  location = cn
  cite "13" "小米push SDK"
}
"""


def test_recipients_with_lists_and_the_new_fields_keep_facts_and_comments() -> None:
    formatted = format_text(RECIPIENTS)
    assert format_text(formatted) == formatted
    assert [c.text for c in comments_of(formatted)] == [c.text for c in comments_of(RECIPIENTS)]
    header = 'document { title = "T" source = "n.txt" jurisdictions = [cn] }\n'
    before = parse_policy(header + RECIPIENTS, "t.policy")
    after = parse_policy(header + formatted, "t.policy")
    assert [value_text(getattr(f, "location", None)) for f in after.statements] == [
        value_text(getattr(f, "location", None)) for f in before.statements
    ]
    assert '    "Stripe, Inc.",  # after the first name' in formatted
    assert "  location  = [us, eu]" in formatted
    assert "  location          = cn" in formatted
    assert "  collects_directly = yes" in formatted
