using System.Globalization;
using System.Net;
using System.Text;

namespace Lifecycle.Cli.Report;

/// <summary>A self-contained HTML page (no scripts, no network): sections of text, tables and inline SVG charts.</summary>
internal sealed class HtmlDocument(string title)
{
    private readonly StringBuilder _body = new();
    private readonly List<(string Id, string Title)> _toc = [];

    public static string Escape(string text) => WebUtility.HtmlEncode(text);

    public HtmlDocument Section(string id, string heading, string? intro = null)
    {
        _toc.Add((id, heading));
        _body.Append(CultureInfo.InvariantCulture, $"<section id=\"{Escape(id)}\"><h2>{Escape(heading)}</h2>");
        if (intro is not null)
        {
            _body.Append("<p>").Append(Escape(intro)).Append("</p>");
        }

        return this;
    }

    public HtmlDocument EndSection()
    {
        _body.Append("</section>");
        return this;
    }

    public HtmlDocument Paragraph(string text)
    {
        _body.Append("<p>").Append(Escape(text)).Append("</p>");
        return this;
    }

    /// <summary>Appends trusted markup produced by <see cref="Svg"/> (which escapes its own labels).</summary>
    public HtmlDocument Chart(string svg)
    {
        _body.Append("<figure>").Append(svg).Append("</figure>");
        return this;
    }

    public HtmlDocument Table(IReadOnlyList<string> headers, IEnumerable<IReadOnlyList<string>> rows, string? cssClass = null)
    {
        _body.Append(cssClass is null ? "<table>" : $"<table class=\"{Escape(cssClass)}\">").Append("<thead><tr>");
        foreach (var h in headers)
        {
            _body.Append("<th>").Append(Escape(h)).Append("</th>");
        }

        _body.Append("</tr></thead><tbody>");
        foreach (var row in rows)
        {
            _body.Append("<tr>");
            foreach (var cell in row)
            {
                _body.Append("<td>").Append(Escape(cell)).Append("</td>");
            }

            _body.Append("</tr>");
        }

        _body.Append("</tbody></table>");
        return this;
    }

    public HtmlDocument KeyFigures(IEnumerable<(string Label, string Value)> figures)
    {
        _body.Append("<div class=\"figures\">");
        foreach (var (label, value) in figures)
        {
            _body.Append("<div class=\"figure\"><div class=\"value\">").Append(Escape(value)).Append("</div><div class=\"label\">").Append(Escape(label)).Append("</div></div>");
        }

        _body.Append("</div>");
        return this;
    }

    public string Render()
    {
        var sb = new StringBuilder();
        sb.Append("<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\"><meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">");
        sb.Append("<title>").Append(Escape(title)).Append("</title><style>");
        sb.Append("body{font-family:system-ui,-apple-system,Segoe UI,sans-serif;margin:0 auto;max-width:1100px;padding:1rem 2rem;color:#222;line-height:1.4}");
        sb.Append("h1{margin-bottom:.2rem}h2{border-bottom:1px solid #ddd;padding-bottom:.2rem;margin-top:2rem}");
        sb.Append("table{border-collapse:collapse;margin:.5rem 0;font-size:.9rem}th,td{border:1px solid #ddd;padding:.25rem .5rem;text-align:right}th{background:#f3f3f3}td:first-child,th:first-child{text-align:left}");
        sb.Append("figure{margin:.5rem 0;overflow-x:auto}nav ul{columns:3;font-size:.9rem}.figures{display:flex;flex-wrap:wrap;gap:1rem}.figure{border:1px solid #ddd;border-radius:6px;padding:.5rem 1rem;min-width:9rem}.figure .value{font-size:1.4rem;font-weight:600}.figure .label{color:#666;font-size:.85rem}.note{color:#666;font-size:.9rem}");
        sb.Append("table{display:block;max-width:100%;overflow-x:auto}svg.chart{display:block}@media (max-width:600px){body{padding:.5rem}nav ul{columns:1}}");
        sb.Append("@media print{nav{display:none}body{max-width:none;padding:0}h2{break-after:avoid}figure,table,.figures{break-inside:avoid}a{color:inherit;text-decoration:none}}");
        sb.Append("</style></head><body>");
        sb.Append("<h1>").Append(Escape(title)).Append("</h1><nav><ul>");
        foreach (var (id, heading) in _toc)
        {
            sb.Append("<li><a href=\"#").Append(Escape(id)).Append("\">").Append(Escape(heading)).Append("</a></li>");
        }

        sb.Append("</ul></nav>").Append(_body).Append("</body></html>");
        return sb.ToString();
    }
}
