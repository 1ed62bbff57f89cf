using Lifecycle.Metrics;

namespace Lifecycle.Extensions.DependencyInjection.Tests;

/// <summary>The house rules for the package's public surface (the Core assembly has its own).</summary>
public sealed class HouseRulesTests
{
    private static readonly Type[] PublicTypes = typeof(LifecycleServiceCollectionExtensions).Assembly.GetExportedTypes();

    [Fact]
    public void PublicTypes_LiveInTheLifecycleNamespace()
    {
        Assert.NotEmpty(PublicTypes);
        Assert.All(PublicTypes, t => Assert.Equal("Lifecycle", t.Namespace));
    }

    // A static class is abstract and sealed in metadata, so IsSealed covers both.
    [Fact]
    public void PublicClasses_AreSealedOrStatic()
    {
        Assert.All(PublicTypes.Where(t => t.IsClass), t => Assert.True(t.IsSealed, t.FullName));
    }

    [Fact]
    public void MetricValue_Name_IsValidated()
    {
        Assert.Equal("Name", Assert.Throws<ArgumentNullException>(() => new MetricValue(null!, default)).ParamName);
        var blank = Assert.Throws<ArgumentException>(() => new MetricValue(" ", default));
        Assert.Equal("Name is empty or white space; give the metric a name for reports, for example \"average order value\". (Parameter 'Name')", blank.Message);
        Assert.Throws<ArgumentException>(() => new MetricValue("ok", default) with { Name = "" });
        Assert.Equal(string.Empty, default(MetricValue).Name);
        Assert.False(default(MetricValue).Value.IsDefined);
        Assert.Equal(new Ratio(1, 2), new MetricValue("half", new Ratio(1, 2)).Value);
    }
}
