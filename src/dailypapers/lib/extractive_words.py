"""The word lists of lib/extractive.py: what ends a key phrase, what says nothing alone."""

from __future__ import annotations

from dailypapers.lib.query import STOP_WORDS as _QUERY_STOP_WORDS

# Words that end a candidate phrase: English function words, and what every abstract says
# (verbs of reporting, connectives, vague quantifiers) and no key phrase is made of.
STOP_TEXT = """also among across along always another around away able according achieve achieved
    achieves allow allows allowing almost already although amongst anything apply applied
    based become becomes besides beyond can cannot cf consider considered considering could
    describe described describes demonstrate demonstrated demonstrates demonstrating derive
    derived due e.g eg either enable enables enabling et al etc even ever every evaluate
    evaluated explore explored find finds found first focus furthermore given gives giving
    however i.e ie including indeed instead introduce introduced introduces introducing
    investigate investigated investigates investigating it’s lead leads leading let like
    likely made make makes making many may might moreover much must namely nevertheless new
    novel often one ones onto order otherwise outperform outperforms paper papers per
    perform performed performs possible present presented presenting presents previously
    propose proposed proposes proposing provide provided provides providing rather recently
    report reported reports require requires respectively resulting reveal reveals second
    see seem seems several shall show showed showing shown shows significantly since still
    study studied studies studying suggest suggests take taken takes therefore thereby
    address addresses aim aims argue argues assign assigns calculate calculated calculates
    combine combines compare compared confirm confirms contain contains determine
    determines discuss discusses discussed employ employs ensure ensures establish
    establishes exhibit exhibits explain explains exploit exploits extend extends facilitate
    facilitates generate generated generates help helps identify identifies illustrate
    illustrates improve improves include includes increase increases indicate indicates
    involve involves leverage leverages leveraging mitigate mitigates observe observed
    obtain obtained obtains predict predicts prove proves reduce reduces remain remains
    solve solves utilize utilizes utilizing yield yields
    beat beats exceed exceeds surpass surpasses keep keeps let lets learn learns capture captures
    third though three thus toward towards two us use used uses using upon various whereas
    whether within without work works yet near beneath behind beside besides despite unlike
    versus throughout inside outside"""
STOP_WORDS = _QUERY_STOP_WORDS | frozenset(STOP_TEXT.split())
# Words that may sit inside a phrase but say nothing alone ("proposed method", "our results"):
# trimmed from both ends of a candidate, and a candidate of only these is dropped.
GENERIC_TEXT = """approach approaches art based better different effective efficient existing
    extensive
    experiment experiments experimental further general high improved key large main method
    methods model models new novel performance previous problem problems proposed recent
    result results simple specific state state-of-the-art superior task tasks technique
    techniques wide arxiv"""
GENERIC = frozenset(GENERIC_TEXT.split())
# "-ly" words that are not adverbs; any other "-ly" word of 5+ letters ends a phrase.
NOT_ADVERBS_TEXT = """anomaly assembly butterfly daily early family italy monopoly multiply
    poly reply supply underlie underlying weekly yearly hourly monthly quarterly"""
NOT_ADVERBS = frozenset(NOT_ADVERBS_TEXT.split())
# Abbreviations whose period ends no sentence.
ABBREVIATIONS_TEXT = (
    "al approx cf e.g eg eq eqs etc fig figs i.e ie no nos ref refs resp sec vs viz"
)
ABBREVIATIONS = frozenset(ABBREVIATIONS_TEXT.split())

# Words after which a run starts on a verb: "we prune ...", "which lets ...".
SUBJECTS = frozenset({"we", "they", "which", "who", "it"})
# Nouns in -ing that often open a title ("Reasoning about ..."): not verbs to trim.
ING_NOUNS_TEXT = """clustering computing decoding encoding engineering forecasting hashing imaging
    learning matching mining modeling modelling planning pricing processing programming
    ranking reasoning routing sampling scheduling sensing testing tracking"""
ING_NOUNS = frozenset(ING_NOUNS_TEXT.split())
