"""Hostile inputs through the command line: a position, exit code 2, no traceback, linear cost.

Each test feeds `policycheck lint` something a careless editor, a broken tool or an attacker could
produce — empty, BOM, CRLF, non-UTF-8, NUL, a 2 MB line, a 500 KB string, 50,000 nested braces,
invisible characters in names, directories, missing paths, symlink loops, unreadable files, a
changed notice, hostile requirement and configuration files — and checks what the user sees.

Cost: an input is run against one four times larger, counting Python calls (deterministic) and
CPU time (best of three). Linear work grows about 4x, quadratic 16x; the bounds allow 6x calls
and 10x time, so they catch a blow-up without timing anything absolutely.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest

from checker.cli import main
from checker.errors import CheckerError
from checker.files import MAX_BYTES, read_text

EXAMPLES = Path(__file__).parent / "examples"
SAMPLE = (EXAMPLES / "sample.policy").read_text(encoding="utf-8")
NOTICE = (EXAMPLES / "notice.txt").read_text(encoding="utf-8")
LOCATION = re.compile(
    r"^(?P<path>[^\s:]+):(?P<line>\d+):(?P<column>\d+): error\[(?P<code>E\d{3})\]", re.M
)


@dataclass
class Outcome:
    code: int
    out: str
    err: str

    def error(self, code: str) -> re.Match[str]:
        """The first `path:line:col: error[code]` line, which must exist."""
        for found in LOCATION.finditer(self.err):
            if found["code"] == code:
                return found
        raise AssertionError(f"no located error[{code}] in:\n{self.err}")


@pytest.fixture
def workdir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A directory holding the example notice, made the working directory."""
    monkeypatch.chdir(tmp_path)
    (tmp_path / "notice.txt").write_text(NOTICE, encoding="utf-8")
    return tmp_path


@pytest.fixture
def lint(workdir: Path, capsys: pytest.CaptureFixture[str]) -> Callable[..., Outcome]:
    def run(*args: str) -> Outcome:
        capsys.readouterr()
        try:
            code = main(["lint", *args, "--no-cache", "--jobs", "1"])
        except SystemExit as stopped:
            code = int(stopped.code or 0)
        out, err = capsys.readouterr()
        assert "Traceback" not in out + err
        return Outcome(code, out, err)

    return run


def write(path: Path, content: str | bytes) -> str:
    if isinstance(content, str):
        content = content.encode("utf-8")
    path.write_bytes(content)
    return path.name


# --- Cost ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Cost:
    calls: int
    seconds: float


def cost(run: Callable[[], object]) -> Cost:
    calls = 0

    def count(frame: object, event: str, arg: object) -> None:
        nonlocal calls
        if event in ("call", "c_call"):
            calls += 1

    sys.setprofile(count)
    try:
        run()
    finally:
        sys.setprofile(None)
    seconds = []
    for _ in range(3):
        start = time.process_time()
        run()
        seconds.append(time.process_time() - start)
    return Cost(calls, min(seconds))


