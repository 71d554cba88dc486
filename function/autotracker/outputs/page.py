"""The auditor's HTML page, from plain data, for every report (single account, member, organization).

`render(...)` takes rows in `reports.COLUMNS` shape (optionally with `status` PASS/FAIL/... and
`account_name`, as the organization report's one row per account has), the run's facts as
(label, value) pairs, and the invocation's problem. The page: the problem as a banner first, then
the run's facts with the version, the outcome counts, coverage per account and region (bars green
only at 100 %, amber from 90 %, red below), then the targets in three sections — needing
attention (failures first), changed this run (created/updated), compliant or skipped (collapsed
in a <details>, so 10,000 compliant rows do not make a 30,000-pixel page) — grouped by account →
region → project, so those are not repeated on every row. XHTML without scripts or external
assets: every untrusted string escaped and stripped of what XML forbids. Fits 1280 px wide;
at 390 px the summary comes first and wide tables scroll inside their box; a print stylesheet.
"""

from __future__ import annotations

from collections import Counter
from html import escape
from typing import Any, Dict, Iterable, List, Mapping, Optional, Sequence, Tuple

from ..contract import QUIET, Outcome
from ..untrusted import printable
from . import frameworks
from .ocsf import FAIL, PASS, SKIPPED, status_of

TARGET_COLUMNS = ("kind", "name", "outcome", "tracker", "error_code", "reason")
GROUP_BY = ("account", "region", "project")
CHANGED = frozenset({Outcome.CREATED, Outcome.UPDATED})
Coverage = Tuple[str, str, int, int]  # (account, region, covered, in scope)
# short values never wrap; long untrusted names may break anywhere; the reason keeps a readable width
_CELL = {"kind": "nw", "name": "w", "outcome": "nw", "tracker": "w", "error_code": "nw", "reason": "reason"}

_STYLE = (
    "*{box-sizing:border-box}"
    "body{font-family:system-ui,-apple-system,'Segoe UI',sans-serif;margin:0 auto;padding:1rem 1.25rem;"
    "max-width:1240px;color:#1f2328;line-height:1.4}"
    "h1{font-size:1.35rem;margin:.2rem 0 .6rem;overflow-wrap:anywhere}h2{font-size:1.1rem;margin:1.2rem 0 .3rem}"
    "p,li,summary,td{overflow-wrap:break-word}.w,.facts td,.problem{overflow-wrap:anywhere}th{white-space:nowrap}"
    ".box{overflow-x:auto;max-width:100%}"
    "table{border-collapse:collapse;margin:.3rem 0}td,th{border:1px solid #d0d7de;padding:3px 7px;"
    "text-align:left;vertical-align:top}th{background:#f6f8fa}"
    "table.targets{width:100%;min-width:46rem}td.reason{min-width:16rem}"
    "tr.group th{background:#ddf4ff;font-weight:600}.nw{white-space:nowrap}"
    ".problem{border:2px solid #b00020;background:#fff0f0;padding:.5rem .75rem;color:#b00020;margin:.3rem 0 .8rem}"
    ".counts{display:flex;flex-wrap:wrap;gap:.3rem .9rem;padding:0;margin:.3rem 0;list-style:none}"
    ".counts li{border:1px solid #d0d7de;border-radius:4px;padding:1px 8px}"
    ".bar{width:12rem;height:12px;background:#eaeef2}.fill{height:12px}"
    ".ok{background:#1a7f37}.warn{background:#bf8700}.bad{background:#cf222e}"
    ".failed{color:#b00020;font-weight:bold}.map{font-size:.85rem;color:#57606a}"
    "details>summary{cursor:pointer;font-weight:600;margin:.4rem 0}"
    "@media (max-width:600px){body{padding:.5rem}.bar{width:3.5rem}h1{font-size:1.1rem}td,th{padding:2px 4px}}"
    "@media print{body{max-width:none;padding:0;font-size:9pt}.box{overflow:visible}"
    "details::details-content{content-visibility:visible;display:contents}"
    "tr{break-inside:avoid}.problem,.fill,tr.group th{-webkit-print-color-adjust:exact;print-color-adjust:exact}}"
)


def _text(value: str) -> str:
    """Untrusted text as XHTML character data: escaped, and without the control characters
    XML forbids (a `\\x01` would make the page not well-formed)."""
    return escape(printable(value))


