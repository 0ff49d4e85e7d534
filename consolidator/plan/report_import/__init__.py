"""Importing a plan catalog from last year's report, extracted from PDF as text.

- ``lines``: how a line and a cell of the report are written.
- ``layout``: where each line belongs (plan table, results, next year, glossary).
- ``actuals``: placing last year's actual values on the plan's measures.
- ``importer``: building the catalog document and applying the hand corrections.
"""
