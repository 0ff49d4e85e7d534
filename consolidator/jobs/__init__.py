"""The jobs the CLI runs, as library calls.

- ``runs``: ``validate`` and ``consolidate`` on a submissions folder.
- ``correction``: around a run, the ledger (accepted warnings, resubmissions) and what goes
  back to each department.
- ``reminders``: ``remind``, a draft for every department still to be heard from (also the
  desk's reminder button: :func:`~consolidator.jobs.reminders.remind`).
- ``publishing``: ``report``, the published report (公表) of a submissions folder,
  consolidated in memory (see :mod:`consolidator.publish`).
- ``output_folder``: one run at a time per output folder; earlier masters kept.
- ``demo``: one year's cycle on the default plan.
- ``filling``: typing values into a template through its field map (demo and tests).
"""
