r"""Readable plain Unicode from the TeX in arXiv metadata.

Authors type arXiv titles, abstracts and author lists in TeX: accents such as ``Bal\'azs``,
inline math such as ``$O(n^2)$``, ties, dashes, and hard line wraps. These helpers turn that
into text fit for display and search. They are not a TeX engine: what they do not understand
they keep in readable form (an unknown ``\foo`` becomes ``foo``), and no input makes them
raise, because they run over every record of a bulk import.
"""

from __future__ import annotations

import functools
import re
import unicodedata

from dailypapers.lib.tex_tables import (
    ACCENTS,
    DOUBLE,
    DROP,
    FRACTIONS,
    FUNCTIONS,
    LETTERS,
    MATH_ACCENTS,
    SPACE_WORDS,
    SUB,
    SUB_TABLE,
    SUP,
    SUP_TABLE,
    SYMBOLS,
    WORDS,
)

__all__ = ["clean_abstract", "clean_text", "clean_title", "tex_to_text"]

_MAX_DEPTH = 40

_ARG = r"\s*(?:\{(?:[^{}]|\{[^{}]*\})*\}|\\[A-Za-z]+|[^\s{}\\])"
_MATH = r"(?:\\[\s\S]|[^$\\])"  # a character of a math span, "\$" included
# Every text-mode construct in one pattern. Each alternative starts with a literal character,
# which lets the regex engine skip plain text in C; the order settles overlaps.
_TOKEN = re.compile(
    rf"\$\$(?P<display>{_MATH}++)\$\$"
    # "$...$" is math when it holds TeX. Without TeX, it is math if short, with no space just
    # before the closing dollar (unless spaced on both sides), nor a digit just after it when it
    # starts with one (after Pandoc's rule): "$5 and $10" and "$5-$10" stay as they are.
    rf"|\$(?P<inline>[^$\\^_{{}}]*+(?:\\[\s\S]|[\^_{{}}]){_MATH}*+)\$"
    r"|\$(?=[^$\d])(?P<plain>[^$\\^_{}]{1,80}+)(?<=\S)\$"
    r"|\$(?=\s)(?P<spaced>[^$\\^_{}]{1,80}+)(?<=\s)\$"
    r"|\$(?=\d)(?P<number>[^$\\^_{}]{1,80}+)(?<=\S)\$(?!\d)"
    # A span stops at the next opener, so a long run of unclosed "\(" costs linear time.
    r"|\\\((?P<paren>(?:[^\\]|\\[^()])*+)\\\)|\\\[(?P<bracket>(?:[^\\]|\\[^\[\]])*+)\\\]"
    rf"|\\(?P<structural>(?:[dtc]?frac|binom)(?![A-Za-z]){_ARG}{_ARG}"
    rf"|sqrt(?:\s*\[[^\]]*\])?(?![A-Za-z]){_ARG}"
    rf"|(?:mathbbm?|{'|'.join(MATH_ACCENTS)})(?![A-Za-z]){_ARG})"
    # Some sources escape backslashes twice (Fr\\'ed\\'eric for Fr\'ed\'eric); a line break
    # is never meant before an accent, so up to three backslashes count as one there.
    r"|\\\\{0,2}(?P<accent>(?:[\'\"`^~=.]\s*|[uvHckrbd](?:\s+(?=[\\A-Za-z])|(?=\{)))"
    r"(?:\{\s*(?:\\[ij](?![A-Za-z])|[A-Za-z])?\s*\}|\\[ij](?![A-Za-z])|[A-Za-z]))"
    r"|\\(?P<word>[A-Za-z]+)(?P<blanks>[ \t]*)"
    r"|\\(?P<symbol>[\s\S]?)"
    rf"|\^(?P<sup>{_ARG})"
    r"|~(?P<tilde>)|---|--|``|''|\{|\}|\$"
)
_FIXED = {"---": "—", "--": "–", "``": "“", "''": "”", "{": "", "}": "", "$": "$"}
_HREF = re.compile(r"\\href\s*\{([^{}]*)\}\s*\{((?:[^{}]|\{[^{}]*\})*)\}")
# URLs are copied verbatim: "~" and "--" in them are not TeX. "\~" and "\_" are unescaped.
_URL_BODY = re.compile(r"(?:[^\s{}\\<>\"$]|\\[~_%#&])++")
_SCHEME_LETTERS = frozenset("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ")
_URL_ESCAPE = re.compile(r"\\([~_%#&])")
_MATH_TOKEN = re.compile(r"\\[A-Za-z]+|\\[\s\S]?|[{}^_]|[^\\{}^_]+")
_PARAGRAPH_BREAK = re.compile(r"\n[ \t]*(?:\n[ \t]*)+|\n[ \t]{2,}")


