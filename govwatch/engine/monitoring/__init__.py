"""Continuous monitoring (监测): probe rounds, schedules and the job pool of the watch.

Plain Python like the rest of the engine: the web layer stores what these produce and
decides when they run.
"""
