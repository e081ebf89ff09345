"""`policycheck report`: what it writes, its exit codes, and that lint does not pay for it."""

from __future__ import annotations

import hashlib
import html
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from evidence_site import LAST_LINE, LONG_LINE, POLICIES, ROOT, RTL_LINE, write_report

from checker.cli import main
from checker.resources import shipped_sets
from checker.rules.cases import all_cases, examples

DATA = ROOT / "tests" / "integration" / "data"


def _text(path: Path) -> str:
    return path.read_text(encoding="utf-8")


def test_the_report_has_an_overview_a_page_per_notice_and_per_requirement(
    bundled_report: Path,
) -> None:
    notices = sorted(p.stem for p in (bundled_report / "notices").glob("*.html"))
    assert notices == sorted(p.stem for p in POLICIES.glob("*.policy"))
    overview = _text(bundled_report / "index.html")
    requirement_links = set(re.findall(r'href="requirements/([^"]+)\.html"', overview))
    assert requirement_links, "the overview links no requirement"
    assert requirement_links == {p.stem for p in (bundled_report / "requirements").glob("*.html")}
    assert sorted(p.name for p in (bundled_report / "assets").iterdir()) == [
        "report.css",
        "report.js",
    ]


def test_the_overview_says_what_the_notices_were_checked_against(bundled_report: Path) -> None:
    overview = _text(bundled_report / "index.html")
    assert re.search(r"Checked on \d{4}-\d\d-\d\d \d\d:\d\d UTC by policycheck \d", overview)
    for name in ("pipl", "ndsr"):
        digest = hashlib.sha256(shipped_sets()[name].read_bytes()).hexdigest()
        assert digest in overview, f"the digest of the {name} set is not in the overview"


def test_a_notice_page_shows_the_findings_with_the_quotes_they_rest_on(
    bundled_report: Path,
) -> None:
    page = _text(bundled_report / "notices" / "company_app.html")
    assert "<wbr>" not in page
    # PIPL-39: the transfer abroad has no separate consent (the README's example finding).
    outcome = re.search(r'<article class="outcome f" id="o-PIPL-39".*?</article>', page, re.S)
    assert outcome is not None
    assert "sends personal information abroad (outside_cn)" in outcome.group()
    quote_ids = re.search(r'data-quotes="([\d ]+)"', outcome.group())
    assert quote_ids is not None
    for qid in quote_ids.group(1).split():
        assert f'id="q-{qid}"' in page, f"quote {qid} is not marked in the notice text"


def test_cannot_decide_names_the_missing_fact_and_waivers_show_who_and_until_when(
    hostile_report: Path,
) -> None:
    page = _text(hostile_report / "notices" / "hostile.html")
    assert "Cannot decide: the encoding does not say <strong>" in page
    waivers = re.search(r'<table class="waivers">.*?</table>', page, re.S)
    assert waivers is not None
    assert "DPO &lt;script&gt;x&lt;/script&gt;" in waivers.group()
    assert "2099-12-31" in waivers.group()


def test_hostile_notice_text_renders_as_text(hostile_report: Path) -> None:
    page = _text(hostile_report / "notices" / "hostile.html")
    # The only script element is the report's own.
    assert re.findall(r"<script\b[^>]*>", page) == ['<script src="../assets/report.js" defer>']
    assert (
        "<img" not in page
        and "<b>" not in page
        and "javascript:" not in page.replace("&#34;javascript:", "")
    )
    assert "&lt;script&gt;alert(&#34;notice&#34;)&lt;/script&gt;" in page
    assert "&lt;script&gt;alert(&#34;title&#34;)&lt;/script&gt; Hostile &amp; Co" in page
    # The long line, the right-to-left line and the end of the megabyte are all there, whole.
    assert _paragraph(page, 5) == LONG_LINE
    # A browser wraps it at once only with break opportunities inside; ordinary words get none.
    assert len(LONG_LINE) // 120 - 2 <= page.count("<wbr>") <= len(LONG_LINE) // 120
    assert _paragraph(page, 7) == RTL_LINE
    assert LAST_LINE in page


def _paragraph(page: str, number: int) -> str:
    """The text of notice line `number` as the page shows it (marks and links taken out)."""
    found = re.search(
        rf'<div class="row[^"]*" id="l-{number}">.*?<p dir="auto">(.*?)</p>', page, re.S
    )
    assert found is not None, f"line {number} is not on the page"
    text = html.unescape(re.sub(r"<[^>]+>", "", found.group(1)))
    return text.removeprefix(str(number)).strip()


