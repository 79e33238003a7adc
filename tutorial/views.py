"""Lesson pages: the course index, and one page per module with the lesson beside a terminal."""

from django.conf import settings
from django.http import Http404
from django.shortcuts import render

from .lessons import get_catalogue


def index(request):
    catalogue = get_catalogue()
    return render(request, "index.html", {
        "lessons": catalogue.pages(request.LANGUAGE_CODE),
        "lesson_errors": catalogue.errors if settings.DEBUG else (),
    })


def module(request, slug: str):
    catalogue = get_catalogue()
    lesson = catalogue.page(slug, request.LANGUAGE_CODE)
    if lesson is None:
        raise Http404(f"no module {slug!r}")
    if not request.session.session_key:
        request.session.save()
    previous, following = catalogue.neighbours(slug, request.LANGUAGE_CODE)
    return render(request, "module.html", {
        "lesson": lesson,
        "lessons": catalogue.pages(request.LANGUAGE_CODE),
        "previous": previous,
        "next": following,
        "terminal_socket_path": "/ws/terminal/",
    })
