"""Lesson pages: the course index, and one page per module with the lesson beside a terminal."""

from dataclasses import dataclass

from django.conf import settings
from django.http import Http404, JsonResponse
from django.shortcuts import render
from django.views.decorators.csrf import ensure_csrf_cookie
from django.views.decorators.http import require_POST

from . import progress
from .lessons import LessonPage, get_catalogue
from .sandboxes import reset_sandbox_to_module, sandbox_for_session


@dataclass(frozen=True)
class ModuleProgress:
    lesson: LessonPage
    passed: int
    total: int


def index(request):
    catalogue = get_catalogue()
    pages = catalogue.pages(request.LANGUAGE_CODE)
    passed = progress.progress_by_module(_learner(request), catalogue.lessons) if _has_learner(request) else {}
    return render(request, "index.html", {
        "lessons": pages,
        "modules": [ModuleProgress(page, len(passed.get(lesson.id, ())), len(lesson.steps))
                    for page, lesson in zip(pages, catalogue.lessons)],
        "lesson_errors": catalogue.errors if settings.DEBUG else (),
    })


@ensure_csrf_cookie
def module(request, slug: str):
    """The lesson beside its terminals; the page's script reads the CSRF cookie to reset the module."""
    catalogue = get_catalogue()
    lesson = catalogue.page(slug, request.LANGUAGE_CODE)
    if lesson is None:
        raise Http404(f"no module {slug!r}")
    _ensure_session(request)
    previous, following = catalogue.neighbours(slug, request.LANGUAGE_CODE)
    return render(request, "module.html", {
        "lesson": lesson,
        "lessons": catalogue.pages(request.LANGUAGE_CODE),
        "previous": previous,
        "next": following,
        "terminal_socket_path": "/ws/terminal/",
        "passed_steps": progress.passed_steps(_learner(request), progress.find_lesson(slug)),
    })


@require_POST
def reset_module(request, slug: str):
    """Put the learner's sandbox in the module's start state and forget the module's progress."""
    lesson = progress.find_lesson(slug)
    if lesson is None:
        raise Http404(f"no module {slug!r}")
    _ensure_session(request)
    sandbox = sandbox_for_session(request.session.session_key)
    progress.clear_progress(_learner(request), lesson)
    reset_sandbox_to_module(sandbox.pk, lesson)
    progress.announce(sandbox.pk, lesson.id, [])
    return JsonResponse({"ok": True})


def _ensure_session(request) -> None:
    """The sandbox and the progress hang on the session, so a learner's first page makes one."""
    if not request.session.session_key:
        request.session.save()


def _has_learner(request) -> bool:
    return bool(request.session.session_key) or request.user.is_authenticated


def _learner(request) -> progress.Learner:
    return progress.Learner.of(request.session.session_key or "", request.user)
