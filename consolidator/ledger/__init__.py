"""The ledger: state between runs, in one SQLite file the toolkit creates and migrates.

- :mod:`.schema`: the tables as a list of migrations; opening, migrating, setting a damaged
  ledger aside.
- :mod:`.records`: recording a run (every file by SHA-256, its status, the run's findings)
  and what the history says (versions, superseded files, changed fields).
- :mod:`.acceptance`: warnings a manager accepted in ``validation_log.xlsx``.
- :mod:`.reminders`: when each department was reminded (``remind``), and who sent a file.
- :mod:`.status`: ``consolidator status``, read from the ledger.
- :mod:`.history`: the versions of a department's file, with what each held.
"""
