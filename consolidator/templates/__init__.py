"""Stage 2, template generation: one pre-filled workbook per reporting department.

- ``model``: what a department's workbook holds (fields, reference texts, rows).
- ``writer``: drawing the model as an .xlsx.
- ``ods_writer``: drawing the same model as an OpenDocument spreadsheet (.ods).
- ``generate``: the ``generate`` command's library call.
"""
