from axes.backends import AxesStandaloneBackend


class LoginThrottleBackend(AxesStandaloneBackend):
    """django-axes' lockout check for every sign-in that comes over the network.

    Axes refuses to run without a request; code that checks a password in-process
    (tests' Client.login, a management command) has no remote attacker to throttle,
    so there the check steps aside and ModelBackend decides alone.
    """

    def authenticate(self, request, username=None, password=None, **kwargs):
        if request is None:
            return None
        return super().authenticate(request, username=username, password=password, **kwargs)
