"""Stage 4, reading a returned workbook (only after the safety checks passed).

- ``workbook``: the choice of reader (``read_workbook``): .ods by its content, else .xlsx.
- ``raw_workbook``: a returned workbook as plain data (``RawWorkbook``), and what both
  readers share.
- ``xlsx_workbook``: cells and structure (names, properties, formulas) of an .xlsx.
- ``ods_workbook``: the same from an OpenDocument spreadsheet (.ods); its identity in one
  function (``read_ods_identity``).
- ``malformed``: the reader's own error (a malformed file) and the strict helpers raising it.
- ``sparse_sheet``: sheets too sparse and wide for a dense reader.
- ``discovery``: which files are in the folder (all a fully cached run needs of the reading).
- ``intake``: which department/year each file is for.
- ``recognition``: the department and year of a copy that lost its identity, from its titles
  and keys.
- ``sheet_layout``: a copy without its field list: its input sheets (also renamed) and
  columns, from its header rows.
- ``field_list``: the field list a workbook carries (what the template that went out held).
- ``fields``: finding every input field again (by name, confirmed by its row key).
- ``field_map``: the public map of a workbook's fields (``consolidator fields``).
"""
