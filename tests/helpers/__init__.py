"""Helpers shared by the tests (and scripts/bench_consolidate.py).

tests/ has no ``__init__.py``: pytest puts tests/ itself on ``sys.path``, so this package is
imported as ``helpers`` (``from helpers.filling import submit_all``), like ``calc``.

- :mod:`helpers.paths`: where the test data, the package data and the scripts are.
- :mod:`helpers.filling`: filling templates the way a department would, one or all of them.
- :mod:`helpers.findings`: validating a folder and querying its findings.
- :mod:`helpers.copies`: copies of a filled workbook that lose its identity (values only into
  a new workbook; properties, ``_meta`` or names removed).
- :mod:`helpers.master`: reading the master, the logs and their CSV back.
- :mod:`helpers.correction`: what goes back to a department (notes, highlights, the
  確認事項 sheet and its links), and a department's own additions to its workbook.
- :mod:`helpers.hostile_corpus`: hostile and broken "workbooks" built from a clean one.
- :mod:`helpers.hostile_folder`: that corpus mixed with the 17 clean submissions.
- :mod:`helpers.processes`: process groups, and running a command measured.
- :mod:`helpers.cells`: A1 addresses, through :mod:`consolidator.cell_address`.
- :mod:`helpers.xml_parts`: editing one XML part as a tree (the same with lxml or without).
"""
