"""The pages every budget holder reads first are written plainly: a Flesch reading ease of 60 or
more (about the level of a popular newspaper), measured with textstat on the page's main text.
Figures for other pages are in docs/reading-ease.md."""
from __future__ import annotations

import html
import re

import pytest
import textstat

TARGET = 60


def main_text(page: str) -> str:
    main = page[page.index("<main"):page.index("</main>")]
    return html.unescape(re.sub(r"<[^>]+>", " ", main))


@pytest.mark.parametrize("path", ["/", "/how-personal-budgets-work"])
def test_the_home_and_explainer_pages_read_easily(client, path):
    text = main_text(client.get(path).get_data(as_text=True))
    assert len(text.split()) > 150  # the page's words, not an error page
    assert textstat.flesch_reading_ease(text) >= TARGET


@pytest.mark.parametrize("word, meaning", [
    ("assessment", "a talk with someone from the council about your life and what help you need"),
    ("joint budget", "one plan and one budget instead of two"),
    ("spending return", "the council asks what you spent the money on"),
    ("advocacy", "someone on your side who helps you say what you want"),
])
def test_the_explainer_says_what_each_word_means(client, word, meaning):
    text = " ".join(main_text(client.get("/how-personal-budgets-work").get_data(as_text=True)).split())
    assert word in text and meaning in text


def test_the_home_page_says_plainly_how_a_managed_account_pays(client):
    text = main_text(client.get("/").get_data(as_text=True))
    assert "say-so" not in text and "pay providers when you tell it to" in text