def tex_to_text(s: str) -> str:
    """Return ``s`` with TeX accents, symbols, quotes, dashes and math made plain Unicode.

    Whitespace, line breaks included, is left as it is; see the ``clean_*`` functions.
    """
    if not isinstance(s, str):
        return ""
    # Most abstracts hold no TeX at all; substring tests are far cheaper than the tokenizer.
    if not ("\\" in s or "$" in s or "{" in s or "}" in s or "~" in s or "^" in s):
        # One-character tests first: they are several times faster than two-character ones.
        if not (("-" in s and "--" in s) or ("'" in s and "''" in s) or ("`" in s and "``" in s)):
            return s
        if "://" not in s and "www." not in s:
            return s.replace("---", "—").replace("--", "–").replace("``", "“").replace("''", "”")
    if "\\href" in s:
        s = _HREF.sub(_href, s)
    if "://" not in s and "www." not in s:
        return _convert(s)
    out: list[str] = []
    pos = 0
    for start, end in _url_spans(s):
        if start >= pos:  # "www." inside an "https://www." URL is already covered
            url = s[start:end]
            out += _convert(s[pos:start]), _URL_ESCAPE.sub(r"\1", url) if "\\" in url else url
            pos = end
    out.append(_convert(s[pos:]))
    return "".join(out)


def clean_text(s: str) -> str:
    """TeX made plain and all whitespace collapsed: for names, comments, journal refs."""
    if not isinstance(s, str):
        return ""
    return _collapse(tex_to_text(s))


def clean_title(s: str) -> str:
    """A title on one line: TeX made plain, hard wraps and runs of spaces collapsed."""
    return clean_text(s)


def clean_abstract(s: str) -> str:
    """An abstract with hard wraps undone and paragraphs separated by one blank line.

    A new paragraph starts after a blank line or at a line indented by two or more spaces
    (the Kaggle snapshot marks paragraphs with "\\n  ").
    """
    if not isinstance(s, str):
        return ""
    if "\r" in s:
        s = s.replace("\r\n", "\n").replace("\r", "\n")
    paragraphs = []
    # Split before converting so that a stray "$" cannot pair with one in the next paragraph.
    s = s.strip()
    for chunk in _PARAGRAPH_BREAK.split(s) if "\n" in s else (s,):
        text = _collapse(tex_to_text(chunk))
        if text:
            paragraphs.append(text)
    return "\n\n".join(paragraphs)


def _collapse(s: str) -> str:
    """Whitespace runs, line breaks included, to single spaces; stripped at both ends."""
    t = s.replace("\n", " ")
    # Splitting into words and joining them is the slow part of cleaning a plain abstract.
    # Every whitespace character but " " is unprintable, so when these tests pass there is
    # nothing to collapse; for ASCII text a handful of substring tests prove the same faster.
    if "  " not in t:
        if t.isascii():
            if not any(c in t for c in "\t\r\x0b\x0c\x1c\x1d\x1e\x1f"):
                return t.strip(" ")
        elif t.isprintable():
            return t.strip(" ")
    return " ".join(t.split())


def _url_spans(s: str) -> list[tuple[int, int]]:
    """(start, end) of each URL with a scheme or starting "www.", in order."""
    spans = []
    for marker in ("://", "www."):
        i = s.find(marker)  # str.find is much faster than a regex scan over the whole text
        while i >= 0:
            start = i
            while marker == "://" and start > 0 and s[start - 1] in _SCHEME_LETTERS:
                start -= 1
            body = _URL_BODY.match(s, i + len(marker))
            end = body.end() if body else i + len(marker)
            if start < i or marker == "www.":
                spans.append((start, end))
            i = s.find(marker, end)
    return sorted(spans)


