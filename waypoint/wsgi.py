import os

from django.core.wsgi import get_wsgi_application

from waypoint.lib.private_files import use_private_umask

use_private_umask()  # files the app writes are readable by its own user only
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "waypoint.settings")
application = get_wsgi_application()
