"""The one orchestration function: config -> reports -> evaluate -> report.

Reads top to bottom in the order the data flows. Everything that touches
the outside world for a check (files, the clock, git) is decided here or in the
CLI and handed down as values.
"""

from __future__ import annotations

import datetime as dt
import os
import subprocess
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from gate.config.load import load_config
from gate.config.schema import Config, CoverageCheck, JunitCheck, Scope
from gate.core.evaluate import Evaluation, evaluate
from gate.core.model import CoverageData, Diff, TestResults
from gate.core.paths import SKIP_DIRS, PathResolver
from gate.core.patterns import PathSelector, TestSelector, paths_matcher, tests_matcher
from gate.core.report import Provenance, ProvenanceFile, Report
from gate.core.scope import require_contexts
from gate.errors import UsageError
from gate.readers import expand, read_coverage, read_tests
from gate.readers.report_file import read_baseline
from gate.records import Record, field
from gate.safety import SafetyContext, run_safety

if TYPE_CHECKING:
    from gate.outputs.evidence_package import PackageSources


class CheckOptions(Record, frozen=True):
    """Run settings: where and how to check (the gate config says what)."""

    root: Path
    config: str | None = None
    coverage: tuple[str, ...] = ()  # replace the config's reports.coverage when given
    junit: tuple[str, ...] = ()
    allow_exec: bool = True
    today: dt.date = field(default_factory=dt.date.today)
    head_sha: str | None = None
    pull_request: int | None = None
    # Passing evidence tests the report lists per interaction; None: every one (the
    # evidence package, explain and the document need them all).
    passing_listed: int | None = None
    # Keep each test's duration, failure text and output: only the evidence package
    # shows them, and at 200,000 tests they cost half the JUnit reading's time.
    test_details: bool = True
    generated: dt.datetime | None = None  # this run's moment, recorded in the provenance
    # The change against the base (docs/patch-coverage.md).
    diff_base: str | None = None  # git revision: diff HEAD against its merge base with it
    diff: str | None = None  # a unified diff file instead (runners without history)
    baseline: str | None = None  # the base commit's report JSON


class CheckRun(Record, frozen=True):
    """A finished check: the report plus what it was computed from."""

    config: Config
    coverage: CoverageData
    tests: TestResults
    report: Report


def run_check(opts: CheckOptions) -> CheckRun:
    """Load everything, evaluate, return the report. Raises GateError on bad input."""
    config = load_config(opts.config, opts.root)
    repo_files = scan_repo(opts.root)
    resolver = PathResolver(opts.root, config.paths, files=repo_files)

    coverage_paths = expand(opts.coverage or config.reports.coverage, opts.root, "coverage")
    junit_paths = expand(opts.junit or config.reports.junit, opts.root, "JUnit")
    coverage = read_coverage(
        coverage_paths, resolver, keep=wanted_paths(config), per_context=evidence_paths(config)
    )
    require_contexts(config.interactions, coverage)  # before any safety command runs
    tests = read_tests(junit_paths, resolver, keep=wanted_tests(config), details=opts.test_details)
    diff = read_change(opts, keep=wanted_paths(config))
    baseline = read_baseline(opts.root / opts.baseline) if opts.baseline else None

    waivers = {w.target: w for w in config.waivers}
    safety = run_safety(
        config.safety,
        SafetyContext(
            opts.root, coverage.files, tests, opts.allow_exec, opts.today, waivers, repo_files
        ),
    )
    provenance = Provenance(
        config_sha256=config.sha256,
        head_sha=opts.head_sha or git_head(opts.root),
        pull_request=opts.pull_request,
        root=repository_prefix(opts.root),
        generated=opts.generated,
        files=[
            ProvenanceFile(shown(Path(i.path), opts.root), i.sha256, i.format, i.writer)
            for i in (*coverage.inputs, *tests.inputs)
        ],
    )
    report = evaluate(
        Evaluation(
            config=config,
            coverage=coverage.files,
            tests=tests,
            today=opts.today,
            safety=safety,
            repo_files=repo_files,
            inputs={
                "coverage": [shown(p, opts.root) for p in coverage_paths],
                "junit": [shown(p, opts.root) for p in junit_paths],
            },
            provenance=provenance,
            notes=[*coverage.notes, *tests.notes],
            contexts=coverage.contexts,
            passing_listed=opts.passing_listed,
            diff=diff,
            baseline=baseline,
            baseline_source=opts.baseline or "",
        )
    )
    return CheckRun(config, coverage, tests, report)


