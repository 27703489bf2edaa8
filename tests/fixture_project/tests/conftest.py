import pytest


class FakeTransport:
    """Answers requests from a script of canned responses, recording each call."""

    def __init__(self, *responses):
        self.responses = list(responses)
        self.calls = []

    def __call__(self, method, path, body):
        self.calls.append((method, path, body))
        return self.responses.pop(0)


@pytest.fixture
def transport():
    return FakeTransport
