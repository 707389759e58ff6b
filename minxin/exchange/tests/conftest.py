from minxin.api.tests.conftest import token_for  # noqa: F401  (a raw bearer token for a test-city username)
