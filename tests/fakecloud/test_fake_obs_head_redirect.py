"""HEAD bucket's 301 in the fake: OBS answers 301 PermanentRedirect for a bucket of another
region on some endpoints, with the region in `x-obs-bucket-location` or without it."""

from __future__ import annotations

import fc_helpers as h
from fc_fixtures import bare_cloud

from fakecloud import FakeCloud


def test_head_bucket_can_answer_301_with_or_without_the_region() -> None:
    empty_cloud: FakeCloud = bare_cloud()
    from huaweicloudsdkobs.v1.model.get_bucket_metadata_request import GetBucketMetadataRequest

    empty_cloud.add_bucket("logs-eu", "eu-west-101")
    empty_cloud.add_bucket("logs-la", "la-south-2")
    empty_cloud.obs.redirect_head("logs-eu")
    empty_cloud.obs.redirect_head("logs-la", with_location=False)
    with empty_cloud.mock():
        client = h.obs_client(empty_cloud.endpoint("obs"))
        named = client.get_bucket_metadata(GetBucketMetadataRequest(bucket_name="logs-eu"))
        unnamed = client.get_bucket_metadata(GetBucketMetadataRequest(bucket_name="logs-la"))
    assert (named.status_code, named.x_obs_bucket_location) == (301, "eu-west-101")
    assert (unnamed.status_code, unnamed.x_obs_bucket_location) == (301, None)
    assert [(c.action, c.status) for c in empty_cloud.calls] == [("GetBucketMetadata", 301)] * 2
