"""The public site: home for visitors who are not signed in, the library, robots.txt; and the
editors' pages. Nothing here reads or shows client data."""

from django.contrib import messages
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from waypoint.library import actions
from waypoint.library.forms import ArticleForm, BookReviewForm, RatingForm
from waypoint.library.models import Article, BookReview, Topic
from waypoint.library.pages import detail_context
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
            "topic_index": Topic.objects.all(),
        },
    )


@require_GET
def detail(request, slug):
    item = find_item(slug)
    if item is None:
        raise Http404("No library page has that address.")
    if not item.published and not can_edit_public_content(request.user):
        raise Http404("No library page has that address.")
    return render(request, "library/detail.html", detail_context(request, item))


@require_POST
def rate(request, slug):
    """A reader's stars (no account): one rating per browser session, changeable."""
    item = find_item(slug)
    if item is None or not item.published:
        raise Http404("No library page has that address.")
    form = RatingForm(request.POST)
    if not form.is_valid():
        context = detail_context(request, item, rating_form=form)
        return render(request, "library/detail.html", context, status=400)
    if request.session.session_key is None:
        request.session.save()
    actions.rate_item(
        item, stars=form.cleaned_data["stars"], session_key=request.session.session_key
    )
    return redirect(item.get_absolute_url() + "?rated=1#h-rate")


@require_GET
def topic(request, slug):
    chosen = get_object_or_404(Topic, slug=slug)
    items = [i for i in published_items() if chosen in i.topic_list]
    return render(request, "library/topic.html", {"topic": chosen, "items": items})


@editor_required
@require_GET
def revisions(request, kind, pk):
    model, _, label = KINDS[kind]
    item = get_object_or_404(model, pk=pk)
    history = item.history.select_related("history_user").order_by("-history_date", "-history_id")
    return render(
        request, "library/revisions.html", {"item": item, "label": label, "revisions": history}
    )


def article_revisions(request, article_pk):
    return revisions(request, "article", article_pk)


def review_revisions(request, bookreview_pk):
    return revisions(request, "review", bookreview_pk)


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
    form = form_class(request.POST if request.method == "POST" else None, instance=instance)
    preview = None
    if request.method == "POST" and form.is_valid():
        if "preview" in request.POST:
            preview = form.instance  # unsaved: shown below the form
        else:
            item = actions.save_item(
                form.save(commit=False), by=request.user, topics=form.cleaned_data["topics"]
            )
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
