"""The stylesheet, as one string the static site and the team server both inline.

System fonts only (no request to any other host). Light and dark themes follow
``prefers-color-scheme``; every text colour meets WCAG AA on its background in both. The print
rules hide navigation and keep tables and the diagram on one page where they can.

A postmortem's prose keeps a reading measure (``--measure``: about 70 characters a line) while
its card, diagram, tables and code use the column's whole width; a Markdown table wider than the
column scrolls inside itself, and on a phone the action items' table stacks, the task first.
"""

from __future__ import annotations

_SHEET = """
:root{
  --bg:#ffffff;--fg:#1c2128;--muted:#545d68;--soft:#f4f6f8;--line:#d5dbe1;--card:#f7f9fb;
  --link:#0b57b8;--accent:#0b57b8;--code:#eef1f4;
  --sev1:#b3261e;--sev2:#a8440c;--sev3:#7a5a00;--sev4:#4a5563;
  --detected:#b45309;--escalated:#6d28d9;--mitigated:#0369a1;--resolved:#15803d;
  --misleading:#be123c;--action:#6b7280;--outage:rgba(220,38,38,.16);--outage-line:#dc2626;
  --ok:#166534;--ok-bg:#dcfce7;--open:#7c2d12;--open-bg:#ffedd5;
  --active:#1e40af;--active-bg:#dbeafe;--quiet:#4a5563;--quiet-bg:#e8ebef;
  --measure:60ch;
  color-scheme:light dark;
}
@media (prefers-color-scheme:dark){:root{
  --bg:#0f1318;--fg:#e4e9ee;--muted:#a2adb9;--soft:#171c22;--line:#2e3640;--card:#151a20;
  --link:#7cb8ff;--accent:#7cb8ff;--code:#1d242c;
  --sev1:#ff8a80;--sev2:#ffab70;--sev3:#f5cf5b;--sev4:#b8c2cc;
  --detected:#fbbf24;--escalated:#c4b5fd;--mitigated:#7dd3fc;--resolved:#86efac;
  --misleading:#fda4af;--action:#9ca3af;--outage:rgba(248,113,113,.2);--outage-line:#f87171;
  --ok:#bbf7d0;--ok-bg:#14361f;--open:#fed7aa;--open-bg:#3b230f;
  --active:#bfdbfe;--active-bg:#14283f;--quiet:#b8c2cc;--quiet-bg:#252c35;
}}
*{box-sizing:border-box}
html{-webkit-text-size-adjust:100%;text-size-adjust:100%}
body{margin:0;background:var(--bg);color:var(--fg);
  font:17px/1.65 system-ui,-apple-system,"Segoe UI",Roboto,"Helvetica Neue",Arial,sans-serif;
  font-feature-settings:"kern","liga";text-rendering:optimizeLegibility}
a{color:var(--link);text-underline-offset:.18em;text-decoration-thickness:1px}
a:hover{text-decoration-thickness:2px}
a:focus-visible,button:focus-visible,input:focus-visible,select:focus-visible{
  outline:3px solid var(--accent);outline-offset:2px}
code,kbd,pre{font:.88em/1.5 ui-monospace,SFMono-Regular,Menlo,Consolas,"Liberation Mono",monospace}
code{background:var(--code);padding:.1em .35em;border-radius:4px}
pre{background:var(--code);padding:.9em 1em;border-radius:8px;overflow:auto}
pre code{background:none;padding:0}
blockquote{margin:1em 0;padding:.1em 1em;border-left:4px solid var(--line);color:var(--muted)}
img{max-width:100%;height:auto}
hr{border:0;border-top:1px solid var(--line);margin:2em 0}
table{border-collapse:collapse;width:100%;margin:1em 0;font-size:.94em}
th,td{text-align:left;padding:.45em .6em;border-bottom:1px solid var(--line);vertical-align:top}
th{font-weight:650;color:var(--fg);background:var(--soft)}
caption{text-align:left;color:var(--muted);font-size:.9em;padding:.3em 0}
.muted{color:var(--muted)}
.sr{position:absolute;width:1px;height:1px;overflow:hidden;clip:rect(0 0 0 0);white-space:nowrap}
.pm-scroll{overflow-x:auto}
.skip{position:absolute;left:-999px}.skip:focus{left:1em;top:1em;background:var(--bg);padding:.5em}
.pm-nav{border-bottom:1px solid var(--line);background:var(--soft)}
.pm-nav .in{max-width:74rem;margin:0 auto;padding:.6em 1.25em;display:flex;gap:1.25em;
  flex-wrap:wrap;align-items:center;font-size:.95em}
.pm-nav .brand{font-weight:700;color:var(--fg);text-decoration:none;margin-right:auto}
.pm-wrap{max-width:74rem;margin:0 auto;padding:1.5em 1.25em 4em}
.pm-layout{display:grid;grid-template-columns:minmax(0,1fr);gap:2.5em}
.pm-layout.with-toc{grid-template-columns:minmax(0,46rem) 15rem;justify-content:space-between}
.pm-main{min-width:0;max-width:46rem}
.pm-layout:not(.with-toc) .pm-main{margin:0 auto;width:100%}
.pm-section :is(p,ul,ol,dl,blockquote){max-width:var(--measure)}
.pm-section table:not(.pm-actions){display:block;width:max-content;max-width:100%;overflow-x:auto}
h1,h2,h3,h4{line-height:1.25;letter-spacing:-.01em;font-weight:680}
h1{font-size:2.05em;margin:.2em 0 .5em}
h2{font-size:1.45em;margin:2em 0 .6em;padding-bottom:.25em;border-bottom:1px solid var(--line)}
h3{font-size:1.18em;margin:1.6em 0 .5em}
h4,h5,h6{font-size:1em;margin:1.4em 0 .4em}
.anchor{margin-left:.4em;color:var(--muted);text-decoration:none;opacity:0;font-weight:400}
h2:hover .anchor,h3:hover .anchor,.anchor:focus{opacity:1}
.pm-card{background:var(--card);border:1px solid var(--line);border-radius:14px;
  padding:1.4em 1.6em 1.2em;margin:0 0 2em;box-shadow:0 1px 2px rgba(0,0,0,.04)}
.pm-card h1{margin:.3em 0 .7em;font-size:1.9em}
.badges{display:flex;gap:.5em;flex-wrap:wrap}
.badge{display:inline-block;font-size:.78em;font-weight:700;letter-spacing:.04em;
  text-transform:uppercase;padding:.2em .65em;border-radius:999px;border:1.5px solid currentColor}
.facts{display:grid;grid-template-columns:repeat(auto-fill,minmax(11rem,1fr));gap:.9em 1.6em;
  margin:0}
.fact{margin:0}.fact.wide{grid-column:1/-1}
.fact dt{font-size:.76em;font-weight:700;letter-spacing:.06em;text-transform:uppercase;
  color:var(--muted)}
.fact dd{margin:.1em 0 0;font-size:1.02em}
.fact.cause dd{font-size:1.1em;font-weight:560}
time[data-local]{text-decoration:underline dotted var(--muted);cursor:help}
abbr.zone{text-decoration:none;font-weight:600}
.inferred{color:var(--muted);font-style:italic;cursor:help}
.contradiction{color:var(--sev1);font-size:.9em}.zone-unknown{color:var(--sev2);font-size:.9em}
.inferred time,.inferred abbr{color:inherit}.approx{font-style:normal;font-weight:700}
.pm-inferred-note,.pm-incidents{color:var(--muted);font-size:.86em;margin:.8em 0 0}
.pm-incidents{margin:-.4em 0 1em;font-weight:600}
.incident-key{white-space:nowrap}
.pm-figure{margin:0 0 2.2em}
.pm-figure figcaption{color:var(--muted);font-size:.9em;margin-top:.3em}
.pm-timeline{max-width:100%;height:auto;display:block;font-family:inherit}
.pm-diagram{container-type:inline-size}.pm-diagram .pm-timeline{width:100%}
.pm-diagram .tl-medium,.pm-diagram .tl-wide{display:none}
@container (min-width:450px){.pm-diagram .tl-narrow{display:none}
  .pm-diagram .tl-medium{display:block}}
@container (min-width:660px){.pm-diagram .tl-medium{display:none}
  .pm-diagram .tl-wide{display:block;max-width:884px}}
.tl-axis{stroke:var(--muted);stroke-width:2}
.tl-tick{stroke:var(--muted)}
.tl-time,.tl-day,.tl-key{fill:var(--muted);font-size:12px}
.tl-day{font-weight:700}
.tl-midnight{stroke:var(--muted);stroke-dasharray:3 3}
.tl-outage{fill:var(--outage);stroke:var(--outage-line);stroke-width:1}
.tl-outage.tl-inferred{stroke-dasharray:4 3}.tl-note{fill:var(--muted);font-size:12px}
.tl-leader{fill:none;stroke:var(--line);stroke-width:1.2}
.tl-range{stroke:var(--accent);stroke-width:4;stroke-linecap:round;opacity:.5}
.tl-dot{fill:var(--muted)}
.tl-label{fill:var(--fg);font-size:13px}
.tl-when{font-weight:700;font-variant-numeric:tabular-nums}
.tl-tag{font-weight:700}
.tl-m{stroke-width:2}
.tl-detected{fill:var(--detected);stroke:var(--detected)}.tl-tag-detected{fill:var(--detected)}
.tl-escalated{fill:var(--escalated);stroke:var(--escalated)}.tl-tag-escalated{fill:var(--escalated)}
.tl-mitigated{fill:var(--mitigated);stroke:var(--mitigated)}.tl-tag-mitigated{fill:var(--mitigated)}
.tl-resolved{fill:var(--resolved);stroke:var(--resolved)}.tl-tag-resolved{fill:var(--resolved)}
.tl-misleading{fill:var(--bg);stroke:var(--misleading);stroke-dasharray:2.5 2}
.tl-tag-misleading{fill:var(--misleading)}
.tl-row-misleading .tl-label{font-style:italic}
.tl-more:hover .tl-label{text-decoration:underline}
.tl-action{fill:var(--action);stroke:none}
.pm-entries{list-style:none;padding:0;margin:1em 0}
.pm-entries li{padding:.35em 0 .35em 1em;border-left:3px solid var(--line);margin:0}
.pm-entries li:target{background:var(--soft)}
.pm-entries .when{font-weight:700;font-variant-numeric:tabular-nums;margin-right:.5em}
.entry-misleading{border-left-color:var(--misleading)!important}
.entry-misleading .what{font-style:italic}
.entry-detected{border-left-color:var(--detected)!important}
.entry-escalated{border-left-color:var(--escalated)!important}
.entry-mitigated{border-left-color:var(--mitigated)!important}
.entry-resolved{border-left-color:var(--resolved)!important}
.mark{font-size:.74em;font-weight:700;text-transform:uppercase;letter-spacing:.05em;
  margin-left:.5em;white-space:nowrap}
.mark-detected{color:var(--detected)}.mark-escalated{color:var(--escalated)}
.mark-mitigated{color:var(--mitigated)}.mark-resolved{color:var(--resolved)}
.mark-misleading{color:var(--misleading)}
.status{display:inline-block;font-size:.82em;font-weight:700;padding:.1em .6em;border-radius:999px;
  white-space:nowrap}
.pm-toc{position:sticky;top:1em;align-self:start;font-size:.92em;border-left:2px solid var(--line);
  padding-left:1em}
.pm-toc h2{font-size:.8em;text-transform:uppercase;letter-spacing:.08em;color:var(--muted);
  border:0;margin:0 0 .5em;padding:0}
.pm-toc ol{list-style:none;padding:0;margin:0}.pm-toc li{margin:.3em 0}
.pm-toc a{color:var(--fg);text-decoration:none}.pm-toc a:hover{color:var(--link)}
.pm-footer{color:var(--muted);font-size:.88em;border-top:1px solid var(--line);margin-top:3em;
  padding-top:1em}
.tools{display:flex;flex-wrap:wrap;gap:.6em;align-items:center;margin:0 0 1em}
.tools input,.tools select{font:inherit;font-size:.95em;color:var(--fg);background:var(--bg);
  border:1px solid var(--muted);border-radius:8px;padding:.4em .6em}
.tools input[type=search]{flex:1 1 18rem}
.count{color:var(--muted);font-size:.9em}
.pm-index td.num,.pm-index th.num{text-align:right;font-variant-numeric:tabular-nums}
.pm-index th button{font:inherit;font-weight:650;color:inherit;background:none;border:0;
  padding:0;cursor:pointer}
.pm-index th[aria-sort=ascending] button::after{content:" ▲"}
.pm-index th[aria-sort=descending] button::after{content:" ▼"}
.pm-index tbody tr:hover{background:var(--soft)}
.pm-index td{white-space:nowrap}.pm-index td.title{white-space:normal;min-width:16rem}
.date,td.due{white-space:nowrap}
details.pm-inferred-note summary{cursor:pointer}
.pm-inferred-note ul{margin:.3em 0 0;padding-left:1.2em}
.chips{display:flex;flex-wrap:wrap;gap:.35em}
.chip{font-size:.85em;padding:.05em .5em;border-radius:6px;background:var(--soft);
  border:1px solid var(--line);color:var(--fg);text-decoration:none}
.grid2{display:grid;grid-template-columns:repeat(auto-fit,minmax(min(30rem,100%),1fr));
  gap:1.5em 2em;align-items:start}
.chart{border:1px solid var(--line);border-radius:12px;padding:1em;background:var(--card)}
.chart h2{margin-top:0;border:0;font-size:1.1em}
.chart svg{width:100%;height:auto}
.c-bar{fill:var(--accent)}.c-line{fill:none;stroke:var(--accent);stroke-width:2}
.c-line2{fill:none;stroke:var(--detected);stroke-width:2;stroke-dasharray:5 3}
.c-dot{fill:var(--accent)}.c-grid{stroke:var(--line)}
.c-label{fill:var(--muted);font-size:12px}.c-value{fill:var(--fg);font-size:12px}
.c-sev1{fill:var(--sev1)}.c-sev2{fill:var(--sev2)}.c-sev3{fill:var(--sev3)}
.c-sev4{fill:var(--sev4)}.c-other{fill:var(--muted)}
.notpm li{margin:.3em 0}
.facts.stats-figures{margin-bottom:2em}
.hits{list-style:none;padding:0}.hits li{margin:.8em 0}
.hits .snip{color:var(--muted);font-size:.92em}
@media (max-width:62rem){.pm-layout.with-toc{grid-template-columns:minmax(0,1fr)}
  .pm-toc{position:static;order:-1;border-left:0;border-bottom:1px solid var(--line);
  padding:0 0 1em}}
@media (max-width:40rem){
  .pm-index,.pm-index tbody{display:block}
  .pm-index thead tr{display:flex;flex-wrap:wrap;gap:.1em 1em;align-items:baseline}
  .pm-index thead tr::before{content:"Sort by";color:var(--muted);font-size:.9em}
  .pm-index th{background:none;border:0;padding:.2em 0;font-size:.9em}
  .pm-index th.num{text-align:left}
  .pm-index tbody tr{display:flex;flex-wrap:wrap;gap:.2em .8em;align-items:baseline;
    padding:.6em 0;border-bottom:1px solid var(--line)}
  .pm-index td{border:0;padding:0}
  .pm-index td.title{order:-1;flex-basis:100%;min-width:0;font-weight:600}
  .pm-index td[data-v=""]{display:none}
  .pm-index td.users::after{content:" of users";color:var(--muted)}
  .pm-index td.state{color:var(--muted)}
  .pm-card h1{font-size:1.45em}.pm-card{padding:1.1em 1.1em 1em}
  .pm-toc ol{display:flex;flex-wrap:wrap;gap:.1em 1.1em;max-height:6.5em;overflow-y:auto}
  table.pm-actions thead{display:none}
  table.pm-actions tr{display:flex;flex-wrap:wrap;gap:.2em .7em;align-items:baseline;
    padding:.55em 0;border-bottom:1px solid var(--line)}
  table.pm-actions td{border:0;padding:0}
  table.pm-actions td:nth-child(2){order:-1;flex-basis:100%}
  table.pm-actions td:nth-child(3)::before{content:"owner ";color:var(--muted)}
  table.pm-actions td:nth-child(4)::before{content:"due ";color:var(--muted)}}
@media print{
  :root{--bg:#fff;--fg:#000;--muted:#444;--soft:#f2f2f2;--line:#bbb;--card:#fff;--link:#000}
  body{font-size:11pt;line-height:1.45}
  .pm-nav,.pm-toc,.anchor,.tools,.skip,.pm-footer{display:none!important}
  .pm-wrap{max-width:none;padding:0}.pm-layout.with-toc{display:block}
  .pm-card{box-shadow:none;break-inside:avoid}
  .pm-figure,table,tr,.pm-entries li{break-inside:avoid}
  h2,h3{break-after:avoid}
  a{text-decoration:none}
  .pm-main a[href^="http"]::after{content:" (" attr(href) ")";font-size:.85em;color:#444}
  @page{margin:18mm 16mm}
}
"""