def section_of(row: Mapping[str, str]) -> str:
    """`attention`, `changed` or `rest`: created or repaired without an error is a change made,
    not something to act on; a failure, a flag, a plan or an unjudged dispatch needs attention."""
    status = status_of(row)
    if status == FAIL or row.get("error_code"):
        return "attention"
    if row.get("outcome") in CHANGED:
        return "changed"
    if row.get("outcome") in QUIET or status in (PASS, SKIPPED):
        return "rest"
    return "attention"


def coverage_of(rows: Iterable[Mapping[str, str]]) -> List[Coverage]:
    """(account, region, covered, in scope) per account and region, as `reports.coverage` counts:
    skipped targets and account rows are out of scope."""
    tally: Dict[Tuple[str, str], List[int]] = {}
    for row in rows:
        if row.get("kind") in ("account", "invocation", "") or row.get("outcome") == Outcome.SKIPPED:
            continue
        counts = tally.setdefault((row.get("account", ""), row.get("region") or "unknown"), [0, 0])
        counts[1] += 1
        counts[0] += row.get("outcome") in CHANGED | {Outcome.ALREADY_TRACKED} and not row.get("error_code")
    return [(account, region, c[0], c[1]) for (account, region), c in sorted(tally.items())]


def bar_class(covered: int, total: int) -> str:
    """Green only when everything is covered, amber from 90 %, red below."""
    if covered >= total:
        return "ok"
    return "warn" if covered * 10 >= total * 9 else "bad"


def render(
    *,
    title: str,
    facts: Sequence[Tuple[str, str]],
    rows: Sequence[Mapping[str, str]],
    problem: Optional[Mapping[str, Any]] = None,
    coverage: Optional[Sequence[Coverage]] = None,
    targets_heading: str = "targets",
    warnings: Sequence[Tuple[str, str]] = (),
    quota: Sequence[Mapping[str, Any]] = (),
) -> str:
    """The page. `coverage` defaults to `coverage_of(rows)`; the organization report passes its own.
    `warnings`, (label, text) pairs such as a project near its data-tracker quota, stand under the
    problem banner;
    `quota` is each project's data trackers in use (`pipeline/quota.py`'s figures)."""
    sections: Dict[str, List[Mapping[str, str]]] = {"attention": [], "changed": [], "rest": []}
    for row in rows:
        sections[section_of(row)].append(row)
    parts = [
        "<!DOCTYPE html>",
        '<html xmlns="http://www.w3.org/1999/xhtml" lang="en">',
        '<head><meta charset="utf-8" /><meta name="viewport" content="width=device-width, initial-scale=1" />'
        f"<title>{_text(title)}</title><style>{_STYLE}</style></head>",
        "<body>",
        f"<h1>{_text(title)}</h1>",
    ]
    if problem:
        what = f"{problem.get('code') or ''}: {problem.get('message') or ''}"
        parts.append(
            f'<p class="problem"><strong>The run failed:</strong> {_text(what)}. Nothing below covers the '
            "whole scope: what was not judged is not listed.</p>"
        )
    parts += [f'<p class="problem"><strong>{_text(label)}:</strong> {_text(text)}</p>' for label, text in warnings]
    parts.append('<div class="box"><table class="facts">')
    parts += [f'<tr><th class="nw">{_text(k)}</th><td>{_text(v)}</td></tr>' for k, v in facts]
    parts.append("</table></div>")
    counts = Counter(row.get("outcome", "") for row in rows)
    parts.append(f"<h2>Outcomes ({len(rows)} {_text(targets_heading)})</h2>")
    parts.append('<ul class="counts">')
    parts += [f"<li>{_text(outcome)}: {n}</li>" for outcome, n in sorted(counts.items())]
    parts += [
        f"<li>needing attention: {len(sections['attention'])}</li>",
        f"<li>changed this run: {len(sections['changed'])}</li>",
        "</ul>",
    ]
    parts += _coverage(coverage_of(rows) if coverage is None else coverage)
    parts += _quota(quota)
    none = "None listed: the run failed before its targets were judged." if problem else "None."
    attention = sorted(sections["attention"], key=lambda r: r.get("outcome") != Outcome.FAILED)
    parts += _targets(f"Needing attention ({len(attention)})", attention, none)
    parts += _targets(f"Changed this run ({len(sections['changed'])})", sections["changed"], none)
    rest = sections["rest"]
    parts.append(f"<details><summary>Compliant or skipped ({len(rest)})</summary>")
    parts += _targets("", rest, none)
    parts.append("</details>")
    parts += _mapping(rows)
    parts += ["</body>", "</html>", ""]
    return "\n".join(parts)


