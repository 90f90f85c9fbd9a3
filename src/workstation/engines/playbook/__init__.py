"""The playbook and alert-rule engine: pure functions, no I/O.

- ``match_setups``: structure event + market context -> suggested setups.
- ``structure_candidates`` / ``quote_candidates``: what alert rules would fire.
- ``admit``: cooldowns, mutes and de-duplication decide what fires now.
- ``parse_playbook`` / ``playbook_document``: the playbook as data.
"""

from workstation.engines.playbook.codec import (
    check_playbook,
    parameters_from_mapping,
    parameters_to_mapping,
    parse_playbook,
    playbook_document,
    rule_from_mapping,
    rule_to_mapping,
)
from workstation.engines.playbook.evaluation import (
    SOURCE_EXPECTED_MOVE,
    SOURCE_IV,
    SOURCE_PRICE,
    SOURCE_STRUCTURE,
    AlertCandidate,
    band_exit,
    crossing,
    expected_move_band,
    minute_bar,
    quote_candidates,
    structure_candidates,
    suggestion_data,
)
from workstation.engines.playbook.events import SeenEvent, event_phrase, side_name
from workstation.engines.playbook.gating import Admission, FiringState, admit
from workstation.engines.playbook.matching import fits, match_setups

__all__ = [
    "SOURCE_EXPECTED_MOVE",
    "SOURCE_IV",
    "SOURCE_PRICE",
    "SOURCE_STRUCTURE",
    "Admission",
    "AlertCandidate",
    "FiringState",
    "SeenEvent",
    "admit",
    "band_exit",
    "check_playbook",
    "crossing",
    "event_phrase",
    "expected_move_band",
    "fits",
    "match_setups",
    "minute_bar",
    "parameters_from_mapping",
    "parameters_to_mapping",
    "parse_playbook",
    "playbook_document",
    "quote_candidates",
    "rule_from_mapping",
    "rule_to_mapping",
    "side_name",
    "structure_candidates",
    "suggestion_data",
]
