"""What goes back to a department: its own workbook with the findings marked, and e-mail drafts.

- :mod:`.department_files`: what each department gets after a run (annotated workbook or
  table, and the draft), in ``output/担当別/``.
- :mod:`.drafts`: e-mail drafts (.eml) with a workbook attached (also ``generate --mail``).
- :mod:`.request`: what a department was asked and its draft's name (all a re-run needs when
  nothing a department gets changed: the writers above are loaded only to write).
- :mod:`.reminders`: ``remind``'s drafts (the template attached) and 督促一覧.xlsx.
- :mod:`.annotate`: the annotated copy of the file the department sent (``annotate_workbook``).
- :mod:`.annotate_ods`: the same for an .ods (``annotate_ods``), its own .ods marked.
- :mod:`.odf_content`: the cells of an .ods ``content.xml`` found and changed as bytes.
- :mod:`.package`: a package (.xlsx, .ods) patched as bytes (parts copied, a few edited in
  place).
- :mod:`.highlight`: the always-true conditional formats that colour the cells with findings.
- :mod:`.notes`: classic cell notes (the comments part), the department's own kept.
- :mod:`.vml`: the VML drawing that places each note's box.
- :mod:`.styles`: the formats an annotation adds to ``xl/styles.xml``.
- :mod:`.findings_sheet`: the 確認事項 sheet, put first, with a link to each cell.
"""
