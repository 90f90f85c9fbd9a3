"""Builds the planner panel: models and view now, the controller once the workspace is open."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from workstation.ui.docks.planner.models import CandidatesModel, LegsModel
from workstation.ui.docks.planner.view import PlannerPanel

if TYPE_CHECKING:  # the controller pulls in the planner's numerics: not before first paint
    from workstation.commands.context import CommandContext
    from workstation.ui.docks.planner.controller import PlannerController, Spawn


@dataclass
class PlannerDock:
    """The planner panel's parts."""

    candidates: CandidatesModel
    legs: LegsModel
    view: PlannerPanel
    controller: PlannerController | None = None

    @classmethod
    def create(cls) -> PlannerDock:
        """Build the (empty) view."""
        candidates, legs = CandidatesModel(), LegsModel()
        return cls(candidates, legs, PlannerPanel(candidates, legs))

    def connect(self, context: CommandContext, spawn: Spawn) -> PlannerController:
        """Start answering plans, edits, saves and exports."""
        from workstation.ui.docks.planner.controller import PlannerController

        self.controller = PlannerController(self.view, self.candidates, self.legs, context, spawn)
        return self.controller
