using System.Xml.Linq;

namespace Lifecycle.Extensions.DependencyInjection.Tests;

public sealed class PackageTests
{
    [Fact]
    public void Project_References_OnlyCoreAndAbstractions()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "Lifecycle.Core.sln")))
        {
            dir = dir.Parent;
        }

        Assert.NotNull(dir);
        var project = XDocument.Load(Path.Combine(dir.FullName, "src", "Lifecycle.Extensions.DependencyInjection", "Lifecycle.Extensions.DependencyInjection.csproj"));
        var packages = project.Descendants("PackageReference").Select(e => (string)e.Attribute("Include")!).Order(StringComparer.Ordinal).ToArray();
        // Hosting.Abstractions is for the hosted JourneyProcessor (BackgroundService); still no implementation packages.
        Assert.Equal(["Microsoft.Extensions.DependencyInjection.Abstractions", "Microsoft.Extensions.Hosting.Abstractions", "Microsoft.Extensions.Options"], packages);
        var projects = project.Descendants("ProjectReference").Select(e => Path.GetFileName(((string)e.Attribute("Include")!).Replace('\\', '/'))).ToArray();
        Assert.Equal(["Lifecycle.Core.csproj"], projects);
    }
}
