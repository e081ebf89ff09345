"""`policycheck diff`: what a change does to the verdicts, on real temporary git repositories.

Each test builds a repository holding a bundled policy and its notice on `main`, changes it on a
branch or in the work tree, and reads what `policycheck diff` says: the verdicts that changed,
the facts by statement and field, coverage, the exit code with `--fail-on-new`, the JSON against
its schema, the Markdown as GitHub renders it, and the E6xx errors of git.
"""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys
from pathlib import Path

import jsonschema
import pytest
from gitrepo import commit, git, init_repo
from markdown_it import MarkdownIt

from checker.cli import main
from checker.language.fact_diff import FieldChange, StatementChange
from checker.reporters.diff import render_markdown
from checker.rules.report_diff import DiffResult, NoticeDiff, VerdictChange, classify

ROOT = Path(__file__).resolve().parents[1]
SCHEMA = json.loads((ROOT / "docs" / "diff.schema.json").read_text(encoding="utf-8"))
POLICY = ROOT / "policies" / "company_app.policy"
NOTICE = ROOT / "policies" / "sources" / "004_4656aebb13097a8c.txt"
SHOP = "policies/shop.policy"

UNSPECIFIED = "mechanism           = unspecified"
BUNDLED = "mechanism           = bundled"
# The line the first edit changes (where the first unspecified mechanism is in the bundled policy).
EDITED_LINE = POLICY.read_text(encoding="utf-8").split(UNSPECIFIED)[0].count("\n") + 1

RULES = """\
set: house
law: HOUSE
title: House rules
requirements:
  - id: HOUSE-1
    title: The handler gives a contact
    article: Rule 1
    quote: the handler gives a contact
    severity: error
    require: {condition}
    message: the notice gives no contact for the handler
    remedy: Add a contact channel.
"""
HOUSE_2 = """\
  - id: HOUSE-2
    title: The handler is named
    article: Rule 2
    quote: the handler is named
    severity: warning
    require: handler.legal_name is stated
    message: the notice does not name the handler
    remedy: Name the handler.
"""


