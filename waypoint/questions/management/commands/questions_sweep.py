from django.core.management.base import BaseCommand

from waypoint.questions.actions import remove_expired_public_text


class Command(BaseCommand):
    help = (
        "Apply the public site's retention rule now (the worker does it hourly): remove what "
        "people sent with questions and comments older than the clinic's period, then print "
        "the counts. Urgent questions nobody has handled are kept."
    )

    def handle(self, *args, **options):
        result = remove_expired_public_text()
        questions = ", ".join(f"{status} {n}" for status, n in result["questions"].items())
        self.stdout.write(
            f"period {result['days']} days; questions: {questions}; "
            f"comments {result['comments']}; rate-limit rows {result['ask_attempts']}"
        )
