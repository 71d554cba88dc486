"""OBS: the bucket listing (with each bucket's location), HEAD bucket, writing report objects and
reading them back (ListObjects under a prefix, GetObject); OBS's XML answers and errors."""

from __future__ import annotations

from typing import Any, Dict, List, Optional, Tuple

from huaweicloudsdkcore.exceptions.exception_handler import DefaultExceptionHandler
from huaweicloudsdkcore.exceptions.exceptions import (
    ClientRequestException,
    SdkError,
    ServerResponseException,
    ServiceResponseException,
)

from ..contract import ErrorCode
from ..settings import REGION
from ..untrusted import shown
from .clients import Core, raw_invoker
from .errors import CloudError, nothing_sent

_HEAD_STATUS = {
    403: "access denied (the bucket is another account's, or the agency lacks obs:bucket:HeadBucket)",
    404: "no such bucket",
}


def _xml_root(content: bytes) -> Any:
    """An OBS answer's XML root, with the standard library's parser, hardened: a document with
    a DTD (where entity expansion lives) is refused; ValueError when it is not XML."""
    from xml.etree import ElementTree

    if b"<!DOCTYPE" in content or b"<!ENTITY" in content:
        raise ValueError("a DTD is not expected in an OBS answer")
    try:
        return ElementTree.fromstring(content)
    except ElementTree.ParseError as error:
        raise ValueError(str(error)) from None


def _namespace(root: Any) -> str:
    return str(root.tag[: root.tag.index("}") + 1]) if root.tag.startswith("{") else ""


def bucket_listing(content: bytes) -> List[Dict[str, Optional[str]]]:
    """`<ListAllMyBucketsResult>`'s buckets as {name, location}."""
    root = _xml_root(content)
    namespace = _namespace(root)
    buckets: List[Dict[str, Optional[str]]] = []
    for bucket in root.iter(namespace + "Bucket"):
        name = (bucket.findtext(namespace + "Name") or "").strip()
        if name:
            buckets.append({"name": name, "location": (bucket.findtext(namespace + "Location") or "").strip() or None})
    return buckets


def object_listing(content: bytes) -> Tuple[List[str], Optional[str]]:
    """`<ListBucketResult>`'s keys, and the marker of the next page (None on the last)."""
    root = _xml_root(content)
    namespace = _namespace(root)
    keys = [(c.findtext(namespace + "Key") or "") for c in root.iter(namespace + "Contents")]
    keys = [key for key in keys if key]
    truncated = (root.findtext(namespace + "IsTruncated") or "").strip().lower() == "true"
    following = (root.findtext(namespace + "NextMarker") or "").strip() or (keys[-1] if keys else "")
    return keys, (following if truncated and following else None)


class ObsErrorHandler(DefaultExceptionHandler):
    """OBS answers errors in XML (`<Error><Code/><Message/><RequestId/>...`) with the id in
    `x-obs-request-id`; the SDK's default handler reads JSON and `X-Request-Id` only, so an OBS
    error would surface as code "404" with the XML as its message and no request id."""

    def handle_exception(self, request: Any, response: Any) -> None:
        if response.status_code < 400:
            return
        try:
            root = _xml_root(response.content or b"")
        except ValueError:
            root = None
        if root is None or root.tag.rsplit("}", 1)[-1] != "Error":
            try:  # not OBS's XML: JSON from a gateway, or nothing (HEAD, a plain 403)
                super().handle_exception(request, response)
            except ServiceResponseException as refused:  # the default reads X-Request-Id only
                refused.request_id = refused.request_id or response.headers.get("x-obs-request-id")
                raise
            return
        namespace = _namespace(root)

        def text(name: str) -> Optional[str]:
            return (root.findtext(namespace + name) or "").strip() or None

        request_id = response.headers.get("x-obs-request-id") or text("RequestId")
        status = response.status_code
        error = SdkError(request_id, text("Code") or str(status), text("Message") or f"OBS answered {status}")
        raise ClientRequestException(status, error) if status < 500 else ServerResponseException(status, error)


OBS_ERRORS = ObsErrorHandler()


