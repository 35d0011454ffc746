"""Interaction indicators (互动回应): citizen messages and test consultations."""
