"""Indexes for the supervisors' inspection pages at national scale (issue #16): an
inspection's results counted by verdict and its findings counted by state, and both
paged, from index entries alone (bench/workspace_bench.py)."""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("inspections", "0004_alter_auditentry_verdict_after_and_more"),
    ]

    operations = [
        migrations.AddIndex(
            model_name="inspectionresult",
            index=models.Index(
                fields=["inspection", "verdict", "site", "account"], name="inspresult_page_idx"
            ),
        ),
        migrations.AddIndex(
            model_name="inspectionfinding",
            index=models.Index(
                fields=["result", "code", "severity", "state"], name="inspfinding_page_idx"
            ),
        ),
    ]
