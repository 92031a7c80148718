"""Default data shipped with signaalbot: themes, stages, messages, lexicon."""