def _quota(quota: Sequence[Mapping[str, Any]]) -> List[str]:
    """Each project's data trackers in use (CTS allows 100 per project, not raisable)."""
    if not quota:
        return []
    lines = ["<h2>Data tracker quota by project</h2>", '<div class="box"><table class="quota">']
    heads = ("Project", "Region", "Account", "Used", "Limit", "Free", "Used %", "Warning")
    lines.append("<tr>" + "".join(f"<th>{_text(head)}</th>" for head in heads) + "</tr>")
    for use in quota:
        flag = f"at or above {use['warn_percent']}%" if use.get("warn") else ""
        cells = (use["project_id"], use.get("region") or "", use.get("account_id") or "")
        numbers = (use["used"], use["limit"], use["free"], f"{use['percent']}%")
        css = ' class="failed"' if flag else ""
        tds = "".join(f"<td>{_text(str(cell))}</td>" for cell in (*cells, *numbers))
        lines.append(f"<tr>{tds}<td{css}>{_text(flag)}</td></tr>")
    lines.append("</table></div>")
    return lines


def _coverage(coverage: Sequence[Coverage]) -> List[str]:
    if not coverage:
        return ["<h2>Coverage by region</h2>", "<p>No target in scope was judged.</p>"]
    lines = ["<h2>Coverage by region</h2>", '<div class="box"><table class="coverage">']
    lines.append("<tr><th>Region</th><th>Covered</th><th>In scope</th><th>Coverage</th><th></th></tr>")
    account: Optional[str] = None
    for acct, region, covered, total in coverage:
        if acct and acct != account:
            lines.append(f'<tr class="group"><th colspan="5">account {_text(acct)}</th></tr>')
        account = acct
        if not total:  # nothing judged here (e.g. an account that failed): no bar, never a green one
            lines.append(f'<tr><td class="nw">{_text(region)}</td><td>-</td><td>-</td><td>-</td><td></td></tr>')
            continue
        share = 100.0 * covered / total
        lines.append(
            f'<tr><td class="nw">{_text(region)}</td><td>{covered}</td><td>{total}</td><td>{share:.1f}%</td>'
            f'<td><div class="bar"><div class="fill {bar_class(covered, total)}" style="width:{share:.1f}%">'
            "</div></div></td></tr>"
        )
    lines.append("</table></div>")
    return lines


def _targets(heading: str, rows: Sequence[Mapping[str, str]], none: str) -> List[str]:
    lines = [f"<h2>{_text(heading)}</h2>"] if heading else []
    if not rows:
        return lines + [f"<p>{escape(none)}</p>"]
    groups: Dict[Tuple[str, ...], List[Mapping[str, str]]] = {}
    for row in rows:
        groups.setdefault(tuple(row.get(column, "") for column in GROUP_BY), []).append(row)
    order = sorted(groups, key=lambda g: (all(r.get("outcome") != Outcome.FAILED for r in groups[g]), g))
    lines.append('<div class="box"><table class="targets">')
    lines.append("<tr>" + "".join(f"<th>{column}</th>" for column in TARGET_COLUMNS) + "</tr>")
    for group in order:
        label = " · ".join(f"{column} {value}" for column, value in zip(GROUP_BY, group) if value)
        lines.append(f'<tr class="group"><th colspan="{len(TARGET_COLUMNS)}">{_text(label or "-")}</th></tr>')
        for row in groups[group]:
            cells = []
            for column in TARGET_COLUMNS:
                value = row.get(column, "")
                css = _CELL[column] + (" failed" if column == "outcome" and value == Outcome.FAILED else "")
                cells.append(f'<td class="{css}">{_text(value)}</td>')
            lines.append("<tr>" + "".join(cells) + "</tr>")
    lines.append("</table></div>")
    return lines


def _mapping(rows: Sequence[Mapping[str, str]]) -> List[str]:
    """The controls each check in this report supports (frameworks.json), with their sources."""
    checks = sorted({frameworks.check_of(row.get("kind", "")) for row in rows if row.get("kind")})
    if not checks:
        return []
    lines = ["<h2>Framework mapping</h2>", '<div class="box"><table class="map">']
    lines.append("<tr><th>Check</th><th>Controls</th></tr>")
    for check in checks:
        lines.append(f"<tr><td>{_text(check)}</td><td>{_text(frameworks.short(check))}</td></tr>")
    lines.append("</table></div>")
    sources = frameworks.mapping()["frameworks"]
    lines.append('<ul class="map">')
    for name, entry in sources.items():
        note = f" ({entry['note']})" if entry.get("note") else ""
        lines.append(f"<li>{_text(name)}: {_text(entry['source'] + note)}</li>")
    lines.append("</ul>")
    return lines
