"""``manage.py lessons check``: validate every lesson file, then play every module in both
languages in a fresh sandbox and fail unless every step's checks pass.

It runs in CI, so a lesson that no longer matches what the simulated tools do is caught like a
failing test.
"""

from __future__ import annotations

from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from tutorial.lesson_player import Playthrough, play
from tutorial.lessons import LANGUAGES, Lesson, LessonError, LessonFileError, load_lesson_file


class Command(BaseCommand):
    help = "Check the lesson files: validate them and play every module in a fresh sandbox."

    def add_arguments(self, parser):
        commands = parser.add_subparsers(dest="action", required=True)
        check = commands.add_parser("check", help=self.help)
        check.add_argument("modules", nargs="*", help="module ids to play (default: all)")
        check.add_argument("--no-play", action="store_true", help="only validate the files")

    def handle(self, *args, action: str, modules: list[str], no_play: bool, **options):
        lessons, errors = self.load(Path(settings.LESSONS_DIR))
        for error in errors:
            self.stderr.write(str(error))
        unknown = set(modules) - {lesson.id for lesson in lessons}
        if unknown:
            raise CommandError(f"no such module: {', '.join(sorted(unknown))}")
        failed = bool(errors)
        if not no_play:
            for lesson in lessons:
                if modules and lesson.id not in modules:
                    continue
                for language in LANGUAGES:
                    failed |= not self.report(play(lesson, language))
        if failed:
            raise CommandError("some lessons do not pass")
        self.stdout.write(self.style.SUCCESS(
            "every lesson file is valid" if no_play else "every lesson passes"))

    def load(self, directory: Path) -> tuple[list[Lesson], list[LessonError]]:
        lessons, errors = [], []
        for path in sorted(directory.glob("*.yaml")):
            try:
                lessons.append(load_lesson_file(path))
            except LessonFileError as error:
                errors.extend(error.errors)
        return sorted(lessons, key=lambda lesson: lesson.order), errors

    def report(self, playthrough: Playthrough) -> bool:
        lesson, language = playthrough.lesson, playthrough.language
        if playthrough.passed:
            self.stdout.write(f"{lesson.id} ({language}): {len(lesson.steps)} steps pass")
            return True
        for failure in playthrough.failures:
            self.stderr.write(f"{lesson.id} ({language}): {failure}")
        self.stderr.write(f"--- transcript of {lesson.id} ({language}), last lines ---")
        self.stderr.write("\n".join(playthrough.transcript.splitlines()[-40:]))
        return False
