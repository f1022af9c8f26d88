"""`geo eval`: scores on a small truth file, and the dev corpus's targets when the corpus is beside the repo."""
from __future__ import annotations

import json

import pytest

from geo.cli import main
from geo.evaluate import evaluate

from conftest import SHARED, write_article


def test_eval_scores_a_small_truth_file(runner, articles, tmp_path):
    write_article(articles, "a1", "Russian troops captured the village of Plekhovo on Friday, the Russian Defence Ministry said. "
                                  "Fighting continued near Guevo, the ministry added.", published="2025-03-08")
    truth = tmp_path / "truth.jsonl"
    # The undated second sentence takes the day the lead names (Friday), as news of that day.
    rows = [
        {"article": "a1", "settlement": "Plekhovo", "mention": "Plekhovo", "region": "Kursk Oblast", "status": "russia",
         "claimant": "Russian Defense Ministry", "claimant_side": "russia", "date": "2025-03-07", "evidence": ""},
        {"article": "a1", "settlement": "Guyevo", "mention": "Guevo", "region": "Kursk Oblast", "status": "contested",
         "claimant": "Russian Defense Ministry", "claimant_side": "russia", "date": "2025-03-07", "evidence": ""},
        {"article": "a1", "settlement": "Sudzha", "mention": "Sudzha", "region": "Kursk Oblast", "status": "ukraine",
         "claimant": "x", "claimant_side": "ukraine", "date": None, "evidence": ""},
    ]
    truth.write_text("".join(json.dumps(r) + "\n" for r in rows))
    report = evaluate(articles, truth)
    assert (report.claims.tp, report.claims.fp, report.claims.fn) == (2, 0, 1)
    assert report.date_accuracy == 1.0
    result = runner.invoke(main, ["eval", "--articles", str(articles), "--truth", str(truth), "--verbose"])
    assert result.exit_code == 0 and "claims" in result.output and "MISSED CLAIMS" in result.output and "Sudzha" in result.output


@pytest.mark.skipif(not (SHARED / "corpus" / "dev" / "truth.jsonl").exists(), reason="../shared/corpus/dev is not beside the repo")
def test_dev_corpus_targets():
    dev = SHARED / "corpus" / "dev"
    report = evaluate(dev / "articles", dev / "truth.jsonl")
    assert report.claims.f1 >= 0.85, report.lines()
    assert report.mentions.f1 >= 0.95, report.lines()
    assert report.date_accuracy >= 0.90, report.lines()
