"""Command line: parses options, calls the library, prints Japanese results.

- ``app``: the command group, the shared options and helpers (catalog, year);
- ``working_folder``: the working folder a command runs in and the defaults of its settings;
- ``plan_commands``: ``plan show / validate / diff / import / export``;
- ``yearly``: ``generate``, ``fields``, ``validate``, ``consolidate``, ``demo``;
- ``correction``: ``diff``, ``accept``, ``status``;
- ``remind_command``: ``remind`` (drafts for the departments still to be heard from);
- ``report_command``: ``report`` (the published report, 公表);
- ``next_year_command``: ``next-year`` (the working folder to the next year, and back);
- ``desk_command``: ``desk`` (the web page; extra ``desk``).

Start-up stays light: the library (and with it openpyxl, xlsxwriter, python-calamine,
jsonschema) is imported inside the commands that need it, never at module level; a test checks
that ``import consolidator.cli`` loads none of them. Only this package imports click.
"""

from consolidator.cli import (  # noqa: F401  (importing a module registers its commands)
    correction,
    desk_command,
    next_year_command,
    plan_commands,
    remind_command,
    report_command,
    yearly,
)
from consolidator.cli.app import main

__all__ = ["main"]
