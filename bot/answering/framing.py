"""How a chat question is framed, set apart from what it asks: "tell me about Nexperia" asks "Nexperia".

People open questions with a request ("tell me about", "can you explain", "any updates on", "what's
the deal with", "what's the status of", "where do things stand with", "what happened to", "what's
the difference between") and close them with thanks; "what does VEU stand for" asks what VEU is.
A link pasted with the question is read as the words of its path, which name the story
("china-bans-gallium"); the site, the scheme and numbers ("https", "com", "2024-12-03") are not asked.
Those words are not what the question is about, yet they were read as its terms: an article never
says "tell" or "deal with", so their absence looked like a question no article answers, and "Tell me
about TSMC." was abstained on where "TSMC?" was answered. The answer engine reads the question
without its framing; the user's words are kept for the answer itself. Words that say when ("the
latest on", "recent news") are not framing: the time a question asks about is read from them.

>>> unframed("hey, can you tell me about Nexperia?")
'Nexperia?'
>>> unframed("What happened to Intel's CHIPS grants?")
"Intel's CHIPS grants?"
>>> unframed("What's the deal with the H20 ban")
'the H20 ban'
>>> unframed("What's the status of the chip tariffs?"), unframed("update on Nexperia?")
('the chip tariffs?', 'Nexperia?')
>>> unframed("what's the difference between EUV and DUV?"), unframed("what does VEU stand for?")
('EUV and DUV?', 'what is VEU?')
>>> unframed("who runs Rapidus? thanks!")
'who runs Rapidus?'
>>> unframed("what chips did Malaysia restrict <https://example.com/news/123>")
'what chips did Malaysia restrict news'
>>> unframed("is this true? https://www.example.com/tech/china-bans-gallium-2024-12-03.html")
'is this true? tech china bans gallium'
>>> unframed("Which deal did Intel sign?")  # a question about a deal keeps it
'Which deal did Intel sign?'
"""

from __future__ import annotations

import re

from corpus.text.words import QUESTION_WORDS, STOPWORDS

_GREETING = r"(?:(?:hey|hi|hello|yo|ok|okay|cool|got it|alright|quick question)\b[\s,!:.-]*)*"
_ASKING = r"(?:(?:can|could|would) you (?:please )?|please |i(?:'d| would) like to know |do you know )?"
# Requests about a subject: "tell me about Nexperia", "what's happening with rare earths".
_ABOUT = (
    r"(?:(?:tell me|let me know) (?:more )?(?:about|of)"
    r"|(?:explain|describe|summari[sz]e)(?: to me)?"
    r"|give me (?:an? )?(?:overview|summary|rundown|update) (?:of|on|about)"
    r"|(?:what'?s|what is) (?:the )?(?:current )?(?:deal|story|situation|status|state of play) (?:with|on|about|of)"
    r"|what(?:'s| is| has been)? (?:happening|going on) (?:with|to|at|in|around)"
    r"|what happened (?:with|to|at|in)"
    r"|where do(?:es)? (?:things|it|matters) stand (?:with|on)"
    r"|(?:what'?s|what is|what are) the differences? between"
    r"|what'?s new (?:with|on|at|in|for)"
    r"|(?:(?:any|got any|are there any|an?) )?(?:news|updates?|developments?) (?:on|about|with|regarding))"
)
_REQUEST = rf"(?:{_ABOUT}|tell me|let me know)"
_THANKS = re.compile(
    r"[\s,;:.!-]*\b(?:thanks(?: (?:a lot|so much|in advance))?|thank you|thx|ty|pls|plz|please|cheers)[\s.!?]*$",
    re.IGNORECASE,
)
_WORDS = re.compile(r"[A-Za-z0-9]+")
_LINK = re.compile(r"<?(?:https?://|www\.)(?P<site>[^/\s>]*)(?P<path>[^\s>?#]*)[^\s>]*>?")  # Discord may wrap it in <>
_PATH_WORD = re.compile(r"[A-Za-z]{2,}")
_FILE_TYPES = frozenset({"html", "htm", "php", "aspx", "asp", "shtml", "amp"})
_FRAMING = re.compile(rf"^\s*(?=\S)(?:{_GREETING}{_ASKING}{_REQUEST}\s+|{_GREETING}{_ASKING})", re.IGNORECASE)
_SUBJECT_REQUEST = re.compile(rf"^\s*(?=\S){_GREETING}{_ASKING}{_ABOUT}\s+", re.IGNORECASE)
# "what does VEU stand for?" asks what VEU is: no article says "stand".
_STANDS_FOR = re.compile(r"^\s*what (?:does|do) (?P<short>.+?) stand for\b", re.IGNORECASE)


def _link_words(link: re.Match[str]) -> str:
    return " ".join(w for w in _PATH_WORD.findall(link["path"]) if w.lower() not in _FILE_TYPES)


def _unwrapped(question: str) -> tuple[str, bool]:
    """The question without its framing, and whether anything meaningful is left."""
    rest = " ".join(_LINK.sub(_link_words, question).split())
    rest = _THANKS.sub("", _FRAMING.sub("", rest, count=1), count=1)
    rest = _STANDS_FOR.sub(r"what is \g<short>", rest, count=1)
    return rest, any(w.lower() not in STOPWORDS or w.lower() in QUESTION_WORDS for w in _WORDS.findall(rest))


def unframed(question: str) -> str:
    """``question`` without a request framing it opens with, or thanks closing it (unchanged when it has none, or when
    nothing but stopwords would be left: "tell me about")."""
    rest, meaningful = _unwrapped(question)
    return rest if meaningful else question


def names_its_subject(question: str) -> bool:
    """Whether the question opens with a request about a subject ("tell me about Nexperia",
    "what's happening with rare earths?"): what follows is a subject of its own, not a fragment of
    the previous question ("which companies?"), though it may still point back ("tell me about that").

    >>> names_its_subject("what's happening with rare earths?"), names_its_subject("can you tell me which ones?")
    (True, False)
    """
    return bool(_SUBJECT_REQUEST.match(question))


# "tell me more", "more sources?", "anything else?": more on the question just answered.
_MORE = re.compile(
    r"^\s*(?:(?:ok|okay|and|so)[\s,]+)?(?:(?:can|could) you (?:please )?)?"
    r"(?:(?:tell|give|show) me (?:some(?:thing)? )?more|more|go on|keep going|anything else|what else)"
    r"(?: (?:please|pls|sources|coverage|articles|details|on (?:that|this|it)|about (?:that|this|it)))*\s*[?.!]*\s*$",
    re.IGNORECASE,
)


def asks_for_more(message: str) -> bool:
    """Whether a message only asks for more on what was just answered.

    >>> asks_for_more("tell me more about that"), asks_for_more("more sources?"), asks_for_more("more on Huawei")
    (True, True, False)
    """
    return bool(_MORE.match(message))


def says_nothing(message: str) -> bool:
    """Whether a message is only chat: a greeting, thanks, an acknowledgement ("hi", "thanks!", "ok,
    got it"), or a request with nothing to ask about ("tell me about").

    >>> says_nothing("thanks!"), says_nothing("ok, got it"), says_nothing("hi, who runs Rapidus?")
    (True, True, False)
    """
    return not _unwrapped(message)[1]
