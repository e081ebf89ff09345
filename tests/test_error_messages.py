"""Every kind of error, rendered in full: the exact text a user sees is pinned in a golden file.

Each case is a small bad input; its rendering (`path:line:col: error[CODE] message`, the line with
a caret, what was expected, a did-you-mean) is compared with tests/golden/errors/<case>.txt.
A changed message must be read before its golden file is updated:
`UPDATE_GOLDEN=1 pytest tests/test_error_messages.py`.
"""

from __future__ import annotations

import os
import re
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest
from gitrepo import commit, git, init_repo

from checker.cli import main
from checker.config import load_config
from checker.errors import CheckerError, ErrorList
from checker.files import read_text
from checker.language.lark_syntax import _EXAMPLES, _MESSAGES
from checker.language.syntax import parse_syntax
from checker.notice.anchoring import anchor
from checker.notice.loading import load_policy, parse_policy
from checker.rules.requirements import load_requirement_file

GOLDEN = Path(__file__).parent / "golden" / "errors"

DOCUMENT = """\
document {
  title         = "Example Shop Privacy Notice"
  source        = "notice.txt"
  jurisdictions = [cn]
}
"""
CITE = 'cite "1" "Example Shop Ltd. is the handler of your personal information"'
NOTICE = """\
Example Shop Privacy Notice

1. Who we are. Example Shop Ltd. is the handler of your personal information.

2. What we collect. When you register we collect your name, email address and phone number to
create your account. We obtain your separate consent before sending data abroad.
"""
RULES = """\
set: house
law: HOUSE
title: House rules
requirements:
  - id: HOUSE-1
    title: The handler gives a contact
    article: Rule 1
    quote: the handler gives a contact
    severity: warning
    require: handler.contact is stated
    message: the notice gives no contact for the handler
    remedy: Add a contact channel.
"""


def rendered(errors: list[CheckerError], text: str | None) -> str:
    return "\n".join(e.render(text) for e in ErrorList(errors).sorted()) + "\n"


def policy_errors(text: str, notice: str | None = None) -> str:
    """Parse `text` as shop.policy (and anchor it in `notice`); the errors, rendered."""
    try:
        policy = parse_policy(text, "shop.policy")
        if notice is not None:
            anchor(policy, notice)
    except ErrorList as exc:
        return rendered(exc.errors, text)
    raise AssertionError("the input was accepted")


def requirement_errors(text: str) -> str:
    try:
        load_requirement_file(text, "rules.yaml")
    except ErrorList as exc:
        return rendered(exc.errors, text)
    except CheckerError as exc:
        return rendered([exc], text)
    raise AssertionError("the requirement file was accepted")


@dataclass(frozen=True)
class Case:
    """One bad input. `run` gets a fresh working directory and returns the rendered errors."""

    name: str
    code: str
    run: Callable[[Path], str]


def policy_case(name: str, code: str, text: str, notice: str | None = None) -> Case:
    return Case(name, code, lambda _: policy_errors(text, notice))


def yaml_case(name: str, code: str, text: str) -> Case:
    return Case(name, code, lambda _: requirement_errors(text))


def config_case(name: str, code: str, text: str) -> Case:
    def run(folder: Path) -> str:
        (folder / ".policycheck.toml").write_text(text, encoding="utf-8")
        try:
            load_config(Path(".policycheck.toml"))
        except CheckerError as exc:
            return rendered([exc], text)
        raise AssertionError("the configuration was accepted")

    return Case(name, code, run)


def file_case(name: str, code: str, make: Callable[[Path], Path]) -> Case:
    """`make` creates something at a path in the working directory; reading it fails."""

    def run(folder: Path) -> str:
        path = make(folder).relative_to(folder)
        try:
            read_text(path, str(path))
        except CheckerError as exc:
            return rendered([exc], None)
        raise AssertionError("the file was read")

    return Case(name, code, run)


def cli_case(name: str, code: str, argv: list[str]) -> Case:
    def run(folder: Path) -> str:
        (folder / "shop.policy").write_text(DOCUMENT, encoding="utf-8")
        (folder / "notice.txt").write_text(NOTICE, encoding="utf-8")
        try:
            code = main(argv)
        except SystemExit as stopped:  # argparse's own usage errors
            code = int(stopped.code or 0)
        assert code == 2
        return ""  # the output is read from capsys by the test

    return Case(name, code, run)


