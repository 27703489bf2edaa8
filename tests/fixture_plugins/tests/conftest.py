"""Stand-ins for the network: each records what a plugin sent and answers."""

import pytest


class Reply:
    status = 200

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        return False


class Opener:
    """urllib.request.urlopen's place: records each request or URL."""

    def __init__(self):
        self.sent = []

    def __call__(self, request):
        self.sent.append(request)
        return Reply()


class Connection:
    """http.client.HTTPSConnection's place."""

    def __init__(self, host, timeout):
        self.host, self.timeout, self.sent = host, timeout, []

    def request(self, method, path, body):
        self.sent.append((method, path, body))

    def getresponse(self):
        return Reply()


class Session:
    """A socket, an SMTP or an FTP connection: a context manager that records."""

    def __init__(self, *args, **kwargs):
        self.args, self.sent = args, []

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        return False

    def sendto(self, data, address):
        self.sent.append((data, address))
        return len(data)

    def send(self, data):
        self.sent.append(data)
        return len(data)

    def send_message(self, message):
        self.sent.append(message)
        return {}

    def login(self):
        self.sent.append("login")

    def storbinary(self, command, stream):
        self.sent.append((command, stream.read()))
        return "226 Transfer complete"


@pytest.fixture
def opener():
    return Opener()
