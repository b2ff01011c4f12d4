from django.db import migrations, models


class Migration(migrations.Migration):
    initial = True
    dependencies = []
    operations = [
        migrations.CreateModel(
            name="Topic",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("name", models.CharField(max_length=80, unique=True)),
                ("slug", models.SlugField(max_length=80, unique=True)),
                (
                    "reporting_category",
                    models.CharField(
                        choices=[
                            ("career", "Career"),
                            ("mental_health", "Mental health"),
                            ("substance_use", "Substance use"),
                            ("process_addiction", "Process addiction"),
                            ("family", "Family"),
                            ("health", "Health"),
                            ("financial", "Financial"),
                            ("other", "Other"),
                        ],
                        max_length=32,
                    ),
                ),
                ("requires_recovery_time", models.BooleanField(default=False, help_text="Volunteers who support this topic must declare their years in recovery.")),
                ("is_active", models.BooleanField(default=True, help_text="Retired topics stay on old records but are not offered.")),
                ("position", models.PositiveSmallIntegerField(default=0)),
            ],
            options={"ordering": ["position", "name"]},
        ),
    ]
