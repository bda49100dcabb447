"""The API of the whole project: core's NinjaAPI with every app's router attached.

This module sits above all apps (like urls.py), so it is the one place that may import them.
"""

from jamlik.assessments.api import router as assessments_router
from jamlik.core.api import api, jobs_router, users_router
from jamlik.core.outage import install as install_outage_handlers
from jamlik.events.api import router as events_router
from jamlik.orgs.api import router as orgs_router
from jamlik.reviews.api import router as reviews_router
from jamlik.reviews.documentation_api import router as documentation_router

api.add_router("", users_router)
api.add_router("", orgs_router)
api.add_router("", events_router)
api.add_router("", assessments_router)
api.add_router("", reviews_router)
api.add_router("", documentation_router)
api.add_router("", jobs_router)
install_outage_handlers(api)  # 503 while the database is away, also inside operations

__all__ = ["api"]
