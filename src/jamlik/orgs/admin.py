from django.contrib import admin

from jamlik.orgs.models import Organisation


@admin.register(Organisation)
class OrganisationAdmin(admin.ModelAdmin):
    list_display = ["name", "code", "kind", "parent", "mailbox", "valid_from", "valid_to"]
    list_filter = ["kind"]
    search_fields = ["name", "code", "mailbox"]
    raw_id_fields = ["parent", "successor"]
    # Other successors are changed through the pages, the API or the import, which check a
    # split's rules; the admin's form would write them unchecked.
    readonly_fields = ["path", "depth", "other_successors"]

    def save_model(self, request, obj, form, change):
        from jamlik.orgs import services

        data = {f: form.cleaned_data.get(f) for f in form.changed_data if f in services.FIELDS}
        if change:
            services.organisation_update(actor=request.user, organisation=obj, **data)
        else:
            fields = {
                f: form.cleaned_data.get(f) for f in services.FIELDS if f in form.cleaned_data
            }
            created = services.organisation_create(actor=request.user, **fields)
            obj.pk = created.pk
