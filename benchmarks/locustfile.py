"""Locust scenario: visitors take the adaptive quiz through the HTML pages, as a phone would.

Run by ``benchmarks/load_test.py`` (which starts the site, picks the user classes by
name and reads the numbers); it can also be pointed at any running site:
``locust -f benchmarks/locustfile.py --host URL QuizVisitor HealthProbe``.

Each simulated visitor is a person with their own attachment tendencies (anxiety and
avoidance drawn from a standard normal), answers every statement consistently with them
plus noise (reverse-keyed items flipped), waits between screens like a fast reader, and
follows exactly the requests a browser without JavaScript makes: the start page, the
start form (with its CSRF token), one POST per answer to the address of the question on
screen followed by the redirect's GET, and the result page. The time a person waits
for the next question (the POST and the GET together) is recorded as one more entry,
"answer step (POST + next question)": the figure the performance budget is about. A
small fixed group of probes requests ``/healthz`` at the same time, to show what the
same stack costs for a trivial answer.
"""

from __future__ import annotations

import itertools
import os
import random
import re
import sys
import time
from pathlib import Path
from typing import Any

from locust import FastHttpUser, between, constant, task
from locust.exception import StopUser

# The item bank (dimension and keying of each statement) comes from the repository.
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from securebase.psychometrics import item_bank

CSRF_RE = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
ITEM_RE = re.compile(r'name="item" value="(\d+)"')
TOKEN_RE = re.compile(r"/quiz/s/([A-Za-z0-9_\-]+)/")
DONE_RE = re.compile(r"/s/[^/]+/done/([A-Za-z0-9_\-]+)/")
# The link back to the panel on a study's last page, with the completion code.
COMPLETION_RE = re.compile(r'href="[^"]*cc=[A-Za-z0-9]+"')
MAX_ANSWERS = 40
ANSWER_STEP = "answer step (POST + next question)"
BANK = item_bank()
# Seconds between screens, "min,max" (load_test.py --think); 0,0 measures saturation.
THINK_MIN, THINK_MAX = (float(x) for x in os.environ.get("BENCH_THINK_SECONDS", "1,3").split(","))
ARRIVALS = itertools.count()


def realistic_answer(item_number: int, anxiety: float, avoidance: float, rng: random.Random) -> int:
    """A 1..5 answer from a person with these latent levels (plus everyday noise)."""
    item = BANK.item(item_number)
    level = anxiety if item.dimension == "anxiety" else avoidance
    if item.reverse:
        level = -level
    return max(1, min(5, round(3 + 1.1 * level + rng.gauss(0, 0.8))))


def redirect_target(response: Any) -> str:
    """The Location of a redirect-after-POST; anything else counts as a failed request."""
    if 300 <= response.status_code < 400 and response.headers.get("Location"):
        response.success()
        return str(response.headers["Location"])
    response.failure(f"expected a redirect, got HTTP {response.status_code}")
    return ""


class QuizVisitor(FastHttpUser):
    """One person at a time taking the adaptive test from the first page to the result."""

    weight = 1
    wait_time = between(THINK_MIN, THINK_MAX)

    def on_start(self) -> None:
        self.rng = random.Random()

    @task
    def take_the_quiz(self) -> None:
        anxiety, avoidance = self.rng.gauss(0, 1), self.rng.gauss(0, 1)
        self.client.cookiejar.clear()  # every quiz is a new visitor
        page = self.client.get("/quiz/", name="1 start page")
        csrf = CSRF_RE.search(page.text or "")
        if page.status_code != 200 or csrf is None:
            return
        self.wait()
        form = {"csrfmiddlewaretoken": csrf.group(1), "form": "adaptive", "adult": "on"}
        with self.client.post(
            "/quiz/", data=form, name="2 start (POST)", allow_redirects=False, catch_response=True
        ) as started:
            # The first question's own address: each answer form posts to its question's.
            question_url = redirect_target(started)
        if TOKEN_RE.search(question_url) is None:
            return
        page = self.client.get(question_url, name="3 question page")
        for _ in range(MAX_ANSWERS):
            item, csrf = ITEM_RE.search(page.text or ""), CSRF_RE.search(page.text or "")
            if page.status_code != 200 or item is None or csrf is None:
                return
            self.wait()
            value = realistic_answer(int(item.group(1)), anxiety, avoidance, self.rng)
            began = time.perf_counter()
            with self.client.post(
                question_url,
                data={"csrfmiddlewaretoken": csrf.group(1), "item": item.group(1), "value": value},
                name="4 answer (POST)",
                allow_redirects=False,
                catch_response=True,
            ) as answered:
                location = redirect_target(answered)
            if not location:
                return
            if "/about-you/" in location:
                # The optional last step (gender and age band): skipped, as many will.
                with self.client.post(
                    location,
                    data={"csrfmiddlewaretoken": csrf.group(1), "skip": "1"},
                    name="4b skip optional step (POST)",
                    allow_redirects=False,
                    catch_response=True,
                ) as skipped:
                    location = redirect_target(skipped)
            if "/results/" in location:
                # A 200 here is one completed quiz (load_test.py counts them).
                self.client.get(location, name="5 result page")
                return
            question_url = location
            page = self.client.get(location, name="3 question page")
            if page.status_code == 200:
                self.environment.events.request.fire(
                    request_type="STEP",
                    name=ANSWER_STEP,
                    response_time=(time.perf_counter() - began) * 1000,
                    response_length=0,
                    exception=None,
                    context={},
                )


