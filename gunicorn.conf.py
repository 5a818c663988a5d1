"""gunicorn settings for Anju (``gunicorn -c gunicorn.conf.py wsgi:app``)."""
import os

bind = os.environ.get("BIND", "127.0.0.1:8000")
workers = int(os.environ.get("WORKERS", "2"))
worker_class = "sync"  # measured faster than gthread for database pages on small machines
accesslog = "-"
access_log_format = '%(h)s "%(r)s" %(s)s %(b)s %(M)sms'
logger_class = "app.logsafe.RedactingLogger"
