"""A bare Flask app: the yardstick for what gunicorn and Flask cost by themselves."""

from flask import Flask

app = Flask(__name__)


@app.get("/")
def hello():
    return "Hello"
