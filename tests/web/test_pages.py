"""The lesson pages in both languages, and the lesson loader that feeds them."""

import os
import re
import textwrap
from dataclasses import replace
from pathlib import Path

import pytest
from django.conf import settings
from django.template.loader import render_to_string
from django.utils import translation
from django.utils.safestring import mark_safe

from tutorial.lessons import LessonFileError, get_catalogue, load_lesson_file

TITLES = {
    "en": ["Create a cluster", "Deploy an app", "Explore your app", "Expose your app", "Scale your app",
           "Update your app"],
    "ja": ["クラスターを作成する", "アプリをデプロイする", "アプリを調べる", "アプリを公開する", "アプリをスケールする",
           "アプリを更新する"],
}

GOOD_LESSON = """\
id: {id}
order: {order}
title:
  en: Title {order}
  ja: タイトル {order}
summary:
  en: Summary {order}.
  ja: 概要 {order}。
"""


def write(directory: Path, name: str, text: str) -> Path:
    path = directory / name
    path.write_text(textwrap.dedent(text), encoding="utf-8")
    return path


def text_of(response) -> str:
    return response.content.decode()


# --- Pages ------------------------------------------------------------------------------------

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("lang", ["en", "ja"])
def test_index_lists_the_six_modules_in_order(client, lang):
    page = text_of(client.get(f"/{lang}/"))
    positions = [page.index(title) for title in TITLES[lang]]
    assert positions == sorted(positions)
    for slug in ["cluster", "deploy", "explore", "expose", "scale", "update"]:
        assert f'href="/{lang}/modules/{slug}/"' in page


@pytest.mark.parametrize("lang", ["en", "ja"])
def test_pages_declare_their_language(client, lang):
    assert f'<html lang="{lang}">' in text_of(client.get(f"/{lang}/"))
    assert f'<html lang="{lang}">' in text_of(client.get(f"/{lang}/modules/cluster/"))


@pytest.mark.parametrize(("accept", "target"), [("ja,en;q=0.5", "/ja/"), ("en-US,en;q=0.9", "/en/")])
def test_root_redirects_to_the_language_the_browser_prefers(client, accept, target):
    response = client.get("/", HTTP_ACCEPT_LANGUAGE=accept)
    assert response.status_code == 302
    assert response["Location"] == target


@pytest.mark.parametrize(("lang", "lesson_text", "command"), [
    ("en", "is the part that makes decisions", "minikube start"),
    ("ja", "コントロールプレーン", "minikube start"),
])
def test_module_page_pairs_the_lesson_with_the_terminal(client, lang, lesson_text, command):
    page = text_of(client.get(f"/{lang}/modules/cluster/"))
    assert lesson_text in page
    assert TITLES[lang][0] in page
    assert f'<button type="button" class="run" data-command="{command}"' in page
    terminals = re.search(r'<section class="terminal-pane" id="terminals"[^>]*>', page).group(0)
    assert 'data-socket-path="/ws/terminal/"' in terminals
    assert f'data-lang="{lang}"' in terminals
    assert 'data-module="cluster"' in terminals
    assert "data-text-ended=" in terminals
    for script in ["vendor/xterm/xterm.js", "vendor/xterm/addon-fit.js", "vendor/xterm/addon-unicode11.js",
                   "js/terminal.js", "js/terminals.js", "js/lesson.js"]:
        assert f'src="/static/{script}"' in page


def test_module_page_mentions_every_command_of_module_one(client):
    page = text_of(client.get("/en/modules/cluster/"))
    for command in ["minikube version", "minikube start", "kubectl version", "kubectl cluster-info",
                    "kubectl get nodes", "kubectl get nodes --help"]:
        assert f'data-command="{command}"' in page
    assert 'data-command="kubectl"' in page


def test_module_page_gives_the_learner_a_session(client):
    response = client.get("/en/modules/cluster/")
    assert response.cookies[settings.SESSION_COOKIE_NAME].value


def test_module_page_keeps_an_existing_session(client):
    first = client.get("/en/modules/cluster/").cookies[settings.SESSION_COOKIE_NAME].value
    second = client.get("/ja/modules/deploy/")
    assert settings.SESSION_COOKIE_NAME not in second.cookies
    assert client.session.session_key == first


