"""Interaction response (互动回应): test consultations, citizen messages and their indicators.

Pure functions over frozen value objects; the web layer stores the records and calls these.
Working days always come from govwatch.engine.workdays.
"""
