namespace Lifecycle.Cli.Tests;

public sealed class CliSmokeTests
{
    [Fact]
    public void Run_NoArguments_Succeeds()
    {
        using var stdout = new StringWriter();
        using var stderr = new StringWriter();
        Assert.Equal(0, CliApp.Run([], stdout, stderr));
    }
}