@pytest.mark.parametrize(("here", "there"), [
    ("/en/modules/cluster/", '<a href="/ja/modules/cluster/" hreflang="ja"'),
    ("/ja/modules/scale/", '<a href="/en/modules/scale/" hreflang="en"'),
    ("/ja/", '<a href="/en/" hreflang="en"'),
])
def test_language_switch_stays_on_the_same_page(client, here, there):
    assert there in text_of(client.get(here))


def test_japanese_interface_strings_are_translated(client):
    page = text_of(client.get("/ja/modules/cluster/"))
    assert "ターミナル" in page
    assert "やってみよう" in page
    assert "セッションが終了しました" in page
    assert "Try it" not in page


@pytest.mark.parametrize(("lang", "label"), [("en", "Terminal"), ("ja", "ターミナル")])
def test_lesson_page_offers_two_terminal_tabs_and_two_more_behind_the_plus(client, lang, label):
    page = text_of(client.get(f"/{lang}/modules/cluster/"))
    tabs = re.findall(r'<button type="button" role="tab"[^>]*>[^<]*</button>', page)
    assert [re.search(r">([^<]*)<", tab).group(1) for tab in tabs] == [f"{label} {n}" for n in range(1, 5)]
    assert ['aria-selected="true"' in tab for tab in tabs] == [True, False, False, False]
    assert [" hidden>" in tab for tab in tabs] == [False, False, True, True]
    assert all(f'aria-controls="terminal-panel-{n}"' in tab for n, tab in enumerate(tabs, start=1))
    assert len(re.findall(r'role="tabpanel"', page)) == 4
    assert 'class="terminal-add" aria-label="' in page


def test_lesson_page_run_buttons_name_their_terminal_tab(client):
    page = text_of(client.get("/en/modules/deploy/"))
    proxy = re.search(r'<div class="command">\s*<code class="command-text">kubectl proxy</code>.*?</div>', page,
                      re.S).group(0)
    assert '<span class="command-tab">Terminal 2</span>' in proxy
    assert 'data-tab="2" data-interrupt' in proxy
    assert 'title="Press Ctrl-C in terminal 2, then run this command there"' in proxy
    assert 'data-command="kubectl get deployments" data-tab="1"' in page
    assert 'title="Run this command in terminal 1"' in page


def test_lesson_page_run_buttons_of_interrupting_commands_say_so(client, settings, tmp_path):
    settings.LESSONS_DIR = tmp_path
    write(tmp_path, "01-one.yaml", GOOD_LESSON.format(id="one", order=1) + textwrap.dedent("""\
        steps:
          - id: restart-proxy
            title: {en: Restart the proxy, ja: プロキシを再起動する}
            commands:
              - {run: kubectl proxy, tab: 2, interrupt: true}
        """))
    page = text_of(client.get("/ja/modules/one/"))
    assert 'data-tab="2" data-interrupt' in page
    assert "ターミナル 2 で Ctrl-C を押してから、このコマンドを実行します" in page


def render_module_page(rf, lesson, **context) -> str:
    """The module template alone, in English, with the context given (as the view would pass it)."""
    with translation.override("en"):
        return render_to_string("module.html", {"lesson": lesson, "lessons": [lesson], **context},
                                request=rf.get(f"/en/modules/{lesson.id}/"))


def test_lesson_page_shows_the_steps_passed_before_it_loaded(rf):
    lesson = get_catalogue(settings.BASE_DIR / "lessons").page("cluster", "en")
    page = render_module_page(rf, lesson, passed_steps=["minikube-version", "get-nodes"])
    assert re.findall(r'<li class="step passed" id="step-([a-z-]+)"', page) == ["minikube-version", "get-nodes"]
    assert '<li class="step" id="step-minikube-start"' in page


def test_lesson_page_folds_hints_and_solutions(rf):
    lesson = get_catalogue(settings.BASE_DIR / "lessons").page("cluster", "en")
    step = {"id": "look", "number": 1, "title": "Look", "body": "", "commands": [],
            "hint": mark_safe("<p>Try <code>get</code>.</p>"), "solution": mark_safe("<p>kubectl get pods</p>")}
    page = render_module_page(rf, replace(lesson, steps=(step,)))
    assert '<details class="hint"><summary>Hint</summary><p>Try <code>get</code>.</p></details>' in page
    assert '<details class="solution"><summary>Show the solution</summary><p>kubectl get pods</p></details>' in page


