using System.Text;
using Lifecycle.Engagement;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Lifecycle.Extensions.DependencyInjection.Tests;

public sealed class PlaybookConfigurationTests
{
    private const string AppSettings = """
        { "Lifecycle": { "Playbook": {
            "Name": "spring", "HoldoutShare": 0.1, "MaxActionsPerCustomer": 2,
            "Caps": [ { "Max": 2, "WindowDays": 7 } ],
            "Rules": [
              { "Name": "win-back", "Action": "winback_offer", "Priority": 90, "Channel": "email",
                "Trigger": { "Becomes": { "Measure": "p_alive", "Op": "<", "Value": 0.3 } },
                "When": [ { "Measure": "clv_decile", "Op": ">=", "Value": 8 } ],
                "Exit": [ { "PurchasedSince": "win-back" } ], "CooldownDays": 30, "ControlShare": 0.2 },
              { "Name": "weekly-digest", "Action": "digest", "Trigger": { "Anchor": "2026-01-05T00:00:00Z", "EveryDays": 7 } } ] } } }
        """;

    private static ServiceProvider Build(string json)
    {
        var configuration = new ConfigurationBuilder().AddJsonStream(new MemoryStream(Encoding.UTF8.GetBytes(json))).Build();
        var services = new ServiceCollection();
        services.Configure<PlaybookDefinition>(configuration.GetSection("Lifecycle:Playbook"));
        services.AddLifecyclePlaybook();
        return services.BuildServiceProvider();
    }

    [Fact]
    public void AddLifecyclePlaybook_FromJsonConfiguration_BuildsTheRules()
    {
        using var provider = Build(AppSettings);
        var playbook = provider.GetRequiredService<Playbook>();
        Assert.Equal("spring", playbook.Name);
        Assert.Equal(["win-back", "weekly-digest"], playbook.Rules.Select(r => r.Name));
        Assert.Equal(0.1, playbook.Controls.HoldoutShare);
        Assert.Equal(2, playbook.MaxActionsPerCustomer);
        var winBack = playbook.Rules[0];
        Assert.Equal(ConsentChannels.Email, winBack.Channel);
        Assert.Equal(TimeSpan.FromDays(30), winBack.Cooldown);
        Assert.Equal(0.2, winBack.ControlShare);
        Assert.Equal(new FrequencyCap(2, TimeSpan.FromDays(7)), Assert.Single(playbook.Caps));
        Assert.Same(playbook, provider.GetRequiredService<Playbook>());

        var now = new DateTimeOffset(2026, 6, 1, 0, 0, 0, TimeSpan.Zero);
        var decisions = playbook.Decide(new CustomerContext("c1", now) { AliveProbability = 0.2, ValueDecile = 9, Value = 50, Consent = ConsentChannels.Email });
        Assert.Equal(["win-back", "weekly-digest"], decisions.Select(d => d.Rule));
    }

    [Fact]
    public void AddLifecyclePlaybook_InvalidConfiguration_FailsValidationWithEveryProblem()
    {
        using var provider = Build("""{ "Lifecycle": { "Playbook": { "Name": "x", "HoldoutShare": 2, "Rules": [ { "Name": "a", "Action": "", "When": [ { "Measure": "nope", "Op": "<", "Value": 1 } ] } ] } } }""");
        var e = Assert.Throws<OptionsValidationException>(() => provider.GetRequiredService<IOptions<PlaybookDefinition>>().Value);
        Assert.Contains(e.Failures, f => f.StartsWith("rules[0].when[0].measure: 'nope'", StringComparison.Ordinal));
        Assert.Contains(e.Failures, f => f.Contains("HoldoutShare = 2", StringComparison.Ordinal));
        Assert.Contains(e.Failures, f => f.Contains("no action key", StringComparison.Ordinal));
    }
}
