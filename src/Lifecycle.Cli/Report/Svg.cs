using System.Globalization;
using System.Net;
using System.Text;

namespace Lifecycle.Cli.Report;

/// <summary>One labelled bar.</summary>
internal readonly record struct Bar(string Label, double Value, string Text);

/// <summary>One line of a line chart: points in data coordinates; a step line holds each value until the next x; a band is shaded between its lower and upper values; marks are drawn as small ticks on the line (censoring).</summary>
internal sealed record Series(string Name, IReadOnlyList<(double X, double Y)> Points, string Color, bool Dashed = false)
{
    public bool Step { get; init; }

    public IReadOnlyList<(double X, double Low, double High)> Band { get; init; } = [];

    public IReadOnlyList<(double X, double Y)> Marks { get; init; } = [];
}

/// <summary>
/// Small, dependency-free SVG charts for the self-contained report. Every chart is an inline &lt;svg&gt; with
/// <c>class="chart"</c> and a <c>data-chart</c> name (the browser test counts them); every label is HTML-escaped.
/// </summary>
internal static class Svg
{
    public static readonly string[] Palette = ["#3b6fb6", "#e07b39", "#4a9c5d", "#c0504d", "#8064a2", "#4bacc6", "#9c8b4a", "#d16ba5"];

    public static string Escape(string text) => WebUtility.HtmlEncode(text);

    private static string N(double v) => v.ToString("0.##", CultureInfo.InvariantCulture);

    /// <summary>Horizontal bars (funnel, distributions): label left, bar, value text right.</summary>
    public static string HorizontalBars(string name, string title, IReadOnlyList<Bar> bars, string color = "#3b6fb6")
    {
        const int rowHeight = 26, labelWidth = 170, barWidth = 430, textWidth = 300;
        var height = 40 + (bars.Count * rowHeight);
        var max = bars.Count == 0 ? 1 : Math.Max(bars.Max(b => b.Value), 1e-300);
        var sb = Open(name, title, labelWidth + barWidth + textWidth, height);
        for (var i = 0; i < bars.Count; i++)
        {
            var y = 30 + (i * rowHeight);
            var w = double.IsFinite(bars[i].Value) && bars[i].Value > 0 ? barWidth * bars[i].Value / max : 0;
            sb.Append(CultureInfo.InvariantCulture, $"<text x=\"{labelWidth - 8}\" y=\"{y + 17}\" text-anchor=\"end\">{Escape(bars[i].Label)}</text>");
            sb.Append(CultureInfo.InvariantCulture, $"<rect x=\"{labelWidth}\" y=\"{y + 3}\" width=\"{N(w)}\" height=\"{rowHeight - 6}\" fill=\"{color}\"><title>{Escape(bars[i].Label)}: {Escape(bars[i].Text)}</title></rect>");
            sb.Append(CultureInfo.InvariantCulture, $"<text x=\"{N(labelWidth + w + 6)}\" y=\"{y + 17}\">{Escape(bars[i].Text)}</text>");
        }

        return Close(sb);
    }

    /// <summary>Vertical bars over ordered bins (histograms).</summary>
    public static string Columns(string name, string title, IReadOnlyList<Bar> bars, string xLabel, string yLabel, string color = "#4a9c5d")
    {
        const int width = 900, height = 300, left = 60, bottom = 70, top = 30;
        var plotW = width - left - 20;
        var plotH = height - top - bottom;
        var max = bars.Count == 0 ? 1 : Math.Max(bars.Max(b => b.Value), 1e-300);
        var sb = Open(name, title, width, height);
        var bw = bars.Count == 0 ? 0 : (double)plotW / bars.Count;
        for (var i = 0; i < bars.Count; i++)
        {
            var h = double.IsFinite(bars[i].Value) && bars[i].Value > 0 ? plotH * bars[i].Value / max : 0;
            var x = left + (i * bw);
            sb.Append(CultureInfo.InvariantCulture, $"<rect x=\"{N(x + 1)}\" y=\"{N(top + plotH - h)}\" width=\"{N(Math.Max(bw - 2, 1))}\" height=\"{N(h)}\" fill=\"{color}\"><title>{Escape(bars[i].Label)}: {Escape(bars[i].Text)}</title></rect>");
            if (bars.Count <= 12 || i % (bars.Count / 10 + 1) == 0)
            {
                sb.Append(CultureInfo.InvariantCulture, $"<text x=\"{N(x + (bw / 2))}\" y=\"{top + plotH + 14}\" text-anchor=\"end\" transform=\"rotate(-35 {N(x + (bw / 2))} {top + plotH + 14})\" font-size=\"10\">{Escape(bars[i].Label)}</text>");
            }
        }

        Axes(sb, left, top, plotW, plotH, xLabel, yLabel);
        foreach (var v in NiceTicks(0, max, 4).Where(v => v <= max))
        {
            var y = top + plotH - (plotH * v / max);
            sb.Append(CultureInfo.InvariantCulture, $"<text x=\"{left - 4}\" y=\"{N(y + 4)}\" text-anchor=\"end\" font-size=\"10\">{Escape(Short(v))}</text>");
        }
        return Close(sb);
    }

