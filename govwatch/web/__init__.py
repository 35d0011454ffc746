"""The Django project: models, services, admin, tasks."""
