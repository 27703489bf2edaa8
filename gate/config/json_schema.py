"""The config's JSON Schema, generated from the types the loader validates with.

`signal-gate schema config` prints it; gate/schemas/config-1.schema.json is
the committed copy editors fetch (a test keeps the two equal). Field and type
descriptions come from the `Meta(description=...)` annotations and the
docstrings of `gate.config.schema`.
"""

from __future__ import annotations

import json
from typing import Any

import msgspec

from gate import CONFIG_SCHEMA_URL
from gate.config.schema import ConfigSpec

DRAFT = "https://json-schema.org/draft/2020-12/schema"


def config_schema() -> dict[str, Any]:
    """msgspec's schema of ConfigSpec with the root inlined (editors complete the
    top-level keys from it) under a `$schema`, an `$id` and a title."""
    generated = msgspec.json.schema(ConfigSpec)
    definitions = dict(generated["$defs"])
    root = dict(definitions.pop("ConfigSpec"))
    root.pop("title", None)
    return {
        "$schema": DRAFT,
        "$id": CONFIG_SCHEMA_URL,
        "title": "signal-gate config, version 1",
        **root,
        "$defs": definitions,
    }


def config_schema_text() -> str:
    """The schema as printed and committed: indented JSON, one trailing newline."""
    return json.dumps(config_schema(), indent=2, ensure_ascii=False) + "\n"