class AnswerStepper(FastHttpUser):
    """Nothing but answer steps, as fast as the server allows (``load_test.py --ratio``).

    Starts a full-form quiz (36 questions; the start is named "setup" and left out of the
    comparison) and then answers every question: the POST of the answer form and the GET
    of the next question page it redirects to, the two requests one answer costs a phone.
    """

    wait_time = constant(0)

    @task
    def answer_a_full_quiz(self) -> None:
        rng = random.Random()
        anxiety, avoidance = rng.gauss(0, 1), rng.gauss(0, 1)
        self.client.cookiejar.clear()
        page = self.client.get("/quiz/", name="setup: start page")
        csrf = CSRF_RE.search(page.text or "")
        if csrf is None:
            return
        form = {"csrfmiddlewaretoken": csrf.group(1), "form": "full", "adult": "on"}
        with self.client.post(
            "/quiz/", data=form, name="setup: start", allow_redirects=False, catch_response=True
        ) as started:
            # The first question's own address: every answer form posts to the address of
            # the question it shows, as in a browser.
            question_url = redirect_target(started)
        if TOKEN_RE.search(question_url) is None:
            return
        page = self.client.get(question_url, name="step: question page (GET)")
        for _ in range(MAX_ANSWERS):
            item, csrf = ITEM_RE.search(page.text or ""), CSRF_RE.search(page.text or "")
            if page.status_code != 200 or item is None or csrf is None:
                return
            value = realistic_answer(int(item.group(1)), anxiety, avoidance, rng)
            with self.client.post(
                question_url,
                data={"csrfmiddlewaretoken": csrf.group(1), "item": item.group(1), "value": value},
                name="step: answer (POST)",
                allow_redirects=False,
                catch_response=True,
            ) as answered:
                location = redirect_target(answered)
            if not location or "/quiz/s/" not in location or "/about-you/" in location:
                return  # the quiz is over; the result page is not part of the step
            question_url = location
            page = self.client.get(location, name="step: question page (GET)")


class HtmxAnswerStepper(FastHttpUser):
    """Answer steps as a browser with JavaScript sends them (``load_test.py --ratio --htmx``).

    htmx posts the answer with ``HX-Request: true`` and swaps in the next question, which
    the server sends as the ``#quiz`` fragment in the same response: one request per answer.
    """

    wait_time = constant(0)

    @task
    def answer_a_full_quiz(self) -> None:
        rng = random.Random()
        anxiety, avoidance = rng.gauss(0, 1), rng.gauss(0, 1)
        self.client.cookiejar.clear()
        page = self.client.get("/quiz/", name="setup: start page")
        csrf = CSRF_RE.search(page.text or "")
        if csrf is None:
            return
        form = {"csrfmiddlewaretoken": csrf.group(1), "form": "full", "adult": "on"}
        with self.client.post(
            "/quiz/", data=form, name="setup: start", allow_redirects=False, catch_response=True
        ) as started:
            question_url = redirect_target(started)
        if TOKEN_RE.search(question_url) is None:
            return
        page = self.client.get(question_url, name="setup: first question")
        for _ in range(MAX_ANSWERS):
            item, csrf = ITEM_RE.search(page.text or ""), CSRF_RE.search(page.text or "")
            if page.status_code != 200 or item is None or csrf is None:
                return
            value = realistic_answer(int(item.group(1)), anxiety, avoidance, rng)
            with self.client.post(
                question_url,
                data={"csrfmiddlewaretoken": csrf.group(1), "item": item.group(1), "value": value},
                headers={"HX-Request": "true"},
                name="step: answer with htmx (POST)",
                catch_response=True,
            ) as answered:
                pushed = answered.headers.get("HX-Push-Url")
                if answered.status_code != 200:
                    answered.failure(f"expected 200, got HTTP {answered.status_code}")
                    return
                answered.success()
            if not pushed:
                return  # HX-Redirect: the quiz is over
            page, question_url = answered, pushed


