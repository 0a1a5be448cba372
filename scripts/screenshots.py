"""Regenerate the screenshot gallery in docs/screenshots/ (``make screenshots``).

One gallery of the site as it is now: every run deletes the whole folder first (also
notes and folders of earlier rounds) and writes the pictures and their index anew.
``--only home,question`` photographs just those pages into ``--out`` (a scratch folder,
for looking at a change) and leaves the gallery alone.

Starts the real site (gunicorn on a throwaway SQLite database, content loaded), makes
finished quiz sessions through the JSON API for each result type, photographs every page
type at phone (390x844) and desktop (1280x800) size in Debian's Chromium, renders the
report PDF's pages with ``pdftoppm`` and writes ``docs/screenshots/README.md`` as the
index. Screenshots are JPEG at moderate quality so the committed gallery stays small.

Answer patterns are chosen by scoring candidates with the psychometrics package, so each
result type really is what its caption says (a near-boundary pattern is one whose top
style probability is below 60%).
"""

from __future__ import annotations

import argparse
import http.cookiejar
import os
import re
import shutil
import subprocess
import sys
import tempfile
import urllib.parse
import urllib.request
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "securebase.settings")

from securebase.psychometrics import item_bank, score  # noqa: E402
from tests.servers import manage, request, running_servers, site_env  # noqa: E402

OUT = ROOT / "docs" / "screenshots"
SIZES = {"phone": (390, 844), "desktop": (1280, 800)}
MAX_SCREENS = 6  # long pages are cut after six screens: the gallery shows layout, not text
CHROMIUM = next(p for p in ("/usr/bin/chromium", "/usr/bin/chromium-browser") if Path(p).exists())


@dataclass(frozen=True)
class Shot:
    name: str
    caption: str
    path: str
    researcher: bool = False  # photographed signed in as the demo study's owner


#: A study with a panel, a few participants and two waves, for the researchers' pages.
DEMO_STUDY = """
import numpy as np
from django.contrib.auth import get_user_model
from securebase.psychometrics import item_bank
from securebase.psychometrics.classification import simulate_answers
from securebase.quiz import services as quiz
from securebase.studies import services
from securebase.studies.models import Study

owner = get_user_model().objects.create_user("researcher", password="demo-pass-phrase")
study = services.create_study(owner, Study(
    slug="closeness", title="Closeness in couples", form="choice", target=40,
    panel_parameter="PROLIFIC_PID", completion_url="https://panel.example/complete",
    waves="before, after"), "We study how people feel about closeness. You may stop at any time.")
consent = services.current_consent(study)
rng = np.random.default_rng(7)
for number in range(24):
    theta = rng.normal(size=2)
    for wave in ("before", "after") if number < 8 else ("before",):
        found = services.arrival(study, {"PROLIFIC_PID": f"p{number}", "wave": wave})
        form = "full" if number % 2 else "adaptive"
        token = services.join(study, found, consent=consent, form=form).session.token
        shift = np.array([-0.4, 0.0]) if wave == "after" else np.zeros(2)
        row = simulate_answers((theta + shift)[None, :], item_bank(), rng)[0]
        step = quiz.current_step(quiz.get_session(token))
        while not step.done and not (number == 23 and step.answered >= 5):
            step = quiz.submit_answer(token, step.item.number, int(row[step.item.number - 1]))
"""


def pattern(anxiety: int, avoidance: int) -> dict[int, int]:
    """All 36 answers as clicked, with keyed levels ``anxiety``/``avoidance`` (1..5)."""
    answers = {}
    for item in item_bank().items:
        level = anxiety if item.dimension == "anxiety" else avoidance
        answers[item.number] = 6 - level if item.reverse else level
    return answers


def near_boundary() -> dict[int, int]:
    """A full-form pattern between two styles: top style below 60%, top two above 70%."""
    numbers = sorted(pattern(3, 3))
    for anxiety in (2, 3, 4):
        for avoidance in (2, 3, 4):
            base = pattern(anxiety, avoidance)
            for shift in range(len(numbers) + 1):
                answers = dict(base)
                for number in numbers[:shift]:
                    answers[number] = min(5, answers[number] + 1)
                top_two = sorted(score(answers).style_probabilities.values())[-2:]
                if top_two[1] < 0.6 and sum(top_two) >= 0.7:
                    return answers
    raise RuntimeError("no near-boundary pattern found")


def finished_session(base_url: str, answers: dict[int, int]) -> str:
    start = request("POST", f"{base_url}/api/v1/sessions", {"form": "full"})
    assert start.status == 201, start.body
    return answer_all(base_url, start.json()["token"], start.json(), answers)


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args: object, **kwargs: object) -> None:
        return None


