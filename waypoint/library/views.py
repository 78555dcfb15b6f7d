"""The public site: home for visitors who are not signed in, the library, robots.txt; and the
editors' pages. Nothing here reads or shows client data."""

from django.contrib import messages
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_GET, require_http_methods

from waypoint.library import actions
from waypoint.library.forms import ArticleForm, BookReviewForm
from waypoint.library.models import Article, BookReview
from waypoint.library.permissions import can_edit_public_content, editor_required
from waypoint.library.queries import find_item, published_items

KINDS = {
    "article": (Article, ArticleForm, "article"),
    "review": (BookReview, BookReviewForm, "book review"),
}


def public_home(request):
    """`/` for a visitor who is not signed in (accounts.views.home sends everyone else on)."""
    from waypoint.questions.feeds import answered_questions

    return render(
        request,
        "library/home.html",
        {"items": published_items()[:4], "questions": answered_questions(4)},
    )


@require_GET
def library(request):
    items = published_items()
    return render(
        request,
        "library/list.html",
        {
            "articles": [i for i in items if i.kind == "article"],
            "reviews": [i for i in items if i.kind == "review"],
        },
    )


@require_GET
def detail(request, slug):
    item = find_item(slug)
    if item is None:
        raise Http404("No library page has that address.")
    editor = can_edit_public_content(request.user)
    if not item.published and not editor:
        raise Http404("No library page has that address.")
    return render(request, "library/detail.html", {"item": item, "can_edit": editor})


@require_GET
def robots_txt(request):
    lines = [
        "User-agent: *",
        "Disallow: /caseload/",
        "Disallow: /clients/",
        "Disallow: /chart/",
        "Disallow: /portal/",
        "Disallow: /api/",
        "Disallow: /accounts/",
        "Disallow: /library/manage/",
        "Disallow: /questions/queue/",
        "Disallow: /questions/ask/",
        f"Sitemap: {request.build_absolute_uri('/sitemap.xml')}",
        "",
    ]
    return HttpResponse("\n".join(lines), content_type="text/plain")


@editor_required
@require_GET
def manage(request):
    return render(request, "library/manage.html", {"items": published_items(include_drafts=True)})


@editor_required
@require_http_methods(["GET", "POST"])
def edit(request, kind, pk=None):
    model, form_class, label = KINDS[kind]
    instance = get_object_or_404(model, pk=pk) if pk is not None else None
    form = form_class(request.POST or None, instance=instance)
    preview = None
    if request.method == "POST" and form.is_valid():
        if "preview" in request.POST:
            preview = form.instance  # unsaved: shown below the form
        else:
            item = actions.save_item(form.save(commit=False), by=request.user)
            messages.success(request, f"Saved “{item.title}”.")
            return redirect("library-manage")
    return render(
        request,
        "library/edit.html",
        {"form": form, "label": label, "item": instance, "preview": preview},
        status=400 if request.method == "POST" and form.errors else 200,
    )


def edit_article(request, article_pk=None):
    return edit(request, "article", article_pk)


def edit_review(request, bookreview_pk=None):
    return edit(request, "review", bookreview_pk)
