"""Renderers: a finished report -> text for a terminal, GitHub Markdown, the
assessment document, `explain`. They format what the report concludes; they
never evaluate or match patterns themselves."""