def cli_config_case(name: str, code: str, config: str, argv: list[str]) -> Case:
    """A command line run beside a `.policycheck.toml`."""
    case = cli_case(name, code, argv)

    def run(folder: Path) -> str:
        (folder / ".policycheck.toml").write_text(config, encoding="utf-8")
        return case.run(folder)

    return Case(name, code, run)


def cli_in_case(name: str, code: str, file: str, argv: list[str]) -> Case:
    """A command line run with one more file, `file` (a path that may name a directory)."""
    case = cli_case(name, code, argv)

    def run(folder: Path) -> str:
        (folder / file).parent.mkdir(parents=True, exist_ok=True)
        (folder / file).write_text(NOTICE, encoding="utf-8")
        return case.run(folder)

    return Case(name, code, run)


def baseline_case(name: str, code: str, text: str) -> Case:
    """`policycheck lint shop.policy --baseline baseline.json`, the baseline being `text`."""
    lint = cli_case(name, code, ["lint", "shop.policy", "--baseline", "baseline.json"])

    def run(folder: Path) -> str:
        (folder / "baseline.json").write_text(text, encoding="utf-8")
        return lint.run(folder)

    return Case(name, code, run)


def diff_case(name: str, code: str, argv: list[str], shallow: bool = False) -> Case:
    """`policycheck diff ...` in a git repository of two commits (a shallow clone of it)."""

    def run(folder: Path) -> str:
        origin = init_repo(folder / "origin")
        (origin / "shop.policy").write_text(DOCUMENT, encoding="utf-8")
        (origin / "notice.txt").write_text(NOTICE, encoding="utf-8")
        commit(origin, "first")
        commit(origin, "second")
        repo = origin
        if shallow:
            git(folder, "clone", "-q", "--depth", "1", f"file://{origin}", "clone")
            repo = folder / "clone"
        os.chdir(repo)
        assert main(["diff", *argv]) == 2
        return ""

    return Case(name, code, run)


def _no_repository(folder: Path) -> str:
    (folder / "shop.policy").write_text(DOCUMENT, encoding="utf-8")
    assert main(["diff", "main"]) == 2
    return ""


def _missing_notice(folder: Path) -> str:
    text = DOCUMENT + f'handler {{\n  legal_name = "Example Shop Ltd."\n  {CITE}\n}}\n'
    (folder / "shop.policy").write_text(text, encoding="utf-8")
    try:
        load_policy(Path("shop.policy"), "shop.policy")
    except ErrorList as exc:
        return rendered(exc.errors, text)
    raise AssertionError("the policy was loaded")


def _loop(folder: Path) -> Path:
    (folder / "a.policy").symlink_to("b.policy")
    (folder / "b.policy").symlink_to("a.policy")
    return folder / "a.policy"


def _write(name: str, data: bytes) -> Callable[[Path], Path]:
    def make(folder: Path) -> Path:
        (folder / name).write_bytes(data)
        return folder / name

    return make


def _directory(folder: Path) -> Path:
    (folder / "notices").mkdir()
    return folder / "notices"


def _fifo(folder: Path) -> Path:
    os.mkfifo(folder / "pipe.policy")  # reading it would block: it is refused unread
    return folder / "pipe.policy"


def block(body: str, head: str = "handler") -> str:
    return DOCUMENT + f"\n{head} {{\n{body}\n}}\n"


