"""How serious a finding is: :data:`ERROR`, :data:`WARNING`, :data:`INFO`, typed
:data:`Severity`, and their order.

The lowest module of the toolkit: the message tables (:mod:`consolidator.messages`) give each
code its severity from here, and the finding type (:mod:`consolidator.findings`) renders its
texts from those tables, so each imports the one below it and none the one above.
"""

from __future__ import annotations

from typing import Literal

Severity = Literal["error", "warning", "info"]
ERROR: Severity = "error"
WARNING: Severity = "warning"
INFO: Severity = "info"
SEVERITY_ORDER: dict[Severity, int] = {ERROR: 0, WARNING: 1, INFO: 2}
