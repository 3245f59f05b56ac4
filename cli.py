"""gongkai — the command-line entry point (`gongkai = "cli:main"`). The commands are in pipeline/commands/,
one module per user area: intake (check, init, ingest, watch), items (list, show, review, predisclose,
publish, close), feedback, documents (generate, calendar, templates, rules) and site (site build, serve)."""
from pipeline.commands import cli, main

__all__ = ["cli", "main"]

if __name__ == "__main__":
    main()