@pytest.mark.parametrize(("lang", "button", "question"), [
    ("en", "Reset this module", "Reset this module?"),
    ("ja", "このモジュールをリセット", "このモジュールをリセットしますか？"),
])
def test_lesson_page_resets_the_module_only_after_a_confirmation(client, lang, button, question):
    page = text_of(client.get(f"/{lang}/modules/scale/"))
    assert (f'aria-haspopup="dialog"\n                data-reset-url="/{lang}/modules/scale/reset/">{button}</button>'
            in page)
    dialog = re.search(r'<dialog id="reset-dialog".*?</dialog>', page, re.S).group(0)
    assert f">{question}</h2>" in dialog
    assert 'class="cancel" autofocus' in dialog


def test_english_interface_is_not_translated(client):
    page = text_of(client.get("/en/modules/cluster/"))
    assert "Try it" in page
    assert "[the session ended - press Enter to reconnect]" in page


def test_every_interface_string_has_a_japanese_translation():
    from babel.messages.pofile import read_po

    with open(settings.BASE_DIR / "locale/ja/LC_MESSAGES/django.po", "rb") as po_file:
        catalog = read_po(po_file)
    missing = [message.id for message in catalog if message.id and (
        message.fuzzy or not all(message.string if isinstance(message.string, tuple) else [message.string]))]
    assert missing == []


def test_modules_without_steps_say_so(client, settings, tmp_path):
    settings.LESSONS_DIR = tmp_path
    write(tmp_path, "01-one.yaml", GOOD_LESSON.format(id="one", order=1))
    page = text_of(client.get("/ja/modules/one/"))
    assert "準備中" in page
    assert 'class="run"' not in page


def test_every_module_of_the_course_has_steps_to_run(client):
    for slug in ("cluster", "deploy", "explore", "expose", "scale", "update"):
        assert 'class="run"' in text_of(client.get(f"/en/modules/{slug}/")), slug


def test_unknown_module_is_not_found(client):
    assert client.get("/en/modules/nope/").status_code == 404


def test_pager_links_the_neighbouring_modules(client):
    page = text_of(client.get("/en/modules/explore/"))
    assert 'href="/en/modules/deploy/" rel="prev"' in page
    assert 'href="/en/modules/expose/" rel="next"' in page


def test_a_broken_lesson_file_leaves_the_other_modules_online(client, settings, tmp_path):
    settings.LESSONS_DIR = tmp_path
    settings.DEBUG = True
    write(tmp_path, "01-one.yaml", GOOD_LESSON.format(id="one", order=1))
    write(tmp_path, "02-two.yaml", "id: two\norder: 2\ntitle: [unclosed\n")
    write(tmp_path, "03-three.yaml", GOOD_LESSON.format(id="three", order=3))
    page = text_of(client.get("/en/"))
    assert "Title 1" in page and "Title 3" in page
    assert "02-two.yaml:4: YAML syntax" in page  # listed for the author while DEBUG is on
    assert client.get("/en/modules/three/").status_code == 200
    assert client.get("/en/modules/two/").status_code == 404


def test_lesson_markdown_is_sanitised(client, settings, tmp_path):
    settings.LESSONS_DIR = tmp_path
    write(tmp_path, "01-one.yaml", GOOD_LESSON.format(id="one", order=1) + textwrap.dedent("""\
        concepts:
          en: "Hello <script>alert(1)</script> [link](javascript:alert(1)) <a href='x' onclick='y'>a</a> **bold**"
          ja: "こんにちは"
        """))
    page = text_of(client.get("/en/modules/one/"))
    assert "<strong>bold</strong>" in page
    assert "<script>alert" not in page
    assert "<a href='x'" not in page and "onclick='y'>" not in page
    assert 'href="javascript' not in page


