"""The `results` kind: checks imported from a JSON file the user's own script wrote.

The file holds a list of `{"id", "name", "passed", "detail"}` objects
(docs/safety-checks.md, "results"); each entry becomes one check in the
report. `id` and `passed` (a JSON boolean) are required, `name` defaults to the
id, `detail` to "", other keys are ignored.

Imported ids are prefixed with the declaring check's id, `<check id>/<entry id>`,
so they can never collide with a check of the config or of another results
file, and a reader sees where each came from. A waiver on the declaring check
covers every entry it imports.

Nothing in the file can make the gate crash or pass by accident: a missing,
oversized or invalid file, an empty list, or a malformed entry each becomes a
failed check with a detail saying what is wrong.
"""

from __future__ import annotations

import json
from typing import Any

from gate.config.schema import ResultsCheck
from gate.records import Record
from gate.safety.context import SafetyContext
from gate.safety.tree import Unread, outside_reason, read_text
from gate.text import clip

MAX_DETAIL = 2000  # characters kept of an entry's detail
MAX_NAME = 200
MAX_ID = 100


class Imported(Record, frozen=True):
    """One check read from a results file (its id already prefixed)."""

    id: str
    name: str
    passed: bool
    detail: str


def import_results(check: ResultsCheck, ctx: SafetyContext) -> list[Imported]:
    """The entries of the results file as checks; one failed check when the file
    as a whole cannot be used."""
    where = check.path

    def whole(detail: str) -> list[Imported]:
        return [Imported(check.id, check.name, False, detail)]

    if (reason := outside_reason(where)) is not None:
        return whole(f"results file not read: {reason}")
    if not (ctx.root / where).is_file():
        return whole(
            f"results file {where!r} not found (did the step that writes it run before the gate?)"
        )
    text = read_text(ctx.root, where)
    if isinstance(text, Unread):
        return whole(f"results file {text.reason}")
    try:
        data = json.loads(text)
    except (ValueError, RecursionError) as exc:  # JSONDecodeError, over-long integers
        return whole(f"results file {where!r} is not valid JSON: {_reason(exc)}")
    if not isinstance(data, list):
        return whole(
            f"results file {where!r} must hold a JSON list of "
            f'{{"id", "name", "passed", "detail"}} objects, not {_json_type(data)}'
        )
    if not data:
        return whole(f"results file {where!r} holds no results (an empty list)")
    imported: list[Imported] = []
    seen: set[str] = set()
    for index, entry in enumerate(data):
        item = _entry(check, where, index, entry, seen)
        seen.add(item.id)
        imported.append(item)
    return imported


def _entry(check: ResultsCheck, where: str, index: int, entry: Any, seen: set[str]) -> Imported:
    at = f"{where}[{index}]"
    fallback = f"{check.id}/#{index}"
    if not isinstance(entry, dict):
        return Imported(
            fallback,
            f"{check.name} #{index}",
            False,
            f"{at}: expected an object, got {_json_type(entry)}",
        )
    raw_id = entry.get("id")
    if not isinstance(raw_id, str) or not raw_id.strip():
        return Imported(
            fallback,
            f"{check.name} #{index}",
            False,
            f'{at}: "id" must be a non-empty string, got {_json_type(raw_id)}',
        )
    entry_id = f"{check.id}/{clip(raw_id.strip(), MAX_ID)}"
    raw_name = entry.get("name", raw_id)
    name = clip(raw_name if isinstance(raw_name, str) and raw_name.strip() else raw_id, MAX_NAME)
    if entry_id in seen:
        return Imported(
            fallback, name, False, f"{at}: duplicate id {raw_id!r} (an earlier entry has it)"
        )
    problems: list[str] = []
    result = entry.get("passed")
    if not isinstance(result, bool):
        problems.append(f'"passed" must be true or false, got {_json_type(result)}')
    if "name" in entry and not isinstance(entry["name"], str):
        problems.append(f'"name" must be a string, got {_json_type(entry["name"])}')
    detail = entry.get("detail", "")
    if not isinstance(detail, str):
        problems.append(f'"detail" must be a string, got {_json_type(detail)}')
        detail = ""
    if problems:
        return Imported(entry_id, name, False, f"{at}: {'; '.join(problems)}")
    if not detail.strip():
        detail = f"reported {'passed' if result else 'failed'} in {where}"
    return Imported(entry_id, name, result is True, clip(detail, MAX_DETAIL))


def _json_type(value: object) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "a boolean"
    if isinstance(value, int | float):
        return f"a number ({value!r})"
    if isinstance(value, str):
        return f"a string ({clip(value, 40)!r})"
    if isinstance(value, list):
        return "a list"
    return "an object"


def _reason(exc: Exception) -> str:
    if isinstance(exc, json.JSONDecodeError):
        return f"{exc.msg} at line {exc.lineno} column {exc.colno}"
    if isinstance(exc, RecursionError):
        return "nested too deeply"
    return str(exc)