@pytest.fixture
def repo(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A repository with policies/shop.policy and its notice committed on main; cwd is its top."""
    top = init_repo(tmp_path / "repo")
    (top / "policies" / "sources").mkdir(parents=True)
    shutil.copy(POLICY, top / SHOP)
    text = (top / SHOP).read_text(encoding="utf-8")
    (top / SHOP).write_text(text.replace("004_4656aebb13097a8c.txt", "shop.txt"), encoding="utf-8")
    shutil.copy(NOTICE, top / "policies" / "sources" / "shop.txt")
    commit(top, "shop")
    monkeypatch.chdir(top)
    return top


def edit(path: str, old: str, new: str, count: int = 1) -> None:
    text = Path(path).read_text(encoding="utf-8")
    assert old in text
    Path(path).write_text(text.replace(old, new, count), encoding="utf-8")


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(["diff", "--no-cache", *argv])
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def test_an_edit_in_the_work_tree_is_compared_with_the_merge_base(
    repo: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    edit(SHOP, UNSPECIFIED, BUNDLED)
    code, out, _ = run(capsys)
    assert code == 0
    assert out == (
        "policies/shop.policy: Privacy Policy\n"
        "  newly failing: warning PIPL-14-1-bundled consent prior_approval: pass → fail: "
        "consent prior_approval takes one bundled consent for several purposes or for the whole "
        "policy [PIPL Art. 14(1)]\n"
        "  facts:\n"
        "    ~ consent prior_approval\n"
        "        mechanism: unspecified → bundled\n"
        "\n"
        "merge base with main → work tree: 1 of 1 policy changed: 1 newly failing, "
        "1 facts changed\n"
    )


def test_fail_on_new_exits_1_only_for_new_failures_at_or_above_the_level(
    repo: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    edit(SHOP, UNSPECIFIED, BUNDLED)  # a new warning
    assert run(capsys, "--fail-on-new", "error")[0] == 0
    assert run(capsys, "--fail-on-new", "warning")[0] == 1
    # The notice fails many errors already; they do not count, only what the change broke.
    git(repo, "checkout", "-q", "--", SHOP)
    assert run(capsys, "--fail-on-new", "info")[0] == 0


def test_two_revisions_are_compared_and_the_temporary_worktrees_removed(
    repo: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    git(repo, "checkout", "-q", "-b", "feature")
    edit(SHOP, "consent          = bundled", "consent          = separate")
    commit(repo, "separate consent to the transfer")
    git(repo, "checkout", "-q", "main")  # the work tree is main's: HEAD is read from git
    code, out, _ = run(capsys, "main", "feature")
    assert code == 0
    assert "no longer failing: error PIPL-39-consent transfer outside_collection_location" in out
    assert "consent: bundled → separate" in out
    assert out.endswith(
        "main → feature: 1 of 1 policy changed: 1 no longer failing, 1 facts changed\n"
    )
    assert git(repo, "worktree", "list").count("\n") == 0  # only the main work tree is left


def test_nothing_changed_says_so(repo: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "main")
    assert (code, out) == (0, "main → work tree: 0 of 1 policy changed\n")
    _, markdown, _ = run(capsys, "main", "--format", "markdown")
    assert "No verdict, fact or coverage changed in the 1 policy compared." in markdown


def test_an_edited_notice_re_checks_the_policies_citing_it(
    repo: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    with open("policies/sources/shop.txt", "a", encoding="utf-8") as notice:
        notice.write("\n\n7.Contact\nWrite to privacy@example.com with any question.\n")
    code, out, _ = run(capsys)
    assert code == 0
    assert "policies/shop.policy: Privacy Policy\n  coverage: 100.0% → 93.9%\n" in out


def test_a_notice_edit_that_breaks_a_quote_is_an_input_error_at_the_quote(
    repo: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    edit("policies/sources/shop.txt", "Information safety", "Security")
    code, out, err = run(capsys)
    assert code == 2
    assert out == ""
    quoted_at = (
        POLICY.read_text(encoding="utf-8").split('"6.Information safety"')[0].count("\n") + 1
    )
    assert err.startswith(f"policies/shop.policy:{quoted_at}:")
    assert "error[E302]" in err


def test_a_new_policy_lists_its_failures_and_a_removed_one_is_named(
    repo: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    shutil.copy(SHOP, "policies/copy.policy")  # untracked: still a change of the work tree
    code, out, _ = run(capsys, "--fail-on-new", "error")
    assert code == 1
    assert out.startswith("policies/copy.policy (added): Privacy Policy\n  newly failing: ")
    assert "not checked → fail" in out
    assert "pass" not in out.split("\n")[1]
    commit(repo, "copy")
    Path(SHOP).unlink()
    code, out, _ = run(capsys, "HEAD")
    assert "policies/shop.policy (removed): Privacy Policy\n  no longer failing: " in out
    assert re.search(r"\nHEAD → work tree: 1 of 2 policies changed: \d+ no longer failing\n$", out)
    assert "facts" not in out  # a policy removed is not listed statement by statement


def test_a_changed_requirement_file_lists_every_verdict_it_changes(
    repo: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    Path("rules").mkdir()
    Path("rules/house.yaml").write_text(
        RULES.format(condition="handler.contact is stated"), encoding="utf-8"
    )
    commit(repo, "house rules")
    Path("rules/house.yaml").write_text(
        RULES.format(condition="handler.contact is stated or handler.contact is unstated")
        + HOUSE_2,
        encoding="utf-8",
    )
    code, out, _ = run(
        capsys, "HEAD", "--requirements", "rules/house.yaml", "--fail-on-new", "error"
    )
    assert code == 0  # the new rule fails as a warning only
    assert out == (
        "policies/shop.policy: Privacy Policy\n"
        "  no longer failing: error HOUSE-1: fail → pass: the notice gives no contact for the "
        "handler [HOUSE Rule 1]\n"
        "  newly failing: warning HOUSE-2: not checked → fail: the notice does not name the "
        "handler [HOUSE Rule 2]\n"
        "\n"
        "HEAD → work tree: 1 of 1 policy changed: 1 newly failing, 1 no longer failing\n"
    )


def test_paths_limit_the_comparison(repo: Path, capsys: pytest.CaptureFixture[str]) -> None:
    shutil.copytree("policies", "other")
    commit(repo, "other")
    edit("other/shop.policy", UNSPECIFIED, BUNDLED)
    assert run(capsys, "HEAD", "policies")[1] == "HEAD → work tree: 0 of 1 policy changed\n"
    assert "other/shop.policy: Privacy Policy" in run(capsys, "HEAD", "other")[1]


def test_a_base_that_does_not_lint_is_compared_as_a_new_policy(
    repo: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    edit(SHOP, "document {", "document {{")
    commit(repo, "broken")
    git(repo, "checkout", "-q", "HEAD~1", "--", SHOP)
    code, out, err = run(capsys, "HEAD")
    assert code == 0
    assert "policycheck: at HEAD: policies/shop.policy:" in err
    assert out.startswith("policies/shop.policy (added): Privacy Policy\n")


def test_two_files_are_compared_without_git(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "sources").mkdir()
    shutil.copy(NOTICE, tmp_path / "sources" / NOTICE.name)
    old = POLICY.read_text(encoding="utf-8")
    Path("old.policy").write_text(old, encoding="utf-8")
    Path("new.policy").write_text(old.replace(UNSPECIFIED, BUNDLED), encoding="utf-8")
    code, out, _ = run(capsys, "old.policy", "new.policy")
    assert code == 0
    assert out.startswith("new.policy: Privacy Policy\n  newly failing: warning PIPL-14-1-bundled")
    assert out.endswith(
        "old.policy → new.policy: 1 of 1 policy changed: 1 newly failing, 1 facts changed\n"
    )


def test_the_json_report_follows_its_schema(repo: Path, capsys: pytest.CaptureFixture[str]) -> None:
    edit(SHOP, UNSPECIFIED, BUNDLED)
    shutil.copy(SHOP, "policies/copy.policy")
    _, out, _ = run(capsys, "--format", "json")
    data = json.loads(out)
    jsonschema.validate(data, SCHEMA)
    assert data["summary"]["changed_policies"] == 2
    shop = next(n for n in data["notices"] if n["path"] == SHOP)
    assert shop["facts"] == [
        {
            "statement": "consent prior_approval",
            "kind": "consent",
            "change": "changed",
            "fields": [{"field": "mechanism", "before": "unspecified", "after": "bundled"}],
        }
    ]
    assert shop["verdicts"][0]["before"] == "pass"
    assert shop["verdicts"][0]["line"] == EDITED_LINE


def test_github_annotations_are_made_for_the_new_failures_only(
    repo: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    edit(SHOP, UNSPECIFIED, BUNDLED)
    edit(SHOP, "consent          = bundled", "consent          = separate")  # one fixed
    _, out, _ = run(capsys, "--format", "github")
    annotations = [line for line in out.splitlines() if line.startswith("::")]
    assert annotations == [
        f"::warning file=policies/shop.policy,line={EDITED_LINE},col=25,endLine={EDITED_LINE},"
        "endColumn=32,"
        "title=PIPL-14-1-bundled Consent is not folded into one acceptance of the whole policy"
        "::newly failing: consent prior_approval takes one bundled consent for several purposes "
        "or for the whole policy [PIPL Art. 14(1)]"
    ]


# --- Markdown, rendered as GitHub would -----------------------------------------------------


def rendered(markdown: str) -> str:
    """HTML as GitHub renders a comment: CommonMark with GFM tables, raw HTML allowed."""
    return MarkdownIt("commonmark", {"html": True}).enable("table").render(markdown)


def test_the_markdown_comment_renders_a_summary_table_and_folded_details(
    repo: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    edit(SHOP, UNSPECIFIED, BUNDLED)
    _, out, _ = run(capsys, "--format", "markdown")
    html = rendered(out)
    head, _, details = html.partition("<details>")
    assert "<th>policy</th>" in head and ">newly failing</th>" in head
    assert '<td><code>policies/shop.policy</code></td>\n<td style="text-align:right">1</td>' in head
    assert details.startswith("<summary><code>policies/shop.policy</code>: Privacy Policy")
    # The details are Markdown too: a table of verdicts and a list of facts, not raw text.
    assert "<td>consent prior_approval</td>" in details
    assert "<li>changed: <code>consent prior_approval</code>" in details
    assert "<code>unspecified</code> → <code>bundled</code>" in details
    assert "|" not in html.replace("\\|", "")


def test_markdown_special_characters_in_messages_and_values_are_shown_literally() -> None:
    message = "a | b *not bold* _x_ <script> [link](http://x) `tick` #1"
    finding = None
    verdict = VerdictChange(
        "HOUSE-1",
        "collection a|b",
        message,
        "error",
        "HOUSE",
        "Rule 1",
        "pass",
        "fail",
        "newly failing",
        finding,
    )
    facts = (
        StatementChange(
            "collection a|b",
            "collection",
            "changed",
            (FieldChange("method", '"uses | pipes and `ticks`"', "unstated"),),
        ),
    )
    notice = NoticeDiff(
        "p|q.policy",
        "p|q.policy",
        "p|q.policy",
        "A <b>bold</b> title",
        (verdict,),
        (),
        facts,
        0.5,
        0.75,
    )
    html = rendered(render_markdown(DiffResult("main", "work tree", [notice], 1)))
    rows = [r for r in html.split("<tr>") if "</td>" in r]
    assert [r.count("<td") for r in rows] == [8, 6]  # a pipe in a cell splits no cell
    assert "a | b *not bold* _x_ &lt;script&gt; [link](http://x) `tick` #1" in html
    assert "<code>p|q.policy</code>" in html
    assert "A &lt;b&gt;bold&lt;/b&gt; title" in html
    assert "<script>" not in html and "<strong>" not in html and "<em>" not in html
    assert "<code>&quot;uses | pipes and `ticks`&quot;</code>" in html


@pytest.mark.parametrize(
    ("before", "after", "change"),
    [
        ("pass", "fail", "newly failing"),
        (None, "incomplete", "newly failing"),
        ("not_applicable", "fail", "newly failing"),
        ("waived", "fail", "un-waived"),
        ("fail", "waived", "newly waived"),
        ("fail", "pass", "no longer failing"),
        ("incomplete", None, "no longer failing"),
        ("fail", "incomplete", "changed"),
        ("pass", "not_applicable", "changed"),
        (None, "pass", "changed"),
    ],
)
def test_how_a_change_of_verdict_is_classed(
    before: str | None, after: str | None, change: str
) -> None:
    assert classify(before, after) == change


# --- git's errors ---------------------------------------------------------------------------


def test_a_missing_git_is_e608(
    repo: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("PATH", str(tmp_path / "nothing"))
    code, _, err = run(capsys, "main")
    assert code == 2
    assert "policycheck: error[E608] git is not installed (no `git` on PATH)" in err
    assert "policycheck diff OLD.policy NEW.policy" in err


def test_an_unknown_revision_is_e609_and_a_missing_default_branch_too(
    repo: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, _, err = run(capsys, "feature")
    assert code == 2
    assert "error[E609] unknown revision 'feature' (and no such file or directory)" in err
    git(repo, "branch", "-m", "main", "trunk")
    code, _, err = run(capsys)
    assert code == 2
    assert "error[E609] no default branch to compare with" in err
    assert "policycheck diff BASE [HEAD] [PATH ...]" in err


def test_a_shallow_clone_without_the_merge_base_is_e610(
    repo: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    git(repo, "checkout", "-q", "-b", "feature")
    commit(repo, "on feature")
    git(repo, "checkout", "-q", "main")
    commit(repo, "on main")  # the merge base is now the first commit, two commits deep
    git(tmp_path, "clone", "-q", "--depth", "1", "--no-single-branch", f"file://{repo}", "clone")
    clone = tmp_path / "clone"
    git(clone, "checkout", "-q", "feature")
    monkeypatch.chdir(clone)
    code, _, err = run(capsys)
    assert code == 2
    assert (
        "error[E610] the merge base of HEAD and origin/HEAD is not in this shallow clone's history"
        in err
    )
    assert "fetch-depth: 0" in err


def test_extra_requirements_of_the_configuration_are_read_from_each_side(
    repo: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    Path("rules").mkdir()
    Path("rules/house.yaml").write_text(
        RULES.format(condition="handler.contact is stated"), encoding="utf-8"
    )
    Path(".policycheck.toml").write_text(
        'paths = ["policies"]\nextra-requirements = ["rules/house.yaml"]\n', encoding="utf-8"
    )
    commit(repo, "house rules beside the sets of the jurisdictions")
    Path("rules/house.yaml").write_text(
        RULES.format(condition="handler.contact is stated or handler.contact is unstated"),
        encoding="utf-8",
    )
    edit(SHOP, UNSPECIFIED, BUNDLED)
    _, out, _ = run(capsys, "HEAD")
    assert "  newly failing: warning PIPL-14-1-bundled consent prior_approval: pass → fail" in out
    assert "  no longer failing: error HOUSE-1: fail → pass" in out


def test_facts_are_compared_by_statement_and_field_never_by_place() -> None:
    from checker.language.fact_diff import diff_facts
    from checker.notice.loading import parse_policy

    header = 'document {\n  title = "T"\n  source = "n.txt"\n  jurisdictions = [cn]\n}\n'
    old = header + (
        'purpose a {\n  description = "x"\n  cite "1" "We use it" line 3\n}\n'
        "breach {\n  notify_individuals = unstated\n}\n"
    )
    moved = header + (
        "breach {\n  notify_individuals = unstated\n}\n\n\n"
        'purpose a {\n  description = "x"\n  cite "1" "We use it" line 3\n}\n'
    )
    assert diff_facts(parse_policy(old, "a"), parse_policy(moved, "a")) == ()
    renamed = moved.replace("purpose a", "purpose b").replace("line 3", "line 4")
    hinted = moved.replace("line 3", "line 4")
    changes = diff_facts(parse_policy(old, "a"), parse_policy(renamed, "a"))
    assert [(c.label, c.change) for c in changes] == [
        ("purpose b", "added"),
        ("purpose a", "removed"),
    ]
    (change,) = diff_facts(parse_policy(old, "a"), parse_policy(hinted, "a"))
    assert [(f.field, f.before, f.after) for f in change.fields] == [
        ("cite", '1: "We use it" line 3', None),
        ("cite", None, '1: "We use it" line 4'),
    ]


def test_a_terminated_diff_removes_its_worktrees(repo: Path) -> None:
    """CI cancels a job with SIGTERM: the command ends with 143 and leaves no worktree behind.

    The process stops itself at the moment it lints the first revision, from inside its
    temporary worktree, as a cancelled job would be stopped at any moment.
    """
    git(repo, "checkout", "-q", "-b", "feature")
    edit(SHOP, "consent          = bundled", "consent          = separate")
    commit(repo, "separate consent to the transfer")
    script = (
        "import os, signal, sys\n"
        "import checker.commands.diff as diff\n"
        "def stopped(*args, **kwargs):\n"
        "    os.kill(os.getpid(), signal.SIGTERM)\n"
        "    raise AssertionError('SIGTERM did not end the command')\n"
        "diff.run_lint = stopped\n"
        "from checker.cli import main\n"
        "sys.exit(main(['diff', 'main', 'feature']))\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", script], cwd=repo, capture_output=True, text=True, timeout=60
    )
    assert done.returncode == 143, done.stderr
    assert "AssertionError" not in done.stderr
    assert git(repo, "worktree", "list").count("\n") == 0  # only the main work tree is left