def test_lesson_markdown_shows_only_the_sites_own_diagrams(client, settings, tmp_path):
    settings.LESSONS_DIR = tmp_path
    write(tmp_path, "01-one.yaml", GOOD_LESSON.format(id="one", order=1) + textwrap.dedent("""\
        concepts:
          en: |
            ![ours](/static/img/lessons/01-cluster.svg)
            ![tracker](https://example.com/pixel.svg) ![protocol relative](//example.com/static/img/a.svg)
            ![climbing out](/static/img/../../media/secret.svg)
            <img src="/static/img/lessons/01-cluster.svg" onerror="alert(1)">
          ja: "こんにちは"
        """))
    page = text_of(client.get("/en/modules/one/"))
    concepts = re.search(r'<section class="concepts">(.*?)</section>', page, re.S).group(1)
    images = re.findall(r"<img[^>]*>", concepts)
    assert [image for image in images if "src=" in image] == ['<img src="/static/img/lessons/01-cluster.svg" alt="ours">']
    assert len(images) == 4
    assert "example.com" not in concepts and "secret.svg" not in concepts
    assert not any("onerror" in image for image in images)


LESSON_IMAGE = re.compile(r"!\[([^\]]+)\]\(([^)\s]+)\)")


@pytest.mark.parametrize("lang", ["en", "ja"])
def test_every_diagram_a_lesson_references_exists_and_shows_on_its_page(client, lang):
    catalogue = get_catalogue(settings.BASE_DIR / "lessons")
    for lesson in catalogue.lessons:
        markdown = lesson.concepts.get(lang)
        references = LESSON_IMAGE.findall(markdown)
        assert references, f"module {lesson.id} has no diagram in {lang}"
        page = text_of(client.get(f"/{lang}/modules/{lesson.id}/"))
        for alt, src in references:
            assert src.startswith(settings.STATIC_URL)
            assert (settings.BASE_DIR / "static" / src.removeprefix(settings.STATIC_URL)).is_file(), src
            assert f'<img src="{src}" alt="{alt}">' in page


# --- The loader -------------------------------------------------------------------------------


def test_every_shipped_lesson_is_valid():
    catalogue = get_catalogue(settings.BASE_DIR / "lessons")
    assert [str(error) for error in catalogue.errors] == []
    assert [lesson.id for lesson in catalogue.lessons] == ["cluster", "deploy", "explore", "expose", "scale",
                                                           "update"]
    assert [lesson.order for lesson in catalogue.lessons] == [1, 2, 3, 4, 5, 6]


def test_broken_yaml_is_reported_with_file_and_line(tmp_path):
    path = write(tmp_path, "01-one.yaml", """\
        id: one
        order: 1
        title:
          en: "unterminated
          ja: x
        """)
    with pytest.raises(LessonFileError) as caught:
        load_lesson_file(path)
    message = str(caught.value)
    assert re.match(rf"{re.escape(str(path))}:\d+: YAML syntax", message)
    assert caught.value.errors[0].line in (4, 5, 6)


def test_a_missing_language_is_an_error_on_its_line(tmp_path):
    path = write(tmp_path, "01-one.yaml", """\
        id: one
        order: 1
        title:
          en: Only English
        summary:
          en: Summary.
          ja: 概要。
        """)
    with pytest.raises(LessonFileError) as caught:
        load_lesson_file(path)
    [error] = caught.value.errors
    assert error.line == 3
    assert "'ja' text is missing" in error.message
    assert str(error).endswith("01-one.yaml:3: title: the 'ja' text is missing (every text needs en, ja)")


def test_an_empty_text_counts_as_missing(tmp_path):
    path = write(tmp_path, "01-one.yaml", GOOD_LESSON.format(id="one", order=1).replace("ja: 概要 1。", 'ja: "  "'))
    with pytest.raises(LessonFileError) as caught:
        load_lesson_file(path)
    assert caught.value.errors[0].line == 8


def test_an_unknown_key_is_an_error_on_its_line(tmp_path):
    path = write(tmp_path, "01-one.yaml", GOOD_LESSON.format(id="one", order=1) + textwrap.dedent("""\
        steps:
          - id: first
            title: {en: First, ja: 最初}
            note: not part of the schema
        """))
    with pytest.raises(LessonFileError) as caught:
        load_lesson_file(path)
    [error] = caught.value.errors
    assert error.line == 12
    assert error.message == "unknown key 'steps.0.note'"


def test_a_duplicated_key_is_an_error(tmp_path):
    path = write(tmp_path, "01-one.yaml", GOOD_LESSON.format(id="one", order=1) + "order: 2\n")
    with pytest.raises(LessonFileError) as caught:
        load_lesson_file(path)
    assert caught.value.errors[0].line == 9
    assert "'order' appears twice" in caught.value.errors[0].message