def read_change(opts: CheckOptions, keep: Callable[[str], bool]) -> Diff | None:
    """The changed lines: from git (--diff-base), from a diff file (--diff, which
    must change some file the checkout has), or None when neither is given. The
    diff readers (and unidiff, 3 ms) are imported only then: start-up time is CI time."""
    if opts.diff_base is not None and opts.diff is not None:
        raise UsageError("--diff-base and --diff both name the change; give one")
    if opts.diff_base is not None:
        from gate.readers.git_diff import git_changes

        return git_changes(opts.root, opts.diff_base, keep=keep)
    if opts.diff is not None:
        from gate.readers.diff import read_diff

        return read_diff(
            opts.root / opts.diff, keep=keep, present=lambda name: (opts.root / name).is_file()
        )
    return None


def evidence_sources(run: CheckRun, root: Path, generated: str) -> PackageSources:
    """What the evidence package of a finished check is made from."""
    from gate.outputs.evidence_package import PackageSources

    return PackageSources(
        report=run.report,
        generated=generated,
        root=root,
        tests=run.tests.cases,
        coverage=run.coverage.files,
        contexts=run.coverage.contexts,
    )


def shown(path: Path, root: Path) -> str:
    """A path as reports show it: relative to root when inside it."""
    try:
        return path.resolve().relative_to(root.resolve()).as_posix()
    except ValueError:
        return str(path)


def scan_repo(root: Path) -> frozenset[str]:
    """Every file under root (repository-relative), skipping VCS, venvs and caches."""
    found: list[str] = []
    base = len(str(root.resolve())) + 1
    for dirpath, dirnames, filenames in os.walk(root.resolve()):
        dirnames[:] = [d for d in dirnames if d not in SKIP_DIRS and not d.endswith(".egg-info")]
        rel = dirpath[base:].replace(os.sep, "/")
        found.extend(f"{rel}/{name}" if rel else name for name in filenames)
    return frozenset(found)


def git_head(root: Path) -> str | None:
    """The checked-out commit, when root is a git work tree; provenance only."""
    try:
        done = subprocess.run(
            ["git", "rev-parse", "HEAD"], cwd=root, capture_output=True, text=True, timeout=5
        )
    except (OSError, subprocess.SubprocessError):
        return None
    sha = done.stdout.strip()
    return sha if done.returncode == 0 and len(sha) == 40 else None


def wanted_paths(config: Config) -> PathSelector:
    """True for a repository path an interaction, a `coverage` check or
    `unmapped.paths` claims: what the coverage readers keep."""
    modules = [m for it in config.interactions for m in it.modules]
    modules += [m for c in config.safety.checks if isinstance(c, CoverageCheck) for m in c.modules]
    return paths_matcher(tuple(modules), tuple(config.unmapped.paths))


def evidence_paths(config: Config) -> PathSelector:
    """True for a repository path an interaction judged by its own tests
    (`coverage_scope: evidence`) claims: the only sources whose per-test records and
    import-time lines count (gate.core.scope), so the only ones the data-file reader
    keeps per context."""
    modules = [
        m for it in config.interactions if it.coverage_scope is Scope.EVIDENCE for m in it.modules
    ]
    return paths_matcher(tuple(modules))


def wanted_tests(config: Config) -> TestSelector:
    """True for a test an evidence pattern, a contract test pattern or a `junit` check
    selects: what the JUnit reader keeps."""
    patterns = [p for it in config.interactions for p in (*it.evidence, *it.contract.tests)]
    patterns += [p for c in config.safety.checks if isinstance(c, JunitCheck) for p in c.tests]
    return tests_matcher(tuple(patterns))


def repository_prefix(root: Path) -> str:
    """Where root is inside its git repository ("services/x", or "" at the top), so
    paths relative to root can be made repository-relative for GitHub annotations."""
    try:
        done = subprocess.run(
            ["git", "rev-parse", "--show-prefix"],
            cwd=root,
            capture_output=True,
            text=True,
            timeout=5,
        )
    except (OSError, subprocess.SubprocessError):
        return ""
    return done.stdout.strip().strip("/") if done.returncode == 0 else ""
