"""The course text: load, validate and render the YAML files in ``lessons/``.

Each module is one YAML file holding both languages side by side. Lesson files are trusted less
than code, so they go through three gates before a page shows them: pydantic models (unknown keys,
a missing language or a wrong type are errors, reported as ``file:line: message`` using the YAML
node marks), markdown-it-py for the Markdown, and nh3 to sanitise the resulting HTML.

A broken file is logged and left out; the other modules are still served. The catalogue re-reads a
file when its modification time or size changes, so editing a lesson needs no server restart.
"""

from __future__ import annotations

import logging
import re
import threading
from dataclasses import dataclass, field
from pathlib import Path
from typing import Annotated, Any

import nh3
import yaml
from cluster_engine import lesson_checks
from django.conf import settings
from django.utils.safestring import SafeString, mark_safe
from markdown_it import MarkdownIt
from pydantic import BaseModel, ConfigDict, Field, StringConstraints, ValidationError, field_validator, model_validator

logger = logging.getLogger(__name__)

LANGUAGES = ("en", "ja")

NonEmpty = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1)]
Slug = Annotated[str, StringConstraints(pattern=r"^[a-z][a-z0-9-]*$")]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Text(_Strict):
    """One piece of lesson text, in every language the site speaks."""

    en: NonEmpty
    ja: NonEmpty

    def get(self, language: str) -> str:
        return getattr(self, language if language in LANGUAGES else LANGUAGES[0])


class Command(_Strict):
    """A command the learner can click to run; ``tab`` names the terminal tab it belongs in."""

    run: NonEmpty
    tab: int = Field(default=1, ge=1, le=4)
    #: Press Ctrl-C in the tab first, to end what runs there (``kubectl proxy``).
    interrupt: bool = False

    @field_validator("run")
    @classmethod
    def _lines_as_typed(cls, value: str) -> str:
        """Several lines (a here-document) are typed one after another; a YAML block scalar's
        final newline is not part of the command."""
        if "\r" in value:
            raise ValueError("a command must not contain carriage returns")
        value = value.rstrip("\n")
        if not value.strip():
            raise ValueError("a command must not be empty")
        return value


class Check(_Strict):
    """One condition of a finished step; ``cluster_engine.lesson_checks`` says what each means."""

    exists: NonEmpty | None = None
    absent: NonEmpty | None = None
    field: NonEmpty | None = None
    path: NonEmpty | None = None
    equals: str | int | None = None
    matches: NonEmpty | None = None
    at_least: float | None = None
    ready_pods: NonEmpty | None = None
    count: int | None = Field(default=None, ge=1)
    ran: NonEmpty | None = None
    namespace: Slug | None = None

    @model_validator(mode="after")
    def _well_formed(self) -> Check:
        try:
            lesson_checks.validate(self.as_dict())
        except lesson_checks.CheckError as error:
            raise ValueError(str(error)) from error
        return self

    def as_dict(self) -> dict:
        return self.model_dump(exclude_none=True)


class Step(_Strict):
    id: Slug
    title: Text
    body: Text | None = None
    commands: list[Command] = []
    checks: list[Check] = []
    hint: Text | None = None
    solution: Text | None = None

    @field_validator("commands", mode="before")
    @classmethod
    def _shorthand(cls, value: Any) -> Any:
        """Lets a plain string stand for ``{run: <string>}``."""
        if isinstance(value, list):
            return [{"run": item} if isinstance(item, str) else item for item in value]
        return value


class Lesson(_Strict):
    id: Slug
    order: int = Field(ge=1)
    title: Text
    summary: Text
    objectives: list[Text] = []
    concepts: Text | None = None
    start: list[NonEmpty] = []
    steps: list[Step] = []

    @model_validator(mode="after")
    def _unique_step_ids(self) -> Lesson:
        seen: set[str] = set()
        for step in self.steps:
            if step.id in seen:
                raise ValueError(f"step id {step.id!r} is used twice")
            seen.add(step.id)
        return self


@dataclass(frozen=True)
class LessonError:
    path: Path
    line: int
    message: str

    def __str__(self) -> str:
        try:
            shown = self.path.resolve().relative_to(Path.cwd())
        except ValueError:
            shown = self.path
        return f"{shown}:{self.line}: {self.message}"


class LessonFileError(Exception):
    def __init__(self, errors: list[LessonError]):
        super().__init__("\n".join(str(error) for error in errors))
        self.errors = errors


# --- Reading one file -------------------------------------------------------------------------


