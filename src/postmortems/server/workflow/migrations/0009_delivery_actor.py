"""Who made the change a notification tells of, for the inbox to name ("Approved by bob").
Nullable: the deliveries sent before keep working, named by their kind alone."""

from django.conf import settings
from django.db import migrations, models

USER = settings.AUTH_USER_MODEL
ACTOR = models.ForeignKey(
    blank=True, null=True, on_delete=models.SET_NULL, related_name="+", to=USER
)


class Migration(migrations.Migration):
    dependencies = [("workflow", "0008_recurrence"), migrations.swappable_dependency(USER)]
    operations = [migrations.AddField("delivery", "actor", ACTOR)]
