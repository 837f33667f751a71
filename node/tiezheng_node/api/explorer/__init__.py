"""The chain explorer and the court verification page, served by the node on its own port."""

from .routes import STATIC_DIR, create_explorer_router

__all__ = ["STATIC_DIR", "create_explorer_router"]
