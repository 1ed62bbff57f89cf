using System.Reflection;
using System.Xml.Linq;

namespace Lifecycle.Tests.House;

/// <summary>Rules of the house, checked by reflection and by reading the project file.</summary>
public sealed class HouseRulesTests
{
    private static readonly Assembly Core = typeof(TimeUnit).Assembly;

    [Fact]
    public void CoreAssembly_References_OnlyTheFramework()
    {
        var referenced = Core.GetReferencedAssemblies()
            .Select(a => a.Name!)
            .Where(n => !n.StartsWith("System", StringComparison.Ordinal) && n != "netstandard" && n != "mscorlib")
            .ToArray();
        Assert.Empty(referenced);
        Assert.DoesNotContain(Core.GetReferencedAssemblies(), a => a.Name!.StartsWith("Microsoft.", StringComparison.Ordinal));
    }

    [Fact]
    public void CoreProject_Has_NoPackageReferences()
    {
        var project = XDocument.Load(Path.Combine(RepositoryRoot(), "src", "Lifecycle.Core", "Lifecycle.Core.csproj"));
        Assert.Empty(project.Descendants("PackageReference"));
    }

    [Fact]
    public void PublicClasses_Are_SealedAbstractOrStatic()
    {
        var open = Core.GetExportedTypes()
            .Where(t => t.IsClass && !t.IsSealed && !t.IsAbstract && !typeof(Delegate).IsAssignableFrom(t))
            .Select(t => t.FullName)
            .ToArray();
        Assert.Empty(open);
    }

    [Fact]
    public void PublicTypes_Live_InTheDocumentedNamespaces()
    {
        string[] allowed = ["Lifecycle", "Lifecycle.Stages", "Lifecycle.Metrics", "Lifecycle.Clv", "Lifecycle.Segmentation", "Lifecycle.Analysis"];
        var stray = Core.GetExportedTypes().Where(t => !allowed.Contains(t.Namespace)).Select(t => t.FullName).ToArray();
        Assert.Empty(stray);
    }

    internal static string RepositoryRoot()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "Lifecycle.Core.sln")))
        {
            dir = dir.Parent;
        }

        return dir?.FullName ?? throw new InvalidOperationException("Could not find Lifecycle.Core.sln above " + AppContext.BaseDirectory);
    }
}
