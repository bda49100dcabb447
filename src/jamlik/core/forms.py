"""Form helpers every app uses (accessible error wiring, the shared text rules) and core's
login and password-change forms."""

from __future__ import annotations

from typing import Any, cast

from django import forms
from django.contrib.auth import password_validation
from django.contrib.auth.forms import AuthenticationForm, PasswordChangeForm
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError

from jamlik.core import services, validation
from jamlik.core.clientip import client_address
from jamlik.core.errors import Forbidden, Invalid, JamlikError, RateLimited
from jamlik.core.inputs import Input


# ``form.fields`` holds plain ``Field``s to the type checker: these name the kind a field is
# where its choices or queryset are set in ``__init__``.
def choice_field(form: forms.BaseForm, name: str) -> forms.ChoiceField:
    return cast(forms.ChoiceField, form.fields[name])


def model_choice_field(form: forms.BaseForm, name: str) -> forms.ModelChoiceField[Any]:
    """Any: the model differs from field to field."""
    return cast("forms.ModelChoiceField[Any]", form.fields[name])


class AccessibleFormMixin:
    """Points each widget at its help and error texts (aria-describedby, aria-invalid), so a
    screen reader announces them with the field."""

    def full_clean(self) -> None:
        super().full_clean()  # type: ignore[misc]
        self._wire_descriptions()

    def _wire_descriptions(self) -> None:
        for name, field in self.fields.items():  # type: ignore[attr-defined]
            bound = self[name]  # type: ignore[index]
            ids = []
            if field.help_text:
                ids.append(f"{bound.auto_id}_help")
            # Only after validation: reading self.errors earlier would run it too soon.
            errors = self._errors or {}  # type: ignore[attr-defined]
            if errors.get(name):
                ids.append(f"{bound.auto_id}_error")
                field.widget.attrs["aria-invalid"] = "true"
            if ids:
                field.widget.attrs["aria-describedby"] = " ".join(ids)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._wire_descriptions()

    # The write's input model (core/inputs.py), when the form is a write's page. The service
    # applies it to a valid form; this applies it to an invalid one too, so that every
    # error shows at once rather than the rules' errors only after the form's own.
    input_model: type[Input] | None = None

    def _post_clean(self) -> None:
        super()._post_clean()  # type: ignore[misc]
        errors = self._errors  # type: ignore[attr-defined]
        if self.input_model is None or not errors:
            return
        fields = self.fields  # type: ignore[attr-defined]
        values = {
            name: self.cleaned_data[name]  # type: ignore[attr-defined]
            for name in fields
            if name in self.input_model.model_fields and name in self.cleaned_data  # type: ignore[attr-defined]
        }
        try:
            self.input_model.take(values)
        except Invalid as exc:
            for item in exc.errors:
                name = item["field"]
                if name in fields and name in values and name not in errors:
                    self.add_error(name, str(item["message"]))  # type: ignore[attr-defined]

    def add_rule_error(self, exc: JamlikError) -> None:
        """Show a service's rule failure on the form: per field where it names fields."""
        placed = False
        for item in exc.errors:
            field = item["field"] if item["field"] in self.fields else None  # type: ignore[attr-defined]
            if field:
                self.add_error(field, str(item["message"]))  # type: ignore[attr-defined]
                placed = True
        if not placed:
            self.add_error(None, str(exc.message))  # type: ignore[attr-defined]
        self._wire_descriptions()


class TextField(forms.CharField):
    """Text handed on as typed, for a form whose data goes to a write: the write's input
    model (docs/decisions/0022-input-models.md) applies the text rules, so the page shows the
    API's messages. ``required`` and ``max_length`` only mark the field for the browser."""

    def __init__(
        self,
        *,
        max_length: int = validation.NAME_MAX,
        multiline: bool = False,
        rows: int = 4,
        **kw: Any,
    ):
        if multiline:
            kw.setdefault("widget", forms.Textarea(attrs={"rows": rows}))
        super().__init__(max_length=max_length, strip=False, **kw)
        self.validators = []  # the length is the input model's rule; maxlength stays

    def to_python(self, value: Any) -> str:
        return "" if value is None else str(value)

    def validate(self, value: Any) -> None:
        pass  # blank or not is the input model's rule too


class EmailField(TextField):
    """An e-mail address as typed (the input model checks it)."""

    def __init__(self, **kw: Any):
        kw.setdefault("widget", forms.EmailInput(attrs={"autocomplete": "email"}))
        super().__init__(max_length=validation.EMAIL_MAX, **kw)


class CheckedTextField(forms.CharField):
    """Text checked by the shared text rules here, for a form that is not a write (the PDF
    report's cover page) and so has no input model."""

    def __init__(
        self, *, max_length: int = validation.NAME_MAX, multiline: bool = False, **kw: Any
    ):
        self.multiline = multiline
        if multiline:
            kw.setdefault("widget", forms.Textarea(attrs={"rows": 4}))
        super().__init__(max_length=max_length, strip=False, **kw)

    def clean(self, value: Any) -> str:
        if value in self.empty_values and not self.required:
            return ""
        return validation.clean_text(
            value,
            max_length=self.max_length or validation.NAME_MAX,
            required=self.required,
            multiline=self.multiline,
        )


RATE_LIMITED = "rate_limited"


class LoginForm(AccessibleFormMixin, AuthenticationForm):
    retry_after: int | None = None

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # No autofocus: it would skip the skip link and surprise screen-reader users.
        self.fields["username"].widget.attrs.pop("autofocus", None)
        self.fields["username"].widget.attrs.update({"autocomplete": "username"})
        self.fields["password"].widget.attrs.update({"autocomplete": "current-password"})

    def clean(self) -> dict[str, Any]:
        # AuthenticationForm.clean, with authenticate() replaced by the limited login attempt.
        username = self.cleaned_data.get("username")
        password = self.cleaned_data.get("password")
        if username is not None and password:
            try:
                self.user_cache = services.login_attempt(
                    request=self.request,
                    username=username,
                    password=password,
                    client=client_address(self.request) if self.request else "unknown",
                )
            except RateLimited as exc:
                self.retry_after = exc.retry_after
                raise ValidationError(exc.message, code=RATE_LIMITED) from None
            except Forbidden as exc:  # passwords are off for this user (LOCAL_LOGIN)
                raise ValidationError(exc.message, code="password_login_off") from None
            if self.user_cache is None:
                raise self.get_invalid_login_error()
            self.confirm_login_allowed(self.user_cache)
        return self.cleaned_data

    @property
    def rate_limited(self) -> bool:
        return self.has_error(NON_FIELD_ERRORS, RATE_LIMITED)


class OwnPasswordChangeForm(AccessibleFormMixin, PasswordChangeForm):
    """Django's form (old password, new password twice, the password validators); saving
    goes through services.user_password_change."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["old_password"].widget.attrs.pop("autofocus", None)
        # Django's help is an HTML list, which cannot sit in the help paragraph.
        self.fields["new_password1"].help_text = " ".join(
            password_validation.password_validators_help_texts()
        )
        self._wire_descriptions()
