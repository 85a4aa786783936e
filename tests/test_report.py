"""`revcheck report`: the static HTML site, read as HTML and opened in a real headless Chromium.

The browser tests need Debian's `chromium` and `chromium-driver` (`.ci/run` installs them) and
Selenium (a test extra); they skip only where no browser can be found. Screenshots of the
matrix and of one explanation are kept in tests/artifacts/ (ignored by git).
"""

from __future__ import annotations

import re
import shutil
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import pytest

from checker.cli import main
from checker.report.html import build_site
from checker.report.html.stagegraph import layout, project, render_svg, trace_edges

CASES = ["cases/prc/current.rev", "cases/prc/reform_proposal.rev", "cases/de/zpo_717.rev"]
ARTIFACTS = Path(__file__).parent / "artifacts"


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Any:
    out = tmp_path_factory.mktemp("site")
    return build_site(CASES, str(out))


class _Links(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.links: list[str] = []
        self.scripts = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        d = dict(attrs)
        if tag == "a" and d.get("href"):
            self.links.append(str(d["href"]))
        if tag == "script" or (tag == "link" and d.get("rel") == "stylesheet"):
            self.scripts += 1


def test_every_link_resolves_and_nothing_is_fetched(site: Any) -> None:
    """Self-contained: no scripts, no external style sheets, and every relative link exists."""
    assert (site.out / "index.html").is_file()
    for page in site.pages:
        parser = _Links()
        parser.feed(page.read_text(encoding="utf-8"))
        assert parser.scripts == 0, page
        for href in parser.links:
            assert not href.startswith(("http:", "https:", "//")), (page, href)
            target = href.split("#")[0]
            if target:
                assert (page.parent / target).resolve().is_file(), (page, href)
            if "#" in href:
                anchor = href.split("#")[1]
                text = (
                    (page.parent / target).read_text(encoding="utf-8")
                    if target
                    else page.read_text(encoding="utf-8")
                )
                assert f'id="{anchor}"' in text, (page, href)


def test_matrix_cells_carry_the_cell_words_and_link_to_explanations(site: Any) -> None:
    index = (site.out / "index.html").read_text(encoding="utf-8")
    row = next(r for r in site.matrix.rows if r.case == "prc/current")
    for principle, cell in zip(site.matrix.principles, row.cells, strict=True):
        pattern = (
            rf'data-principle="{principle.name}"[^>]*><a href="prc-current/{principle.name}\.html">'
            rf"{re.escape(cell.word)}</a>"
        )
        assert re.search(pattern, index), principle.name
    legend = index.split('class="legend"')[1].split("</p>")[0]
    for word in {c.word for r in site.matrix.rows for c in r.cells}:
        assert f">{word}</span>" in legend, word


def test_case_page_has_verdicts_law_articles_and_the_bills_diff(site: Any) -> None:
    page = (site.out / "prc-current.html").read_text(encoding="utf-8")
    assert "rule order_reversal" in page, "the consolidated law"
    assert 'id="src-cpl_244"' in page and "第二百四十四条" in page and "Art. 244." in page
    assert "穷尽检查全部" in page, "how each verdict was obtained, in the case's language"
    assert "<svg" in page
    bill = (site.out / "prc-reform_proposal.html").read_text(encoding="utf-8")
    assert 'id="diff"' in bill and 'href="prc-current.html"' in bill
    assert "修正" in bill and "prc-current/trial_execution_separation.html" in bill
    assert "修改的规则" in bill, "the rules the bill changes, by their titles"
    de = (site.out / "de-zpo_717.html").read_text(encoding="utf-8")
    assert 'lang="en"' in de and "checked every one of" in de


def test_explanation_page_steps_cite_and_highlight(site: Any) -> None:
    page = (site.out / "prc-current" / "trial_execution_separation.html").read_text(
        encoding="utf-8"
    )
    steps = page.split('id="steps"')[1].split("</ol>")[0]
    assert steps.count("<li") >= 2
    assert 'class="cite" href="#src-' in steps
    assert 'class="edge hl"' in page or "edge hl" in page
    assert "<details" in page and "kind == substantive_decision" in page.split("<details")[1]
    assert "kind == substantive_decision" not in page.split("<details")[0]
    assert "lasso" not in page.split("<details")[0]


def test_stage_graph_layout_without_graphviz(site: Any) -> None:
    row = next(r for r in site.matrix.rows if r.case == "prc/current")
    result = row.report.result
    from checker.report.html.common import space_of

    graph = project(result.model, space_of(row.report))
    assert graph is not None and graph.var == "rev"
    outcome = next(o for o in row.report.outcomes if o.property.name == "reversal_ends")
    lit = trace_edges(graph, outcome.verdict.trace)
    assert lit and all(edge in graph.edges for edge in lit)
    svg = render_svg(result.model, graph, "en", outcome.verdict.trace, engine="networkx")
    assert svg.startswith("<svg") and svg.count('class="edge hl"') == len(lit)
    pos = layout(graph)
    assert len(set(pos.values())) == len(graph.nodes), "no two stages drawn on each other"
    start = graph.initial[0]
    assert pos[start][0] == min(x for x, _ in pos.values()), "the start is on the left"


@pytest.mark.skipif(shutil.which("dot") is None, reason="Graphviz is not installed")
def test_stage_graph_with_graphviz(site: Any) -> None:
    row = next(r for r in site.matrix.rows if r.case == "prc/current")
    from checker.report.html.common import space_of

    graph = project(row.report.result.model, space_of(row.report))
    outcome = next(o for o in row.report.outcomes if o.property.name == "reversal_ends")
    svg = render_svg(row.report.result.model, graph, "en", outcome.verdict.trace, engine="dot")
    assert svg.startswith("<svg") and "hl" in svg


def test_cli_writes_the_site_and_rejects_bad_input(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["report", "cases/de/zpo_717.rev", "-o", str(tmp_path / "s"), "--lang", "zh"]) == 0
    out = capsys.readouterr()
    assert "index.html" in out.out and out.err == "", (
        "no progress bar when stderr is not a terminal"
    )
    page = (tmp_path / "s" / "de-zpo_717.html").read_text(encoding="utf-8")
    assert 'lang="zh-CN"' in page and "检验结论" in page
    assert main(["report", "no/such.rev", "-o", str(tmp_path / "t")]) == 2
    assert "not found: no/such.rev" in capsys.readouterr().err
    broken = tmp_path / "broken.rev"
    broken.write_text("procedure p\nrule r {\n", encoding="utf-8")
    assert main(["report", str(broken), "-o", str(tmp_path / "u")]) == 2
    assert "Traceback" not in capsys.readouterr().err


# ----------------------------------------------------------------------------- in a browser


def _browser() -> Any:
    webdriver = pytest.importorskip("selenium.webdriver")
    from selenium.webdriver.chrome.options import Options
    from selenium.webdriver.chrome.service import Service

    binary = (
        shutil.which("chromium")
        or shutil.which("chromium-browser")
        or shutil.which("google-chrome")
    )
    driver = shutil.which("chromedriver")
    if binary is None or driver is None:
        pytest.skip("no Chromium with chromedriver (apt-get install chromium chromium-driver)")
    options = Options()
    for arg in (
        "--headless=new",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-dev-shm-usage",
        "--window-size=1500,1100",
    ):
        options.add_argument(arg)
    options.binary_location = binary
    options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    return webdriver.Chrome(service=Service(driver), options=options)


@pytest.fixture(scope="module")
def browser() -> Any:
    b = _browser()
    yield b
    b.quit()


def _severe(browser: Any) -> list[Any]:
    return [e for e in browser.get_log("browser") if e.get("level") == "SEVERE"]


def test_in_chromium_matrix_click_explanation_and_graph(site: Any, browser: Any) -> None:
    from selenium.webdriver.common.by import By

    ARTIFACTS.mkdir(exist_ok=True)
    browser.get((site.out / "index.html").as_uri())
    assert browser.find_element(By.ID, "matrix").is_displayed()
    assert _severe(browser) == [], "the matrix page loads without console errors"
    browser.save_screenshot(str(ARTIFACTS / "report_matrix.png"))
    cell = browser.find_element(
        By.CSS_SELECTOR,
        'tr[data-case="prc/current"] td[data-principle="trial_execution_separation"] a',
    )
    cell.click()
    assert browser.current_url.endswith("prc-current/trial_execution_separation.html")
    assert _severe(browser) == []
    steps = browser.find_elements(By.CSS_SELECTOR, "#steps li")
    assert len(steps) >= 2
    # The last step is the one that breaks the principle: a decision of the original enforcement
    # organ, under an article that the case's own `expect` reason names (SPC art. 65 for the
    # reversal ruling, Interp. 481(2) for the refusal, whichever the shortest run takes).
    last = steps[-1]
    assert "原执行机构" in last.find_element(By.CSS_SELECTOR, ".who").text
    model = next(r for r in site.matrix.rows if r.case == "prc/current").report.result.model
    reason = model.expectations[
        [e.property for e in model.expectations].index("trial_execution_separation")
    ].reason
    sources = [
        a.get_attribute("data-source") for a in last.find_elements(By.CSS_SELECTOR, "a.cite")
    ]
    numbers = [re.search(r"art\. ([\w()]+)", model.source(s).title).group(1) for s in sources]
    assert any(f"art. {n}" in reason or f"Interp. {n}" in reason for n in numbers), (
        numbers,
        reason,
    )
    every = [
        a.get_attribute("data-source")
        for a in browser.find_elements(By.CSS_SELECTOR, "#steps a.cite")
    ]
    assert set(every) <= {s.name for s in model.sources}
    # Every other rule that breaks the principle follows with its own shortest run: the reversal
    # ruling of the original enforcement organ, under CPL art. 244 / SPC art. 65.
    others = browser.find_elements(By.CSS_SELECTOR, "ol.other-breach li")
    assert others and "原执行机构" in others[-1].find_element(By.CSS_SELECTOR, ".who").text
    breach_sources = {
        a.get_attribute("data-source") for a in others[-1].find_elements(By.CSS_SELECTOR, "a.cite")
    }
    assert breach_sources & {"cpl_244", "spc_65", "spc_66"}, breach_sources
    svg = browser.find_element(By.CSS_SELECTOR, "#graph svg")
    assert svg.is_displayed()
    assert browser.find_elements(By.CSS_SELECTOR, "#graph .edge.hl"), (
        "the run's edges are highlighted"
    )
    assert browser.find_elements(By.CSS_SELECTOR, "#graph .visited")
    browser.save_screenshot(str(ARTIFACTS / "report_explanation.png"))
    # a step's article link goes to the article's text on the page
    link = browser.find_element(By.CSS_SELECTOR, "#steps a.cite")
    target = link.get_attribute("href").split("#")[1]
    link.click()
    assert browser.find_element(By.ID, target).is_displayed()


def test_progress_bar_only_on_a_terminal() -> None:
    import io

    from checker.cli.progress import Progress

    class Tty(io.StringIO):
        def isatty(self) -> bool:
            return True

    quiet, tty = io.StringIO(), Tty()
    for stream in (quiet, tty):
        with Progress(2, "report", stream) as bar:
            bar.step("cases/a.rev")
            bar.step("cases/b.rev")
    assert quiet.getvalue() == ""
    shown = tty.getvalue()
    assert "report [" in shown and "0/2 cases/a.rev" in shown and "1/2 cases/b.rev" in shown
    assert shown.endswith("\r"), "the bar is cleared at the end"
