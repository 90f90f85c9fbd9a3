from workstation.commands.fuzzy import fuzzy_score


def test_empty_query_matches_everything_with_zero():
    assert fuzzy_score("", "anything") == 0.0


def test_word_start_matches_score_higher_than_mid_word():
    assert fuzzy_score("r", "Reset layout") > fuzzy_score("r", "Dark theme")
