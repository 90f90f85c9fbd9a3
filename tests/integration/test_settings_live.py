"""A planner setting changed in a running workspace reaches the planner at once."""

from __future__ import annotations

import asyncio

from workstation.app.runtime import open_runtime
from workstation.app.workspace import WorkspaceTarget
from workstation.services.blocking import run_in_thread
from workstation.services.events import EventBus


def test_planner_rules_and_sizing_follow_a_change(tmp_path):
    runtime = open_runtime(
        WorkspaceTarget(tmp_path / "demo", "demo"), EventBus(), run_in_thread, None
    )
    try:
        context = runtime.context
        assert context.planner.rules.min_credit_fraction == 0.25
        asyncio.run(context.settings_service.set("planner_min_credit", "0.1"))
        asyncio.run(context.settings_service.set("guardrail_block_on_earnings", "false"))
        asyncio.run(context.settings_service.set("account_value", '"50000"'))
        assert context.planner.rules.min_credit_fraction == 0.1
        assert context.planner.policy.block_on_earnings is False
        assert str(context.settings.account_value) == "50000"
    finally:
        runtime.close()
