"""pipeline/quota.py: a project's data-tracker use and the one warning text every output gives."""

from __future__ import annotations

from autotracker.pipeline.quota import LEFT_OUT_SHOWN, QuotaUse, warning


def test_use_at_or_above_the_percent_warns_with_the_numbers() -> None:
    use = QuotaUse("p-1", "ap-southeast-1", None, used=90, warn_percent=90)
    assert use.warn and use.free == 10 and use.percent == 90
    text = warning(use.to_dict())
    assert text.startswith("project p-1 (ap-southeast-1): 90 of 100 data trackers used (90%")
    assert "the next 10 new bucket(s)" in text
    assert not QuotaUse("p-1", None, None, used=89, warn_percent=90).warn


def test_buckets_left_out_are_named_up_to_a_limit_and_counted_beyond_it() -> None:
    names = tuple(f"bucket-{i:03d}" for i in range(LEFT_OUT_SHOWN + 5))
    use = QuotaUse("p-1", None, "acct-1", 100, 90, names, len(names))
    text = warning(use.to_dict())
    assert "of account acct-1" in text and f"bucket-{LEFT_OUT_SHOWN - 1:03d}" in text
    assert f"bucket-{LEFT_OUT_SHOWN:03d}" not in text and "and 5 more" in text
    assert use.free == 0
