"""When to say "my news does not cover this": thresholds calibrated on the dev questions.

The decision looks at the lead passage only, because a wrong lead is what a user would be misled by:
- ``min_coverage``: the IDF-weighted share of the question's terms in the lead article's best passage;
- ``min_article_coverage``: the same share over the lead article as a whole;
- ``max_missing_entities``: named things in the question ("Tata Electronics", "CEITEC") that the
  lead article never mentions. A question about a company the article never names is not answered
  by it, however close the topic, unless the article covers nearly all the rest of the question
  (``entity_override_coverage``: an article on the "K-Chips Act" need not say "South Korea").
"""

from __future__ import annotations

from dataclasses import dataclass

from bot.answering.evidence import Passage


@dataclass(frozen=True)
class AbstainPolicy:
    min_coverage: float = 0.25
    min_article_coverage: float = 0.45
    max_missing_entities: int = 0
    entity_override_coverage: float = 0.75

    def reason(self, lead: Passage | None) -> str | None:
        """Why the lead is too weak to answer with, or None when it is good enough."""
        if lead is None:
            return "no article matched"
        if (
            len(lead.missing_entities) > self.max_missing_entities
            and lead.article_coverage < self.entity_override_coverage
        ):
            return f"the best article never mentions {', '.join(lead.missing_entities)}"
        if lead.article_coverage < self.min_article_coverage:
            return f"the best article covers {lead.article_coverage:.0%} of the question"
        if lead.best_coverage < self.min_coverage:
            return f"the best passage covers {lead.best_coverage:.0%} of the question"
        return None

    def abstains(self, lead: Passage | None) -> bool:
        return self.reason(lead) is not None