CASES = [
    # --- syntax: one case per label of syntax._EXAMPLES, and every other syntax error ---------
    policy_case("e100_unexpected_token", "E100", block('  legal_name = "x" = "y"')),
    policy_case("e100_nested_list", "E100", block("  contact = [[a, b]]")),
    policy_case("e101_unterminated_string", "E101", block('  legal_name = "Example Shop Ltd.')),
    policy_case(
        "e102_missing_closing_brace", "E102", DOCUMENT + '\nhandler {\n  legal_name = "x"\n'
    ),
    policy_case("e103_colon_for_equals", "E103", block('  legal_name: "Example Shop Ltd."')),
    policy_case("e104_block_written_with_equals", "E104", DOCUMENT + "\nhandler = {\n}\n"),
    policy_case("e105_missing_value", "E105", block("  legal_name =")),
    policy_case("e106_curly_quotes", "E106", block("  legal_name = “Example Shop Ltd.”")),
    policy_case("e106_zero_width_space_in_a_name", "E106", block('  legal\u200b_name = "x"')),
    policy_case("e106_right_to_left_override_in_a_name", "E106", block('  legal_\u202ename = "x"')),
    policy_case("e106_nul_byte", "E106", block('  legal_name = "x"\x00')),
    policy_case("e106_chinese_name", "E106", block('  名称 = "x"')),
    policy_case(
        "e107_misspelt_cite", "E107", block(f"  legal_name = unstated\n  {CITE[:3]}{CITE[4:]}")
    ),
    policy_case(
        "e108_unmatched_closing_brace", "E108", block('  legal_name = "x"\n  ' + CITE) + "}\n"
    ),
    policy_case("e109_blocks_nested_too_deep", "E109", DOCUMENT + "a { " * 33 + "}" * 33 + "\n"),
    policy_case("e110_missing_equals", "E110", block('  legal_name "Example Shop Ltd."')),
    policy_case("e111_incomplete_citation", "E111", block('  legal_name = "x"\n  cite "1"')),
    policy_case(
        "e112_missing_comma", "E112", block('  contact = ["privacy@example.com" "+86 10 1234"]')
    ),
    policy_case(
        "e113_field_outside_a_block", "E113", DOCUMENT + 'legal_name = "Example Shop Ltd."\n'
    ),
    policy_case("e114_name_of_two_words", "E114", DOCUMENT + "\npurpose create account {\n}\n"),
    policy_case(
        "e115_backslash_in_a_path",
        "E115",
        DOCUMENT.replace('"notice.txt"', '"C:\\notices\\shop.txt"'),
    ),
    # --- meaning ---------------------------------------------------------------------------------
    policy_case("e201_unknown_kind", "E201", block(f'  legal_name = "x"\n  {CITE}', "handlr")),
    policy_case("e202_unknown_field", "E202", block(f'  legal_nme = "x"\n  {CITE}')),
    policy_case(
        "e203_name_where_text_is_expected", "E203", block(f"  legal_name = Example\n  {CITE}")
    ),
    policy_case(
        "e203_number_too_large", "E203", block(f"  threshold = {'9' * 30}\n  {CITE}", "minors")
    ),
    policy_case(
        "e204_unknown_value", "E204", block(f"  consent = seperate\n  {CITE}", "transfer abroad")
    ),
    policy_case(
        "e205_unknown_category",
        "E205",
        block(f"  data = [user.contact.emial]\n  {CITE}", "collection signup"),
    ),
    policy_case(
        "e206_duplicate_name",
        "E206",
        block(f'  description = "a"\n  {CITE}', "purpose account")
        + f'\npurpose account {{\n  description = "b"\n  {CITE}\n}}\n',
    ),
    policy_case(
        "e207_undefined_reference",
        "E207",
        block(f"  purposes = [acount]\n  {CITE}", "collection signup")
        + f'\npurpose account {{\n  description = "create your account"\n  {CITE}\n}}\n',
    ),
    policy_case(
        "e208_missing_required_field",
        "E208",
        block(f"  necessary = yes\n  {CITE}", "purpose account"),
    ),
    policy_case(
        "e209_missing_document_header", "E209", f'handler {{\n  legal_name = "x"\n  {CITE}\n}}\n'
    ),
    policy_case("e210_fact_without_citation", "E210", block('  legal_name = "Example Shop Ltd."')),
    policy_case(
        "e211_field_given_twice", "E211", block(f'  legal_name = "x"\n  legal_name = "y"\n  {CITE}')
    ),
    policy_case("e111_empty_quote", "E111", block('  legal_name = "x"\n  cite "1" "  "')),
    policy_case(
        "e214_keyword_as_a_name",
        "E214",
        block(f"  role = processor\n  {CITE}", "recipient unstated"),
    ),
    policy_case(
        "e203_list_of_names_for_a_recipient",
        "E203",
        block(f'  legal_name = ["A Ltd", "B Ltd"]\n  {CITE}', "recipient payments"),
    ),
    policy_case(
        "e215_name_and_one_of",
        "E215",
        block(f'  legal_name = "A Ltd"\n  one_of = ["A Ltd", "B Ltd"]\n  {CITE}', "recipient p"),
    ),
    policy_case(
        "e215_one_of_a_single_name",
        "E215",
        block(f'  one_of = ["A Ltd"]\n  {CITE}', "recipient p"),
    ),
    policy_case(
        "e215_chosen_by_without_one_of",
        "E215",
        block(f'  legal_name = "A Ltd"\n  chosen_by = "your region"\n  {CITE}', "recipient p"),
    ),
    policy_case(
        "e212_category_under_an_unknown_parent",
        "E212",
        block("  pipl_sensitive = yes", "category user.contct.pager"),
    ),
    # --- quotes and source texts -----------------------------------------------------------------
    Case("e301_source_text_missing", "E301", _missing_notice),
    policy_case(
        "e302_quote_not_found_with_closest_passage",
        "E302",
        block(
            "  consent = separate\n"
            '  cite "2" "We obtain your explicit consent before sending data abroad"',
            "transfer abroad",
        ),
        NOTICE,
    ),
    policy_case(
        "e302_quote_of_a_changed_notice",
        "E302",
        block(
            '  consent = separate\n  cite "3" "Transfers abroad need your written authorization"',
            "transfer abroad",
        ),
        NOTICE,
    ),
    # --- requirement files -----------------------------------------------------------------------
    yaml_case("e401_not_yaml", "E401", RULES.replace("law: HOUSE", "law: [HOUSE")),
    yaml_case(
        "e401_impossible_date", "E401", RULES.replace("article: Rule 1", "article: 2024-13-45")
    ),
    yaml_case(
        "e402_unknown_key", "E402", RULES.replace("    remedy:", "    remedy_text: x\n    remedy:")
    ),
    yaml_case(
        "e402_wrong_type", "E402", RULES.replace("title: House rules", "title: [House, rules]")
    ),
    yaml_case("e403_condition_does_not_parse", "E403", RULES.replace("is stated", "is is stated")),
    yaml_case(
        "e404_condition_names_an_unknown_field",
        "E404",
        RULES.replace("handler.contact", "handler.contct"),
    ),
    yaml_case("e405_duplicate_requirement_id", "E405", RULES + RULES.split("requirements:\n")[1]),
    yaml_case(
        "e406_python_tag",
        "E406",
        RULES.replace("title: House rules", "title: !!python/object/apply:os.system [ls]"),
    ),
    yaml_case("e406_alias", "E406", RULES.replace("law: HOUSE", "law: &law HOUSE\nsource: *law")),
    yaml_case(
        "e109_yaml_nested_too_deep",
        "E109",
        RULES.replace("law: HOUSE", "law: " + "[" * 100 + "]" * 100),
    ),
    # --- configuration ---------------------------------------------------------------------------
    config_case("e501_unknown_key", "E501", 'paths = ["policies"]\nfail_on = "warning"\n'),
    config_case("e501_wrong_type", "E501", 'paths = "policies"\n'),
    config_case("e501_not_toml", "E501", 'paths = ["policies"\n'),
    config_case("e501_empty_exclude_pattern", "E501", 'exclude = [""]\n'),
    config_case("e501_nested_too_deeply", "E501", "paths = " + "[" * 500 + "]" * 500 + "\n"),
    cli_config_case(
        "e501_unknown_ignore_entry",
        "E501",
        'ignore = [\n  "PIPL-52",\n  "PIPL-5x",\n]\n',
        ["lint", "shop.policy", "--no-cache"],
    ),
    # --- baseline files --------------------------------------------------------------------------
    baseline_case(
        "e502_baseline_not_json",
        "E502",
        '{\n  "schema": "policycheck-baseline/1"\n  "findings": []\n}\n',
    ),
    baseline_case(
        "e502_baseline_entry_misspelt",
        "E502",
        '{\n  "schema": "policycheck-baseline/1",\n  "findings": [\n'
        '    {"path": "shop.policy", "id": "PIPL-17", "mesage": "x", "fingerprint": "0"}\n'
        "  ]\n}\n",
    ),
    baseline_case(
        "e502_baseline_of_another_version", "E502", '{"schema": "policycheck-baseline/9"}\n'
    ),
    # --- files -----------------------------------------------------------------------------------
    file_case("e601_missing_path", "E601", lambda folder: folder / "missing.policy"),
    file_case(
        "e601_parent_is_a_file",
        "E601",
        lambda folder: _write("shop.policy", b"")(folder) / "x.policy",
    ),
    file_case("e601_symlink_loop", "E601", _loop),
    file_case(
        "e602_not_utf8",
        "E602",
        _write("latin1.policy", 'document {\n  title = "Café"\n'.encode("latin-1")),
    ),
    file_case("e603_directory", "E603", _directory),
    file_case("e603_fifo", "E603", _fifo),
    # --- command line ----------------------------------------------------------------------------
    cli_case("e604_bad_option_value", "E604", ["lint", "shop.policy", "--jobs", "0", "--no-cache"]),
    cli_case(
        "e604_unknown_select_entry",
        "E604",
        ["lint", "shop.policy", "--select", "PIPL-99,pipl-39", "--no-cache"],
    ),
    cli_in_case("e606_not_a_policy_file", "E606", "notes.txt", ["lint", "notes.txt", "--no-cache"]),
    cli_in_case(
        "e606_no_policy_files", "E606", "sources/notice.txt", ["lint", "sources", "--no-cache"]
    ),
    cli_case(
        "e605_unknown_requirement_set",
        "E605",
        ["lint", "shop.policy", "--requirements", "pipx", "--no-cache"],
    ),
    cli_case("e607_output_exists", "E607", ["init", "notice.txt", "-o", "shop.policy"]),
    Case("e608_not_a_repository", "E608", _no_repository),
    diff_case("e609_unknown_revision", "E609", ["mian"]),
    diff_case("e610_shallow_clone", "E610", ["HEAD~1"], shallow=True),
]


