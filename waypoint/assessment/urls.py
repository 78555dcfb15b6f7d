from django.urls import path

from waypoint.assessment import views

urlpatterns = [
    path("clients/<int:pk>/stages/", views.stage_list, name="assessment-stages"),
    path("clients/<int:pk>/stages/add/", views.stage_add, name="assessment-stage-add"),
    path("clients/<int:pk>/balance/", views.balance_list, name="assessment-balances"),
    path(
        "clients/<int:pk>/balance/<str:substance>/",
        views.balance_edit,
        name="assessment-balance-edit",
    ),
    path("portal/balance/", views.portal_balance_list, name="assessment-portal-balances"),
    path(
        "portal/balance/<str:substance>/",
        views.portal_balance_edit,
        name="assessment-portal-balance-edit",
    ),
    path("clients/<int:pk>/priorities/", views.priorities, name="assessment-priorities"),
    path(
        "clients/<int:pk>/priorities/edit/",
        views.priorities_edit,
        name="assessment-priorities-edit",
    ),
    path("clients/<int:pk>/drug-set-setting/", views.dss_list, name="assessment-dss"),
    path(
        "clients/<int:pk>/drug-set-setting/<str:substance>/",
        views.dss_edit,
        name="assessment-dss-edit",
    ),
    path("portal/priorities/", views.portal_priorities, name="assessment-portal-priorities"),
    path("clients/<int:pk>/assessment-summary/", views.summary, name="assessment-summary"),
    path(
        "clients/<int:pk>/assessment-summary/pdf/",
        views.summary_pdf,
        name="assessment-summary-pdf",
    ),
]
