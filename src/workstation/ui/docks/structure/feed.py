"""What the structure service hands the charts: a chart snapshot and live updates.

The two records live in ``workstation.domain.structure``; they are the whole
contract between the charts and the service (see ``StructureFeed`` in the
controller). ``StructureUpdate.bars`` is the ticker's whole one-minute array,
the last row the forming bar; older rows never change, so a chart reads only
the rows at or after its own last bar.
"""

from __future__ import annotations

from workstation.domain.structure import StructureChart, StructureUpdate

__all__ = ["StructureChart", "StructureUpdate"]
