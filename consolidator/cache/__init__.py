"""The result cache: a file whose bytes did not change since the last run is not checked
again; its checked result is reused.

- ``codec``: one checked file (a ``Submission``) as a record of plain JSON and back, checked
  on the way in; a submission kept small in memory (its body compressed).
- ``store``: the cache file (SQLite, ``output/.consolidator-cache.sqlite3``): keyed by the
  file's SHA-256 and name and by the context of the run (catalog, year, tool, rules, limits);
  a damaged, foreign or other-version file is set aside and rebuilt, never trusted.
- ``outputs``: the output cache (``.consolidator-outputs.sqlite3`` beside it): which outputs
  (a department's workbook and draft, the master, the logs) were written from which inputs,
  so a re-run leaves an output whose inputs did not change as it is; never trusted (the
  files must still be as written), a damaged one set aside.
"""
