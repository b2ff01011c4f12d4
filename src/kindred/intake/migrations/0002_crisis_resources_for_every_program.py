"""Programs created before intake existed get the default crisis resources too."""

from django.db import migrations

DEFAULTS = (
    ("Suicide Crisis Helpline", "Call or text 9-8-8, any time, day or night", "988", False),
    ("Emergency services", "Call 9-1-1 if you or someone else is in danger now", "911", False),
    ("The program's own 24/7 line", "The program adds its own 24/7 support line here", "", True),
)


def add_defaults(apps, schema_editor):
    Program = apps.get_model("programs", "Program")
    CrisisResource = apps.get_model("intake", "CrisisResource")
    for program in Program.objects.all():
        if CrisisResource.objects.filter(program=program).exists():
            continue
        for position, (name, how, tel, placeholder) in enumerate(DEFAULTS):
            CrisisResource.objects.create(
                program=program, name=name, how=how, tel=tel, is_placeholder=placeholder,
                position=position,
            )


class Migration(migrations.Migration):
    dependencies = [("intake", "0001_initial"), ("programs", "0002_program_capacity_cap_program_min_recovery_years")]
    operations = [migrations.RunPython(add_defaults, migrations.RunPython.noop)]
