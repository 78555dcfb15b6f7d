"""The person's own API tokens: make one (shown once), see them, revoke them."""

from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.views.decorators.http import require_http_methods, require_POST

from waypoint.accounts.decorators import staff_required
from waypoint.api import actions
from waypoint.api.forms import TokenForm
from waypoint.api.models import ApiToken


@require_http_methods(["GET", "POST"])
@staff_required
def token_list(request):
    form = TokenForm(request.POST if request.method == "POST" else None)
    new_token = None
    if request.method == "POST" and form.is_valid():
        try:
            _, new_token = actions.create_token(
                request.user,
                by=request.user,
                name=form.cleaned_data["name"],
                scope=form.cleaned_data["scope"],
                days=form.cleaned_data["days"],
            )
        except actions.TokenError as exc:
            form.add_error(None, str(exc))
        else:
            form = TokenForm()
    return TemplateResponse(
        request,
        "api/token_list.html",
        {"form": form, "new_token": new_token, "tokens": request.user.api_tokens.all()},
        status=200 if request.method == "GET" or new_token else 400,
    )


@require_POST
@staff_required
def token_revoke(request, pk):
    token = get_object_or_404(ApiToken, pk=pk, user=request.user)
    actions.revoke_token(token, by=request.user)
    messages.success(request, f"Token “{token.name}” revoked: it no longer works.")
    return redirect("api-tokens")
