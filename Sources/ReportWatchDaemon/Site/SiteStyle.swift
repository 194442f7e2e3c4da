/// The site's one stylesheet: readable on a phone (one column, tables and the chart scroll
/// sideways inside their own box), in print (no link colours, no page breaks inside a row),
/// and at WCAG AA contrast (body text 16.9:1, muted text 7:1, white on each grade colour ≥ 4.5:1).
enum SiteStyle {
    static let css = """
        :root { color-scheme: light; }
        * { box-sizing: border-box; }
        body { margin: 0; font-family: system-ui, -apple-system, "Segoe UI", Roboto, Arial, sans-serif;
          font-size: 1rem; line-height: 1.5; color: #1d1d1d; background: #ffffff; }
        header, main, footer { max-width: 68rem; margin: 0 auto; padding: 0 1rem; }
        header { border-bottom: 4px solid #1d70b8; }
        header .site { margin: 0.75rem 0; font-weight: bold; }
        a { color: #1d4f91; }
        a:visited { color: #4c2c92; }
        a:focus { outline: 3px solid #ffdd00; background: #ffdd00; color: #0b0c0c; }
        h1, h2, h3, h4, p, blockquote { overflow-wrap: anywhere; }
        h1 { font-size: 1.8rem; line-height: 1.2; margin: 1.2rem 0 0.6rem; }
        h2 { font-size: 1.4rem; margin: 1.8rem 0 0.6rem; }
        h3 { font-size: 1.15rem; margin: 1.2rem 0 0.4rem; }
        h4 { font-size: 1rem; margin: 0 0 0.2rem; }
        .meta, .url, footer { color: #595959; font-size: 0.9rem; }
        .url { overflow-wrap: anywhere; }
        ul.alerts { list-style: none; padding: 0; }
        ul.alerts > li { border-left: 4px solid #b1b4b6; padding: 0.4rem 0 0.4rem 0.8rem; margin: 0 0 0.8rem; }
        ul.alerts > li.event-source_failing, ul.alerts > li.event-structure_changed { border-left-color: #b3261e; }
        blockquote { margin: 0.3rem 0; padding: 0 0 0 0.8rem; border-left: 3px solid #d0d0d0; }
        blockquote p { margin: 0.2rem 0; }
        table { border-collapse: collapse; margin: 0.5rem 0 1rem; }
        th, td { border: 1px solid #b1b4b6; padding: 0.35rem 0.6rem; text-align: left; vertical-align: top; }
        thead th { background: #f3f2f1; }
        td ul { margin: 0; padding-left: 1.1rem; }
        section { overflow-x: auto; }
        .health-ok { color: #00703c; }
        .health-failing, .health-structure { color: #b3261e; font-weight: bold; }
        .health-degraded { color: #8f4700; }
        td.grade { color: #ffffff; font-weight: bold; }
        td.g-outstanding { background: #1d70b8; }
        td.g-good { background: #00703c; }
        td.g-ri { background: #8f4700; }
        td.g-inadequate { background: #b3261e; }
        tr.sub th { padding-left: 1.6rem; font-weight: normal; }
        tr.overall th { font-weight: bold; }
        figure.chart { margin: 0.5rem 0 1rem; }
        .scroll { overflow-x: auto; max-width: 100%; }
        figure.chart svg { display: block; font-family: inherit; }
        svg text { font-size: 13px; fill: #1d1d1d; }
        svg text.col { font-weight: bold; }
        svg text.col-type { fill: #595959; }
        svg text.grade { fill: #ffffff; font-weight: bold; }
        svg rect.none { fill: #f3f2f1; stroke: #b1b4b6; stroke-dasharray: 4 3; }
        svg text.nograde { fill: #1d1d1d; font-style: italic; }
        figcaption { color: #595959; font-size: 0.9rem; }
        li.matched { background: #fff7bf; }
        .match { font-size: 0.85rem; text-transform: uppercase; letter-spacing: 0.03em; }
        .cancelled { color: #b3261e; }
        footer { border-top: 1px solid #b1b4b6; margin-top: 2rem; padding-top: 0.5rem; padding-bottom: 1rem; }
        @media (max-width: 40rem) {
          h1 { font-size: 1.45rem; }
          th, td { padding: 0.3rem 0.4rem; }
          table.health, table.health tbody, table.health tr, table.health th, table.health td { display: block; }
          table.health thead { display: none; }
          table.health tr { border: 1px solid #b1b4b6; margin-bottom: 0.6rem; }
          table.health th, table.health td { border: none; }
        }
        @media print {
          header { border: none; }
          a, a:visited { color: #000000; }
          .url { display: none; }
          section { overflow: visible; }
          .scroll { overflow: visible; }
          tr, li, figure { break-inside: avoid; }
          td.grade, svg rect { print-color-adjust: exact; -webkit-print-color-adjust: exact; }
        }

        """
}
