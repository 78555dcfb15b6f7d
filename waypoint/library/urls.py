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
    path(
        "library/manage/articles/<int:article_pk>/revisions/",
        views.article_revisions,
        name="library-article-revisions",
    ),
    path(
        "library/manage/reviews/<int:bookreview_pk>/revisions/",
        views.review_revisions,
        name="library-review-revisions",
    ),
    path("library/topics/<slug:slug>/", views.topic, name="library-topic"),
    path("library/<slug:slug>/", views.detail, name="library-detail"),
    path("library/<slug:slug>/rate/", views.rate, name="library-rate"),
    path("sitemap.xml", sitemap, {"sitemaps": SITEMAPS}, name="sitemap"),
    path("robots.txt", views.robots_txt, name="robots-txt"),
]