    /// <summary>A grid of cells coloured by value (cohort retention, P(alive) by frequency × recency). Null cells are blank.</summary>
    public static string Heatmap(string name, string title, IReadOnlyList<string> rows, IReadOnlyList<string> columns, double?[,] values, Func<double, string> format, string rowAxis, string columnAxis, int scaleFromColumn = 0)
    {
        const int labelWidth = 110, top = 50;
        var cell = Math.Clamp(640 / Math.Max(columns.Count, 1), 14, 48);
        var cellH = Math.Clamp(400 / Math.Max(rows.Count, 1), 12, 26);
        var width = labelWidth + (columns.Count * cell) + 20;
        var height = top + (rows.Count * cellH) + 40;
        double min = double.PositiveInfinity, max = double.NegativeInfinity;
        for (var i = 0; i < values.GetLength(0); i++)
        {
            for (var j = scaleFromColumn; j < values.GetLength(1); j++)
            {
                if (values[i, j] is { } d && double.IsFinite(d))
                {
                    min = Math.Min(min, d);
                    max = Math.Max(max, d);
                }
            }
        }

        var sb = Open(name, title, width, height);
        for (var j = 0; j < columns.Count; j++)
        {
            if (columns.Count <= 24 || j % (columns.Count / 12 + 1) == 0)
            {
                sb.Append(CultureInfo.InvariantCulture, $"<text x=\"{labelWidth + (j * cell) + (cell / 2)}\" y=\"{top - 6}\" text-anchor=\"middle\" font-size=\"10\">{Escape(columns[j])}</text>");
            }
        }

        for (var i = 0; i < rows.Count; i++)
        {
            var y = top + (i * cellH);
            if (rows.Count <= 30 || i % (rows.Count / 15 + 1) == 0)
            {
                sb.Append(CultureInfo.InvariantCulture, $"<text x=\"{labelWidth - 6}\" y=\"{y + (cellH * 0.7)}\" text-anchor=\"end\" font-size=\"10\">{Escape(rows[i])}</text>");
            }

            for (var j = 0; j < columns.Count; j++)
            {
                if (values[i, j] is not { } v || !double.IsFinite(v))
                {
                    continue;
                }

                var t = j < scaleFromColumn ? 1.0 : max > min ? (v - min) / (max - min) : 1.0;
                sb.Append(CultureInfo.InvariantCulture, $"<rect x=\"{labelWidth + (j * cell)}\" y=\"{y}\" width=\"{cell - 1}\" height=\"{cellH - 1}\" fill=\"{Blend(t)}\"><title>{Escape(rows[i])} / {Escape(columns[j])}: {Escape(format(v))}</title></rect>");
                if (cell >= 34 && cellH >= 16)
                {
                    sb.Append(CultureInfo.InvariantCulture, $"<text x=\"{labelWidth + (j * cell) + (cell / 2)}\" y=\"{y + (cellH * 0.7)}\" text-anchor=\"middle\" font-size=\"9\" fill=\"{(t > 0.55 ? "#fff" : "#222")}\">{Escape(format(v))}</text>");
                }
            }
        }

        sb.Append(CultureInfo.InvariantCulture, $"<text x=\"{labelWidth}\" y=\"{height - 12}\" font-size=\"11\">rows: {Escape(rowAxis)}; columns: {Escape(columnAxis)}; colour from {Escape(format(double.IsFinite(min) ? min : 0))} (light) to {Escape(format(double.IsFinite(max) ? max : 0))} (dark){(scaleFromColumn > 0 ? Escape(FormattableString.Invariant($"; the first {scaleFromColumn} column(s) are drawn dark and left out of the scale")) : string.Empty)}</text>");
        return Close(sb);
    }

    /// <summary>Line chart with a legend, round ticks on both axes and grid lines; <paramref name="xTick"/> labels x ticks (dates on time axes).</summary>
    public static string Lines(string name, string title, IReadOnlyList<Series> series, string xLabel, string yLabel, Func<double, string>? xTick = null, Func<double, string>? yTick = null, IReadOnlyList<double>? xTicks = null)
    {
        const int width = 900, height = 340, left = 70, bottom = 56, top = 30, right = 170;
        var plotW = width - left - right;
        var plotH = height - top - bottom;
        var points = series.SelectMany(s => s.Points.Concat(s.Band.SelectMany(b => new[] { (b.X, b.Low), (b.X, b.High) }))).Where(p => double.IsFinite(p.Item1) && double.IsFinite(p.Item2)).ToArray();
        var (xMin, xMax) = points.Length == 0 ? (0.0, 1.0) : (points.Min(p => p.Item1), points.Max(p => p.Item1));
        var (yMin, yMax) = points.Length == 0 ? (0.0, 1.0) : (Math.Min(0, points.Min(p => p.Item2)), points.Max(p => p.Item2));
        if (xMax <= xMin)
        {
            xMax = xMin + 1;
        }

        if (yMax <= yMin)
        {
            yMax = yMin + 1;
        }

        var yt = NiceTicks(yMin, yMax, 5);
        yMax = Math.Max(yMax, yt[^1]);
        var xt = xTicks ?? NiceTicks(xMin, xMax, 6).Where(v => v >= xMin - 1e-9 && v <= xMax + 1e-9).ToArray();
        double X(double x) => left + (plotW * (x - xMin) / (xMax - xMin));
        double Y(double y) => top + plotH - (plotH * (y - yMin) / (yMax - yMin));
        xTick ??= Short;
        yTick ??= Short;
        var sb = Open(name, title, width, height);
        foreach (var v in yt.Where(v => v >= yMin && v <= yMax))
        {
            sb.Append(CultureInfo.InvariantCulture, $"<line x1=\"{left}\" y1=\"{N(Y(v))}\" x2=\"{left + plotW}\" y2=\"{N(Y(v))}\" stroke=\"#e6e6e6\"/><text x=\"{left - 6}\" y=\"{N(Y(v) + 4)}\" text-anchor=\"end\" font-size=\"11\">{Escape(yTick(v))}</text>");
        }

        foreach (var v in xt)
        {
            sb.Append(CultureInfo.InvariantCulture, $"<line x1=\"{N(X(v))}\" y1=\"{top + plotH}\" x2=\"{N(X(v))}\" y2=\"{top + plotH + 5}\" stroke=\"#555\"/><text x=\"{N(X(v))}\" y=\"{top + plotH + 18}\" text-anchor=\"middle\" font-size=\"11\">{Escape(xTick(v))}</text>");
        }

        Axes(sb, left, top, plotW, plotH, xLabel, yLabel);
        for (var k = 0; k < series.Count; k++)
        {
            var s = series[k];
            if (s.Band.Count > 1)
            {
                var band = new StringBuilder();
                foreach (var (x, lo, hi) in s.Band)
                {
                    band.Append(band.Length == 0 ? 'M' : 'L').Append(N(X(x))).Append(' ').Append(N(Y(hi))).Append(' ');
                }

                for (var b = s.Band.Count - 1; b >= 0; b--)
                {
                    band.Append('L').Append(N(X(s.Band[b].X))).Append(' ').Append(N(Y(s.Band[b].Low))).Append(' ');
                }

                sb.Append(CultureInfo.InvariantCulture, $"<path d=\"{band}Z\" fill=\"{s.Color}\" fill-opacity=\"0.15\" stroke=\"none\"/>");
            }

            var path = new StringBuilder();
            double? lastY = null;
            foreach (var (x, y) in s.Points)
            {
                if (!double.IsFinite(x) || !double.IsFinite(y))
                {
                    continue;
                }

                if (path.Length == 0)
                {
                    path.Append('M');
                }
                else if (s.Step && lastY is { } ly)
                {
                    path.Append('L').Append(N(X(x))).Append(' ').Append(N(Y(ly))).Append(' ').Append('L');
                }
                else
                {
                    path.Append('L');
                }

                path.Append(N(X(x))).Append(' ').Append(N(Y(y))).Append(' ');
                lastY = y;
            }

            sb.Append(CultureInfo.InvariantCulture, $"<path d=\"{path}\" fill=\"none\" stroke=\"{s.Color}\" stroke-width=\"2\"{(s.Dashed ? " stroke-dasharray=\"6 4\"" : string.Empty)}><title>{Escape(s.Name)}</title></path>");
            foreach (var (x, y) in s.Marks)
            {
                sb.Append(CultureInfo.InvariantCulture, $"<line x1=\"{N(X(x))}\" y1=\"{N(Y(y) - 4)}\" x2=\"{N(X(x))}\" y2=\"{N(Y(y) + 4)}\" stroke=\"{s.Color}\" stroke-width=\"1\"/>");
            }

            sb.Append(CultureInfo.InvariantCulture, $"<rect x=\"{left + plotW + 12}\" y=\"{top + (k * 18)}\" width=\"12\" height=\"4\" fill=\"{s.Color}\"/><text x=\"{left + plotW + 28}\" y=\"{top + (k * 18) + 6}\" font-size=\"11\">{Escape(s.Name)}</text>");
        }

        return Close(sb);
    }