class HealthOnly(FastHttpUser):
    """Only /healthz, as fast as the server allows: the trivial endpoint at saturation."""

    wait_time = constant(0)

    @task
    def healthz(self) -> None:
        self.client.get("/healthz", name="healthz alone")


class HealthProbe(FastHttpUser):
    """A trivial endpoint on the same stack: routing, middleware and one SELECT 1."""

    fixed_count = 5
    wait_time = constant(0.5)

    @task
    def healthz(self) -> None:
        self.client.get("/healthz", name="0 healthz")


class PanelParticipant(FastHttpUser):
    """A participant a panel sends to a study (``benchmarks/panel_launch.py``).

    Arrives once at the study's address with a panel id in the query string (as Prolific
    sends them), agrees to the consent text, takes the quick test through the pages with
    1-3 s between screens, opens the last page and reads the completion link, opens the
    result, and leaves: each simulated participant finishes one study, as on a panel. With
    several app servers (``BENCH_HOSTS``) each participant is sent to one of them.
    """

    wait_time = between(THINK_MIN, THINK_MAX)

    def on_start(self) -> None:
        # Locust keeps the number of running users while it spawns them, so a participant
        # who has finished would be replaced; the arrivals stop at BENCH_PARTICIPANTS.
        if next(ARRIVALS) >= int(os.environ.get("BENCH_PARTICIPANTS", "300")):
            raise StopUser()
        self.rng = random.Random()
        hosts = os.environ.get("BENCH_HOSTS", "")
        self.base = self.rng.choice(hosts.split(",")) if hosts else ""

    def url(self, path: str) -> str:
        return f"{self.base}{path}"

    @task
    def take_part(self) -> None:
        slug = os.environ["BENCH_STUDY_SLUG"]
        study_url = self.url(f"/s/{slug}/?PROLIFIC_PID=bench{self.rng.getrandbits(64):016x}")
        anxiety, avoidance = self.rng.gauss(0, 1), self.rng.gauss(0, 1)
        page = self.client.get(study_url, name="1 study page (panel address)")
        csrf = CSRF_RE.search(page.text or "")
        if page.status_code != 200 or csrf is None:
            raise StopUser()
        self.wait()
        with self.client.post(
            study_url,
            data={"csrfmiddlewaretoken": csrf.group(1), "consent": "on"},
            name="2 consent (POST)",
            allow_redirects=False,
            catch_response=True,
        ) as joined:
            question_url = redirect_target(joined)
        if TOKEN_RE.search(question_url) is None:
            raise StopUser()
        page = self.client.get(self.url(question_url), name="3 question page")
        for _ in range(MAX_ANSWERS):
            item, csrf = ITEM_RE.search(page.text or ""), CSRF_RE.search(page.text or "")
            if page.status_code != 200 or item is None or csrf is None:
                raise StopUser()
            self.wait()
            value = realistic_answer(int(item.group(1)), anxiety, avoidance, self.rng)
            began = time.perf_counter()
            with self.client.post(
                self.url(question_url),
                data={"csrfmiddlewaretoken": csrf.group(1), "item": item.group(1), "value": value},
                name="4 answer (POST)",
                allow_redirects=False,
                catch_response=True,
            ) as answered:
                location = redirect_target(answered)
            if not location:
                raise StopUser()
            if f"/s/{slug}/done/" in location:
                self.finish(location)
                raise StopUser()
            question_url = location
            page = self.client.get(self.url(location), name="3 question page")
            if page.status_code == 200:
                self.environment.events.request.fire(
                    request_type="STEP",
                    name=ANSWER_STEP,
                    response_time=(time.perf_counter() - began) * 1000,
                    response_length=0,
                    exception=None,
                    context={},
                )
        raise StopUser()

    def finish(self, done_url: str) -> None:
        """The last page: its completion link must carry the study's code."""
        with self.client.get(self.url(done_url), name="5 done page", catch_response=True) as done:
            if done.status_code != 200 or COMPLETION_RE.search(done.text or "") is None:
                done.failure("no completion link with a code on the last page")
                return
        self.wait()
        token = DONE_RE.search(done_url)
        if token:
            self.client.get(self.url(f"/results/{token.group(1)}/"), name="6 result page")