def _href(m: re.Match[str]) -> str:
    url, label = m.group(1).strip(), m.group(2).strip()
    return url if not label or label == url else f"{label} ({url})"


def _convert(s: str) -> str:
    return _TOKEN.sub(_replace, s)


def _replace(m: re.Match[str]) -> str:
    kind = m.lastgroup
    if kind is None:
        return _FIXED[m.group()]
    if kind == "blanks":
        return _control_word(m)
    if kind == "tilde":
        # A tie is a space; after a space, "~10%" or "~ 5" is the everyday "approximately".
        start = m.start()
        return "~" if start == 0 or m.string[start - 1] in " \t\n([" else " "
    if kind == "symbol":
        char = m.group(kind)
        return SYMBOLS.get(char, char)
    if kind == "accent":
        return _render_math("\\" + m.group(kind))
    if kind in ("structural", "sup"):
        return _render_math(m.group())
    return _render_math(m.group(kind))  # one of the math spans


def _control_word(m: re.Match[str]) -> str:
    name, blanks = m.group("word"), m.group("blanks")
    if name in DROP:
        return ""  # with the blanks after it: TeX ignores them
    if name in SPACE_WORDS:
        return " "
    rep = WORDS.get(name)
    if rep is None:
        # Unknown: keep the name, and a space so it does not run into its argument.
        if not blanks and m.string.startswith("{", m.end()):
            return name if m.string.startswith("{}", m.end()) else name + " "
        return name + blanks
    if name in LETTERS and blanks == " " and m.string[m.end() : m.end() + 1].isalpha():
        return rep  # "Stra\ss e": the space only ended the control word
    return rep + blanks


def _render_math(source: str) -> str:
    if not ("\\" in source or "{" in source or "}" in source or "^" in source or "_" in source):
        return source.replace("~", " ")  # "$n$", "$k=3$": nothing to render
    # Short spans such as "$\alpha$" or "$O(n^2)$" recur across thousands of abstracts; long
    # ones rarely do, and would only fill the cache.
    return _render_cached(source) if len(source) <= 200 else _MathReader(source).sequence(0)


@functools.lru_cache(maxsize=16384)
def _render_cached(source: str) -> str:
    return _MathReader(source).sequence(0)


