from django.urls import path

from waypoint.api import views
from waypoint.api.api import api

urlpatterns = [
    path("api/v1/", api.urls),
    path("account/api-tokens/", views.token_list, name="api-tokens"),
    path("account/api-tokens/<int:pk>/revoke/", views.token_revoke, name="api-token-revoke"),
]