    /// <summary>Round tick values (1, 2 or 5 × 10^k apart) covering [min, max], about <paramref name="count"/> of them.</summary>
    public static double[] NiceTicks(double min, double max, int count)
    {
        var range = max - min;
        if (!(range > 0) || !double.IsFinite(range))
        {
            return [min];
        }

        var raw = range / Math.Max(count, 1);
        var magnitude = Math.Pow(10, Math.Floor(Math.Log10(raw)));
        var step = new[] { 1.0, 2, 2.5, 5, 10 }.Select(m => m * magnitude).First(v => v >= raw);
        var first = Math.Ceiling((min / step) - 1e-9) * step;
        var ticks = new List<double>();
        for (var v = first; v <= max + (step * 1e-9); v += step)
        {
            ticks.Add(Math.Abs(v) < step * 1e-9 ? 0 : v);
        }

        if (ticks[^1] < max - (step * 1e-9))
        {
            ticks.Add(ticks[^1] + step);
        }

        return [.. ticks];
    }

    /// <summary>Columns in groups (actual vs model per bin), with round y ticks and a legend.</summary>
    public static string GroupedColumns(string name, string title, IReadOnlyList<string> labels, IReadOnlyList<(string Name, IReadOnlyList<double> Values, string Color)> groups, string xLabel, string yLabel)
    {
        const int width = 900, height = 320, left = 70, bottom = 56, top = 30, right = 170;
        var plotW = width - left - right;
        var plotH = height - top - bottom;
        var max = groups.SelectMany(g => g.Values).Where(double.IsFinite).DefaultIfEmpty(1).Max();
        var yt = NiceTicks(0, Math.Max(max, 1e-9), 5);
        var yMax = Math.Max(max, yt[^1]);
        var sb = Open(name, title, width, height);
        foreach (var v in yt)
        {
            var y = top + plotH - (plotH * v / yMax);
            sb.Append(CultureInfo.InvariantCulture, $"<line x1=\"{left}\" y1=\"{N(y)}\" x2=\"{left + plotW}\" y2=\"{N(y)}\" stroke=\"#e6e6e6\"/><text x=\"{left - 6}\" y=\"{N(y + 4)}\" text-anchor=\"end\" font-size=\"11\">{Escape(Short(v))}</text>");
        }

        var bw = labels.Count == 0 ? 0 : (double)plotW / labels.Count;
        var inner = (bw - 6) / Math.Max(groups.Count, 1);
        for (var i = 0; i < labels.Count; i++)
        {
            for (var g = 0; g < groups.Count; g++)
            {
                var v = groups[g].Values[i];
                var h = double.IsFinite(v) && v > 0 ? plotH * v / yMax : 0;
                var x = left + (i * bw) + 3 + (g * inner);
                sb.Append(CultureInfo.InvariantCulture, $"<rect x=\"{N(x)}\" y=\"{N(top + plotH - h)}\" width=\"{N(Math.Max(inner - 1, 1))}\" height=\"{N(h)}\" fill=\"{groups[g].Color}\"><title>{Escape(labels[i])}, {Escape(groups[g].Name)}: {Escape(Short(v))}</title></rect>");
            }

            sb.Append(CultureInfo.InvariantCulture, $"<text x=\"{N(left + (i * bw) + (bw / 2))}\" y=\"{top + plotH + 18}\" text-anchor=\"middle\" font-size=\"11\">{Escape(labels[i])}</text>");
        }

        for (var g = 0; g < groups.Count; g++)
        {
            sb.Append(CultureInfo.InvariantCulture, $"<rect x=\"{left + plotW + 12}\" y=\"{top + (g * 18)}\" width=\"12\" height=\"10\" fill=\"{groups[g].Color}\"/><text x=\"{left + plotW + 28}\" y=\"{top + (g * 18) + 9}\" font-size=\"11\">{Escape(groups[g].Name)}</text>");
        }

        Axes(sb, left, top, plotW, plotH, xLabel, yLabel);
        return Close(sb);
    }