def assert_linear(run_at_size: Callable[[int], object], size: int) -> None:
    """Work at 4x the size stays within linear headroom of the work at 1x."""
    run_at_size(max(1, size // 16))  # warm caches (parser tables, labelled examples)
    small = cost(lambda: run_at_size(size))
    large = cost(lambda: run_at_size(4 * size))
    assert large.calls <= 6 * small.calls, (small, large)
    # Very short runs are dominated by noise: a floor of 20 ms keeps the ratio meaningful.
    assert large.seconds <= 10 * max(small.seconds, 0.02), (small, large)


# --- Text --------------------------------------------------------------------------------------


def test_an_empty_file_is_refused_at_line_1_for_lacking_a_document(
    lint: Callable[..., Outcome], workdir: Path
) -> None:
    outcome = lint(write(workdir / "empty.policy", b""))
    assert outcome.code == 2
    found = outcome.error("E209")
    assert (found["path"], found["line"], found["column"]) == ("empty.policy", "1", "1")


def test_a_byte_order_mark_is_ignored_and_does_not_shift_columns(
    lint: Callable[..., Outcome], workdir: Path
) -> None:
    plain = lint(write(workdir / "plain.policy", SAMPLE))
    marked = lint(write(workdir / "marked.policy", "\ufeff" + SAMPLE))
    assert plain.code in (0, 1) and "error[" not in plain.err
    assert marked.code == plain.code
    assert marked.out.replace("marked.policy", "plain.policy") == plain.out
    broken = "\ufeff" + SAMPLE.replace("document {", "document: {", 1)
    found = lint(write(workdir / "broken.policy", broken)).error("E103")
    assert (found["line"], found["column"]) == ("2", "9")


def test_crlf_line_endings_lint_exactly_like_lf(
    lint: Callable[..., Outcome], workdir: Path
) -> None:
    lf = lint(write(workdir / "lf.policy", SAMPLE))
    crlf = lint(write(workdir / "crlf.policy", SAMPLE.replace("\n", "\r\n")))
    assert lf.code in (0, 1) and "error[" not in crlf.err
    assert crlf.code == lf.code
    assert crlf.out.replace("crlf.policy", "lf.policy") == lf.out


def test_crlf_line_endings_keep_error_positions_and_excerpts(
    lint: Callable[..., Outcome], workdir: Path
) -> None:
    broken = SAMPLE.replace("legal_name = ", "legal_nme = ").replace("\n", "\r\n")
    outcome = lint(write(workdir / "crlf.policy", broken))
    found = outcome.error("E202")
    assert (found["line"], found["column"]) == ("10", "3")
    assert "\r" not in outcome.err
    assert ' 10 |   legal_nme = "Example Shop Ltd."  # as written in §1\n' in outcome.err


def test_bytes_that_are_not_utf8_are_refused_naming_the_byte_offset(
    lint: Callable[..., Outcome], workdir: Path
) -> None:
    data = SAMPLE.encode("utf-8").replace(b"Example Shop Ltd.", b"Caf\xe9 Ltd.", 1)
    outcome = lint(write(workdir / "latin1.policy", data))
    assert outcome.code == 2
    found = outcome.error("E602")
    offset = data.index(b"\xe9")
    assert f"byte 0xe9 at offset {offset} is not valid UTF-8" in outcome.err
    line_start = data.rfind(b"\n", 0, offset) + 1
    assert (int(found["line"]), int(found["column"])) == (
        data.count(b"\n", 0, offset) + 1,
        len(data[line_start:offset].decode("utf-8")) + 1,
    )


def test_nul_bytes_are_refused_and_shown_escaped(
    lint: Callable[..., Outcome], workdir: Path
) -> None:
    text = SAMPLE.replace("language      = en", "language      = e\x00n")
    outcome = lint(write(workdir / "nul.policy", text))
    assert outcome.code == 2
    found = outcome.error("E106")
    assert (found["line"], found["column"]) == ("5", "20")
    assert "unexpected character '\\u0000'" in outcome.err and "\x00" not in outcome.err


def _long_line_error(workdir: Path, size: int) -> Outcome:
    """A policy whose second statement sits after a comment of `size` characters on one line."""
    text = SAMPLE.replace("\nhandler {", "\n# " + "x" * size + " handler {", 1)
    (workdir / "long.policy").write_text(text, encoding="utf-8")
    return Outcome(main(["lint", "long.policy", "--no-cache", "--jobs", "1"]), "", "")


def test_a_two_megabyte_line_is_linted_and_cut_around_the_caret(
    lint: Callable[..., Outcome], workdir: Path
) -> None:
    valid = SAMPLE.replace("\nhandler {", "\n# " + "x" * 2_000_000 + "\nhandler {", 1)
    assert lint(write(workdir / "valid.policy", valid)).code in (0, 1)

    broken = SAMPLE.replace(
        'legal_name = "Example Shop Ltd."', 'legal_name = "' + "y" * 2_000_000 + '" "oops"', 1
    )
    outcome = lint(write(workdir / "broken.policy", broken))
    assert outcome.code == 2
    found = outcome.error("E100")
    assert (found["line"], found["column"]) == ("10", str(2_000_000 + 19))
    assert max(len(line) for line in outcome.err.splitlines()) < 200  # the excerpt is cut
    assert "^^^^" in outcome.err

    assert_linear(lambda size: _long_line_error(workdir, size), 200_000)


def _string_of(workdir: Path, size: int, closed: bool) -> int:
    end = '"' if closed else ""
    text = SAMPLE.replace('"to create your account"', '"' + "z" * size + end, 1)
    (workdir / "string.policy").write_text(text, encoding="utf-8")
    return main(["lint", "string.policy", "--no-cache", "--jobs", "1"])


def test_a_500_kilobyte_quote_is_looked_up_and_refused_in_linear_time(
    lint: Callable[..., Outcome], workdir: Path
) -> None:
    _string_of(workdir, 500_000, closed=True)
    outcome = lint("string.policy")
    assert outcome.code == 2
    found = outcome.error("E302")
    assert (found["line"], found["column"]) == ("18", "12")
    assert_linear(lambda size: _string_of(workdir, size, closed=True), 50_000)


def test_a_500_kilobyte_unterminated_string_is_e101_in_linear_time(
    lint: Callable[..., Outcome], workdir: Path
) -> None:
    _string_of(workdir, 500_000, closed=False)
    outcome = lint("string.policy")
    assert outcome.code == 2
    found = outcome.error("E101")
    assert (found["line"], found["column"]) == ("18", "12")
    assert_linear(lambda size: _string_of(workdir, size, closed=False), 50_000)


NESTINGS = {
    "bare braces": (lambda n: "{" * n, "E100"),
    "open blocks": (lambda n: "a {" * n, "E102"),
    "closed blocks": (lambda n: "a {" * n + "}" * n, "E109"),
    "brackets": (lambda n: "x = " + "[" * n, "E100"),
    "closed brackets": (lambda n: "handler { x = " + "[" * n + "]" * n + " }", "E100"),
}


@pytest.mark.parametrize("shape", sorted(NESTINGS))
def test_50000_nested_braces_or_brackets_are_refused_in_linear_time(
    shape: str, lint: Callable[..., Outcome], workdir: Path
) -> None:
    make, code = NESTINGS[shape]
    outcome = lint(write(workdir / "deep.policy", make(50_000)))
    assert outcome.code == 2
    outcome.error(code)

    def run(size: int) -> int:
        (workdir / "deep.policy").write_text(make(size), encoding="utf-8")
        return main(["lint", "deep.policy", "--no-cache", "--jobs", "1"])

    assert_linear(run, 2_000)


@pytest.mark.parametrize(
    "char",
    ["\u202e", "\u2067", "\u200f", "\u061c", "\u200b", "\u200c", "\u200d", "\u2060", "\u00ad"],
    ids=lambda c: f"U+{ord(c):04X}",
)
def test_invisible_characters_in_a_name_are_refused_and_shown_escaped(
    char: str, lint: Callable[..., Outcome], workdir: Path
) -> None:
    text = SAMPLE.replace("legal_name", f"legal{char}_name", 1)
    outcome = lint(write(workdir / "hidden.policy", text))
    assert outcome.code == 2
    found = outcome.error("E106")
    assert (found["line"], found["column"]) == ("10", "8")
    assert f"unexpected character '\\u{ord(char):04x}'" in outcome.err
    assert char not in outcome.err  # never written raw to the terminal


def test_a_file_over_the_size_limit_is_refused_unread(
    lint: Callable[..., Outcome], workdir: Path
) -> None:
    with (workdir / "huge.policy").open("wb") as huge:
        huge.truncate(MAX_BYTES + 1)  # sparse: nothing is written to disk
    outcome = lint("huge.policy")
    assert outcome.code == 2
    assert f"huge.policy: error[E109] file is {MAX_BYTES + 1} bytes" in outcome.err


# --- Files -----------------------------------------------------------------------------------


def test_a_directory_named_as_the_source_text_is_refused(
    lint: Callable[..., Outcome], workdir: Path
) -> None:
    (workdir / "notices").mkdir()
    text = SAMPLE.replace('"notice.txt"', '"notices"')
    outcome = lint(write(workdir / "shop.policy", text))
    assert outcome.code == 2
    found = outcome.error("E301")
    assert (found["line"], found["column"]) == ("4", "19")
    assert "is a directory, not a file" in outcome.err


def test_a_directory_given_where_a_file_is_read_is_e603(workdir: Path) -> None:
    (workdir / "rules.yaml").mkdir()
    with pytest.raises(CheckerError) as caught:
        read_text(Path("rules.yaml"))
    assert str(caught.value) == "rules.yaml: error[E603] is a directory, not a file"


def test_a_directory_given_as_the_report_file_is_refused(
    lint: Callable[..., Outcome], workdir: Path
) -> None:
    (workdir / "report").mkdir()
    outcome = lint(write(workdir / "shop.policy", SAMPLE), "--output", "report")
    assert outcome.code == 2
    assert "report: error[E601] cannot write report" in outcome.err


def test_a_missing_path_is_refused_once(lint: Callable[..., Outcome]) -> None:
    outcome = lint("missing.policy")
    assert outcome.code == 2
    assert outcome.err.count("missing.policy: error[E601] no such file or directory") == 1


def test_a_symlink_loop_is_refused(lint: Callable[..., Outcome], workdir: Path) -> None:
    (workdir / "a.policy").symlink_to("b.policy")
    (workdir / "b.policy").symlink_to("a.policy")
    outcome = lint("a.policy")
    assert outcome.code == 2
    assert "a.policy: error[E601] symbolic link loop" in outcome.err


def test_an_unreadable_file_is_refused(lint: Callable[..., Outcome], workdir: Path) -> None:
    locked = workdir / "locked.policy"
    locked.write_text(SAMPLE, encoding="utf-8")
    locked.chmod(0)
    try:
        if os.access(locked, os.R_OK):
            # Running as root: permissions do not stop reads. A path through a regular file
            # fails to open for the same family of reasons (ENOTDIR rather than EACCES).
            outcome = lint("locked.policy/inner.policy")
            expected = "locked.policy/inner.policy: error[E601] no such file or directory"
        else:
            outcome = lint("locked.policy")
            expected = "locked.policy: error[E601] permission denied"
    finally:
        locked.chmod(0o644)
    assert outcome.code == 2
    assert expected in outcome.err


def test_a_missing_source_text_is_e301_at_the_source_field(
    lint: Callable[..., Outcome], workdir: Path
) -> None:
    (workdir / "notice.txt").unlink()
    outcome = lint(write(workdir / "shop.policy", SAMPLE))
    assert outcome.code == 2
    found = outcome.error("E301")
    assert (found["line"], found["column"]) == ("4", "19")


def test_a_source_text_changed_since_encoding_is_e302_at_each_stale_quote(
    lint: Callable[..., Outcome], workdir: Path
) -> None:
    changed = NOTICE.replace("is the handler of", "processes").replace("phone number", "address")
    (workdir / "notice.txt").write_text(changed, encoding="utf-8")
    outcome = lint(write(workdir / "shop.policy", SAMPLE))
    assert outcome.code == 2
    lines = sorted(int(m["line"]) for m in LOCATION.finditer(outcome.err) if m["code"] == "E302")
    assert lines == [12, 26]
    assert "the closest passage (notice line 5)" in outcome.err


# --- Requirement and configuration files -----------------------------------------------------

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
BILLION_LAUGHS = "set: &a [lol, lol, lol, lol, lol, lol, lol, lol, lol]\n" + "".join(
    f"l{i}: &{chr(98 + i)} [" + ", ".join([f"*{chr(97 + i)}"] * 9) + "]\n" for i in range(8)
)
HOSTILE_RULES = {
    "alias bomb": (BILLION_LAUGHS + RULES.split("\n", 1)[1], "E406", 1),
    "wrong type": (RULES.replace("severity: warning", "severity: [warning]"), "E402", 9),
    "unknown key": (RULES.replace("    remedy:", "    remedie: x\n    remedy:"), "E402", 12),
    "duplicate id": (RULES + RULES.split("requirements:\n")[1], "E405", 13),
    "condition does not type-check": (
        RULES.replace("handler.contact is stated", "handler.contact > 3"),
        "E404",
        10,
    ),
    "condition names an unknown value": (
        RULES.replace("handler.contact is stated", "handler.established_in == mars"),
        "E404",
        10,
    ),
    "impossible date": (RULES.replace("article: Rule 1", "article: 2024-02-30"), "E401", 7),
    "nul character": (RULES.replace("Rule 1", "Rule\x001"), "E401", 7),
    "two documents": (RULES + "---\n" + RULES, "E402", 13),
}


@pytest.mark.parametrize("name", sorted(HOSTILE_RULES))
def test_a_hostile_requirement_file_is_refused_with_its_position(
    name: str, lint: Callable[..., Outcome], workdir: Path
) -> None:
    text, code, line = HOSTILE_RULES[name]
    write(workdir / "rules.yaml", text)
    outcome = lint(write(workdir / "shop.policy", SAMPLE), "--requirements", "rules.yaml")
    assert outcome.code == 2
    found = outcome.error(code)
    assert (found["path"], found["line"]) == ("rules.yaml", str(line))


@pytest.mark.parametrize("message", ['"{label has no closing brace"', '"a stray } brace"'])
def test_a_message_template_with_an_unbalanced_brace_is_refused(
    message: str, lint: Callable[..., Outcome], workdir: Path
) -> None:
    text = RULES.replace(
        "message: the notice gives no contact for the handler", f"message: {message}"
    )
    write(workdir / "rules.yaml", text)
    outcome = lint(write(workdir / "shop.policy", SAMPLE), "--requirements", "rules.yaml")
    assert outcome.code == 2
    assert outcome.error("E404")["line"] == "11"


PAYLOADS = [
    'title: !!python/object/apply:os.system ["touch {marker}"]',
    'title: !!python/object/apply:subprocess.call [["touch", "{marker}"]]',
    'title: !!python/object/apply:subprocess.check_call [["touch", "{marker}"]]',
    '? !!python/object/apply:os.system ["touch {marker}"]\n: x\ntitle: House rules',
    'title: !!python/object/apply:os.system\n  args: ["touch {marker}"]',
]


@pytest.mark.parametrize("payload", PAYLOADS)
def test_a_python_tag_is_refused_and_nothing_is_executed(
    payload: str, lint: Callable[..., Outcome], workdir: Path
) -> None:
    marker = workdir / "executed"
    text = RULES.replace("title: House rules", payload.format(marker=marker))
    # The payload is live: an unsafe loader runs it and creates the marker file.
    subprocess.run(
        [sys.executable, "-c", "import sys, yaml; yaml.unsafe_load(sys.stdin.read())"],
        input=text,
        text=True,
        check=False,
        capture_output=True,
        timeout=60,
    )
    assert marker.exists()
    marker.unlink()
    write(workdir / "rules.yaml", text)
    outcome = lint(write(workdir / "shop.policy", SAMPLE), "--requirements", "rules.yaml")
    assert outcome.code == 2
    found = outcome.error("E406")
    assert found["path"] == "rules.yaml"
    assert not marker.exists()


def test_deeply_nested_yaml_is_refused_without_crashing_the_interpreter(workdir: Path) -> None:
    # libyaml's composer recurses in C: 50,000 nested '[' used to kill the process (SIGSEGV),
    # so this runs in a subprocess of its own.
    write(
        workdir / "rules.yaml", RULES.replace("law: HOUSE", "law: " + "[" * 50_000 + "]" * 50_000)
    )
    write(workdir / "shop.policy", SAMPLE)
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "checker",
            "lint",
            "shop.policy",
            "--requirements",
            "rules.yaml",
            "--no-cache",
        ],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
        env={**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parents[1])},
    )
    # What the user sees, whichever YAML library refuses first: the checker's nesting limit (E109)
    # or libyaml's own (PyYAML 6.0.4 stops at depth 1,000 with E401) — one located error, exit 2.
    assert done.returncode == 2, done.stderr[-2000:]
    assert "Traceback" not in done.stderr
    first = done.stderr.splitlines()[0]
    assert re.fullmatch(r"rules\.yaml:2:\d+: error\[(E109|E401)\] .*nest.*", first), first
    assert "\n 2 | " in done.stderr  # the excerpt of line 2 ...
    assert re.search(r"\n +\| +\^", done.stderr)  # ... with a caret under it


