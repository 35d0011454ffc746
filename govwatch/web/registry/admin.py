from typing import Any

from django import forms
from django.contrib import admin
from django.db import models

from govwatch.web.config.admin import URL_FIELDS
from govwatch.web.registry.models import Account, Column, Site, Unit, UnitAlias


class UnitAliasInline(admin.TabularInline):
    model = UnitAlias
    fk_name = "unit"
    extra = 1
    fields = ["alias", "scope"]
    autocomplete_fields = ["scope"]


@admin.register(Unit)
class UnitAdmin(admin.ModelAdmin):
    list_display = ["name", "parent", "level", "kind", "contact_person", "phone"]
    list_filter = ["level", "kind"]
    search_fields = ["name", "aliases__alias"]
    autocomplete_fields = ["parent"]
    list_select_related = ["parent"]
    inlines = [UnitAliasInline]


@admin.register(UnitAlias)
class UnitAliasAdmin(admin.ModelAdmin):
    list_display = ["alias", "unit", "scope"]
    search_fields = ["alias", "unit__name"]
    autocomplete_fields = ["unit", "scope"]
    list_select_related = ["unit", "scope"]


class ColumnInline(admin.TabularInline):
    model = Column
    formfield_overrides = URL_FIELDS
    extra = 0
    fields = ["name", "url", "kind", "cadence_days"]


def _formfield(field: Any, **kwargs: Any) -> Any:
    # The form's own fields, like the admin's, take an address without scheme as http.
    if isinstance(field, models.URLField):
        kwargs.setdefault("assume_scheme", "http")
    return field.formfield(**kwargs)


class SiteForm(forms.ModelForm):  # type: ignore[type-arg]
    class Meta:
        model = Site
        fields = "__all__"
        formfield_callback = _formfield
        help_texts = {"site_code": "10位数字，或bm加8位数字（如 6328010001、bm41020001）"}

    def clean_site_code(self) -> Any:
        # Typed in capitals by hand, stored as the registry import stores it (lower case);
        # the model's validator then checks the shape, with its Chinese message.
        return (self.cleaned_data.get("site_code") or "").strip().lower()


@admin.register(Site)
class SiteAdmin(admin.ModelAdmin):
    form = SiteForm
    formfield_overrides = URL_FIELDS
    list_display = ["site_code", "name", "home_url", "kind", "operating_unit", "status"]
    list_filter = ["kind", "status"]
    search_fields = ["site_code", "name", "home_url", "operating_unit__name"]
    autocomplete_fields = ["operating_unit", "supervising_unit"]
    list_select_related = ["operating_unit"]
    inlines = [ColumnInline]


@admin.register(Column)
class ColumnAdmin(admin.ModelAdmin):
    formfield_overrides = URL_FIELDS
    list_display = ["name", "site", "kind", "cadence_days"]
    list_filter = ["kind"]
    search_fields = ["name", "site__name", "site__site_code"]
    autocomplete_fields = ["site", "responsible_units"]
    list_select_related = ["site"]


@admin.register(Account)
class AccountAdmin(admin.ModelAdmin):
    formfield_overrides = URL_FIELDS
    list_display = [
        "name",
        "platform",
        "opening_unit",
        "status",
        "registered_national",
        "has_interaction",
        "ingestion_source",
    ]
    list_filter = [
        "platform",
        "status",
        "registered_national",
        "has_interaction",
        "ingestion_source",
    ]
    search_fields = ["name", "platform_id", "opening_unit__name"]
    autocomplete_fields = ["opening_unit", "supervising_unit"]
    list_select_related = ["opening_unit"]