class _MathReader:
    """A small recursive-descent reader over the tokens of one math span."""

    __slots__ = ("tokens", "pos")

    def __init__(self, source: str) -> None:
        self.tokens: list[str] = _MATH_TOKEN.findall(source)
        self.pos = 0

    def sequence(self, depth: int) -> str:
        """Render tokens up to the "}" closing this group (depth > 0) or the end."""
        out: list[str] = []
        tokens = self.tokens
        while self.pos < len(tokens):
            tok = tokens[self.pos]
            self.pos += 1
            if tok == "}":
                if depth:
                    break
            elif tok == "{":
                if depth < _MAX_DEPTH:
                    out.append(self.sequence(depth + 1))
            elif tok == "^" or tok == "_":
                out.append(_script(self.argument(depth + 1), tok) if depth < _MAX_DEPTH else tok)
            elif tok[0] != "\\":
                out.append(tok.replace("~", " "))
            elif tok[1:] in FUNCTIONS:
                word = WORDS.get(tok[1:], tok[1:])
                if out and out[-1][-1:].isalnum():
                    word = " " + word
                if self.pos < len(tokens) and tokens[self.pos][:1].isalnum():
                    word += " "
                out.append(word)
            else:
                # A space that only ends a command goes when none comes before it, so that
                # "a\cdot b" reads "a·b" while "x \in S" keeps "x ∈ S".
                spaced = not out or out[-1][-1:].isspace()
                out.append(self.command(tok[1:], depth))
                if not spaced and self._text_starts(" "):
                    self._eat(1)
        return "".join(out)

    def argument(self, depth: int) -> str:
        """Render one argument: a group, a command, or the next single character."""
        tokens = self.tokens
        while self.pos < len(tokens):
            tok = tokens[self.pos]
            if tok[0] not in "\\{}^_":
                tokens[self.pos] = tok = tok.lstrip()  # TeX skips spaces before an argument
                if not tok:
                    self.pos += 1
                    continue
                self._eat(1)
                return tok[0].replace("~", " ")
            if tok == "}":
                return ""
            self.pos += 1
            if tok == "{":
                return self.sequence(depth + 1) if depth < _MAX_DEPTH else ""
            if tok[1:] in DROP and depth < _MAX_DEPTH:  # "_\text{max}": the text is the argument
                return self.argument(depth + 1)
            return tok if tok in "^_" else self.command(tok[1:], depth)
        return ""

    def command(self, name: str, depth: int) -> str:
        symbol = WORDS.get(name)
        if symbol is not None or depth >= _MAX_DEPTH:  # symbols first: by far the most common
            return symbol if symbol is not None else name
        deeper = depth + 1
        accent = MATH_ACCENTS.get(name) or ACCENTS.get(name)
        if accent is not None:
            arg = self.argument(deeper)
            if not arg:  # "\~{}" is how TeX spells a literal tilde (often in URLs), so is "\^{}"
                return name if name in "~^" else ""
            arg = "i" if arg == "ı" else arg  # an accent goes on a dotless i as on i
            return unicodedata.normalize("NFC", arg + accent) if len(arg) == 1 else arg
        if name in FRACTIONS:
            top = self.argument(deeper)
            return f"{_wrap(top)}/{_wrap(self.argument(deeper))}"
        if name == "binom":
            top = self.argument(deeper)
            return f"({top.strip()} choose {self.argument(deeper).strip()})"
        if name == "sqrt":
            index = self._optional()
            root = {"": "√", "3": "∛", "4": "∜"}.get(index) or _script(index, "^") + "√"
            return root + _wrap(self.argument(deeper))
        if name in ("mathbb", "mathbbm"):
            return "".join(DOUBLE.get(c, c) for c in self.argument(deeper))
        if name in ("left", "right") and self._text_starts("."):
            self._eat(1)  # "\left." and "\right." are invisible delimiters
        if name in DROP:
            if self._text_starts(" "):  # keep "\rm km" from leaving a double space
                self._eat(len(self.tokens[self.pos]) - len(self.tokens[self.pos].lstrip(" ")))
            return ""
        if name in SPACE_WORDS:
            return " "
        if len(name) == 1 and not name.isalpha():
            return SYMBOLS.get(name, name)
        if name == "unicode":  # MathJax's \unicode{x2014}: a code point in hex or decimal
            code = self.argument(deeper).strip().lower()
            try:
                char = chr(int(code[1:], 16) if code.startswith("x") else int(code))
            except (ValueError, OverflowError):
                return code
            return char if char.isprintable() else code  # no NUL, controls or lone surrogates
        if self._text_starts("{"):
            return name + " "  # unknown: keep the name apart from its argument
        return name

    def _optional(self) -> str:
        """Consume a "[...]" optional argument written in one text token, as in \\sqrt[3]."""
        if not self._text_starts("["):
            return ""
        tok = self.tokens[self.pos]
        end = tok.find("]")
        if end < 0:
            return ""
        self._eat(end + 1)
        return tok[1:end].strip()

    def _text_starts(self, prefix: str) -> bool:
        return self.pos < len(self.tokens) and self.tokens[self.pos].startswith(prefix)

    def _eat(self, n: int) -> None:
        """Consume the first n characters of the current (text) token."""
        rest = self.tokens[self.pos][n:]
        if rest:
            self.tokens[self.pos] = rest
        else:
            self.pos += 1


def _script(arg: str, kind: str) -> str:
    """Unicode super/subscript when every character has one, else ^x or ^(...)."""
    compact = arg.replace(" ", "")
    table = SUP if kind == "^" else SUB
    if compact and table.keys() >= set(compact):
        return compact.translate(SUP_TABLE if kind == "^" else SUB_TABLE)
    if len(compact) <= 1:
        return kind + compact
    return f"{kind}({arg.strip()})"


def _wrap(part: str) -> str:
    part = part.strip()
    return part if len(part) <= 1 or part.isalnum() else f"({part})"