def test_commands_may_be_written_as_plain_strings(tmp_path):
    path = write(tmp_path, "01-one.yaml", GOOD_LESSON.format(id="one", order=1) + textwrap.dedent("""\
        steps:
          - id: first
            title: {en: First, ja: 最初}
            commands:
              - minikube start
              - {run: kubectl proxy, tab: 2}
        """))
    commands = load_lesson_file(path).steps[0].commands
    assert [(command.run, command.tab) for command in commands] == [("minikube start", 1), ("kubectl proxy", 2)]


def test_the_catalogue_keeps_the_good_modules_when_one_file_is_broken(tmp_path, caplog):
    write(tmp_path, "01-one.yaml", GOOD_LESSON.format(id="one", order=1))
    write(tmp_path, "02-two.yaml", GOOD_LESSON.format(id="two", order=2).replace("  ja: タイトル 2\n", ""))
    write(tmp_path, "03-three.yaml", GOOD_LESSON.format(id="three", order=3))
    catalogue = get_catalogue(tmp_path)
    assert [lesson.id for lesson in catalogue.lessons] == ["one", "three"]
    [error] = catalogue.errors
    assert error.path.name == "02-two.yaml" and error.line == 3
    assert "02-two.yaml:3" in caplog.text


def test_duplicate_ids_keep_the_first_file(tmp_path):
    write(tmp_path, "01-one.yaml", GOOD_LESSON.format(id="one", order=1))
    write(tmp_path, "02-one.yaml", GOOD_LESSON.format(id="one", order=2))
    catalogue = get_catalogue(tmp_path)
    assert [lesson.order for lesson in catalogue.lessons] == [1]
    assert "already used by 01-one.yaml" in catalogue.errors[0].message


def test_a_changed_file_is_read_again(tmp_path):
    path = write(tmp_path, "01-one.yaml", GOOD_LESSON.format(id="one", order=1))
    assert get_catalogue(tmp_path).page("one", "en").title == "Title 1"
    path.write_text(path.read_text().replace("Title 1", "Renamed"), encoding="utf-8")
    stat = path.stat()
    os.utime(path, ns=(stat.st_atime_ns, stat.st_mtime_ns + 1_000_000_000))
    assert get_catalogue(tmp_path).page("one", "en").title == "Renamed"
    path.write_text("id: [broken\n", encoding="utf-8")
    assert get_catalogue(tmp_path).lessons == ()
    path.unlink()
    assert get_catalogue(tmp_path).errors == ()


def test_pages_are_rendered_per_language():
    catalogue = get_catalogue(settings.BASE_DIR / "lessons")
    english, japanese = catalogue.page("cluster", "en"), catalogue.page("cluster", "ja")
    assert english.title == "Create a cluster" and japanese.title == "クラスターを作成する"
    assert "<strong>kubelet</strong>" in english.concepts and "<strong>kubelet</strong>" in japanese.concepts
    assert [step.number for step in english.steps] == list(range(1, len(english.steps) + 1))


def test_a_here_document_command_keeps_its_lines_but_not_the_final_newline(tmp_path):
    path = write(tmp_path, "01-one.yaml", GOOD_LESSON.format(id="one", order=1) + textwrap.dedent("""\
        steps:
          - id: apply
            title: {en: Apply, ja: 適用}
            commands:
              - |
                cat <<EOF
                hello
                EOF
        """))
    assert load_lesson_file(path).steps[0].commands[0].run == "cat <<EOF\nhello\nEOF"


def test_a_step_solution_is_rendered_folded(client, settings, tmp_path):
    settings.LESSONS_DIR = tmp_path
    write(tmp_path, "01-one.yaml", GOOD_LESSON.format(id="one", order=1) + textwrap.dedent("""\
        steps:
          - id: look
            title: {en: Look, ja: 見る}
            commands: [kubectl get pods]
            solution: {en: "Run `kubectl get pods`.", ja: "`kubectl get pods` を実行します。"}
        """))
    page = text_of(client.get("/en/modules/one/"))
    assert '<details class="solution">' in page and "<code>kubectl get pods</code>" in page
