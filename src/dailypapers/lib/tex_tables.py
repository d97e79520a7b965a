"""Symbol tables for ``dailypapers.lib.tex``: TeX control words and their Unicode."""

from __future__ import annotations


def _table(spec: str) -> dict[str, str]:
    words = spec.split()
    return dict(zip(words[0::2], words[1::2], strict=True))


def _names(spec: str) -> frozenset[str]:
    return frozenset(spec.split())


# Control words that stand for one symbol or letter, in text and in math alike.
WORDS = _table(r"""
alpha α beta β gamma γ delta δ epsilon ε varepsilon ε zeta ζ eta η theta θ vartheta ϑ iota ι
kappa κ lambda λ mu μ nu ν xi ξ pi π varpi ϖ rho ρ varrho ϱ sigma σ varsigma ς tau τ
upsilon υ phi φ varphi φ chi χ psi ψ omega ω Gamma Γ Delta Δ Theta Θ Lambda Λ Xi Ξ Pi Π
Sigma Σ Upsilon Υ Phi Φ Psi Ψ Omega Ω
times × cdot · div ÷ pm ± mp ∓ leq ≤ le ≤ leqslant ≤ geq ≥ ge ≥ geqslant ≥ neq ≠ ne ≠
approx ≈ simeq ≃ sim ∼ cong ≅ equiv ≡ propto ∝ ll ≪ gg ≫ lesssim ≲ gtrsim ≳ infty ∞
to → rightarrow → leftarrow ← gets ← Rightarrow ⇒ Leftarrow ⇐ leftrightarrow ↔
Leftrightarrow ⇔ longrightarrow ⟶ Longrightarrow ⟹ mapsto ↦ implies ⟹ iff ⟺ uparrow ↑
downarrow ↓ in ∈ notin ∉ ni ∋ subset ⊂ subseteq ⊆ supset ⊃ supseteq ⊇ cup ∪ cap ∩
setminus ∖ emptyset ∅ varnothing ∅ forall ∀ exists ∃ neg ¬ lnot ¬ land ∧ wedge ∧ lor ∨
vee ∨ oplus ⊕ otimes ⊗ circ ∘ bullet • star ⋆ ast ∗ dagger † ddagger ‡ dag † ddag ‡
sum ∑ prod ∏ coprod ∐ int ∫ iint ∬ oint ∮ partial ∂ nabla ∇ ell ℓ hbar ℏ Re ℜ Im ℑ
aleph ℵ prime ′ angle ∠ perp ⊥ parallel ∥ mid | vert | lvert | rvert | Vert ‖ langle ⟨
rangle ⟩ lceil ⌈ rceil ⌉ lfloor ⌊ rfloor ⌋ ldots … dots … cdots ⋯ vdots ⋮ ddots ⋱ top ⊤
bot ⊥ vdash ⊢ models ⊨ prec ≺ succ ≻ preceq ⪯ succeq ⪰ degree ° textdegree ° checkmark ✓
ss ß o ø O Ø aa å AA Å ae æ AE Æ oe œ OE Œ l ł L Ł i ı j ȷ dh ð DH Ð th þ TH Þ ng ŋ NG Ŋ
dj đ DJ Đ S § P ¶ copyright © textregistered ® texttrademark ™ pounds £ euro €
textendash – textemdash — textbackslash \ backslash \ textasciitilde ~ textbar |
textless < textgreater > colon : bmod mod lbrace { rbrace } textquoteleft ‘
textquoteright ’ textquotedblleft “ textquotedblright ” odot ⊙ imath ı jmath ȷ Bbbk 𝕜
lessapprox ⪅ gtrapprox ⪆ bigoplus ⨁ bigotimes ⨂ bigcup ⋃ bigcap ⋂ Box □ square □ triangle △
hookrightarrow ↪ ltimes ⋉ rtimes ⋊ sharp ♯ wr ≀ ominus ⊖ uplus ⊎ asymp ≍ nearrow ↗ searrow ↘
therefore ∴ because ∵ nexists ∄ subsetneq ⊊ nsubseteq ⊈ longleftarrow ⟵ rightleftharpoons ⇌
""")
# Letters that sit inside words: TeX swallows the space after them, as in "Stra\ss e".
LETTERS = _names("ss o O aa AA ae AE oe OE l L i j dh DH th TH ng NG dj DJ")
# Operator names set upright with space around them, so "n\log n" must not become "nlog n".
FUNCTIONS = _names(
    """log ln lg exp sin cos tan sec csc cot sinh cosh tanh coth arcsin arccos arctan max min
    sup inf lim liminf limsup det dim ker arg deg gcd lcm hom Pr mod bmod"""
)
# Commands that only change style or size; their argument (if any) is kept, they are not.
DROP = _names(
    """left right big Big bigg Bigg bigl bigr Bigl Bigr biggl biggr middle displaystyle
    textstyle scriptstyle scriptscriptstyle limits nolimits nonumber noindent mathrm mathbf
    mathit mathsf mathtt mathcal mathscr mathfrak mathnormal textbf textit textrm textsf texttt
    textsc textup textsl textnormal emph text mbox hbox rm bf it em sf tt sc sl cal boldsymbol
    bm pmb operatorname url underline ensuremath footnotesize small large Large LARGE normalsize
    tiny huge Huge relax protect centering t footnote uline"""
)
SPACE_WORDS = _names(
    "quad qquad enspace enskip thinspace medspace thickspace space newline linebreak par hfill"
)
# Control symbols (backslash + one non-letter) other than accents; the rest stand for themselves.
SYMBOLS = {"|": "‖", **dict.fromkeys("\n\t ,;:>\\", " "), **dict.fromkeys("!-/@)]", "")}
ACCENTS = dict(zip("'`^\"~=.uvHckrbd", "\u0301\u0300\u0302\u0308\u0303\u0304\u0307\u0306"
                    "\u030c\u030b\u0327\u0328\u030a\u0331\u0323", strict=True))  # fmt: skip
