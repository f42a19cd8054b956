"""Modality on pledges (kind of statement, type of commitment) and the
document symbol and kind of text on sources.

Existing pledges are classified here: the two shipped texts' pledges as the
clause-by-clause review classifies them (fixtures/pledges.json holds the same
values), and any other pledge as a firm undertaking and a deliverable, the
one class that refuses no status, so that no recorded update becomes invalid
by migrating. Stewards should classify those by hand.

Frozen here on purpose: a migration must not import the fixture or the model.
"""

from django.db import migrations, models

F, S, D, C = "firm_undertaking", "soft_commitment", "declaratory_position", "context"
DEL, PRI, PRO = "deliverable", "standing_principle", "process"

SHIPPED = {
    "asem-2002-1.1": (D, PRI),
    "asem-2002-1.2": (S, PRO),
    "asem-2002-2.1": (F, PRO),
    "asem-2002-2.2": (S, PRI),
    "asem-2002-2.3": (S, PRI),
    "asem-2002-3.1": (S, PRI),
    "asem-2002-3.2": (F, PRO),
    "asem-2002-3.3": (S, PRI),
    "asem-2002-3.4": (S, PRO),
    "asem-2002-3.5": (F, PRO),
    "asem-2002-3.6": (S, DEL),
    "asem-2002-3.7": (S, DEL),
    "asem-2002-4.1": (F, PRI),
    "asem-2002-5.1": (S, PRI),
    "asem-2002-6.1": (F, PRO),
    "asem-2002-7.1": (F, PRO),
    "asem-2002-7.2": (D, PRI),
    "asem-2002-8.1": (F, PRO),
    "asem-2002-9.1": (F, DEL),
    "asem-2002-9.2": (F, PRO),
    "asem-2002-9.3": (F, PRO),
    "asem-2002-9.4": (F, PRO),
    "hlm5-2003-1.1": (C, ""),
    "hlm5-2003-2.1": (S, PRI),
    "hlm5-2003-2.2": (S, PRI),
    "hlm5-2003-2.3": (S, PRO),
    "hlm5-2003-2.4": (S, PRO),
    "hlm5-2003-3.1": (S, PRI),
    "hlm5-2003-3.2": (S, PRI),
    "hlm5-2003-3.3": (S, PRO),
    "hlm5-2003-3.4": (S, PRO),
    "hlm5-2003-3.5": (S, PRI),
    "hlm5-2003-4.1": (F, PRI),
    "hlm5-2003-4.2": (S, PRI),
    "hlm5-2003-4.3": (S, PRI),
    "hlm5-2003-5.1": (C, ""),
    "hlm5-2003-5.2": (S, PRI),
    "hlm5-2003-5.3": (S, PRO),
    "hlm5-2003-5.4": (S, PRO),
    "hlm5-2003-6.1": (S, PRI),
    "hlm5-2003-6.2": (S, DEL),
    "hlm5-2003-7.1": (S, PRI),
    "hlm5-2003-7.2": (C, ""),
    "hlm5-2003-7.3": (S, PRI),
    "hlm5-2003-8.1": (S, PRO),
    "hlm5-2003-8.2": (S, PRO),
    "hlm5-2003-8.3": (C, ""),
    "hlm5-2003-8.4": (C, ""),
    "hlm5-2003-9.1": (S, PRO),
    "hlm5-2003-10.1": (F, PRO),
    "hlm5-2003-10.2": (F, PRO),
}


def classify(apps, schema_editor):
    Pledge = apps.get_model("tracker", "Pledge")
    Pledge.objects.update(statement_kind=F, commitment_type=DEL)
    for ref, (kind, commitment_type) in SHIPPED.items():
        Pledge.objects.filter(ref=ref).update(statement_kind=kind, commitment_type=commitment_type)


class Migration(migrations.Migration):
    dependencies = [
        ("tracker", "0011_overall_as_of_index"),
    ]

    operations = [
        migrations.AddField(
            model_name="historicalpledge",
            name="commitment_type",
            field=models.CharField(
                blank=True,
                choices=[
                    ("deliverable", "Deliverable"),
                    ("standing_principle", "Standing principle"),
                    ("process", "Process"),
                ],
                help_text="What the commitment asks for. Leave blank only for context.",
                max_length=30,
                verbose_name="type of commitment",
            ),
        ),
        migrations.AddField(
            model_name="historicalpledge",
            name="statement_kind",
            field=models.CharField(
                choices=[
                    ("firm_undertaking", "Firm undertaking"),
                    ("soft_commitment", "Softer commitment"),
                    ("declaratory_position", "Declaratory position"),
                    ("context", "Context, not a commitment"),
                ],
                default="firm_undertaking",
                help_text="How strongly the words commit their authors, if at all.",
                max_length=30,
                verbose_name="kind of statement",
            ),
            preserve_default=False,
        ),
        migrations.AddField(
            model_name="historicalsourcedocument",
            name="document_kind",
            field=models.CharField(
                blank=True,
                help_text="What the text is and who stands behind it, e.g. “Chairman's conclusions: the Secretary-General's summary, not a negotiated text”.",
                max_length=300,
                verbose_name="kind of text",
            ),
        ),
        migrations.AddField(
            model_name="historicalsourcedocument",
            name="document_symbol",
            field=models.CharField(
                blank=True,
                help_text="The symbol the text was issued under, e.g. SG/2084 for a UN press release.",
                max_length=80,
                verbose_name="document symbol",
            ),
        ),
        migrations.AddField(
            model_name="pledge",
            name="commitment_type",
            field=models.CharField(
                blank=True,
                choices=[
                    ("deliverable", "Deliverable"),
                    ("standing_principle", "Standing principle"),
                    ("process", "Process"),
                ],
                help_text="What the commitment asks for. Leave blank only for context.",
                max_length=30,
                verbose_name="type of commitment",
            ),
        ),
        migrations.AddField(
            model_name="pledge",
            name="statement_kind",
            field=models.CharField(
                choices=[
                    ("firm_undertaking", "Firm undertaking"),
                    ("soft_commitment", "Softer commitment"),
                    ("declaratory_position", "Declaratory position"),
                    ("context", "Context, not a commitment"),
                ],
                default="firm_undertaking",
                help_text="How strongly the words commit their authors, if at all.",
                max_length=30,
                verbose_name="kind of statement",
            ),
            preserve_default=False,
        ),
        migrations.AddField(
            model_name="sourcedocument",
            name="document_kind",
            field=models.CharField(
                blank=True,
                help_text="What the text is and who stands behind it, e.g. “Chairman's conclusions: the Secretary-General's summary, not a negotiated text”.",
                max_length=300,
                verbose_name="kind of text",
            ),
        ),
        migrations.AddField(
            model_name="sourcedocument",
            name="document_symbol",
            field=models.CharField(
                blank=True,
                help_text="The symbol the text was issued under, e.g. SG/2084 for a UN press release.",
                max_length=80,
                verbose_name="document symbol",
            ),
        ),
        migrations.AlterField(
            model_name="historicalsourcedocument",
            name="url",
            field=models.URLField(
                blank=True,
                help_text="Where the issuing body publishes the text.",
                verbose_name="official URL",
            ),
        ),
        migrations.AlterField(
            model_name="sourcedocument",
            name="url",
            field=models.URLField(
                blank=True,
                help_text="Where the issuing body publishes the text.",
                verbose_name="official URL",
            ),
        ),
        migrations.RunPython(classify, migrations.RunPython.noop),
    ]
