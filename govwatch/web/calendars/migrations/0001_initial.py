"""CalendarYear moves here from the interaction app, keeping its rows (see interaction 0002)."""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


def _content_type_rename(old: str, new: str):  # type: ignore[no-untyped-def]
    # Permissions and admin history point at the content type: renaming it keeps them.
    def run(apps, schema_editor):  # type: ignore[no-untyped-def]
        content_type = apps.get_model("contenttypes", "ContentType")
        rows = content_type.objects.using(schema_editor.connection.alias)
        rows.filter(app_label=old, model="calendaryear").update(app_label=new)

    return run


class Migration(migrations.Migration):
    initial = True

    dependencies = [
        ("contenttypes", "0002_remove_content_type_name"),
        ("interaction", "0002_calendaryear_to_calendars"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        # The table already exists: interaction 0001 created it and 0002 renamed it.
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name="CalendarYear",
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('year', models.PositiveSmallIntegerField(unique=True, verbose_name='年份')),
                        ('source', models.CharField(help_text='通知名称和文号', max_length=300, verbose_name='依据文件')),
                        ('holidays', models.JSONField(blank=True, default=list, help_text='JSON 列表，格式与 docs/workdays.md 的年度文件相同，例如 [{"name": "春节", "from": "2027-02-05", "to": "2027-02-11"}, {"name": "元旦", "date": "2027-01-01"}]', verbose_name='放假日期')),
                        ('working_days', models.JSONField(blank=True, default=list, help_text='JSON 列表，每项为周六或周日，例如 [{"name": "春节", "date": "2027-02-14"}]', verbose_name='调休上班日')),
                        ('created_at', models.DateTimeField(auto_now_add=True, verbose_name='创建时间')),
                        ('updated_at', models.DateTimeField(auto_now=True, verbose_name='更新时间')),
                        ('entered_by', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='录入人')),
                    ],
                    options={
                        'verbose_name': '年度节假日安排',
                        'verbose_name_plural': '年度节假日安排',
                        'ordering': ['-year'],
                    },
                ),
            ],
        ),
        migrations.RunPython(
            _content_type_rename("interaction", "calendars"),
            _content_type_rename("calendars", "interaction"),
        ),
    ]
