"""Store the domains of existing addresses in their IDNA (ASCII) form, as new ones are stored.

An address whose ASCII form already belongs to another account is left as it is: merging two
accounts is a decision for an operator, not a migration (the admin lists both).
"""

from django.db import migrations
from django.utils.encoding import punycode


def email_domains_to_ascii(apps, schema_editor):
    User = apps.get_model("accounts", "User")
    for user in User.objects.only("id", "email").iterator():
        local_part, _, domain = user.email.rpartition("@")
        if domain.isascii():
            continue
        try:
            ascii_email = f"{local_part}@{punycode(domain)}"
        except UnicodeError:
            continue
        if User.objects.filter(email=ascii_email).exists():
            continue
        User.objects.filter(id=user.id).update(email=ascii_email)


class Migration(migrations.Migration):
    dependencies = [("accounts", "0002_rate_limit_counter")]

    operations = [migrations.RunPython(email_domains_to_ascii, migrations.RunPython.noop)]
