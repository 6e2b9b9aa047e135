from rest_framework.pagination import CursorPagination


class NewestFirst(CursorPagination):
    """Cursor pagination: stable under inserts, and each page costs the same queries."""

    ordering = ("-created_at", "-id")
    page_size = 25
    page_size_query_param = "page_size"
    max_page_size = 100


class ByName(NewestFirst):
    ordering = ("name", "id")
