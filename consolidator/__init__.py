"""consolidator: the yearly progress report of a regional welfare plan as a spreadsheet round trip.

The pipeline, left to right: plan catalog (:mod:`catalog`), template generation
(:mod:`template_model`, :mod:`template_writer`), reading returned workbooks, validation,
consolidation and the master report. This package root stays light: nothing heavy is imported.
"""

__version__ = "0.1.0"

__all__ = ["__version__"]
