"""The result cache: a file whose bytes did not change since the last run is not checked
again; its checked result is reused.

- ``codec``: one checked file (a ``Submission``) as a record of plain JSON and back, checked
  on the way in; a submission kept small in memory (its body compressed).
- ``store``: the cache file (SQLite, ``output/.consolidator-cache.sqlite3``): keyed by the
  file's SHA-256 and name and by the context of the run (catalog, year, tool, rules, limits);
  a damaged, foreign or other-version file is set aside and rebuilt, never trusted.
- ``folder``: the whole folder's result as one record (never pickle, checked on the way in):
  what a run whose every input (files, plan, year, limits, code) is as last time reuses.
- ``listing``: the folder's listing (names, sizes, times) and its digest: whether a run will
  most likely reuse the folder's whole result (then the CLI starts no reading children).
- ``outputs``: the output cache (``.consolidator-outputs.sqlite3`` beside it): which outputs
  (a department's workbook and draft, the master, the logs) were written from which inputs,
  so a re-run leaves an output whose inputs did not change as it is; never trusted (the
  files must still be as written), a damaged one set aside.
"""
