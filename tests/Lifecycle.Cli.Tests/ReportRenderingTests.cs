using System.Diagnostics;

namespace Lifecycle.Cli.Tests;

/// <summary>Opens the report in headless Chromium (Debian's chromium package; .ci/run installs it when missing).</summary>
public sealed class ReportRenderingTests
{
    private static string? Chromium() =>
        new[] { "/usr/bin/chromium", "/usr/bin/chromium-browser", "/usr/bin/google-chrome" }.FirstOrDefault(File.Exists);

    [Fact]
    public void Report_RendersInHeadlessChromium_WithChartsAndNoErrors()
    {
        var chromium = Chromium();
        if (chromium is null)
        {
            Assert.Skip("Chromium is not installed (apt-get install chromium); .ci/run installs it when it can.");
        }

        var dir = Path.Combine(CliRunner.TempDirectory(), "report");
        var (code, _, error) = CliRunner.Run("analyze", "--out", dir);
        Assert.True(code == 0, error);
        var report = Path.Combine(dir, "report.html");
        var profile = CliRunner.TempDirectory();
        var screenshot = Path.Combine(dir, "report.png");
        var (exit, dom, log) = RunChromium(chromium, profile, "--dump-dom", "--enable-logging=stderr", "--v=0", new Uri(report).AbsoluteUri);
        Assert.True(exit == 0, log);
        Assert.Contains("Customer lifecycle report", dom, StringComparison.Ordinal);
        var charts = dom.Split("<svg class=\"chart\"").Length - 1;
        Assert.True(charts >= 10, $"expected at least 10 charts in the rendered DOM, found {charts}");
        Assert.DoesNotContain("Uncaught", log, StringComparison.Ordinal);
        Assert.DoesNotContain("ERR_FILE_NOT_FOUND", log, StringComparison.Ordinal);

        (exit, _, log) = RunChromium(chromium, profile, "--screenshot=" + screenshot, "--window-size=1200,3000", new Uri(report).AbsoluteUri);
        Assert.True(exit == 0, log);
        Assert.True(new FileInfo(screenshot).Length > 50_000, "the screenshot should show a rendered page");
    }

    private static (int Exit, string Out, string Error) RunChromium(string chromium, string profile, params string[] args)
    {
        var info = new ProcessStartInfo(chromium) { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var a in new[] { "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync", "--user-data-dir=" + profile })
        {
            info.ArgumentList.Add(a);
        }

        foreach (var a in args)
        {
            info.ArgumentList.Add(a);
        }

        using var process = Process.Start(info)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        if (!process.WaitForExit(TimeSpan.FromSeconds(90)))
        {
            process.Kill(entireProcessTree: true);
            Assert.Fail("Chromium did not finish within 90 s");
        }

        return (process.ExitCode, stdout.Result, stderr.Result);
    }
}
