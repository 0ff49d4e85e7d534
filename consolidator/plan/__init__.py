"""Stage 1, the plan catalog: what the plan holds and who reports on what.

- ``catalog``: loading a catalog (the embedded default or a file) and read access to it.
- ``migrate``: catalogs of earlier schema versions, upgraded when read.
- ``change_rule``: when a value is far from last year's actual or the target (the template's
  colours and the validation).
- ``conformance``: every schema and consistency error of a catalog, as findings.
- ``plan_file``: a catalog file (``--plan``) read once, checked, then used.
- ``diff``: what changed between two catalogs.
- ``summary``: the readable overview ``plan show`` prints.
- ``report_import``: building a catalog from last year's report text.
- ``workbook_layout``: the catalog as an editable workbook — its sheets, columns, drop-downs.
- ``workbook_export``: ``plan export``, the catalog written as that workbook.
- ``workbook_cells``: reading the workbook's cells, each by its column's kind.
- ``workbook_sheets``: reading its sheets into rows, each value with its cell.
- ``workbook_import``: ``plan import FILE.xlsx``, the rows assembled into a catalog and checked.
"""
