"""English in Parley is British English: the formats of Django's en_GB locale."""

from django.conf.locale.en_GB.formats import *  # noqa: F403
