from django.contrib.sitemaps.views import sitemap
from django.urls import path

from waypoint.library import views
from waypoint.library.feeds import LibraryFeed
from waypoint.library.sitemaps import SITEMAPS

urlpatterns = [
    path("library/", views.library, name="library"),
    path("library/feed/", LibraryFeed(), name="library-feed"),
    path("library/manage/", views.manage, name="library-manage"),
    path("library/manage/articles/new/", views.edit_article, name="library-article-add"),
    path(
        "library/manage/articles/<int:article_pk>/", views.edit_article, name="library-article-edit"
    ),
    path("library/manage/reviews/new/", views.edit_review, name="library-review-add"),
    path(
        "library/manage/reviews/<int:bookreview_pk>/",
        views.edit_review,
        name="library-review-edit",
    ),
    path("library/<slug:slug>/", views.detail, name="library-detail"),
    path("sitemap.xml", sitemap, {"sitemaps": SITEMAPS}, name="sitemap"),
    path("robots.txt", views.robots_txt, name="robots-txt"),
]
