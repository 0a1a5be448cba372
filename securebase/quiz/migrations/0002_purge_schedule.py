"""Delete unfinished quizzes daily once their retention period is over."""

from django.db import migrations

from securebase.core.schedules import DJANGO_Q_DEPENDENCY, daily_schedule


class Migration(migrations.Migration):
    dependencies = [("quiz", "0001_initial"), DJANGO_Q_DEPENDENCY]

    operations = [daily_schedule("quiz-purge-unfinished", "securebase.quiz.tasks.purge_unfinished_sessions")]
