"""The benchmark's ceiling: a bare Django "hello" WSGI application.

`make bench` serves it with gunicorn next to the portal, with the same gunicorn
configuration (gunicorn.conf.py: worker class, workers, threads), and reports each
page's throughput as a share of this one's, measured in the same run. Nothing in it
reads a database, a cache, a template or a session: it is what Django itself costs
per request on this machine.
"""