def load_lesson_file(path: Path) -> Lesson:
    """Parses and validates one lesson file; raises LessonFileError listing every problem."""
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise LessonFileError([LessonError(path, 1, f"cannot read the file: {exc}")]) from exc
    loader = yaml.SafeLoader(text)
    try:
        root = loader.get_single_node()
        if root is None:
            raise LessonFileError([LessonError(path, 1, "the file is empty")])
        if duplicates := list(_duplicate_keys(root)):
            raise LessonFileError([LessonError(path, mark.line + 1, message) for mark, message in duplicates])
        data = loader.construct_document(root)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark else 1
        message = f"YAML syntax: {exc.problem or exc}"
        if exc.context and exc.context_mark and exc.context_mark.line + 1 != line:
            message += f" ({exc.context} that starts on line {exc.context_mark.line + 1})"
        raise LessonFileError([LessonError(path, line, message)]) from exc
    except yaml.YAMLError as exc:
        raise LessonFileError([LessonError(path, 1, f"YAML: {exc}")]) from exc
    finally:
        loader.dispose()
    try:
        return Lesson.model_validate(data)
    except ValidationError as exc:
        errors = [LessonError(path, _locate(root, error["loc"]).line + 1, _describe(error)) for error in exc.errors()]
        raise LessonFileError(errors) from exc


def _duplicate_keys(node: yaml.Node):
    if isinstance(node, yaml.MappingNode):
        seen: set[str] = set()
        for key, value in node.value:
            if isinstance(key, yaml.ScalarNode):
                if key.value in seen:
                    yield key.start_mark, f"key {key.value!r} appears twice"
                seen.add(key.value)
            yield from _duplicate_keys(value)
    elif isinstance(node, yaml.SequenceNode):
        for item in node.value:
            yield from _duplicate_keys(item)


def _locate(root: yaml.Node, loc: tuple) -> yaml.Mark:
    """The mark of the deepest YAML node on the path that pydantic's error location names."""
    node, mark = root, root.start_mark
    for part in loc:
        if isinstance(node, yaml.MappingNode):
            match = next(((k, v) for k, v in node.value if isinstance(k, yaml.ScalarNode) and k.value == str(part)),
                         None)
            if match is None:
                break
            mark, node = match[0].start_mark, match[1]
        elif isinstance(node, yaml.SequenceNode) and isinstance(part, int) and 0 <= part < len(node.value):
            node = node.value[part]
            mark = node.start_mark
        else:
            break
    return mark


def _describe(error: dict) -> str:
    loc = error["loc"]
    where = ".".join(str(part) for part in loc)
    kind = error["type"]
    if kind == "missing" and loc and loc[-1] in LANGUAGES:
        parent = ".".join(str(part) for part in loc[:-1])
        return f"{parent}: the {loc[-1]!r} text is missing (every text needs {', '.join(LANGUAGES)})"
    if kind == "missing":
        return f"{where}: required key is missing"
    if kind == "extra_forbidden":
        return f"unknown key {where!r}"
    message = error["msg"].removeprefix("Value error, ")
    return f"{where}: {message}" if where else message


# --- Rendering --------------------------------------------------------------------------------

_markdown = MarkdownIt("commonmark", {"html": False}).enable("table")


#: Lesson diagrams are the site's own SVG files; an image from anywhere else could track readers.
_LESSON_IMAGE = re.compile(r"/static/img/[a-z0-9/_-]+\.svg")
_ALLOWED_ATTRIBUTES = {**nh3.ALLOWED_ATTRIBUTES, "img": {"src", "alt", "width", "height"}}


def _keep_only_lesson_images(element: str, attribute: str, value: str) -> str | None:
    if element == "img" and attribute == "src" and not _LESSON_IMAGE.fullmatch(value):
        return None
    return value


def _sanitise(html: str) -> SafeString:
    return mark_safe(nh3.clean(html, attributes=_ALLOWED_ATTRIBUTES, attribute_filter=_keep_only_lesson_images))


def render_markdown(source: str) -> SafeString:
    return _sanitise(_markdown.render(source))


def render_inline(source: str) -> SafeString:
    return _sanitise(_markdown.renderInline(source))


@dataclass(frozen=True)
class StepPage:
    id: str
    number: int
    title: SafeString
    body: SafeString
    commands: tuple[Command, ...]
    hint: SafeString
    solution: SafeString


@dataclass(frozen=True)
class LessonPage:
    """One module in one language, rendered and sanitised, ready for a template."""

    id: str
    order: int
    language: str
    title: str
    summary: SafeString
    objectives: tuple[SafeString, ...]
    concepts: SafeString
    steps: tuple[StepPage, ...]


def render_lesson(lesson: Lesson, language: str) -> LessonPage:
    def block(text: Text | None) -> SafeString:
        return render_markdown(text.get(language)) if text else mark_safe("")

    return LessonPage(
        id=lesson.id,
        order=lesson.order,
        language=language,
        title=lesson.title.get(language),
        summary=block(lesson.summary),
        objectives=tuple(render_inline(item.get(language)) for item in lesson.objectives),
        concepts=block(lesson.concepts),
        steps=tuple(
            StepPage(id=step.id, number=number, title=render_inline(step.title.get(language)),
                     body=block(step.body), commands=tuple(step.commands), hint=block(step.hint),
                     solution=block(step.solution))
            for number, step in enumerate(lesson.steps, start=1)
        ),
    )


