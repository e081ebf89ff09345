"""Git, run as a subprocess with fixed argument lists (never through a shell).

Everything `policycheck diff` asks of a repository: its top folder, whether a revision exists,
the default branch's merge base, the files a change touched, and a temporary checkout of a
revision (a detached worktree, removed afterwards). Each way this can fail is an E6xx error with
advice: git missing or not a repository (E608), an unknown revision (E609), a revision that a
shallow clone does not hold (E610).
"""

from __future__ import annotations

import contextlib
import os
import shutil
import subprocess
import tempfile
from collections.abc import Iterator
from pathlib import Path

from checker.errors import CheckerError, did_you_mean

DEFAULT_BRANCHES = ("origin/HEAD", "origin/main", "origin/master", "main", "master")


def _environment() -> dict[str, str]:
    # Run from a hook, git passes GIT_INDEX_FILE and the like; they would point a temporary
    # worktree at the hook's index.
    return {
        k: v
        for k, v in os.environ.items()
        if k not in ("GIT_INDEX_FILE", "GIT_DIR", "GIT_WORK_TREE", "GIT_PREFIX")
    }


def git(args: list[str], cwd: Path, check: bool = True) -> subprocess.CompletedProcess[str]:
    """`git ARGS` in `cwd`; with `check`, a failure is an E608 error quoting git's message."""
    try:
        done = subprocess.run(
            ["git", *args],
            cwd=cwd,
            capture_output=True,
            text=True,
            encoding="utf-8",
            errors="replace",
            env=_environment(),
            check=False,
        )
    except FileNotFoundError:
        raise CheckerError(
            "E608",
            "git is not installed (no `git` on PATH)",
            expected="git, to read the revisions to compare",
            hint="install git, or compare two files: policycheck diff OLD.policy NEW.policy",
        ) from None
    except OSError as exc:
        raise CheckerError("E608", f"cannot run git: {exc.strerror}") from None
    if check and done.returncode != 0:
        raise CheckerError("E608", f"git {args[0]} failed: {_first_line(done.stderr)}")
    return done


def _first_line(text: str) -> str:
    lines = [line.strip() for line in text.splitlines() if line.strip()]
    return lines[0] if lines else "no message"


def toplevel(cwd: Path) -> Path:
    done = git(["rev-parse", "--show-toplevel"], cwd, check=False)
    if done.returncode != 0:
        raise CheckerError(
            "E608",
            "the working directory is not inside a git repository",
            expected="a git work tree, to compare revisions",
            hint="run in the repository, or compare two files: "
            "policycheck diff OLD.policy NEW.policy",
        )
    return Path(done.stdout.strip())


def is_shallow(top: Path) -> bool:
    done = git(["rev-parse", "--is-shallow-repository"], top, check=False)
    return done.stdout.strip() == "true"


def _shallow_error(what: str) -> CheckerError:
    return CheckerError(
        "E610",
        f"{what} is not in this shallow clone's history",
        expected="a clone holding the revisions to compare",
        hint="fetch the history: `git fetch --unshallow`, or `fetch-depth: 0` in actions/checkout",
    )


def resolve(top: Path, revision: str) -> str:
    """The commit a revision names, or E609 (E610 in a shallow clone, where it may be missing)."""
    if revision.startswith("-"):
        raise CheckerError("E609", f"unknown revision '{revision}'")
    done = git(
        ["rev-parse", "--verify", "--quiet", "--end-of-options", f"{revision}^{{commit}}"],
        top,
        check=False,
    )
    if done.returncode == 0:
        return done.stdout.strip()
    if is_shallow(top):
        raise _shallow_error(f"revision '{revision}'")
    refs = git(["for-each-ref", "--format=%(refname:short)"], top, check=False).stdout.split()
    raise CheckerError(
        "E609",
        f"unknown revision '{revision}' (and no such file or directory)",
        expected="a branch, tag or commit of this repository, or an existing path",
        hint=did_you_mean(revision, refs) or "list them with `git branch -a` and `git tag`",
    )


def default_base(top: Path) -> tuple[str, str]:
    """The merge base of HEAD with the default branch, and that branch's name."""
    for branch in DEFAULT_BRANCHES:
        ref = git(["rev-parse", "--verify", "--quiet", f"{branch}^{{commit}}"], top, check=False)
        if ref.returncode != 0:
            continue
        base = git(["merge-base", "HEAD", branch], top, check=False)
        if base.returncode == 0:
            return base.stdout.strip(), branch
        if is_shallow(top):
            raise _shallow_error(f"the merge base of HEAD and {branch}")
    raise CheckerError(
        "E609",
        "no default branch to compare with (none of origin/HEAD, main, master)",
        expected="BASE: the revision to compare with",
        hint="name it: policycheck diff BASE [HEAD] [PATH ...]",
    )


def changed_files(top: Path, base: str, head: str | None) -> set[str]:
    """Paths (relative to the top, with /) that differ between `base` and `head` or the work tree.

    Without `head`, files not yet added to git count too (a new policy is a change).
    """
    args = ["diff", "--name-only", "-z", "--no-renames", base] + ([head] if head else [])
    names = set(filter(None, git(args, top).stdout.split("\0")))
    if head is None:
        others = git(["ls-files", "--others", "--exclude-standard", "-z"], top).stdout
        names.update(filter(None, others.split("\0")))
    return names


@contextlib.contextmanager
def checkout(top: Path, commit: str) -> Iterator[Path]:
    """A temporary detached worktree of `commit`, removed on leaving."""
    folder = Path(tempfile.mkdtemp(prefix="policycheck-diff-"))
    tree = folder / "tree"
    hooks = folder / "no-hooks"  # no post-checkout hook of the repository runs
    hooks.mkdir()
    try:
        git(
            ["-c", f"core.hooksPath={hooks}", "worktree", "add", "--detach", "--quiet"]
            + ["--", str(tree), commit],
            top,
        )
        yield tree
    finally:
        git(["worktree", "remove", "--force", str(tree)], top, check=False)
        shutil.rmtree(folder, ignore_errors=True)
        git(["worktree", "prune"], top, check=False)
