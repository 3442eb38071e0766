"""Follows: channel alerts for new stories on a topic, delivered through an outbox.

``types`` (records and delivery errors), ``store`` (follows, matches, outbox and the seen-article
watermark in feedback.db), ``matching`` (new articles -> the follows they belong to, by topic
relevance over a floor), ``delivery`` (the outbox: exactly one post per story as a channel sees
it, the hourly rate limit and its summary, paused and removed follows), ``service`` (the loop
that notices new index generations, from this process or any other, and drives the rest).
"""