def test_a_file_that_cannot_be_checked_is_listed_and_the_exit_code_is_2(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    shutil.copy(DATA / "clean.policy", tmp_path / "clean.policy")
    shutil.copy(DATA / "notice.txt", tmp_path / "notice.txt")
    (tmp_path / "broken.policy").write_text('document {\n  title = "x"\n  source = \n}\n')
    out = tmp_path / "site"
    code = write_report([tmp_path], out, "--requirements", str(DATA / "house.yaml"))
    err = capsys.readouterr().err
    assert code == 2
    assert re.search(r"broken\.policy:\d+:\d+: error\[E1\d\d\]", err), err
    assert "Traceback" not in err
    overview = _text(out / "index.html")
    assert "Files that could not be checked (1)" in overview
    assert "broken.policy:" in overview
    assert (out / "notices" / "clean.html").is_file()


def test_requirements_and_configuration_are_handled_as_lint_handles_them(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    for name in ("clean.policy", "no_contact.policy", "notice.txt", "house.yaml"):
        shutil.copy(DATA / name, tmp_path / name)
    (tmp_path / "drafts").mkdir()
    shutil.copy(DATA / "no_contact.policy", tmp_path / "drafts" / "draft.policy")
    (tmp_path / ".policycheck.toml").write_text(
        'paths = ["."]\nexclude = ["drafts/*"]\nrequirements = ["house.yaml"]\n'
    )
    monkeypatch.chdir(tmp_path)
    assert main(["report", "--output", "site", "--no-cache"]) == 0
    capsys.readouterr()
    overview = _text(tmp_path / "site" / "index.html")
    assert sorted(p.name for p in (tmp_path / "site" / "notices").iterdir()) == [
        "clean.html",
        "no_contact.html",
    ]
    digest = hashlib.sha256((tmp_path / "house.yaml").read_bytes()).hexdigest()
    assert digest in overview and "HOUSE-17-1-1" in overview
    assert "pipl" not in overview.lower()
    # --select narrows the requirements as it does for lint.
    assert main(["report", "--output", "one", "--no-cache", "--select", "HOUSE-14"]) == 0
    assert "HOUSE-17-1-1" not in _text(tmp_path / "one" / "index.html")


def test_an_output_that_cannot_be_written_is_a_located_error(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    blocker = tmp_path / "site"
    blocker.write_text("a file, not a directory")
    code = write_report(
        [DATA / "clean.policy"], blocker, "--requirements", str(DATA / "house.yaml")
    )
    err = capsys.readouterr().err
    assert code == 2
    assert f"{blocker}: error[E601] cannot write the report" in err
    assert "Traceback" not in err


def test_output_is_required(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exit_info:
        main(["report", str(POLICIES)])
    assert exit_info.value.code == 2
    assert "error[E604]" in capsys.readouterr().err


def test_lint_does_not_import_jinja2() -> None:
    # The report's template engine is loaded by `report` alone: lint's start-up does not pay.
    code = (
        "import sys\n"
        "from checker.cli import main\n"
        "main(['lint', '--no-cache', '--jobs', '1', 'policies'])\n"
        "main(['lint', '--no-cache', '--jobs', '1', '--format', 'sarif', 'policies'])\n"
        "sys.stderr.write(' '.join(m for m in sys.modules if m.startswith(('jinja2', 'markupsafe', "
        "'checker.reporters.html', 'checker.commands.report'))))\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=False
    )
    assert done.returncode == 0, done.stderr
    assert done.stderr == ""


def test_the_examples_shown_are_the_first_case_of_each_verdict() -> None:
    expected: dict[tuple[str, str], str] = {}
    for case in all_cases():
        expected.setdefault((case.requirement, case.expect), case.policy)
    assert examples() == expected


def test_a_notice_outside_the_project_is_not_read_into_the_report(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    project = tmp_path / "project"
    project.mkdir()
    (project / ".policycheck.toml").write_text('requirements = ["house.yaml"]\n')
    shutil.copy(DATA / "house.yaml", project / "house.yaml")
    secret = tmp_path / "secret.txt"
    secret.write_text("Example Shop Ltd. is the handler of your personal information. SECRET\n")
    policy = (DATA / "clean.policy").read_text(encoding="utf-8")
    (project / "leak.policy").write_text(policy.replace('"notice.txt"', '"../secret.txt"'))
    monkeypatch.chdir(project)
    code = main(["report", "leak.policy", "--output", "site", "--no-cache"])
    err = capsys.readouterr().err
    assert code == 2
    assert "error[E301]" in err
    site = "".join(p.read_text(encoding="utf-8") for p in (project / "site").rglob("*.html"))
    assert "SECRET" not in site
