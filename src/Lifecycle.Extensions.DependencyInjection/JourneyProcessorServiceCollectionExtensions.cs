using System.Diagnostics.Metrics;
using System.Threading.Channels;
using Lifecycle.Stages;
using Lifecycle.Store;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace Lifecycle;

/// <summary>Registers the hosted <see cref="JourneyProcessor"/>.</summary>
public static class JourneyProcessorServiceCollectionExtensions
{
    /// <summary>Registers the processor over an event stream; needs <see cref="LifecycleServiceCollectionExtensions.AddLifecycle(IServiceCollection)"/> and an <see cref="IJourneyStore"/> service.</summary>
    /// <param name="services">The service collection.</param>
    /// <param name="events">Creates the stream of events (called once, when the host starts; the token signals shutdown).</param>
    /// <param name="configure">Changes the options (after any configuration binding); <see langword="null"/> for none.</param>
    /// <returns><paramref name="services"/>, for chaining.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="services"/> or <paramref name="events"/> is null.</exception>
    public static IServiceCollection AddJourneyProcessor(this IServiceCollection services, Func<IServiceProvider, IAsyncEnumerable<LifecycleEvent>> events, Action<JourneyProcessorOptions>? configure)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(events);
        var builder = services.AddOptions<JourneyProcessorOptions>().ValidateOnStart();
        if (configure is not null)
        {
            builder.Configure(configure);
        }

        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<JourneyProcessorOptions>, JourneyProcessorOptionsValidator>());
        services.AddHostedService(sp => new JourneyProcessor(
            sp.GetRequiredService<IJourneyStore>(),
            sp.GetRequiredService<IStageEngineFactory>(),
            sp.GetServices<ITransitionHandler>(),
            token => events(sp),
            sp.GetService<TimeProvider>() ?? TimeProvider.System,
            sp.GetRequiredService<IOptions<JourneyProcessorOptions>>(),
            sp.GetService<IMeterFactory>()));
        return services;
    }

    /// <summary>Registers the processor over a channel: everything written to <paramref name="events"/> is tracked.</summary>
    /// <param name="services">The service collection.</param>
    /// <param name="events">The channel reader.</param>
    /// <param name="configure">Changes the options (after any configuration binding); <see langword="null"/> for none.</param>
    /// <returns><paramref name="services"/>, for chaining.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="services"/> or <paramref name="events"/> is null.</exception>
    public static IServiceCollection AddJourneyProcessor(this IServiceCollection services, ChannelReader<LifecycleEvent> events, Action<JourneyProcessorOptions>? configure)
    {
        ArgumentNullException.ThrowIfNull(events);
        return services.AddJourneyProcessor(_ => events.ReadAllAsync(), configure);
    }
}
