"""What Django's error page may show with ROWBOOK_DEBUG on: no secret.

Django hides settings whose names look secret, but shows every local variable
of every frame: a stored database's decrypted password in a `password`
variable or a connection's params. This filter hides, in frames too, every
variable and every dict key whose name looks secret (Django's own rule), and
every value of a secret setting wherever it appears.
"""

from __future__ import annotations

from django.conf import settings
from django.views.debug import SafeExceptionReporterFilter

from rowbook import config


class SecretsHidden(SafeExceptionReporterFilter):
    def get_traceback_frame_variables(self, request, tb_frame):
        variables = super().get_traceback_frame_variables(request, tb_frame)
        return [(name, self.cleanse_setting(name, value)) for name, value in variables]

    def get_post_parameters(self, request):
        """Form fields named like a secret (password), without a decorator on each view."""
        params = super().get_post_parameters(request)
        if request is None or not params:
            return params
        cleansed = params.copy()
        for key in cleansed:
            if self.hidden_settings.search(key):
                cleansed[key] = self.cleansed_substitute
        return cleansed

    def cleanse_setting(self, key, value):
        cleansed = super().cleanse_setting(key, value)
        if isinstance(cleansed, str):  # a secret inside any text: a URL, a message, a repr
            # str(): a lazy string (django-axes' settings) passes isinstance but not re.
            cleansed = config.mask_url(str(cleansed))
            for secret in config.secrets_in(getattr(settings, "ENV", {})):
                cleansed = cleansed.replace(secret, self.cleansed_substitute)
        return cleansed
