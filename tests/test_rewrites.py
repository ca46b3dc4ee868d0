"""Rewrite detection: the MinHash estimate tracks the true Jaccard similarity of shingles."""
import random

import pytest

from geo.fingerprints import SHINGLE_WORDS, is_rewrite, similarity, text_signature

random.seed(7)
VOCAB = [f"w{i}" for i in range(5000)]


def words(n):
    return [random.choice(VOCAB) for _ in range(n)]


def jaccard(a, b):
    sa = {" ".join(a[i:i + SHINGLE_WORDS]) for i in range(len(a) - SHINGLE_WORDS + 1)}
    sb = {" ".join(b[i:i + SHINGLE_WORDS]) for i in range(len(b) - SHINGLE_WORDS + 1)}
    return len(sa & sb) / len(sa | sb)


@pytest.mark.parametrize("keep", [0.25, 0.5, 0.75, 0.9])
def test_estimate_is_close_to_the_true_jaccard(keep):
    errors = []
    for _ in range(20):
        a = words(400)
        b = a[:int(400 * keep)] + words(int(400 * (1 - keep)))
        errors.append(abs(similarity(text_signature(" ".join(a)), text_signature(" ".join(b)))
                          - jaccard(a, b)))
    # 64 hashes: standard error about 0.06; the mean error is well under it
    assert sum(errors) / len(errors) < 0.07


def test_a_rewrite_with_an_updated_figure_and_a_new_paragraph_is_one_text():
    story = " ".join(words(300))
    update = story.replace(story.split()[150], "61") + " " + " ".join(words(40))
    assert is_rewrite(text_signature(story), text_signature(update))


def test_two_reports_sharing_a_background_paragraph_are_not_one_text():
    background = " ".join(words(40))
    a = " ".join(words(250)) + " " + background
    b = " ".join(words(250)) + " " + background
    assert not is_rewrite(text_signature(a), text_signature(b))


def test_boilerplate_is_left_out_and_empty_text_has_no_signature():
    text = "BUY NOW " * 30 + " ".join(words(100))
    ads = [(0, len("BUY NOW " * 30))]
    assert text_signature(text, ads) == text_signature(text[ads[0][1]:])
    assert text_signature("  ... ") is None
    assert similarity(None, text_signature(text)) == 0.0