# The one palette of states and severities, on every page of the site and the server: a badge
# (or an action item's .status) says its state by a class, st-STATE (status-STATE in a body's
# action table), and its colour comes from this table only. Four tones: waiting on someone,
# under way, finished well, set aside. Each pair meets WCAG AA in both themes.
STATE_TONES: dict[str, tuple[str, ...]] = {
    "open": ("open", "changes-requested", "triage", "investigating", "firing"),
    "active": ("in-progress", "in-review", "identified", "monitoring"),
    "ok": ("done", "approved", "published", "resolved"),
    "quiet": ("wont-do", "draft", "not-required", "closed", "cancelled", "duplicate"),
}
SEVERITIES = ("sev1", "sev2", "sev3", "sev4")


def _palette() -> str:
    """The CSS of :data:`STATE_TONES` and the severities (a badge in the severity's colour)."""
    rules = []
    for tone, states in STATE_TONES.items():
        names = ",".join(f".st-{s},.status-{s}" for s in states)
        rules.append(
            f":is(.badge,.status):is({names}){{color:var(--{tone});"
            f"background:var(--{tone}-bg);border-color:transparent}}"
        )
    rules += [f".badge.sev-{s}{{color:var(--{s});border-color:var(--{s})}}" for s in SEVERITIES]
    return "\n".join(rules) + "\n"


CSS = _SHEET + _palette()


def diagram_css() -> str:
    """The rules a timeline diagram needs on its own (an ``.svg`` file shown as an image gets no
    page's stylesheet): the colours of both themes and the ``.tl-`` rules."""
    start = _SHEET.index(":root{")
    end = _SHEET.index("}}", start) + 2  # the end of the dark theme's block
    rules = [line for line in _SHEET.splitlines() if line.startswith(".tl-")]
    # its own background: light text of the dark theme stays legible on any page it is put on
    font = 'svg{background:var(--bg);font-family:system-ui,-apple-system,"Segoe UI",Arial}'
    return _SHEET[start:end] + "\n" + font + "\n" + "\n".join(rules) + "\n"
