"""Markdown rendering: safe output, anchors, links and reading time."""

from securebase.content.render import render_markdown


def test_raw_html_is_escaped_not_rendered() -> None:
    rendered = render_markdown('Hello <script>alert("x")</script> <b onclick="x()">bold</b>\n')
    assert "<script" not in rendered.html
    assert "&lt;script&gt;" in rendered.html
    assert "<b " not in rendered.html


def test_html_block_is_escaped() -> None:
    rendered = render_markdown('<div class="x">\n<img src=x onerror=alert(1)>\n</div>\n')
    assert "<div" not in rendered.html
    assert "<img" not in rendered.html


def test_javascript_links_are_not_rendered_as_links() -> None:
    text = (
        "[a](javascript:alert(1)) [b](JaVaScRiPt:alert(1)) <javascript:alert(1)> "
        "[c](data:text/html,x)"
    )
    rendered = render_markdown(text)
    assert "<a" not in rendered.html
    assert "href" not in rendered.html
    assert rendered.links == ()


def test_headings_get_unique_ids_for_anchors() -> None:
    rendered = render_markdown(
        "## The *real* story\n\ntext\n\n## The real story\n\n### Ünïcode & more\n"
    )
    ids = [heading.id for heading in rendered.headings]
    assert ids == ["the-real-story", "the-real-story-2", "unicode-more"]
    assert '<h2 id="the-real-story">The <em>real</em> story</h2>' in rendered.html
    assert rendered.headings[0].text == "The real story"


def test_external_links_get_rel_internal_links_do_not() -> None:
    rendered = render_markdown("[out](https://example.org/) and [in](/articles/x/)")
    assert '<a href="https://example.org/" rel="noopener noreferrer">out</a>' in rendered.html
    assert '<a href="/articles/x/">in</a>' in rendered.html
    assert rendered.links == ("https://example.org/", "/articles/x/")


def test_images_are_collected_for_the_validator() -> None:
    rendered = render_markdown("![chart](https://tracker.example/pixel.png)")
    assert rendered.images == ("https://tracker.example/pixel.png",)


def test_reading_time_is_words_over_200_at_least_one_minute() -> None:
    assert render_markdown("Just a few words.").reading_minutes == 1
    assert render_markdown("word " * 1000).reading_minutes == 5
    many = render_markdown("## Heading\n\n" + ("one two\nthree " * 200))
    assert many.words == 601
    assert many.reading_minutes == 3


def test_typography_and_tables() -> None:
    rendered = render_markdown('"Quoted" -- text\n\n| a | b |\n|---|---|\n| 1 | 2 |\n')
    assert "“Quoted”" in rendered.html
    assert "<table>" in rendered.html
