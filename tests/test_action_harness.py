"""Run composite-action and workflow steps the way the runner does, without GitHub or act.

HARNESS.md part B: in a composite action, `${{ }}` expressions are substituted into the
text of `env:` (and `with:`) before any shell starts, and no `INPUT_*` variables exist.
Each `run:` step with `shell: bash` runs as `bash --noprofile --norc -eo pipefail {0}`
(GitHub docs, "Workflow syntax" › `jobs.<job_id>.steps[*].shell`) with a fresh
`$GITHUB_OUTPUT` and `$GITHUB_STEP_SUMMARY` file, and a failing step skips the steps
after it. This module does exactly that for the expressions our files use: property
paths such as `inputs.mode`, `steps.check.outputs.passed`, `runner.temp` or
`github.event.workflow_run.id`. Anything else (a function call, an operator, a step
`if:`) fails the test instead of being guessed at, so the emulation can never silently
diverge from what the runner would do.

The tests of the harness itself are at the bottom; the action's tests are in
test_action.py, the example workflows' in test_workflows.py.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import tempfile
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
import yaml

REPO = Path(__file__).resolve().parent.parent
ACTION_FILE = REPO / "action.yml"
# GitHub's `shell: bash`; found on the host's PATH, as a step's own PATH may be anything.
BASH = (shutil.which("bash") or "/bin/bash", "--noprofile", "--norc", "-eo", "pipefail")
_EXPRESSION = re.compile(r"\$\{\{\s*(.*?)\s*\}\}", re.S)
_PROPERTY_PATH = re.compile(r"[A-Za-z_][\w-]*(\.[A-Za-z_][\w-]*)*")
# The expression contexts a step may read, and which of them are strict (an unknown
# name is an error there; `steps` and `github.event` give '' for a missing property, as
# on GitHub).
_CONTEXTS = ("inputs", "github", "steps", "runner", "env")

# Variables of the host that the steps may see; everything else comes from the test.
_HOST_VARIABLES = ("PATH", "HOME", "LANG", "LC_ALL", "TMPDIR", "SYSTEMROOT")


class UnsupportedExpression(AssertionError):
    """An expression the harness does not evaluate: extend it, do not guess."""


def load_yaml(path: Path) -> dict[str, Any]:
    """Parse a workflow or action file; `on:` stays the string "on" (YAML 1.1 says True)."""
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    if True in data:
        data["on"] = data.pop(True)
    assert isinstance(data, dict)
    return data


def evaluate(expression: str, context: Mapping[str, Any]) -> str:
    """Return the value of a property-path expression as the runner substitutes it."""
    if not _PROPERTY_PATH.fullmatch(expression):
        raise UnsupportedExpression(f"the harness evaluates property paths only: {expression!r}")
    head, *rest = expression.split(".")
    if head not in _CONTEXTS or head not in context:
        raise UnsupportedExpression(f"no context {head!r} in this run: {expression!r}")
    value: Any = context[head]
    for index, name in enumerate(rest):
        if not isinstance(value, Mapping):
            return ""
        if head == "inputs" and name not in value:
            raise UnsupportedExpression(f"the action declares no input {name!r}")
        if head in ("github", "runner") and index == 0 and name not in value:
            raise UnsupportedExpression(f"the harness sets no {head}.{name}")
        value = value.get(name)
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (Mapping, list)):
        raise UnsupportedExpression(f"{expression!r} is an object, not a string")
    return str(value)


_COMPARISON = re.compile(r"\s*([A-Za-z_][\w.-]*)\s*(==|!=)\s*'([^']*)'\s*")


def condition(expression: str, context: Mapping[str, Any]) -> bool:
    """Return the value of an `if:` made of `path == 'x'` / `path != 'x'` joined by `&&`.

    Anything else (`||`, functions, status checks) is refused, not guessed at.
    """
    inner = _EXPRESSION.fullmatch(expression.strip())
    body = inner[1] if inner else expression
    result = True
    for part in body.split("&&"):
        match = _COMPARISON.fullmatch(part)
        if match is None:
            raise UnsupportedExpression(f"the harness evaluates `if:` comparisons only: {part!r}")
        equal = evaluate(match[1], context) == match[3]
        result = result and (equal if match[2] == "==" else not equal)
    return result


def substitute(text: str, context: Mapping[str, Any]) -> str:
    """Replace every `${{ expression }}` in `text`."""
    return _EXPRESSION.sub(lambda m: evaluate(m[1], context), text)


def parse_outputs(text: str) -> dict[str, str]:
    """Read a `$GITHUB_OUTPUT` file: `name=value` lines and `name<<DELIMITER` heredocs."""
    outputs: dict[str, str] = {}
    lines = iter(text.splitlines())
    for line in lines:
        if not line:
            continue
        if "<<" in line and ("=" not in line or line.index("<<") < line.index("=")):
            name, delimiter = line.split("<<", 1)
            value: list[str] = []
            for body in lines:
                if body == delimiter:
                    break
                value.append(body)
            else:
                raise AssertionError(f"$GITHUB_OUTPUT: {name} has no closing {delimiter}")
            outputs[name] = "\n".join(value)
        else:
            name, _, single = line.partition("=")
            assert _, f"$GITHUB_OUTPUT: not name=value: {line!r}"
            outputs[name] = single
    return outputs


@dataclass(frozen=True)
class StepResult:
    """One step as the runner would show it."""

    name: str
    exit_code: int | None  # None: skipped because an earlier step failed
    outputs: Mapping[str, str]
    summary: str
    stdout: str
    stderr: str


@dataclass(frozen=True)
class Run:
    """A sequence of steps: what each did, and the outcome of the whole."""

    steps: tuple[StepResult, ...]
    outputs: Mapping[str, str]  # the action's `outputs:`, when it is an action

    @property
    def exit_code(self) -> int:
        failed = [s.exit_code for s in self.steps if s.exit_code]
        return failed[0] if failed else 0

    @property
    def summary(self) -> str:
        return "".join(s.summary for s in self.steps)

    @property
    def log(self) -> str:
        return "\n".join(f"--- {s.name}\n{s.stdout}{s.stderr}" for s in self.steps)

    def step(self, name: str) -> StepResult:
        return next(s for s in self.steps if s.name == name)


@dataclass(frozen=True)
class Runner:
    """Where steps run: the job's workspace, its temp dir and base environment."""

    workspace: Path
    temp: Path  # RUNNER_TEMP
    env: Mapping[str, str]  # what every step sees (an Actions environment, HARNESS.md)

    def run_steps(
        self,
        steps: Sequence[Mapping[str, Any]],
        context: dict[str, Any],
        *,
        uses: Mapping[str, Callable[[Mapping[str, str]], None]] | None = None,
        extra_env: Mapping[str, str] | None = None,
    ) -> list[StepResult]:
        """Run `steps` in order; the first failing one skips the rest.

        `uses` maps an action (`owner/name`, without `@ref`) to a function that does
        what it would, given its rendered `with:`; a `uses:` step without one fails.
        """
        context.setdefault("steps", {})
        results: list[StepResult] = []
        failed = False
        for number, step in enumerate(steps, start=1):
            name = str(step.get("name") or step.get("id") or f"step {number}")
            if failed:
                results.append(StepResult(name, None, {}, "", "", ""))
                continue
            if "if" in step and not condition(str(step["if"]), context):
                results.append(StepResult(name, 0, {}, "", "", "skipped: `if:` is false"))
                continue
            if "uses" in step:
                action = str(step["uses"]).split("@", 1)[0]
                handler = (uses or {}).get(action)
                assert handler is not None, f"{name}: no emulation of {action} given"
                handler(
                    {k: substitute(str(v), context) for k, v in (step.get("with") or {}).items()}
                )
                results.append(StepResult(name, 0, {}, "", "", ""))
                continue
            result = self._run_script(name, step, context, extra_env or {}, number)
            if "id" in step:
                context["steps"][step["id"]] = {"outputs": dict(result.outputs)}
            results.append(result)
            failed = result.exit_code != 0
        return results

    def _run_script(
        self,
        name: str,
        step: Mapping[str, Any],
        context: Mapping[str, Any],
        extra_env: Mapping[str, str],
        number: int,
    ) -> StepResult:
        assert step.get("shell", "bash") == "bash", f"{name}: only `shell: bash` is emulated"
        if os.name == "nt":  # Windows runners run these steps under Git Bash, with its own paths
            pytest.skip("the harness runs the steps with a POSIX bash; Windows has none")
        script = str(step["run"])
        (self.temp / "_runner_files").mkdir(exist_ok=True)
        files = Path(tempfile.mkdtemp(prefix=f"step{number}-", dir=self.temp / "_runner_files"))
        runner_files = {
            "GITHUB_OUTPUT": files / "output",
            "GITHUB_STEP_SUMMARY": files / "summary",
            "GITHUB_ENV": files / "env",
            "GITHUB_PATH": files / "path",
        }
        for path in runner_files.values():
            path.touch()
        (files / "script.sh").write_text(script, encoding="utf-8")
        step_env = {k: substitute(str(v), context) for k, v in (step.get("env") or {}).items()}
        env = {
            **{k: os.environ[k] for k in _HOST_VARIABLES if k in os.environ},
            **self.env,
            **extra_env,
            **{k: str(v) for k, v in runner_files.items()},
            **step_env,
        }
        done = subprocess.run(
            [*BASH, str(files / "script.sh")],
            cwd=self.workspace, env=env, capture_output=True, text=True, timeout=120,
        )  # fmt: skip
        for unwanted in ("GITHUB_ENV", "GITHUB_PATH"):
            leaked = runner_files[unwanted].read_text(encoding="utf-8")
            assert not leaked, f"{name} wrote to ${unwanted}, changing the caller's job: {leaked}"
        return StepResult(
            name,
            done.returncode,
            parse_outputs(runner_files["GITHUB_OUTPUT"].read_text(encoding="utf-8")),
            runner_files["GITHUB_STEP_SUMMARY"].read_text(encoding="utf-8"),
            done.stdout,
            done.stderr,
        )

    def run_action(
        self,
        with_: Mapping[str, str],
        *,
        github: Mapping[str, Any],
        extra_env: Mapping[str, str] | None = None,
        action_file: Path = ACTION_FILE,
        uses: Mapping[str, Callable[[Mapping[str, str]], None]] | None = None,
    ) -> Run:
        """Run a composite action as `uses: ./` would, with inputs `with_`.

        `github` is the `github` context (`token`, `action_path`, ...). Inputs not
        given take their defaults, which may themselves be expressions. `uses`
        emulates the actions its steps use, as for `run_steps`.
        """
        action = load_yaml(action_file)
        declared = action.get("inputs") or {}
        unknown = set(with_) - set(declared)
        assert not unknown, f"inputs the action does not declare: {sorted(unknown)}"
        base: dict[str, Any] = {"github": dict(github), "runner": {"temp": str(self.temp)}}
        inputs = {
            name: with_[name] if name in with_ else substitute(str(spec.get("default", "")), base)
            for name, spec in declared.items()
        }
        context: dict[str, Any] = {**base, "inputs": inputs, "steps": {}}
        env = {"GITHUB_ACTION_PATH": str(github["action_path"]), **(extra_env or {})}
        assert action["runs"]["using"] == "composite"
        steps = self.run_steps(action["runs"]["steps"], context, uses=uses, extra_env=env)
        finished = all(s.exit_code is not None for s in steps)
        outputs = {
            name: substitute(str(spec["value"]), context) if finished else ""
            for name, spec in (action.get("outputs") or {}).items()
        }
        return Run(tuple(steps), outputs)


