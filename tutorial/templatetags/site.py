"""Template helpers shared by every page: the links of the language switch."""

from dataclasses import dataclass

from django import template
from django.conf import settings
from django.urls import translate_url
from django.utils.translation import get_language, get_language_info

register = template.Library()


@dataclass(frozen=True)
class LanguageLink:
    code: str
    name: str
    url: str
    current: bool


@register.simple_tag(takes_context=True)
def language_links(context) -> list[LanguageLink]:
    """One link per site language to this same page in that language (same module, same query)."""
    request = context.get("request")
    here = request.get_full_path() if request else "/"
    current = get_language()
    return [
        LanguageLink(code, get_language_info(code)["name_local"], translate_url(here, code), code == current)
        for code, _name in settings.LANGUAGES
    ]
