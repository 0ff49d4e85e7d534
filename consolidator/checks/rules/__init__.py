"""The value rules, one a module, each declaring the finding codes it can give (``CODES``).

- :mod:`.cell_value`: a formula without a cached result, an error value (#DIV/0!…).
- :mod:`.text`: a required text left empty, a text over its length.
- :mod:`.reason`: the 未記入の理由 drop-down holding something else than its choices.
- :mod:`.percent`: a cell formatted as % (57.5% stored as 0.575), a % format lost.
- :mod:`.number`: a value that is not a number, in another unit, approximate, out of range.
- :mod:`.value_or_reason`: a value or the reason there is none: not neither, not both.
- :mod:`.change`: a value far from last year's or from the target, asked to be explained.

:mod:`.context` holds what they share (the findings and accepted entries of one workbook).
The list of the rules and the order they apply in is :mod:`consolidator.checks.value_rules`.
"""
