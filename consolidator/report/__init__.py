"""Stage 6, consolidation: the accepted values merged into the next edition of the report.

- ``merge``: the content of the master (values, texts, achievement per measure).
- ``master_writer``: writing the master workbook (where the master is written).
- ``next_plan``: next year's catalog, with this year's results as the previous report.
"""