# --- the harness's own tests ---------------------------------------------------------------


def test_expressions_are_property_paths_of_known_contexts() -> None:
    context = {
        "inputs": {"fail-on-gate": "true"},
        "github": {"token": "t", "event": {"workflow_run": {"id": 7}}},
        "steps": {"check": {"outputs": {"passed": "false"}}},
    }
    text = "${{ inputs.fail-on-gate }}/${{github.token}}/${{ steps.check.outputs.passed }}"
    assert substitute(text, context) == "true/t/false"
    assert substitute("${{ github.event.workflow_run.id }}", context) == "7"
    assert substitute("[${{ steps.nope.outputs.x }}]", context) == "[]"  # as on GitHub
    for unsupported in ("inputs.nope", "github.sha", "secrets.X", "!cancelled()", "a || b"):
        with pytest.raises(UnsupportedExpression):
            substitute("${{ " + unsupported + " }}", context)


def test_outputs_are_read_in_both_forms() -> None:
    text = "passed=true\nreport=/tmp/a=b\nnotes<<EOF_1\nline 1\nline=2\nEOF_1\n"
    assert parse_outputs(text) == {
        "passed": "true",
        "report": "/tmp/a=b",
        "notes": "line 1\nline=2",
    }


def test_a_failing_step_skips_the_rest_and_outputs_flow_between_steps(tmp_path: Path) -> None:
    runner = Runner(tmp_path, tmp_path, {})
    steps = [
        {"id": "a", "shell": "bash", "run": 'echo "x=1" >> "$GITHUB_OUTPUT"'},
        {"shell": "bash", "env": {"X": "${{ steps.a.outputs.x }}"}, "run": 'test "$X" = 1'},
        {"name": "fails", "shell": "bash", "run": "false; echo not reached"},
        {"name": "skipped", "shell": "bash", "run": "true"},
    ]
    results = runner.run_steps(steps, {})
    assert [r.exit_code for r in results] == [0, 0, 1, None]
    assert "not reached" not in results[2].stdout  # bash -e, as GitHub runs it


def test_if_conditions_are_comparisons_joined_by_and() -> None:
    context = {"inputs": {"cache": "true"}, "steps": {"python": {"outputs": {"x": "true"}}}}

    assert condition("${{ inputs.cache == 'true' }}", context)
    assert not condition(
        "${{ inputs.cache == 'true' && steps.python.outputs.x != 'true' }}", context
    )
    assert condition("inputs.cache != 'false' && steps.python.outputs.missing == ''", context)
    for unsupported in ("${{ always() }}", "inputs.cache == 'true' || true", "inputs.cache"):
        with pytest.raises(UnsupportedExpression):
            condition(unsupported, context)
