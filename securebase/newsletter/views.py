"""Newsletter pages: thin views over :mod:`securebase.newsletter.services`.

Links from mails only ever change something on POST: mail scanners and link previews
open (GET) every link in a message, and must not confirm or cancel anything.
"""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods, require_safe

from securebase.core import limits
from securebase.core.privacy import private_response
from securebase.core.views import rate_limited
from securebase.newsletter import services
from securebase.newsletter.forms import SubscribeForm
from securebase.newsletter.services import LinkState
from securebase.newsletter.tokens import CONFIRM_MAX_AGE_SECONDS

VALID_DAYS = CONFIRM_MAX_AGE_SECONDS // 86400

# Status codes for link pages: a forged or used link is a bad request, an old one is gone.
_STATUS = {LinkState.INVALID: 400, LinkState.EXPIRED: 410}


@require_http_methods(["GET", "HEAD", "POST"])
def subscribe(request: HttpRequest) -> HttpResponse:
    if request.method == "POST":
        if limits.NEWSLETTER_SUBSCRIBE.reached(request) is not None:
            return private_response(rate_limited(request, None))  # type: ignore[arg-type]
        form = SubscribeForm(request.POST)
        if form.is_valid():
            services.request_subscription(form.cleaned_data["email"])
            return redirect("newsletter:check_inbox")
        response = render(
            request,
            "newsletter/subscribe.html",
            {"form": form, "valid_days": VALID_DAYS},
            status=400,
        )
        return private_response(response)
    return render(
        request, "newsletter/subscribe.html", {"form": SubscribeForm(), "valid_days": VALID_DAYS}
    )


@require_safe
def check_inbox(request: HttpRequest) -> HttpResponse:
    return render(request, "newsletter/check_inbox.html", {"valid_days": VALID_DAYS})


@require_http_methods(["GET", "HEAD", "POST"])
def confirm(request: HttpRequest, token: str) -> HttpResponse:
    if request.method == "POST":
        state = services.confirm_subscription(token)
    else:
        state = services.check_confirmation(token)
    return _link_page(request, "newsletter/confirm.html", state)


@csrf_exempt  # RFC 8058: providers POST without cookies; the signed token is the authority.
@require_http_methods(["GET", "HEAD", "POST"])
def unsubscribe(request: HttpRequest, token: str) -> HttpResponse:
    if request.method == "POST":
        state = services.unsubscribe(token)
    else:
        state = services.check_unsubscribe(token)
    return _link_page(request, "newsletter/unsubscribe.html", state)


def _link_page(request: HttpRequest, template: str, state: LinkState) -> HttpResponse:
    context = {"state": state.value, "form": SubscribeForm(), "valid_days": VALID_DAYS}
    response = render(request, template, context, status=_STATUS.get(state, 200))
    return private_response(response)