# Math accents, spelled with the text accent that puts the same mark on a letter.
MATH_ACCENTS = {
    name: ACCENTS[sign]
    for name, sign in _table(
        'hat ^ widehat ^ bar = overline = tilde ~ widetilde ~ dot . ddot " check v breve u '
        "acute ' grave ` mathring r"
    ).items()
} | {"vec": "\u20d7"}
SUP = dict(zip("0123456789+-−=()abcdefghijklmnoprstuvwxyzABDEGHIJKLMNOPRTUVW*′″∘†‡αβγδθφχ",
                "⁰¹²³⁴⁵⁶⁷⁸⁹⁺⁻⁻⁼⁽⁾ᵃᵇᶜᵈᵉᶠᵍʰⁱʲᵏˡᵐⁿᵒᵖʳˢᵗᵘᵛʷˣʸᶻᴬᴮᴰᴱᴳᴴᴵᴶᴷᴸᴹᴺᴼᴾᴿᵀᵁⱽᵂ*′″°†‡ᵅᵝᵞᵟᶿᵠᵡ",
                strict=True))  # fmt: skip
SUB = dict(zip("0123456789+-−=()aehijklmnoprstuvxβγρφχ",
                "₀₁₂₃₄₅₆₇₈₉₊₋₋₌₍₎ₐₑₕᵢⱼₖₗₘₙₒₚᵣₛₜᵤᵥₓᵦᵧᵨᵩᵪ", strict=True))  # fmt: skip
SUP_TABLE, SUB_TABLE = str.maketrans(SUP), str.maketrans(SUB)
# Double-struck letters; seven capitals had code points before the mathematical alphabets.
DOUBLE = {chr(65 + k): chr(0x1D538 + k) for k in range(26)} | dict(
    zip("CHNPQRZ1", "ℂℍℕℙℚℝℤ𝟙", strict=True)
)
FRACTIONS = frozenset({"frac", "dfrac", "tfrac", "cfrac"})
# Deeper nesting than this is garbage, and recursion must stay far from Python's limit.
