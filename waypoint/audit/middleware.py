from waypoint.audit import context


class AuditContextMiddleware:
    """Makes the request's address and path available to audit writes made during it."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        token = context.set_request(request)
        try:
            return self.get_response(request)
        finally:
            context.reset(token)
