"""The jobs the CLI runs, as library calls.

- ``runs``: ``validate`` and ``consolidate`` on a submissions folder.
- ``correction``: around a run, the ledger (accepted warnings, resubmissions) and what goes
  back to each department.
- ``reminders``: ``remind``, a draft for every department still to be heard from (also the
  desk's reminder button: :func:`~consolidator.jobs.reminders.remind`).
- ``publishing``: ``report``, the published report (公表) of a submissions folder,
  consolidated in memory (see :mod:`consolidator.publish`).
- ``drawing``: the published report's PDF and Word file drawn in a child process after the
  desk's 集約 has answered; superseded by a newer one, its failures kept as findings.
- ``working_folder``: the working folder's layout and settings; its ledger and result cache
  (kept beside the settings, adopted once from ``output/``).
- ``next_year``: ``next-year``, the year's files into its archive folder and next year's plan
  the folder's, all or nothing, and its undo.
- ``output_folder``: one run at a time per output folder; earlier masters kept.
- ``demo``: one year's cycle on the default plan.
- ``filling``: typing values into a template through its field map (demo and tests).
"""
