using System.Reflection;

namespace Lifecycle.Tests;

/// <summary>Embedded data files (see TestData/ATTRIBUTION.md for their sources).</summary>
internal static class TestData
{
    public static Stream Open(string fileName) =>
        Assembly.GetExecutingAssembly().GetManifestResourceStream("TestData." + fileName)
        ?? throw new FileNotFoundException("Embedded test data not found: " + fileName);

    public static string[] ReadLines(string fileName)
    {
        using var reader = new StreamReader(Open(fileName));
        var lines = new List<string>();
        while (reader.ReadLine() is { } line)
        {
            if (line.Length > 0)
            {
                lines.Add(line);
            }
        }

        return [.. lines];
    }
}