def test_yaml_loading_is_linear_in_the_depth_a_file_tries(workdir: Path) -> None:
    from checker.rules.yamlsafe import load_located

    def run(size: int) -> None:
        with pytest.raises(CheckerError):
            load_located("a: " + "[" * size + "]" * size, "deep.yaml")

    assert_linear(run, 12_500)


HOSTILE_CONFIGS = {
    "wrong type": (".policycheck.toml", 'paths = "policies"\n', 1),
    "unknown key": (".policycheck.toml", 'paths = ["policies"]\nfail_on = "warning"\n', 2),
    "bad value": (".policycheck.toml", 'fail-on = "warn"\n', 1),
    "not toml": (".policycheck.toml", 'paths = ["policies"\n', 2),
    "policycheck is not a table": (".policycheck.toml", "[tool]\npolicycheck = 3\n", 2),
    "key in the wrong table": (
        "pyproject.toml",
        "[tool.other]\npaths = 3\n[tool.policycheck]\npaths = 3\n",
        4,
    ),
}


@pytest.mark.parametrize("name", sorted(HOSTILE_CONFIGS))
def test_a_hostile_configuration_is_refused_with_its_position(
    name: str, lint: Callable[..., Outcome], workdir: Path
) -> None:
    filename, text, line = HOSTILE_CONFIGS[name]
    write(workdir / filename, text)
    outcome = lint(write(workdir / "shop.policy", SAMPLE))
    assert outcome.code == 2
    found = outcome.error("E501")
    assert found["path"].endswith(filename) and found["line"] == str(line)


