"""Stage 6, consolidation: the accepted values merged into the next edition of the report.

- ``merge``: the content of the master (values, texts, achievement per measure).
- ``master_writer``: writing the master workbook (where the master is written).
- ``trend_sheet``: the master's 推移 sheet, each measure's actual and target over the years.
- ``next_plan``: next year's catalog, with this year's results as the previous report.
"""
