"""Everything GitHub: the Actions step's environment and event, what to publish,
and the one module that talks to the REST API (through PyGithub)."""
