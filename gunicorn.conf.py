"""gunicorn settings for Anju (``gunicorn -c gunicorn.conf.py wsgi:app``)."""
import os
import subprocess
import sys

bind = os.environ.get("BIND", "127.0.0.1:8000")
workers = int(os.environ.get("WORKERS", "2"))
worker_class = "sync"  # measured faster than gthread for database pages on small machines
accesslog = os.environ.get("ACCESS_LOG", "-")  # a file under /var/log/anju on a server (deploy/)
errorlog = os.environ.get("ERROR_LOG", "-")
access_log_format = '%(h)s "%(r)s" %(s)s %(b)s %(M)sms'
logger_class = "app.logsafe.RedactingLogger"
# No control socket (gunicornc): systemd or make run manage the server, and several servers
# of one user (tests, a second instance) would fight over the one default path.
control_socket_disable = True

# ``make run`` sets JOBS_RUNNER=embedded: the background job runner (``flask jobs work``)
# starts and stops with this server, so one command runs everything on a fresh machine.
# A deployment runs it as its own systemd unit instead (deploy/anju-jobs.service).
_runner = None


def when_ready(server):
    global _runner
    if os.environ.get("JOBS_RUNNER") != "embedded":
        return
    command = [sys.executable, "-m", "flask", "--app", "wsgi", "jobs", "work", "--parent-pid", str(os.getpid())]
    _runner = subprocess.Popen(command)
    server.log.info("background job runner started (pid %s)", _runner.pid)


def on_exit(server):
    if _runner is not None and _runner.poll() is None:
        _runner.terminate()  # SIGTERM: the running job may finish, or goes back in the queue
        try:
            _runner.wait(timeout=30)
        except subprocess.TimeoutExpired:
            _runner.kill()
