"""Column snapshots keep each listed item's title and URL, not only its date."""

from django.db import migrations, models


def dates_to_items(apps, schema_editor):  # type: ignore[no-untyped-def]
    snapshot = apps.get_model("scans", "ColumnSnapshot")
    for snap in snapshot.objects.exclude(item_dates=[]).iterator():
        # Older scans stored dates only: their items have no title or URL.
        snap.items = [["", "", d] for d in snap.item_dates]
        snap.save(update_fields=["items"])


def items_to_dates(apps, schema_editor):  # type: ignore[no-untyped-def]
    snapshot = apps.get_model("scans", "ColumnSnapshot")
    for snap in snapshot.objects.exclude(items=[]).iterator():
        snap.item_dates = [d for _, _, d in snap.items if d]
        snap.save(update_fields=["item_dates"])


class Migration(migrations.Migration):
    dependencies = [("scans", "0003_columnsnapshot_item_dates")]

    operations = [
        migrations.AddField(
            model_name="columnsnapshot",
            name="items",
            field=models.JSONField(default=list, verbose_name="列表信息"),
        ),
        migrations.RunPython(dates_to_items, items_to_dates),
        migrations.RemoveField(model_name="columnsnapshot", name="item_dates"),
    ]
