"""Views of the technical manual: the page, its SVG figures and the PDF download."""

from __future__ import annotations

from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_safe

from securebase.method import services


@require_safe
def method_page(request: HttpRequest) -> HttpResponse:
    """The manual's chapters in the site's layout (404 if it has not been built)."""
    manual = services.manual()
    if manual is None:
        raise Http404("The technical manual has not been built.")
    return render(request, "method/manual.html", {"manual": manual})


@require_safe
def method_figure(request: HttpRequest, name: str) -> FileResponse:
    """One SVG figure of the manual (names are checked against the files that exist)."""
    path = services.figure_path(name)
    if path is None:
        raise Http404("No such figure.")
    response = FileResponse(path.open("rb"), content_type="image/svg+xml")
    response["Cache-Control"] = "public, max-age=3600"
    return response


@require_safe
def method_pdf(request: HttpRequest) -> FileResponse:
    """The manual as a PDF download."""
    path = services.pdf_path()
    if path is None:
        raise Http404("The PDF of the manual has not been built.")
    return FileResponse(
        path.open("rb"),
        content_type="application/pdf",
        as_attachment=True,
        filename="securebase-technical-manual.pdf",
    )
