"""What every plugin shares: the JSON body of a message."""

import json


def body(**fields) -> bytes:
    return json.dumps(fields, sort_keys=True).encode()
