"""consolidator: the yearly progress report of a regional welfare plan as a spreadsheet round trip.

The pipeline, left to right: the plan catalog (:mod:`.plan`), the templates (:mod:`.templates`),
reading returned workbooks (:mod:`.safety`, :mod:`.reading`), validation (:mod:`.checks`, with
the result cache :mod:`.cache`), the master (:mod:`.report`), what goes back to each department
(:mod:`.feedback`), the record between runs (:mod:`.ledger`), the published report
(:mod:`.publish`); :mod:`.jobs` combines them, :mod:`.cli` and :mod:`.desk` call the jobs. Every
text a user reads is in :mod:`.messages`. The README's developer map says which module does
what. This package root stays light: nothing heavy is imported.
"""

__version__ = "0.1.0"

__all__ = ["__version__"]