# --- The cache is as safe as a fresh read -------------------------------------------------------


def _cli(workdir: Path, *args: str, timeout: float = 120) -> subprocess.CompletedProcess[str]:
    """The command in a process of its own: a read that blocks hits the timeout, not the suite."""
    return subprocess.run(
        [sys.executable, "-m", "checker", *args],
        cwd=workdir,
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
        env={**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parents[1])},
    )


@pytest.mark.parametrize("replacement", ["a named pipe", "a link to /dev/zero"])
def test_a_cache_hit_reads_the_notice_with_the_checks_of_a_miss(
    replacement: str, workdir: Path
) -> None:
    write(workdir / "shop.policy", SAMPLE)
    first = _cli(workdir, "lint", "shop.policy")
    assert first.returncode == 1 and list((workdir / ".policycheck_cache").rglob("*.json"))
    (workdir / "notice.txt").unlink()
    if replacement == "a named pipe":
        os.mkfifo(workdir / "notice.txt")
    else:
        (workdir / "notice.txt").symlink_to("/dev/zero")
    again = _cli(workdir, "lint", "shop.policy")
    assert again.returncode == 2
    assert "shop.policy:4:19: error[E301] source text notice.txt:" in again.stderr


def test_an_edit_of_the_sensitive_category_table_is_a_cache_miss(
    workdir: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    import checker.commands.lint
    import checker.language.taxonomy
    from checker.resources import sensitivity_file

    table = workdir / "sensitive_categories.yaml"
    table.write_text(sensitivity_file().read_text(encoding="utf-8"), encoding="utf-8")
    monkeypatch.setattr(checker.commands.lint, "sensitivity_file", lambda: table)
    monkeypatch.setattr(checker.language.taxonomy, "sensitivity_file", lambda: table)
    policies = Path(__file__).resolve().parents[1] / "policies"
    text = (policies / "renqing_excellent.policy").read_text(encoding="utf-8")
    source = re.search(r'source *= *"([^"]+)"', text)
    assert source is not None
    (workdir / "sources").mkdir()
    notice = (policies / source.group(1)).read_text(encoding="utf-8")
    write(workdir / source.group(1), notice)
    write(workdir / "shop.policy", text)

    def summary(*flags: str) -> str:
        checker.language.taxonomy.sensitivity_table.cache_clear()
        checker.language.taxonomy._classify_shipped.cache_clear()
        capsys.readouterr()
        main(["lint", "shop.policy", "--jobs", "1", *flags])
        return capsys.readouterr().out.strip().splitlines()[-1]

    try:
        before = summary()  # written to the cache
        # Nothing is sensitive personal information any more (PIPL Art. 28).
        edited = table.read_text(encoding="utf-8").replace("pipl:", "pipl_before:")
        table.write_text(edited, encoding="utf-8")
        fresh = summary("--no-cache")
        assert fresh != before, "the edit changes the verdicts"
        assert summary() == fresh
    finally:
        checker.language.taxonomy.sensitivity_table.cache_clear()
        checker.language.taxonomy._classify_shipped.cache_clear()


def test_requirements_from_a_directory_are_keyed_by_the_files_loading_reads(
    workdir: Path,
) -> None:
    from checker.commands.lint import _requirements_digest

    (workdir / "rules").mkdir()
    write(workdir / "rules" / "house.yaml", RULES)
    first = _requirements_digest(["rules"], [])
    write(workdir / "rules" / "house.yaml", RULES.replace("warning", "error"))
    assert _requirements_digest(["rules"], []) != first
    # A table beside the sets is not loaded as a set, and a pipe is never read.
    edited = _requirements_digest(["rules"], [])
    write(workdir / "rules" / "sensitive_categories.yaml", "categories: {}\n")
    os.mkfifo(workdir / "rules" / "notes.yaml")
    assert _requirements_digest(["rules"], []) != edited  # notes.yaml is a set file name
    (workdir / "rules" / "notes.yaml").unlink()
    assert _requirements_digest(["rules"], []) == edited


def _cache_entry(workdir: Path, rendered: bool = False) -> Path:
    """The one report entry (its rendered chunks deleted, so that a run reads it), or the one
    rendered chunk."""
    cache = workdir / ".policycheck_cache"
    entries = [e for e in cache.rglob("*.json") if (cache / "derived") not in e.parents]
    chunks = [e for e in entries if e.name.endswith(".chunk.json")]
    if rendered:
        [entry] = chunks
        return entry
    for chunk in chunks:
        chunk.unlink()
    [entry] = [e for e in entries if e not in chunks]
    return entry


def _digest(*parts: bytes) -> str:
    from checker.commands.cache_key import digest

    return digest(*parts)


CORRUPT_ENTRIES: dict[str, Callable[[bytes, bytes], tuple[bytes, bytes]]] = {
    "deep JSON report": lambda head, body: (head, b"[" * 100_000 + b"]" * 100_000),
    "deep JSON head": lambda head, body: (b"[" * 100_000, body),
    "head not a mapping": lambda head, body: (b"[1, 2]", body),
    "unknown severity": lambda head, body: (head, body.replace(b'"error"', b'"fatal"')),
    "unknown status": lambda head, body: (head, body.replace(b'"fail"', b'"boom"')),
    "lone surrogate": lambda head, body: (
        head,
        body.replace(b'"message": "', b'"message": "\\ud800', 1),
    ),
    "span of text": lambda head, body: (
        head,
        re.sub(rb"\[(\d+), (\d+), ", rb'["\1", \2, ', body, count=1),
    ),
    "wrong shape": lambda head, body: (head, b'{"format": "policycheck-cache/2", "report": 3}'),
}


@pytest.mark.parametrize("name", sorted(CORRUPT_ENTRIES))
def test_a_corrupt_cache_entry_of_any_shape_is_a_miss(
    name: str, workdir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    write(workdir / "shop.policy", SAMPLE)
    capsys.readouterr()
    fresh_code = main(["lint", "shop.policy", "--jobs", "1"])
    fresh = capsys.readouterr()
    entry = _cache_entry(workdir)
    head, _, body = entry.read_bytes().partition(b"\n")
    head, body = CORRUPT_ENTRIES[name](head, body)
    try:  # a forger can compute the digest of what it writes
        stored = json.loads(head)
        stored["report_digest"] = _digest(body)
        head = json.dumps(stored).encode()
    except (ValueError, RecursionError, TypeError):
        pass
    entry.write_bytes(head + b"\n" + body)
    code = main(["lint", "shop.policy", "--jobs", "1"])
    again = capsys.readouterr()
    assert (code, again.out, again.err) == (fresh_code, fresh.out, fresh.err)


# --- fmt writes where the file lives ------------------------------------------------------------

UNFORMATTED = SAMPLE.replace("legal_name = ", "legal_name=")


def test_fmt_formats_the_target_of_a_symbolic_link_and_keeps_the_link(workdir: Path) -> None:
    (workdir / "real").mkdir()
    write(workdir / "real" / "shop.policy", UNFORMATTED)
    (workdir / "shop.policy").symlink_to("real/shop.policy")
    assert main(["fmt", "shop.policy"]) == 0
    assert (workdir / "shop.policy").is_symlink()
    assert (workdir / "real" / "shop.policy").read_text(encoding="utf-8") == SAMPLE
    assert sorted(p.name for p in (workdir / "real").iterdir()) == ["shop.policy"]


def test_fmt_keeps_hard_links(workdir: Path) -> None:
    write(workdir / "shop.policy", UNFORMATTED)
    os.link(workdir / "shop.policy", workdir / "other.policy")
    assert main(["fmt", "shop.policy"]) == 0
    assert (workdir / "other.policy").read_text(encoding="utf-8") == SAMPLE
    assert os.path.samefile(workdir / "shop.policy", workdir / "other.policy")


def test_fmt_keeps_crlf_line_endings(workdir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    write(workdir / "shop.policy", UNFORMATTED.replace("\n", "\r\n"))
    assert main(["fmt", "shop.policy"]) == 0
    assert (workdir / "shop.policy").read_bytes() == SAMPLE.replace("\n", "\r\n").encode()
    capsys.readouterr()
    assert main(["fmt", "--check", "shop.policy"]) == 0  # formatted, not "would reformat"
    assert capsys.readouterr().err == ""


def test_fmt_removes_what_a_killed_fmt_left_behind_and_nothing_else(workdir: Path) -> None:
    ended = subprocess.run(
        [sys.executable, "-c", "import os; print(os.getpid())"],
        capture_output=True,
        text=True,
        check=True,
        timeout=60,
    )
    dead = int(ended.stdout)
    write(workdir / "shop.policy", UNFORMATTED)
    stale = workdir / f".shop.policy.{dead}.k3j4h5.tmp"
    live = workdir / f".shop.policy.{os.getppid()}.a1b2c3.tmp"  # a running process's
    other = workdir / f".other.policy.{dead}.a1b2c3.tmp"  # another file's
    for leftover in (stale, live, other):
        write(leftover, UNFORMATTED[:100])
    assert main(["fmt", "shop.policy"]) == 0
    assert not stale.exists() and live.exists() and other.exists()


def test_fmt_killed_mid_write_leaves_the_original_and_the_next_run_cleans_up(
    workdir: Path,
) -> None:
    import signal

    big = UNFORMATTED.replace("handler {", "handler {\n" + "  # padding\n" * 300_000, 1)
    write(workdir / "big.policy", big)
    started = subprocess.Popen(
        [sys.executable, "-m", "checker", "fmt", "big.policy"],
        cwd=workdir,
        env={**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parents[1])},
        stderr=subprocess.DEVNULL,
    )
    deadline = time.monotonic() + 120  # a hang guard, not a timing assertion
    while not list(workdir.glob(".big.policy.*.tmp")) and started.poll() is None:
        assert time.monotonic() < deadline
        time.sleep(0.001)
    started.send_signal(signal.SIGKILL)
    started.wait(timeout=60)
    if started.returncode != -signal.SIGKILL or not list(workdir.glob(".big.policy.*.tmp")):
        pytest.skip("fmt finished before it could be killed mid-write")
    assert (workdir / "big.policy").read_text(encoding="utf-8") == big
    assert main(["fmt", "big.policy"]) == 0
    assert sorted(p.name for p in workdir.iterdir() if p.name.startswith(".big")) == []


# --- Errors never look like findings -----------------------------------------------------------


def _crash(*args: object, **kwargs: object) -> object:
    raise RuntimeError("injected failure")


@pytest.mark.parametrize("traceback_on", [None, "--verbose", "POLICYCHECK_DEBUG"])
def test_an_unexpected_exception_is_one_line_and_exit_2(
    traceback_on: str | None,
    workdir: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    import checker.rules.engine

    monkeypatch.setattr(checker.rules.engine, "evaluate", _crash)
    monkeypatch.delenv("POLICYCHECK_DEBUG", raising=False)
    if traceback_on == "POLICYCHECK_DEBUG":
        monkeypatch.setenv("POLICYCHECK_DEBUG", "1")
    write(workdir / "shop.policy", SAMPLE)
    flags = ["--verbose"] if traceback_on == "--verbose" else []
    capsys.readouterr()
    code = main(["lint", "shop.policy", "--no-cache", "--jobs", "1", *flags])
    out, err = capsys.readouterr()
    assert code == 2  # not 1, which says "findings"
    assert out == ""
    last = err.splitlines()[-1]
    assert "internal error (RuntimeError: injected failure)" in last
    assert "please report it" in last
    if traceback_on is None:
        assert err.count("\n") == 1 and "Traceback" not in err
    else:
        assert err.startswith("Traceback (most recent call last):")


COMMANDS = {
    "lint": (["lint", "--no-cache", "shop.policy"], 1),
    "fmt --diff": (["fmt", "--diff", "shop.policy"], 0),
    "explain": (["explain", "NDSR-21-1-4-copy", "shop.policy"], 1),
}


@pytest.mark.parametrize("command", sorted(COMMANDS))
def test_a_full_disk_is_e601_and_exit_2(command: str, workdir: Path) -> None:
    if not Path("/dev/full").exists():
        pytest.skip("no /dev/full on this system")
    write(workdir / "shop.policy", SAMPLE.replace("legal_name = ", "legal_name="))
    argv, _ = COMMANDS[command]
    with open("/dev/full", "w") as full:
        done = subprocess.run(
            [sys.executable, "-m", "checker", *argv],
            cwd=workdir,
            stdout=full,
            stderr=subprocess.PIPE,
            text=True,
            timeout=120,
            check=False,
            env={**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parents[1])},
        )
    assert done.returncode == 2
    assert (
        done.stderr == "policycheck: error[E601] cannot write the output: No space left on device\n"
    )


@pytest.mark.parametrize("command", sorted(COMMANDS))
def test_a_closed_pipe_ends_quietly_with_the_status_of_the_run(command: str, workdir: Path) -> None:
    write(workdir / "shop.policy", SAMPLE.replace("legal_name = ", "legal_name="))
    argv, status = COMMANDS[command]
    read, written = os.pipe()
    os.close(read)  # the reader (`| head`) is gone before the first write
    try:
        done = subprocess.run(
            [sys.executable, "-m", "checker", *argv],
            cwd=workdir,
            stdout=written,
            stderr=subprocess.PIPE,
            text=True,
            timeout=120,
            check=False,
            env={**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parents[1])},
        )
    finally:
        os.close(written)
    assert (done.returncode, done.stderr) == (status, "")


# --- Conditions: bounded work on any requirement file ---------------------------------------------

DEEP_CONDITIONS = {
    "not": "not " * 1_000 + "handler is stated",
    "and chain": " and ".join(["handler is stated"] * 3_000),
    "or chain": " or ".join(["handler is stated"] * 3_000),
    "quantifiers": "some transfer satisfies " * 1_000 + "transfer is stated",
    # Lark's parser must neither recurse on the nesting nor let the compiler do so.
    "lark's path": "(" * 5_000 + "handler is stated" + ")" * 5_000 + " @",
}


def _rules_with(condition: str, predicates: dict[str, str] | None = None) -> str:
    text = RULES.replace("handler.contact is stated", json.dumps(condition))
    if predicates:
        listed = "".join(f"  {name}: {json.dumps(body)}\n" for name, body in predicates.items())
        text = text.replace("requirements:\n", f"predicates:\n{listed}requirements:\n")
    return text


@pytest.mark.parametrize("shape", sorted(DEEP_CONDITIONS))
def test_a_condition_nested_or_sized_past_the_limits_is_e109_or_e403(
    shape: str, lint: Callable[..., Outcome], workdir: Path
) -> None:
    rules = workdir / f"deep-{shape.replace(' ', '-').replace(chr(39), '')}.yaml"
    write(rules, _rules_with(DEEP_CONDITIONS[shape]))
    outcome = lint(write(workdir / "shop.policy", SAMPLE), "--requirements", str(rules))
    assert outcome.code == 2
    found = outcome.error("E403" if shape == "lark's path" else "E109")
    assert (found["path"], found["line"]) == (str(rules), "10")


def test_parentheses_cost_no_depth_however_many(
    lint: Callable[..., Outcome], workdir: Path
) -> None:
    # `((x))` is the tree of `x`: redundant parentheses nest nothing the compiler walks.
    rules = write(
        workdir / "parens.yaml", _rules_with("(" * 3_000 + "handler is stated" + ")" * 3_000)
    )
    outcome = lint(write(workdir / "shop.policy", SAMPLE), "--requirements", str(rules))
    assert (outcome.code, outcome.err) == (0, "")


def test_a_chain_of_predicates_past_the_depth_limit_is_e109(
    lint: Callable[..., Outcome], workdir: Path
) -> None:
    chain = {f"p{i}": f"p{i + 1}" for i in range(300)} | {"p300": "handler is stated"}
    rules = workdir / "chain.yaml"
    write(rules, _rules_with("p0", chain))
    outcome = lint(write(workdir / "shop.policy", SAMPLE), "--requirements", str(rules))
    assert outcome.code == 2
    assert "error[E109] in predicate 'p0': in predicate 'p1':" in outcome.err


def _doubling(levels: int, fan: int = 2) -> dict[str, str]:
    """q0: q1 and q1, q1: q2 and q2, ...: each predicate `fan` times the size of the next."""
    chain = {f"q{i}": " and ".join([f"q{i + 1}"] * fan) for i in range(levels)}
    return chain | {f"q{levels}": "handler.contact is stated"}


@pytest.mark.parametrize(
    ("levels", "fan", "limit"),
    [
        (20, 2, "nested more than 32 deep"),  # 2 ** 20 tests from a 700-byte file
        (8, 4, "expands to more than 2000 tests"),  # 4 ** 8 tests, 16 deep
    ],
)
def test_predicates_that_multiply_at_each_step_are_refused_at_a_limit(
    levels: int, fan: int, limit: str, lint: Callable[..., Outcome], workdir: Path
) -> None:
    rules = workdir / f"bomb-{levels}-{fan}.yaml"
    write(rules, _rules_with("q0", _doubling(levels, fan)))
    outcome = lint(write(workdir / "shop.policy", SAMPLE), "--requirements", str(rules))
    assert outcome.code == 2
    found = outcome.error("E109")
    assert found["line"] == str(levels + 12) and limit in outcome.err


def test_predicates_shared_within_the_limits_compile_once_and_judge_as_one(
    lint: Callable[..., Outcome], workdir: Path
) -> None:
    write(workdir / "shop.policy", SAMPLE)
    write(workdir / "flat.yaml", _rules_with("handler.contact is stated"))
    write(workdir / "shared.yaml", _rules_with("q0", _doubling(6)))  # 64 leaves
    flat = lint("shop.policy", "--requirements", str(workdir / "flat.yaml"))
    shared = lint("shop.policy", "--requirements", str(workdir / "shared.yaml"))
    assert flat.code == shared.code and flat.out.splitlines()[-1] == shared.out.splitlines()[-1]


# --- Long inputs on the error paths -----------------------------------------------------------


@pytest.mark.parametrize("after", ['" "oops"', '"\n'], ids=["E100", "E102"])
def test_a_long_string_in_a_file_with_a_syntax_error_costs_memory_in_proportion(
    after: str,
) -> None:
    import tracemalloc

    from checker.language.syntax import parse_syntax

    def broken(size: int) -> str:
        text = SAMPLE.replace(
            'legal_name = "Example Shop Ltd."', 'legal_name = "' + "y" * size + after, 1
        )
        return text.replace("}\n\npurpose", "\n\npurpose", 1)  # and a block left open

    with pytest.raises(CheckerError):
        parse_syntax(broken(10))  # the parser and its labelled examples, built once
    tracemalloc.start()
    try:
        with pytest.raises(CheckerError):
            parse_syntax(broken(1_000_000))
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    # The text itself is 1 MB; a pattern with one alternative per character made it 300.
    assert peak < 30_000_000, peak


def test_the_closest_passage_in_a_large_notice_costs_memory_in_proportion() -> None:
    import random
    import tracemalloc

    from checker.notice.anchoring import closest, prepare

    rnd = random.Random(7)
    words = [
        "".join(rnd.choices("abcdefghijklmnopqrstuvwxyz", k=rnd.randint(2, 9))) for _ in range(3000)
    ]
    lines = [" ".join(rnd.choices(words, k=12)) + "." for _ in range(40_000)]  # about 3 MB
    lines[31_000] = "We keep your account details for as long as your account is open."
    notice = prepare("\n".join(lines))
    tracemalloc.start()
    try:
        passage = closest(notice, "we keep your account detail for as long as the account is open")
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert passage is not None and passage.line == 31_001
    # An index of every three-character piece of the notice took about 70 bytes a character.
    assert peak < 10_000_000, peak


def test_errors_past_fifty_in_a_file_are_counted_in_one_last_error(
    lint: Callable[..., Outcome], workdir: Path
) -> None:
    fields = "".join("  legal_nam = 1\n" for _ in range(20_000))
    outcome = lint(
        write(workdir / "many.policy", SAMPLE.replace("handler {\n", "handler {\n" + fields, 1))
    )
    assert outcome.code == 2
    located = [m for m in LOCATION.finditer(outcome.err)]
    assert [m["code"] for m in located] == ["E202"] * 50 + ["E109"]
    assert (located[-1]["line"], located[-1]["column"]) == ("60", "3")
    assert "error[E109] ... and 19,950 more errors in this file, from here on" in outcome.err


def test_missing_quotes_past_fifty_are_counted_in_one_last_error(
    lint: Callable[..., Outcome], workdir: Path
) -> None:
    cites = "".join(
        f'  cite "x" "a sentence the notice never held, number {i}"\n' for i in range(300)
    )
    outcome = lint(
        write(workdir / "many.policy", SAMPLE.replace("handler {\n", "handler {\n" + cites, 1))
    )
    assert outcome.code == 2
    codes = [m["code"] for m in LOCATION.finditer(outcome.err)]
    assert codes == ["E302"] * 50 + ["E109"]
    assert "... and 250 more errors in this file" in outcome.err


CORRUPT_CHUNKS: dict[str, Callable[[bytes], bytes]] = {
    "deep JSON": lambda body: b"[" * 100_000 + b"]" * 100_000,
    "wrong shape": lambda body: b'{"sections": 3}',
    "sections longer than said": lambda body: body + b"more",
    "a length not a number": lambda body: re.sub(
        rb"\[(\d+)((, \d+)*)\]\]\n", rb'["\1"\2]]\n', body, count=1
    ),
    "a section not UTF-8": lambda body: body.replace(b"\n", b"\n\xff", 1)[:-1],
    "negative count": lambda body: body.replace(b"[1, {", b"[-1, {", 1),
    "lone surrogate": lambda body: body.replace(b'"', b'"\\ud800', 1),
}


@pytest.mark.parametrize("name", sorted(CORRUPT_CHUNKS))
def test_a_corrupt_rendered_chunk_of_any_shape_is_a_miss(
    name: str, workdir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    write(workdir / "shop.policy", SAMPLE)
    capsys.readouterr()
    fresh_code = main(["lint", "shop.policy", "--jobs", "1"])
    fresh = capsys.readouterr()
    entry = _cache_entry(workdir, rendered=True)
    head, _, body = entry.read_bytes().partition(b"\n")
    corrupt = CORRUPT_CHUNKS[name](body)
    assert corrupt != body
    stored = json.loads(head)
    stored["report_digest"] = _digest(corrupt)  # a forger can compute the digest of its text
    entry.write_bytes(json.dumps(stored).encode() + b"\n" + corrupt)
    code = main(["lint", "shop.policy", "--jobs", "1"])
    again = capsys.readouterr()
    assert (code, again.out, again.err) == (fresh_code, fresh.out, fresh.err)
