"""signal-gate: is every integration of this service really tested?"""

__version__ = "0.1.0"

# The config's JSON Schema as committed at the major-version tag that
# `uses: OWNER/signal-gate@v1` follows (release.yml moves it): `init` writes it
# into the config's modeline for editors, and it is the schema's own `$id`.
CONFIG_SCHEMA_URL = (
    "https://raw.githubusercontent.com/OWNER/signal-gate/v1/gate/schemas/config-1.schema.json"
)