# --- The catalogue of all modules -------------------------------------------------------------


@dataclass(frozen=True)
class Catalogue:
    """The modules that loaded, in course order, and the errors of those that did not."""

    lessons: tuple[Lesson, ...]
    errors: tuple[LessonError, ...] = ()
    _pages: dict = field(default_factory=dict, compare=False, repr=False)

    def pages(self, language: str) -> list[LessonPage]:
        return [self._page(lesson, language) for lesson in self.lessons]

    def page(self, lesson_id: str, language: str) -> LessonPage | None:
        lesson = next((lesson for lesson in self.lessons if lesson.id == lesson_id), None)
        return self._page(lesson, language) if lesson else None

    def neighbours(self, lesson_id: str, language: str) -> tuple[LessonPage | None, LessonPage | None]:
        ids = [lesson.id for lesson in self.lessons]
        if lesson_id not in ids:
            return None, None
        index = ids.index(lesson_id)
        previous = self._page(self.lessons[index - 1], language) if index > 0 else None
        following = self._page(self.lessons[index + 1], language) if index + 1 < len(ids) else None
        return previous, following

    def _page(self, lesson: Lesson, language: str) -> LessonPage:
        key = (lesson.id, language)
        if key not in self._pages:
            self._pages[key] = render_lesson(lesson, language)
        return self._pages[key]


@dataclass
class _CachedFile:
    stamp: tuple[int, int]
    lesson: Lesson | None
    errors: list[LessonError]


_FILE_NAME = re.compile(r"^\d+-[a-z0-9-]+\.yaml$")


class LessonLibrary:
    """Watches one lessons directory and hands out a Catalogue that is fresh with respect to it."""

    def __init__(self, directory: Path):
        self.directory = Path(directory)
        self._files: dict[Path, _CachedFile] = {}
        self._catalogue: Catalogue | None = None
        self._lock = threading.Lock()

    def catalogue(self) -> Catalogue:
        with self._lock:
            paths = sorted(self.directory.glob("*.yaml"))
            changed = set(self._files) != set(paths)
            for path in paths:
                try:
                    stat = path.stat()
                except OSError:
                    continue
                stamp = (stat.st_mtime_ns, stat.st_size)
                cached = self._files.get(path)
                if cached is None or cached.stamp != stamp:
                    self._files[path] = self._read(path, stamp)
                    changed = True
            for gone in set(self._files) - set(paths):
                del self._files[gone]
            if changed or self._catalogue is None:
                self._catalogue = self._assemble(paths)
            return self._catalogue

    @staticmethod
    def _read(path: Path, stamp: tuple[int, int]) -> _CachedFile:
        try:
            lesson = load_lesson_file(path)
        except LessonFileError as exc:
            for error in exc.errors:
                logger.error("lesson file skipped: %s", error)
            return _CachedFile(stamp, None, exc.errors)
        errors = []
        if not _FILE_NAME.match(path.name):
            errors.append(LessonError(path, 1, "the file name should look like '01-cluster.yaml'"))
            logger.warning("%s", errors[-1])
        return _CachedFile(stamp, lesson, errors)

    def _assemble(self, paths: list[Path]) -> Catalogue:
        lessons: list[Lesson] = []
        errors: list[LessonError] = []
        ids: dict[str, Path] = {}
        orders: dict[int, Path] = {}
        for path in paths:
            cached = self._files.get(path)
            if cached is None:
                continue
            errors.extend(cached.errors)
            lesson = cached.lesson
            if lesson is None:
                continue
            clash = None
            if lesson.id in ids:
                clash = f"id {lesson.id!r} is already used by {ids[lesson.id].name}"
            elif lesson.order in orders:
                clash = f"order {lesson.order} is already used by {orders[lesson.order].name}"
            if clash:
                error = LessonError(path, 1, clash)
                logger.error("lesson file skipped: %s", error)
                errors.append(error)
                continue
            ids[lesson.id] = path
            orders[lesson.order] = path
            lessons.append(lesson)
        lessons.sort(key=lambda lesson: lesson.order)
        return Catalogue(tuple(lessons), tuple(errors))


_libraries: dict[Path, LessonLibrary] = {}
_libraries_lock = threading.Lock()


def get_catalogue(directory: Path | None = None) -> Catalogue:
    """The current catalogue of ``settings.LESSONS_DIR`` (or of ``directory``)."""
    directory = Path(directory or settings.LESSONS_DIR)
    with _libraries_lock:
        library = _libraries.get(directory)
        if library is None:
            library = _libraries[directory] = LessonLibrary(directory)
    return library.catalogue()
