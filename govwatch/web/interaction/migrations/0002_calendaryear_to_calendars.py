"""CalendarYear leaves for the calendars app; its table is renamed, so its rows go with it."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [("interaction", "0001_initial")]

    operations = [
        # CalendarYear moved to the calendars app (calendars 0001 takes over its state); the
        # table is renamed, not copied, so every stored year survives on SQLite and PostgreSQL.
        migrations.SeparateDatabaseAndState(
            database_operations=[
                migrations.AlterModelTable("CalendarYear", "calendars_calendaryear"),
            ],
            state_operations=[migrations.DeleteModel("CalendarYear")],
        ),
    ]
