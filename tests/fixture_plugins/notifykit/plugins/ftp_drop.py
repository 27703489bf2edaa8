"""FTP drop box: the message as a file in an upload folder."""

import ftplib
import io


def send(host: str, name: str, text: str, connect=ftplib.FTP) -> str:
    with connect(host, timeout=10) as ftp:
        ftp.login()
        return ftp.storbinary(f"STOR {name}", io.BytesIO(text.encode()))
