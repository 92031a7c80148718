"""Learning cycle, reminders, the outbox dispatcher and the scheduler tick.

Entry points: :func:`cycle.engine.tick`, :func:`cycle.engine.start_cycle_for_study`,
:class:`cycle.dispatcher.Dispatcher`, :class:`cycle.scheduler.CycleScheduler`.
"""
