"""
The cache the API's throttles count in: diskcache's Django cache, SQLite files in CACHE_DIR that every worker process
of the machine shares, with no cache service to run.

Not Django's file cache: it writes each count as a new file renamed over the old one, about 1 ms of the 4 ms a
damage report's record takes in-process, against about 0.1 ms for diskcache's write (docs/performance.md).
"""

from diskcache import DjangoCache


class SharedDiskCache(DjangoCache):
    """
    diskcache's Django cache, kept open from one request to the next. Django closes every cache at the end of each
    request (`close_caches`), which for diskcache closes its SQLite connections for the next request to open again:
    that took as long as the write itself. Its connections are per thread and reopened in a forked process.
    """

    def close(self, **kwargs):
        pass