@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
def test_the_error_is_rendered_exactly_as_its_golden_file(
    case: Case, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.chdir(tmp_path)
    actual = case.run(tmp_path) or capsys.readouterr().err
    assert f"error[{case.code}]" in actual
    assert "Traceback" not in actual
    golden = GOLDEN / f"{case.name}.txt"
    if os.environ.get("UPDATE_GOLDEN"):
        golden.write_text(actual, encoding="utf-8")
    assert golden.exists(), f"no golden file {golden}; run with UPDATE_GOLDEN=1 after review"
    assert actual == golden.read_text(encoding="utf-8")


def test_every_golden_file_belongs_to_a_case() -> None:
    assert sorted(p.stem for p in GOLDEN.glob("*.txt")) == sorted(c.name for c in CASES)


@pytest.mark.parametrize("label", sorted(_EXAMPLES))
def test_every_labelled_syntax_mistake_has_a_golden_case(label: str) -> None:
    assert any(c.code == label for c in CASES), f"no golden case for {label}"
    assert label in _MESSAGES


@pytest.mark.parametrize(
    ("label", "example"),
    [(label, example) for label, examples in _EXAMPLES.items() for example in examples],
)
def test_every_example_of_a_syntax_mistake_gets_its_own_label(label: str, example: str) -> None:
    with pytest.raises(CheckerError) as caught:
        parse_syntax(example)
    assert caught.value.code == label


@pytest.mark.parametrize(
    ("label", "example"),
    [(label, example) for label, examples in _EXAMPLES.items() for example in examples],
)
def test_a_mistake_gets_the_same_label_after_other_statements(label: str, example: str) -> None:
    # lark's match_examples compares the whole parser stack, so an example written at the start
    # of a file used not to match the same mistake after a document block.
    with pytest.raises(CheckerError) as caught:
        parse_syntax(DOCUMENT + example)
    assert caught.value.code == label


# --- Twenty-odd hand-broken variants of a real notice's encoding -----------------------------

REAL = Path(__file__).resolve().parents[1] / "policies" / "company_app.policy"


def _edit(pattern: str, replacement: str, flags: int = re.M) -> Callable[[str], str]:
    def edit(text: str) -> str:
        changed, count = re.subn(pattern, replacement, text, count=1, flags=flags)
        assert count == 1, f"the edit {pattern!r} no longer applies to {REAL.name}"
        return changed

    return edit


def _duplicate_block(text: str) -> str:
    found = re.search(r"^purpose account \{.*?^\}\n", text, re.M | re.S)
    assert found, "no `purpose account` block"
    return text[: found.end()] + found.group() + text[found.end() :]


VARIANTS: dict[str, Callable[[str], str]] = {
    "closing brace of the document deleted": _edit(r"^\}\n", ""),
    "':' instead of '='": _edit(r"^(\s+title\s+)=", r"\1:"),
    "title's closing quote deleted": _edit(r'^(\s+title\s+= "[^"\n]*)"', r"\1"),
    "curly quotes around the title": _edit(r'^(\s+title\s+= )"([^"\n]*)"', r"\1“\2”"),
    "zero-width space in a field name": _edit(r"legal_name", "legal\u200b_name"),
    "right-to-left override in a field name": _edit(r"jurisdictions", "juris\u202edictions"),
    "NUL byte in a value": _edit(r"^(\s+language\s+= )en", "\\1e\x00n"),
    "'cite' misspelt": _edit(r"^(\s+)cite ", r"\1cit "),
    "'=' left out": _edit(r"^(\s+language\s+)= ", r"\1"),
    "',' left out of a list": _edit(
        r"\[account, personalised_service\]", "[account personalised_service]"
    ),
    "extra closing brace": _edit(r"^\}\n", "}\n}\n"),
    "statement kind misspelt": _edit(r"^handler \{", "handlr {"),
    "field name misspelt": _edit(r"^(\s+)category(\s+)=", r"\1categroy\2="),
    "enum value misspelt": _edit(r"^(\s+consent\s+= )bundled", r"\1bundeld"),
    "data category misspelt": _edit(r"\[user\.account\]", "[user.acount]"),
    "purpose declared twice": _duplicate_block,
    "reference to an undeclared purpose": _edit(r"^(\s+purposes\s+= \[)account", r"\1acount"),
    "required description deleted": _edit(r"^\s+description = \"register[^\n]*\n", ""),
    "document header deleted": _edit(r"^document \{.*?^\}\n", "", re.M | re.S),
    "citation of a fact deleted": _edit(
        r"^(purpose account \{[^}]*?)\n\s+cite [^\n]*", r"\1", re.M | re.S
    ),
    "field given twice": _edit(r"^(\s+necessary\s+= yes\n)", r"\1\1"),
    "quote no longer in the notice": _edit(
        r'^(\s+cite "[^"\n]*" "[^"\n]*?)more accurate', r"\1most accurate"
    ),
    "source text missing": _edit(r'^(\s+source\s+= ")[^"\n]*"', r'\1sources/missing.txt"'),
}
CARET = re.compile(r"^ +\| *\^+$", re.M)


@pytest.mark.parametrize("variant", sorted(VARIANTS))
def test_a_broken_variant_of_a_real_policy_is_refused_with_a_position_and_a_caret(
    variant: str,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    original = REAL.read_text(encoding="utf-8")
    source = re.search(r'^\s+source\s+= "([^"\n]+)"', original, re.M)
    assert source is not None
    (tmp_path / source.group(1)).parent.mkdir(parents=True, exist_ok=True)
    (tmp_path / source.group(1)).write_bytes((REAL.parent / source.group(1)).read_bytes())
    broken = VARIANTS[variant](original)
    assert broken != original
    (tmp_path / REAL.name).write_text(broken, encoding="utf-8")
    monkeypatch.chdir(tmp_path)

    code = main(["lint", REAL.name, "--no-cache", "--jobs", "1"])

    err = capsys.readouterr().err
    assert code == 2
    assert re.search(rf"^{re.escape(REAL.name)}:\d+:\d+: error\[E\d{{3}}\] ", err, re.M), err
    assert CARET.search(err), err
    assert "Traceback" not in err


def test_there_are_at_least_twenty_variants() -> None:
    assert len(VARIANTS) >= 20


def test_the_excerpt_shortcuts_agree_with_the_character_tables() -> None:
    """`escape_invisible` returns printable lines as they are and `display_width` counts ASCII
    by length; both shortcuts must hold for every code point."""
    import unicodedata

    from checker.errors import _INVISIBLE, is_invisible

    for code in range(0x110000):
        ch = chr(code)
        if ch.isprintable():
            assert ch not in _INVISIBLE and not is_invisible(ch), hex(code)
        if ch.isascii():
            assert not unicodedata.combining(ch)
            assert unicodedata.east_asian_width(ch) not in ("W", "F")
