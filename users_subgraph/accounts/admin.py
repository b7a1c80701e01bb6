"""The admin's user pages: list, search and edit users by email, change their passwords, and
send unverified users a new verification link."""

from django.contrib import admin, messages
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.contrib.auth.forms import AdminUserCreationForm
from django.contrib.auth.forms import UserChangeForm as DjangoUserChangeForm

from accounts.models import User
from accounts.tasks import send_verification_email


class UserCreationForm(AdminUserCreationForm):
    class Meta:
        model = User
        fields = ("email",)


class UserChangeForm(DjangoUserChangeForm):
    class Meta:
        model = User
        fields = "__all__"


@admin.register(User)
class UserAdmin(DjangoUserAdmin):
    form = UserChangeForm
    add_form = UserCreationForm
    list_display = ("email", "is_active", "is_verified", "is_staff", "is_superuser", "date_joined")
    list_filter = ("is_active", "is_verified", "is_staff", "is_superuser")
    search_fields = ("email",)
    ordering = ("email",)
    actions = ["resend_verification_email"]
    readonly_fields = ("last_login", "date_joined")
    fieldsets = (
        (None, {"fields": ("email", "password")}),
        ("Status", {"fields": ("is_active", "is_verified")}),
        ("Permissions", {"fields": ("is_staff", "is_superuser", "groups", "user_permissions")}),
        ("Dates", {"fields": ("last_login", "date_joined")}),
    )
    add_fieldsets = (
        (
            None,
            {
                "classes": ("wide",),
                "fields": ("email", "usable_password", "password1", "password2"),
            },
        ),
    )

    @admin.action(description="Resend verification email", permissions=["change"])
    def resend_verification_email(self, request, queryset) -> None:
        """Queue a verification link for each selected active, unverified user (the worker sends
        it); verified and inactive users are skipped, as the task itself would skip them."""
        recipients = list(
            queryset.filter(is_verified=False, is_active=True).values_list("email", flat=True)
        )
        for email in recipients:
            send_verification_email.enqueue(email=email)
        skipped = queryset.count() - len(recipients)
        self.message_user(
            request,
            f"Verification email queued for {len(recipients)} user(s)"
            + (f"; {skipped} skipped (already verified or inactive)." if skipped else "."),
            messages.SUCCESS if recipients else messages.WARNING,
        )
