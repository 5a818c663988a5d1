"""A bare Flask app with one route: the reference for the card page's throughput (DESIGN §6).

    gunicorn -c gunicorn.conf.py --pythonpath bench hello:app

``bench/card_page.py`` serves it beside the real app, on the same gunicorn settings.
"""
from flask import Flask

app = Flask(__name__)


@app.get("/")
def hello():
    return "hello"
