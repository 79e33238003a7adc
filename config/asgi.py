"""ASGI entry point: HTTP through Django, WebSockets through Channels.

The WebSocket side only accepts connections from this site's own pages (origin checked against
``ALLOWED_HOSTS``) and knows the learner by the session cookie.
"""

import os
import resource

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

# Each open terminal holds about four descriptors (socket, pty, pidfd, state channel): lift the
# soft limit to the hard one so a classroom of 300 does not stop at the usual 1024.
_soft, _hard = resource.getrlimit(resource.RLIMIT_NOFILE)
_wanted = 65536 if _hard == resource.RLIM_INFINITY else _hard
if _soft != resource.RLIM_INFINITY and _soft < _wanted:
    resource.setrlimit(resource.RLIMIT_NOFILE, (_wanted, _hard))

from django.core.asgi import get_asgi_application  # noqa: E402

django_asgi_app = get_asgi_application()

from channels.auth import AuthMiddlewareStack  # noqa: E402
from channels.routing import ProtocolTypeRouter, URLRouter  # noqa: E402
from channels.security.websocket import AllowedHostsOriginValidator  # noqa: E402
from django.conf import settings  # noqa: E402

from tutorial.routing import websocket_urlpatterns  # noqa: E402

http_app = django_asgi_app
if settings.SERVE_STATIC:
    from django.contrib.staticfiles.handlers import ASGIStaticFilesHandler

    http_app = ASGIStaticFilesHandler(django_asgi_app)

application = ProtocolTypeRouter({
    "http": http_app,
    "websocket": AllowedHostsOriginValidator(AuthMiddlewareStack(URLRouter(websocket_urlpatterns))),
})
