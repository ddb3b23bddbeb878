def test_workers_start_with_forkserver_where_the_platform_would_fork():
    import multiprocessing
    import sys

    from playground.core.i18n import t
    from playground.data.loading import _worker_context

    if sys.platform == "linux":
        assert _worker_context() == "forkserver"
        if sys.version_info < (3, 14):  # Python 3.14 made forkserver the default on Linux
            assert multiprocessing.get_start_method(allow_none=True) in (None, "fork")
            assert multiprocessing.get_context().get_start_method() == "fork"
    assert "forkserver" in t("data.workers_help") and "forkserver" in t("data.workers_help", "zh")
