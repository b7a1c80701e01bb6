"""The admin at /admin/: staff of this service list, filter and edit posts."""

from django.contrib import admin

from posts.models import Post


@admin.register(Post)
class PostAdmin(admin.ModelAdmin):
    list_display = ["title", "user_id", "created"]
    list_filter = ["created"]
    # UUIDField lookups accept dashed or plain hex on every database.
    search_fields = ["title", "user_id"]
    readonly_fields = ["id", "created"]
    fields = ["id", "user_id", "title", "description", "created"]
    date_hierarchy = "created"
