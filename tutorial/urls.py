"""Page routes of the course; config/urls.py mounts them under a language prefix (/en/, /ja/)."""

from django.urls import path

from . import views

app_name = "tutorial"

urlpatterns = [
    path("", views.index, name="index"),
    path("modules/<slug:slug>/", views.module, name="module"),
    path("modules/<slug:slug>/reset/", views.reset_module, name="reset-module"),
]