class Obs(Core):
    def list_buckets(self, region: str) -> List[Dict[str, Optional[str]]]:
        """Every bucket of the account (OBS lists all regions from any endpoint), asking for each
        one's location with `x-obs-location: true`: huaweicloudsdkobs does not send it by itself,
        and without it the answer has no `<Location>`. A bucket still without one has `None`.

        The SDK signs, sends and checks the answer as usual; the listing itself (1.5 MB of XML at
        10,000 buckets) is read with the standard library instead of the SDK's generic
        XML-to-model conversion, which costs twice as much."""
        from huaweicloudsdkobs.v1.model.list_buckets_request import ListBucketsRequest
        from huaweicloudsdkobs.v1.obs_client import ObsClient

        info = ObsClient._list_buckets_http_info(ListBucketsRequest())
        invoker = raw_invoker(self._obs(region), info, "huaweicloudsdkobs.v1").add_header("x-obs-location", "true")
        response = self._call(invoker.invoke)
        try:
            return bucket_listing(response.content)
        except ValueError as error:
            raise CloudError(ErrorCode.INVALID_RESPONSE, f"OBS ListBuckets answered unreadable XML: {error}") from None

    def bucket_location(self, region: str, bucket: str) -> Optional[str]:
        """A bucket's region from HEAD bucket (GetBucketMetadata's `x-obs-bucket-location`): the
        official Python SDK has no GetBucketLocation, and HEAD answers the same question. The
        answer is untrusted: it becomes an IAM filter and a CTS host, so only a region name is
        used. OBS may answer 301 (a bucket of another region, on some endpoints): its location
        header is read if present; without it the region cannot be told, and that is an error."""
        from huaweicloudsdkobs.v1.model.get_bucket_metadata_request import GetBucketMetadataRequest

        client = self._obs(region)
        try:
            response = self._call(lambda: client.get_bucket_metadata(GetBucketMetadataRequest(bucket_name=bucket)))
        except CloudError as error:
            if not error.message.strip():  # HEAD answers have no body: say what the status means
                error.message = _HEAD_STATUS.get(error.status or 0, f"HTTP {error.status} (HEAD answers carry no body)")
            raise
        found = getattr(response, "x_obs_bucket_location", None)
        location = str(found).strip() if found else ""
        if getattr(response, "status_code", None) == 301 and not location:
            message = "HEAD bucket answered 301 (the bucket is in another region) without naming its region"
            raise CloudError(ErrorCode.LOCATION_UNKNOWN, message, status=301)
        if location and not REGION.match(location):
            raise CloudError(ErrorCode.LOCATION_UNKNOWN, f"HEAD bucket named no region: {shown(location)!r}")
        return location or None

    def put_object(self, region: str, bucket: str, key: str, data: bytes, content_type: str) -> None:
        """Write one object (OBS PutObject). Retried only when surely not written: a report object
        is then written once, or reported as not written."""
        import io

        from huaweicloudsdkobs.v1.model.put_object_request import PutObjectRequest

        client = self._obs(region)

        def call() -> Any:
            request = PutObjectRequest(stream=io.BytesIO(data), bucket_name=bucket, object_key=key)
            return client.put_object_invoker(request).add_header("Content-Type", content_type).invoke()

        self._call(call, retry_on=nothing_sent)

    def list_keys(self, region: str, bucket: str, prefix: str) -> List[str]:
        """Every key under `prefix` (ListObjects, 1,000 a page, in key order). Read with the
        standard library, as the bucket listing is."""
        from huaweicloudsdkobs.v1.model.list_objects_request import ListObjectsRequest
        from huaweicloudsdkobs.v1.obs_client import ObsClient

        client = self._obs(region)
        keys: List[str] = []
        marker: Optional[str] = None
        while True:
            request = ListObjectsRequest(bucket_name=bucket, prefix=prefix, max_keys=1000)
            if marker:
                request.marker = marker
            invoker = raw_invoker(client, ObsClient._list_objects_http_info(request), "huaweicloudsdkobs.v1")
            response = self._call(invoker.invoke)
            try:
                page, marker = object_listing(response.content)
            except ValueError as error:
                message = f"OBS ListObjects answered unreadable XML: {error}"
                raise CloudError(ErrorCode.INVALID_RESPONSE, message) from None
            keys.extend(page)
            if marker is None or not page:
                return keys

    def get_object(self, region: str, bucket: str, key: str) -> Optional[bytes]:
        """An object's bytes (GetObject), or None when there is no such key."""
        from huaweicloudsdkobs.v1.model.get_object_request import GetObjectRequest
        from huaweicloudsdkobs.v1.obs_client import ObsClient

        info = ObsClient._get_object_http_info(GetObjectRequest(bucket_name=bucket, object_key=key))
        invoker = raw_invoker(self._obs(region), info, "huaweicloudsdkobs.v1")
        try:
            return bytes(self._call(invoker.invoke).content or b"")
        except CloudError as error:
            if error.code == "NoSuchKey":
                return None
            raise

    def _obs(self, region: str) -> Any:
        from huaweicloudsdkobs.v1.obs_client import ObsClient
        from huaweicloudsdkobs.v1.obs_credentials import ObsCredentials

        credentials = ObsCredentials(self._credentials.ak, self._credentials.sk, self._credentials.security_token)
        return self._client("obs", ObsClient, region, "", credentials, OBS_ERRORS)
