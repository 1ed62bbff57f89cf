using Lifecycle.Engagement;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace Lifecycle;

/// <summary>Registers a <see cref="Playbook"/> built from a <see cref="PlaybookDefinition"/> in options, so rules can live in configuration (appsettings.json).</summary>
/// <remarks>
/// <para>Bind the definition from configuration the usual way, for example
/// <c>services.Configure&lt;PlaybookDefinition&gt;(configuration.GetSection("Lifecycle:Playbook"))</c>
/// (Microsoft.Extensions.Options.ConfigurationExtensions), then call <see cref="AddLifecyclePlaybook(IServiceCollection)"/>.
/// The JSON shape is that of <see cref="PlaybookDefinition"/> (see docs/engagement.md).</para>
/// <para>The definition is validated by <see cref="PlaybookDefinition.ToPlaybook"/> itself (Core's rules, reported all
/// at once) with <c>ValidateOnStart</c>; the playbook is a singleton built once, when first resolved.</para>
/// </remarks>
public static class EngagementServiceCollectionExtensions
{
    /// <summary>Registers the playbook from the bound <see cref="PlaybookDefinition"/> options.</summary>
    /// <param name="services">The service collection.</param>
    /// <returns><paramref name="services"/>, for chaining.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="services"/> is null.</exception>
    public static IServiceCollection AddLifecyclePlaybook(this IServiceCollection services)
    {
        ArgumentNullException.ThrowIfNull(services);
        services.AddOptions<PlaybookDefinition>().ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<PlaybookDefinition>, PlaybookDefinitionValidator>());
        services.TryAddSingleton(sp => sp.GetRequiredService<IOptions<PlaybookDefinition>>().Value.ToPlaybook());
        return services;
    }

    /// <summary>Registers the playbook and configures its definition in code (applied after any binding registered before).</summary>
    /// <param name="services">The service collection.</param>
    /// <param name="configure">Changes the definition.</param>
    /// <returns><paramref name="services"/>, for chaining.</returns>
    /// <exception cref="ArgumentNullException">An argument is null.</exception>
    public static IServiceCollection AddLifecyclePlaybook(this IServiceCollection services, Action<PlaybookDefinition> configure)
    {
        ArgumentNullException.ThrowIfNull(configure);
        AddLifecyclePlaybook(services);
        services.Configure(configure);
        return services;
    }

    private sealed class PlaybookDefinitionValidator : IValidateOptions<PlaybookDefinition>
    {
        public ValidateOptionsResult Validate(string? name, PlaybookDefinition options)
        {
            try
            {
                _ = options.ToPlaybook();
                return ValidateOptionsResult.Success;
            }
            catch (PlaybookException e)
            {
                return ValidateOptionsResult.Fail(e.Problems);
            }
        }
    }
}
