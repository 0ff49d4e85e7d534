"""Stage 5, validation: what a department typed, checked against the plan.

- ``value_rules``: the list of the value rules (where a value is checked), each a module of
  ``rules`` declaring its codes.
- ``one_file``: one file end to end (``process_file``), run in the reading child.
- ``validation``: the whole folder (duplicates, missing departments), with the result cache.
- ``checked_files``: every file of the folder checked once, its result reused from the cache
  when its bytes did not change; the progress of a run. ``check_isolated`` there is the one
  place a file is checked in an isolated child with a run's limits (``diff`` uses it too).
- ``result``: what validating a folder gives (submissions, the file chosen per department).
- ``changes``: what changed between two versions of a department's workbook (``diff``).

The validation log they lead to is written by :mod:`consolidator.validation_log`.
"""

# The modules of the task the reading children run (``checked_files._check_item``, which
# runs ``one_file.process_file``; the cell reader): the CLI starts the fork server with them
# loaded before its own imports (safety.isolation.start_early). The parent itself does not
# load the reading side until a file has to be checked.
CHILD_TASKS = ("consolidator.checks.checked_files", "consolidator.checks.one_file",
               "python_calamine")
