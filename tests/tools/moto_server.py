"""moto's server, with one fix: IAM signature checks on bodiless requests.

When moto checks IAM (after /moto-api/reset-auth), it recomputes each
request's SigV4 signature; for a GET with no body it hashes its parsed
request data (for REST-JSON services such as Lambda and EKS, the headers)
instead of the empty body, so every such call fails with
SignatureDoesNotMatch, from boto3 as from any other SDK. This hashes the
empty body of GET, HEAD and DELETE requests as sent. Arguments are moto_server's.
"""
import sys

from moto.iam import access_control
from moto.server import main

_create = access_control.IAMRequestBase._create_aws_request


def _create_aws_request(self):
    if self._method in ("GET", "HEAD", "DELETE") and not self._body:
        saved, self._data = self._data, b""
        try:
            return _create(self)
        finally:
            self._data = saved
    return _create(self)


access_control.IAMRequestBase._create_aws_request = _create_aws_request

if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
