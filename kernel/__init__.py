"""The kernel: the neutral vocabulary every layer speaks (events, replies, actor, clock, i18n,
settings, the messenger port). It imports nothing of our own."""
