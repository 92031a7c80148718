"""Learning cycle, reminders, the outbox dispatcher and the scheduler tick.

Entry points: :func:`cycle.engine.tick`, :func:`cycle.stage_actions.start_cycle_for_study`,
:class:`cycle.dispatcher.Dispatcher`, :class:`cycle.scheduler.CycleScheduler`.
"""