    private static string Short(double v) => Math.Abs(v) >= 1000 ? v.ToString("#,0", CultureInfo.InvariantCulture) : v.ToString("0.###", CultureInfo.InvariantCulture);

    private static void Axes(StringBuilder sb, int left, int top, int plotW, int plotH, string xLabel, string yLabel)
    {
        sb.Append(CultureInfo.InvariantCulture, $"<line x1=\"{left}\" y1=\"{top + plotH}\" x2=\"{left + plotW}\" y2=\"{top + plotH}\" stroke=\"#555\"/>");
        sb.Append(CultureInfo.InvariantCulture, $"<line x1=\"{left}\" y1=\"{top}\" x2=\"{left}\" y2=\"{top + plotH}\" stroke=\"#555\"/>");
        sb.Append(CultureInfo.InvariantCulture, $"<text x=\"{left + (plotW / 2)}\" y=\"{top + plotH + 40}\" text-anchor=\"middle\" font-size=\"11\">{Escape(xLabel)}</text>");
        if (yLabel.Length > 0)
        {
            sb.Append(CultureInfo.InvariantCulture, $"<text x=\"14\" y=\"{top + (plotH / 2)}\" text-anchor=\"middle\" font-size=\"11\" transform=\"rotate(-90 14 {top + (plotH / 2)})\">{Escape(yLabel)}</text>");
        }
    }

    private static StringBuilder Open(string name, string title, int width, int height)
    {
        var sb = new StringBuilder();
        sb.Append(CultureInfo.InvariantCulture, $"<svg class=\"chart\" data-chart=\"{Escape(name)}\" xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 {width} {height}\" width=\"100%\" style=\"max-width:{width}px;height:auto\" preserveAspectRatio=\"xMinYMin meet\" role=\"img\" aria-label=\"{Escape(title)}\" font-family=\"system-ui, sans-serif\" font-size=\"12\">");
        sb.Append(CultureInfo.InvariantCulture, $"<text x=\"8\" y=\"18\" font-size=\"14\" font-weight=\"600\">{Escape(title)}</text>");
        return sb;
    }

    private static string Close(StringBuilder sb) => sb.Append("</svg>").ToString();

    /// <summary>Light yellow to dark blue.</summary>
    private static string Blend(double t)
    {
        t = Math.Clamp(t, 0, 1);
        var r = (int)(255 + ((33 - 255) * t));
        var g = (int)(247 + ((84 - 247) * t));
        var b = (int)(188 + ((160 - 188) * t));
        return string.Create(CultureInfo.InvariantCulture, $"#{r:x2}{g:x2}{b:x2}");
    }
}