def retaken_session(base_url: str, token: str, answers: dict[int, int]) -> str:
    """Take the quiz again from a result's "Take it again" form (all questions), finished."""
    jar = http.cookiejar.CookieJar()
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar), _NoRedirect)
    page = opener.open(f"{base_url}/results/{token}/").read().decode()
    found = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page)
    assert found, "no CSRF token on the result page"
    body = urllib.parse.urlencode({"csrfmiddlewaretoken": found.group(1), "form": "full"})
    try:
        opener.open(f"{base_url}/results/{token}/again/", body.encode())
    except urllib.error.HTTPError as redirect:
        location = redirect.headers["Location"]
    new = re.search(r"/quiz/s/([A-Za-z0-9_-]+)/", location)
    assert new, location
    step = request("GET", f"{base_url}/api/v1/sessions/{new.group(1)}").json()
    return answer_all(base_url, new.group(1), step, answers)


def answer_all(base_url: str, token: str, step: dict, answers: dict[int, int]) -> str:
    """Answer every question the API asks, from ``answers``; returns the token."""
    while step["next_item"] is not None:
        number = step["next_item"]["number"]
        reply = request(
            "POST",
            f"{base_url}/api/v1/sessions/{token}/answers",
            {"item": number, "value": answers[number]},
        )
        assert reply.status == 200, reply.body
        step = reply.json()
    return token


def question_in_progress(base_url: str) -> str:
    """A quick test a few answers in, so the question page shows its progress bar moving."""
    start = request("POST", f"{base_url}/api/v1/sessions", {"form": "adaptive"}).json()
    token, step = start["token"], start
    for _ in range(4):
        number = step["next_item"]["number"]
        step = request(
            "POST", f"{base_url}/api/v1/sessions/{token}/answers", {"item": number, "value": 4}
        ).json()
    return f"/quiz/s/{token}/"


def result_types() -> dict[str, tuple[str, dict[int, int]]]:
    return {
        "result-secure": ("Result: secure (full form)", pattern(1, 2)),
        "result-anxious": ("Result: anxious (full form)", pattern(5, 2)),
        "result-avoidant": ("Result: avoidant (full form)", pattern(2, 5)),
        "result-fearful-avoidant": ("Result: fearful-avoidant (full form)", pattern(5, 5)),
        "result-near-boundary": ("Result: between two styles (top style < 60%)", near_boundary()),
        "result-unclear": ("Result: no clear style (neutral answers)", pattern(3, 3)),
    }


