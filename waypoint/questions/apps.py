from django.apps import AppConfig


class QuestionsConfig(AppConfig):
    name = "waypoint.questions"
    label = "questions"
    verbose_name = "Public questions and answers"
