"""The `waypoint` console script: Django's management commands plus the project's own.

Commands may be typed with hyphens (`waypoint rotate-keys`) or underscores.
Configuration errors end the program with a one-line reason and exit status 2.
"""

import os
import sys


def main(argv=None) -> int:
    from waypoint.lib.private_files import use_private_umask

    use_private_umask()  # keys, databases, exports and restores: readable by this user only
    argv = list(sys.argv if argv is None else argv)
    argv[0] = "waypoint"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "waypoint.settings")
    from django.core.exceptions import ImproperlyConfigured

    try:
        import django

        django.setup()
    except ImproperlyConfigured as exc:
        print(f"waypoint: configuration error: {exc}", file=sys.stderr)
        return 2
    if len(argv) > 1 and "-" in argv[1] and not argv[1].startswith("-"):
        argv[1] = argv[1].replace("-", "_")
    from django.core.management import execute_from_command_line

    try:
        execute_from_command_line(argv)
    except ImproperlyConfigured as exc:
        print(f"waypoint: configuration error: {exc}", file=sys.stderr)
        return 2
    except Exception as exc:  # a database that cannot be reached, for instance
        from django.db import Error as DatabaseError

        if isinstance(exc, DatabaseError):
            print(f"waypoint: database error: {str(exc).splitlines()[0]}", file=sys.stderr)
            return 2
        raise
    return 0


if __name__ == "__main__":
    sys.exit(main())