def shrink(path: Path, factor: int) -> None:
    """Re-save a screenshot as a small JPEG, ``factor`` times narrower."""
    from PIL import Image

    with Image.open(path) as image:
        small = image.convert("RGB")
        if factor > 1:
            small = small.resize((image.width // factor, image.height // factor))
    small.save(path, "JPEG", quality=60, optimize=True)


def photograph(base_url: str, pages: list[Shot]) -> list[tuple[Shot, dict[str, str]]]:
    from playwright.sync_api import sync_playwright

    taken = []
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM,
            args=["--no-sandbox", "--disable-gpu", "--disable-background-networking"],
        )
        try:
            for size_name, (width, height) in SIZES.items():
                # The phone is a phone: touch, no mouse (what the touch-only CSS looks for).
                phone = size_name == "phone"
                context = browser.new_context(
                    viewport={"width": width, "height": height}, has_touch=phone, is_mobile=phone
                )
                page = context.new_page()
                if any(shot.researcher for shot in pages):
                    page.goto(base_url + "/studies/login/")
                    page.get_by_label("Username").fill("researcher")
                    page.get_by_label("Password").fill("demo-pass-phrase")
                    page.get_by_role("button", name="Sign in").click()
                for shot in pages:
                    page.goto(base_url + shot.path, wait_until="networkidle")
                    target = OUT / f"{shot.name}-{size_name}.jpg"
                    tall = min(page.evaluate("document.body.scrollHeight"), MAX_SCREENS * height)
                    clip = {"x": 0, "y": 0, "width": width, "height": tall}
                    page.screenshot(path=str(target), full_page=True, clip=clip, type="png")
                    shrink(target, 1 if size_name == "phone" else 2)
                    first = OUT / f"{shot.name}-{size_name}-first-screen.jpg"
                    if shot.name.startswith("result") and size_name == "phone":
                        page.screenshot(path=str(first), type="jpeg", quality=70)
                context.close()
        finally:
            browser.close()
    for shot in pages:
        files = {size: f"{shot.name}-{size}.jpg" for size in SIZES}
        if (OUT / f"{shot.name}-phone-first-screen.jpg").exists():
            files["phone, first screen"] = f"{shot.name}-phone-first-screen.jpg"
        taken.append((shot, files))
    return taken


def render_pdf(base_url: str, token: str) -> list[str]:
    reply = request("GET", f"{base_url}/results/{token}/report.pdf")
    assert reply.status == 200, reply.status
    pdf = OUT / "report.pdf"
    pdf.write_bytes(reply.body)
    subprocess.run(
        ["pdftoppm", "-jpeg", "-jpegopt", "quality=60", "-r", "50", str(pdf), str(OUT / "pdf")],
        check=True,
    )
    pdf.unlink()
    return sorted(p.name for p in OUT.glob("pdf-*.jpg"))


def write_index(taken: list[tuple[Shot, dict[str, str]]], pdf_pages: list[str]) -> None:
    lines = [
        "# Screenshot gallery",
        "",
        "Made by `make screenshots` (scripts/screenshots.py): the real site on a throwaway",
        "database, Debian's Chromium at phone (390x844) and desktop (1280x800) size, and the",
        "report PDF rendered with pdftoppm. Regenerate rather than edit.",
        "",
    ]
    for shot, files in taken:
        links = " · ".join(f"[{size}]({name})" for size, name in files.items())
        lines.append(f"- **{shot.caption}** (`{shot.path.split('?')[0]}`): {links}")
    lines += ["", "## Report PDF (fearful-avoidant pattern)", ""]
    lines += [f"![PDF page {i}]({name})" for i, name in enumerate(pdf_pages, start=1)]
    (OUT / "README.md").write_text("\n".join(lines) + "\n")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--only", help="comma-separated shot names (e.g. home,question)")
    parser.add_argument("--out", type=Path, help="where --only writes (default: a new temp dir)")
    args = parser.parse_args()
    global OUT
    if args.only:
        OUT = args.out or Path(tempfile.mkdtemp(prefix="securebase-shots-out-"))
        OUT.mkdir(parents=True, exist_ok=True)
    else:
        shutil.rmtree(OUT, ignore_errors=True)
        OUT.mkdir(parents=True)
    with tempfile.TemporaryDirectory(prefix="securebase-shots-") as tmp:
        var_dir = Path(tmp) / "var"
        var_dir.mkdir()
        env = site_env(var_dir, QUIZ_START_RATE="1000/m")
        manage(env, "migrate", "--noinput")
        manage(env, "createcachetable")
        manage(env, "collectstatic", "--noinput", "--verbosity", "0")
        manage(env, "load_content")
        manage(env, "seed_newsletter")
        manage(env, "shell", "-c", DEMO_STUDY)
        with running_servers(env, Path(tmp), count=1, workers=2) as (server,):
            base = server.url
            tokens = {
                name: finished_session(base, answers)
                for name, (_, answers) in result_types().items()
            }
            # Anxious first, then taken again from its private link with secure answers.
            retaken = retaken_session(base, tokens["result-anxious"], pattern(1, 2))
            pages = [
                Shot("home", "Home", "/"),
                Shot("quiz-start", "Quiz start", "/quiz/"),
                Shot("question", "A question (quick test)", question_in_progress(base)),
                *(
                    Shot(name, caption, f"/results/{tokens[name]}/")
                    for name, (caption, _) in result_types().items()
                ),
                Shot(
                    "retake-timeline",
                    "Result taken again: since last time, with the timeline",
                    f"/results/{retaken}/#since-last-time",
                ),
                Shot("articles", "Articles", "/articles/"),
                Shot("article", "An article", "/articles/what-is-attachment/"),
                Shot("styles", "The four styles", "/styles/"),
                Shot("style", "A style page (fearful-avoidant)", "/styles/fearful-avoidant/"),
                Shot("evidence", "Evidence library", "/evidence/"),
                Shot("help", "Help", "/help/"),
                Shot("about", "About and method", "/about/"),
                Shot("privacy", "Privacy", "/privacy/"),
                Shot("newsletter", "Newsletter sign-up", "/newsletter/"),
                Shot("error-404", "Not found (error page)", "/no-such-page/"),
                Shot(
                    "study-join", "A study's page for participants", "/s/closeness/?PROLIFIC_PID=x1"
                ),
                Shot(
                    "study-dashboard",
                    "A study's dashboard (researchers)",
                    "/studies/closeness/",
                    researcher=True,
                ),
            ]
            if request("GET", f"{base}/method/").status == 200:
                pages.append(Shot("method", "Technical manual (method)", "/method/"))
            if args.only:
                wanted = set(args.only.split(","))
                photograph(base, [shot for shot in pages if shot.name in wanted])
                print(f"wrote {len(list(OUT.iterdir()))} files to {OUT}")
                return
            taken = photograph(base, pages)
            pdf_pages = render_pdf(base, tokens["result-fearful-avoidant"])
    write_index(taken, pdf_pages)
    print(f"wrote {len(list(OUT.iterdir()))} files to {OUT.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
