"""Public questions: ask (no account), read and search answers, vote; the moderators' queue.

Crisis first: whatever happens to a submission (saved, refused for length, links, consent or the
rate limit), if it reads like a crisis the next page shows the crisis lines at the top and the
question is kept, marked urgent, and the on-call address is emailed. Honeypot submissions are
the one exception: they are dropped without a word, as bots expect."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from waypoint.library.models import Article
from waypoint.library.pages import detail_context
from waypoint.library.queries import find_item
from waypoint.questions import abuse, actions, fulltext
from waypoint.questions.context import COMMENTED, comment_context, crisis_context
from waypoint.questions.crisis import reads_like_crisis
from waypoint.questions.forms import AnswerForm, AskForm, CommentForm, RejectForm
from waypoint.questions.models import AskAttempt, Comment, Question, Status, Tag
from waypoint.questions.permissions import answerer_required, can_answer_questions

PAGE_SIZE = 20
# Urgent questions kept from a refused attempt (one per browser): completed, not duplicated.
KEPT_URGENT = "questions_kept_urgent"
SHOW_CRISIS = "questions_show_crisis"
VOTED = "questions_voted"
CRISIS_RATE_LIMIT = 10  # urgent questions kept per address and window, past the normal limit


@require_GET
def question_list(request):
    query = request.GET.get("q", "").strip()[:200]
    tag_slug = request.GET.get("tag", "")
    tag = Tag.objects.filter(slug=tag_slug).first() if tag_slug else None
    try:
        page = max(1, min(int(request.GET.get("page", 1)), 500))
    except ValueError:
        page = 1
    offset = (page - 1) * PAGE_SIZE
    hits, questions = [], []
    if query:
        hits = fulltext.search(query, limit=PAGE_SIZE + 1, offset=offset)
        has_next, hits = len(hits) > PAGE_SIZE, hits[:PAGE_SIZE]
    else:
        qs = Question.objects.published().prefetch_related("tags")
        if tag is not None:
            qs = qs.filter(tags=tag)
        questions = list(qs[offset : offset + PAGE_SIZE + 1])
        has_next, questions = len(questions) > PAGE_SIZE, questions[:PAGE_SIZE]
    return TemplateResponse(
        request,
        "questions/list.html",
        {
            "query": query,
            "tag": tag,
            "hits": hits,
            "questions": questions,
            "page": page,
            "has_next": has_next,
            "tags": Tag.objects.filter(questions__status=Status.PUBLISHED).distinct(),
        },
    )


@require_GET
def detail(request, pk):
    question = get_object_or_404(Question.objects.prefetch_related("tags"), pk=pk)
    answerer = can_answer_questions(request.user)
    if not question.is_published and not answerer:
        raise Http404("No published question has that address.")
    return TemplateResponse(
        request,
        "questions/detail.html",
        {
            "question": question,
            "can_answer": answerer,
            "voted": pk in request.session.get(VOTED, []),
            **crisis_context(),
        },
    )


@require_POST
def vote(request, pk):
    question = get_object_or_404(Question.objects.published(), pk=pk)
    voted = request.session.get(VOTED, [])
    if pk in voted:
        messages.info(request, _("You have already told us whether this answer helped."))
    elif request.POST.get("helpful") in {"yes", "no"}:
        actions.vote(question, helpful=request.POST["helpful"] == "yes")
        request.session[VOTED] = [*voted, pk][-500:]
        messages.success(request, _("Thank you for telling us."))
    return redirect(question)


def _article(request):
    slug = request.GET.get("article") or request.POST.get("article") or ""
    return Article.objects.filter(slug=slug, published=True).first() if slug else None


@require_http_methods(["GET", "POST"])
def ask(request):
    article = _article(request)
    form = AskForm(
        request.POST if request.method == "POST" else None,
        initial={"language": _default_language(request)},
    )
    context = {"form": form, "article": article, **crisis_context()}
    if request.method == "GET":
        return TemplateResponse(request, "questions/ask.html", context)
    if form.filled_honeypot:  # a bot: pretend all went well, keep nothing
        return redirect("questions-thanks")
    crisis = reads_like_crisis(form.raw_text, form.raw_language)
    limited = abuse.over_rate_limit(request)
    valid = form.is_valid()
    kept = _kept_urgent(request)
    if valid and not limited:
        data = form.cleaned_data
        actions.receive_question(
            text=data["text"],
            language=data["language"],
            email=data["email"],
            consent_to_publish=data["consent_to_publish"],
            article=article,
            urgent=crisis,
            replacing=kept,
        )
        abuse.note_attempt(request)
        request.session.pop(KEPT_URGENT, None)
        request.session[SHOW_CRISIS] = crisis
        return redirect("questions-thanks")
    # Refused. A question that reads like a crisis is kept anyway, marked urgent.
    if crisis and form.raw_text.strip() and kept is None and _may_keep_urgent(request):
        question = actions.receive_question(
            text=form.raw_text.strip()[:10000],
            language=form.raw_language,
            email=form.cleaned_data.get("email") or "",
            article=article,
            urgent=True,
            refused_because="rate limit" if limited and valid else form.refusal_reason(),
        )
        abuse.note_attempt(request)
        request.session[KEPT_URGENT] = question.pk
    context |= {"crisis": crisis, "limited": limited}
    if limited and valid:
        return TemplateResponse(request, "questions/limited.html", context, status=429)
    return TemplateResponse(request, "questions/ask.html", context, status=400)


def _default_language(request) -> str:
    return "es" if (getattr(request, "LANGUAGE_CODE", "") or "").startswith("es") else "en"


def _kept_urgent(request):
    pk = request.session.get(KEPT_URGENT)
    if not pk:
        return None
    return Question.objects.filter(pk=pk, status=Status.PENDING, urgent=True).first()


def _may_keep_urgent(request) -> bool:
    recent = AskAttempt.objects.filter(
        address_digest=abuse.address_digest(request), at__gt=timezone.now() - abuse.RATE_WINDOW
    )
    return recent.count() < CRISIS_RATE_LIMIT


@require_GET
def thanks(request):
    crisis = request.session.pop(SHOW_CRISIS, False)
    context = {"crisis": crisis, **crisis_context()}
    return TemplateResponse(request, "questions/thanks.html", context)


# Moderation ------------------------------------------------------------------------------------


@answerer_required
@require_GET
def queue(request):
    waiting = list(Question.objects.queue()[:200])
    answered = list(
        Question.objects.filter(status__in=[Status.ANSWERED, Status.PUBLISHED]).order_by(
            "-answered_at"
        )[:50]
    )
    return TemplateResponse(
        request,
        "questions/queue.html",
        {
            "waiting": waiting,
            "answered": answered,
            "comments_waiting": Comment.objects.queue().count(),
        },
    )


@answerer_required
@require_http_methods(["GET", "POST"])
def moderate(request, pk):
    question = get_object_or_404(Question.objects.prefetch_related("tags"), pk=pk)
    initial = {
        "answer": question.answer,
        "title": question.title,
        "public_question": question.public_question or question.text,
        "tags": list(question.tags.all()),
        "publish": question.is_published or not question.answered_at,
    }
    form = AnswerForm(
        request.POST if request.method == "POST" else None, question=question, initial=initial
    )
    if request.method == "POST":
        if question.status == Status.REJECTED:
            raise PermissionDenied("This question was rejected.")
        if question.is_removed and not question.is_published:
            raise PermissionDenied("What the asker sent was removed under the retention rule.")
        if form.is_valid():
            data = form.cleaned_data
            try:
                actions.answer_question(
                    question,
                    by=request.user,
                    answer=data["answer"],
                    publish=data.get("publish", False),
                    title=data.get("title", ""),
                    public_question=data.get("public_question", ""),
                    tags=data.get("tags", []),
                    new_tags=data.get("new_tags", []),
                )
            except ValueError as error:  # changed since the page was read (rejected, removed)
                messages.error(request, str(error))
                return redirect("questions-moderate", pk)
            messages.success(
                request, _("Saved the answer to question #%(n)s.") % {"n": question.pk}
            )
            return redirect("questions-queue")
    return TemplateResponse(
        request,
        "questions/moderate.html",
        {"question": question, "form": form, "reject_form": RejectForm()},
        status=400 if form.errors else 200,
    )


@answerer_required
@require_POST
def reject(request, pk):
    question = get_object_or_404(Question, pk=pk)
    form = RejectForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose why the question is rejected."))
        return redirect("questions-moderate", pk)
    actions.reject_question(question, by=request.user, reason=form.cleaned_data["reason"])
    messages.success(request, _("Rejected question #%(n)s.") % {"n": question.pk})
    return redirect("questions-queue")


@answerer_required
@require_POST
def urgent_handled(request, pk):
    question = get_object_or_404(Question, pk=pk, urgent=True)
    actions.handle_urgent(question, by=request.user)
    messages.success(request, _("Question #%(n)s: urgency marked as handled.") % {"n": question.pk})
    return redirect("questions-queue")


@answerer_required
@require_POST
def mark_urgent(request, pk):
    question = get_object_or_404(Question, pk=pk)
    actions.mark_urgent(question, by=request.user)
    messages.success(request, _("Question #%(n)s marked urgent.") % {"n": question.pk})
    return redirect("questions-moderate", pk)


@answerer_required
@require_POST
def publish(request, pk):
    question = get_object_or_404(Question, pk=pk, status=Status.ANSWERED)
    try:
        actions.publish_question(question, by=request.user)
    except ValueError as error:
        messages.error(request, str(error))
        return redirect("questions-moderate", pk)
    messages.success(request, _("Published question #%(n)s.") % {"n": question.pk})
    return redirect(question)


# Readers' comments on library pages ----------------------------------------------------------


@require_POST
def comment(request, slug):
    """A reader's comment (no account), held for a moderator. As with questions: crisis lines
    first whenever the text reads like a crisis, refused or not, and an urgent one is kept."""
    item = find_item(slug)
    if item is None or not item.published:
        raise Http404("No library page has that address.")
    form = CommentForm(request.POST)
    if form.filled_honeypot:
        return redirect(item.get_absolute_url() + "?commented=1#h-comments")
    language = _default_language(request)
    crisis = reads_like_crisis(form.raw_text, language)
    limited = abuse.over_rate_limit(request)
    valid = form.is_valid()
    if (valid and not limited) or (crisis and form.raw_text.strip() and _may_keep_urgent(request)):
        text = form.cleaned_data["text"] if valid else form.raw_text.strip()[:MAX_KEPT]
        actions.receive_comment(
            item,
            text=text,
            name=(form.cleaned_data.get("name") or "") if valid else "",
            language=language,
            urgent=crisis,
        )
        abuse.note_attempt(request)
        if valid and not limited:
            request.session[COMMENTED] = crisis
            return redirect(item.get_absolute_url() + "?commented=1#h-comments")
    context = detail_context(request, item) | comment_context(request, item, form)
    context |= {"comment_crisis": crisis, "comment_limited": limited and valid, **crisis_context()}
    return TemplateResponse(
        request, "library/detail.html", context, status=429 if limited and valid else 400
    )


MAX_KEPT = 10000


@answerer_required
@require_GET
def comment_queue(request):
    waiting = Comment.objects.queue().with_pages(limit=200)
    return TemplateResponse(request, "questions/comments.html", {"waiting": waiting})


@answerer_required
@require_POST
def moderate_comment(request, pk):
    comment = get_object_or_404(Comment, pk=pk)
    decision = request.POST.get("decision")
    if decision not in {"publish", "reject"}:
        messages.error(request, _("Choose Publish or Reject."))
        return redirect("questions-comments")
    try:
        actions.moderate_comment(comment, by=request.user, publish=decision == "publish")
    except ValueError as error:
        messages.error(request, str(error))
    else:
        messages.success(
            request,
            _("Comment #%(n)s: %(status)s.") % {"n": pk, "status": comment.get_status_display()},
        )
    return redirect("questions-comments")
