from django.urls import path

from waypoint.plans import views

urlpatterns = [
    path("clients/<int:pk>/plans/<str:kind>/", views.plan_detail, name="plans-detail"),
    path("clients/<int:pk>/plans/<str:kind>/edit/", views.plan_edit, name="plans-edit"),
    path("clients/<int:pk>/plans/<str:kind>/pdf/", views.plan_pdf, name="plans-pdf"),
    path("portal/plans/<str:kind>/", views.portal_plan, name="portal-plans"),
    path("portal/plans/<str:kind>/edit/", views.portal_plan_edit, name="portal-plans-edit"),
    path("portal/plans/<str:kind>/pdf/", views.portal_plan_pdf, name="portal-plans-pdf"),
]
