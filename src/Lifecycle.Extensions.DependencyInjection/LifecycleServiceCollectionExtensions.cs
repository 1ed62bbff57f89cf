using Lifecycle.Segmentation;
using Lifecycle.Stages;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace Lifecycle;

/// <summary>Registers the Lifecycle services (summarizer factory, stage engine, model fitting and CLV, churn and metric calculators, segmenter) with validated <see cref="LifecycleOptions"/>.</summary>
/// <remarks>
/// <para>Every service is added with <c>TryAdd</c>: a registration of your own, made before or after, wins (the
/// container returns the last registration, and ours is skipped when yours came first). Calling a method again for
/// the same configuration registers nothing twice; a configure action passed again is applied again, like
/// <c>Configure</c>.</para>
/// <para>Options are validated by the generated field validator and the cross-field rules, and registered with
/// <c>ValidateOnStart</c>: a host (<c>Microsoft.Extensions.Hosting</c>) checks them when it starts, and without a
/// host they are checked when a service is first resolved (or when you call
/// <c>IStartupValidator.Validate()</c>). Services read the options once, when first resolved.</para>
/// <para><see cref="TimeProvider"/> (for default observation ends) is taken from the container when registered,
/// <see cref="TimeProvider.System"/> otherwise.</para>
/// </remarks>
public static class LifecycleServiceCollectionExtensions
{
    /// <summary>Registers the Lifecycle services with the default options (bind or configure <see cref="LifecycleOptions"/> to change them).</summary>
    /// <param name="services">The service collection.</param>
    /// <returns><paramref name="services"/>, for chaining.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="services"/> is null.</exception>
    public static IServiceCollection AddLifecycle(this IServiceCollection services)
    {
        ArgumentNullException.ThrowIfNull(services);
        Register(services, null);
        return services;
    }

    /// <summary>Registers the Lifecycle services and configures their options.</summary>
    /// <param name="services">The service collection.</param>
    /// <param name="configure">Changes the options (applied after any configuration binding registered before this call).</param>
    /// <returns><paramref name="services"/>, for chaining.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="services"/> or <paramref name="configure"/> is null.</exception>
    public static IServiceCollection AddLifecycle(this IServiceCollection services, Action<LifecycleOptions> configure)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(configure);
        Register(services, null);
        services.Configure(configure);
        return services;
    }

    /// <summary>Registers a named Lifecycle configuration: named options <paramref name="name"/> and keyed services under the key <paramref name="name"/>.</summary>
    /// <param name="services">The service collection.</param>
    /// <param name="name">The configuration name, also the service key (resolve with <c>GetRequiredKeyedService&lt;IClvCalculator&gt;(name)</c>).</param>
    /// <returns><paramref name="services"/>, for chaining.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="services"/> or <paramref name="name"/> is null.</exception>
    /// <exception cref="ArgumentException"><paramref name="name"/> is empty or white space.</exception>
    public static IServiceCollection AddLifecycle(this IServiceCollection services, string name)
    {
        ArgumentNullException.ThrowIfNull(services);
        CheckName(name);
        Register(services, name);
        return services;
    }

    /// <summary>Registers a named Lifecycle configuration and configures its options.</summary>
    /// <param name="services">The service collection.</param>
    /// <param name="name">The configuration name, also the service key.</param>
    /// <param name="configure">Changes the named options.</param>
    /// <returns><paramref name="services"/>, for chaining.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="services"/>, <paramref name="name"/> or <paramref name="configure"/> is null.</exception>
    /// <exception cref="ArgumentException"><paramref name="name"/> is empty or white space.</exception>
    public static IServiceCollection AddLifecycle(this IServiceCollection services, string name, Action<LifecycleOptions> configure)
    {
        ArgumentNullException.ThrowIfNull(services);
        CheckName(name);
        ArgumentNullException.ThrowIfNull(configure);
        Register(services, name);
        services.Configure(name, configure);
        return services;
    }

    private static void CheckName(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        if (string.IsNullOrWhiteSpace(name))
        {
            throw new ArgumentException("name is empty or white space; pass the name of the configuration (for example \"eu\"), or call AddLifecycle() for the default one.", nameof(name));
        }
    }

    private static void Register(IServiceCollection services, string? name)
    {
        var optionsName = name ?? Options.DefaultName;
        foreach (var descriptor in services)
        {
            if (descriptor.ServiceType == typeof(RegistrationMarker) && descriptor.ImplementationInstance is RegistrationMarker marker && string.Equals(marker.Name, optionsName, StringComparison.Ordinal))
            {
                return;
            }
        }

        services.AddSingleton(new RegistrationMarker(optionsName));
        services.AddOptions<LifecycleOptions>(optionsName).ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<LifecycleOptions>, LifecycleOptionsValidator>());
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<LifecycleOptions>, LifecycleOptionsRulesValidator>());
        services.TryAddEnumerable(ServiceDescriptor.Singleton<ITransactionMetric, AverageOrderValueMetric>());
        services.TryAddEnumerable(ServiceDescriptor.Singleton<ITransactionMetric, PurchaseFrequencyMetric>());
        services.TryAddEnumerable(ServiceDescriptor.Singleton<ITransactionMetric, RepeatPurchaseRateMetric>());

        if (name is null)
        {
            services.TryAddSingleton<ICustomerAnalyzer>(sp => new CustomerAnalyzer(Settings(sp, optionsName)));
            services.TryAddSingleton<ISummarizerFactory>(sp => new SummarizerFactory(Settings(sp, optionsName), Time(sp)));
            services.TryAddSingleton<IStageEngineFactory>(sp => new StageEngineFactory(Settings(sp, optionsName)));
            services.TryAddSingleton(sp => sp.GetRequiredService<IStageEngineFactory>().Create());
            services.TryAddSingleton<IClvModelFitter>(sp => new ClvModelFitter(Settings(sp, optionsName)));
            services.TryAddSingleton<IClvCalculator>(sp => new ClvCalculator(Settings(sp, optionsName)));
            services.TryAddSingleton<IChurnCalculator>(sp => new ChurnCalculator(Settings(sp, optionsName), Time(sp), sp));
            services.TryAddSingleton<IMetricCalculator>(sp => new MetricCalculator(Time(sp), sp));
            services.TryAddSingleton<ICustomerSegmenter>(sp => new CustomerSegmenter(Settings(sp, optionsName), sp.GetService<SegmentMap>()));
        }
        else
        {
            services.TryAddKeyedSingleton<ICustomerAnalyzer>(name, (sp, _) => new CustomerAnalyzer(Settings(sp, name)));
            services.TryAddKeyedSingleton<ISummarizerFactory>(name, (sp, _) => new SummarizerFactory(Settings(sp, name), Time(sp)));
            services.TryAddKeyedSingleton<IStageEngineFactory>(name, (sp, _) => new StageEngineFactory(Settings(sp, name)));
            services.TryAddKeyedSingleton<LifecycleEngine>(name, (sp, _) => sp.GetRequiredKeyedService<IStageEngineFactory>(name).Create());
            services.TryAddKeyedSingleton<IClvModelFitter>(name, (sp, _) => new ClvModelFitter(Settings(sp, name)));
            services.TryAddKeyedSingleton<IClvCalculator>(name, (sp, _) => new ClvCalculator(Settings(sp, name)));
            services.TryAddKeyedSingleton<IChurnCalculator>(name, (sp, _) => new ChurnCalculator(Settings(sp, name), Time(sp), sp));
            services.TryAddKeyedSingleton<IMetricCalculator>(name, (sp, _) => new MetricCalculator(Time(sp), sp));
            services.TryAddKeyedSingleton<ICustomerSegmenter>(name, (sp, _) => new CustomerSegmenter(Settings(sp, name), sp.GetKeyedService<SegmentMap>(name) ?? sp.GetService<SegmentMap>()));
        }
    }

    // IOptionsMonitor.Get runs the validators: a bad configuration fails here, at first resolution, even without a host.
    private static LifecycleSettings Settings(IServiceProvider services, string name) =>
        new(services.GetRequiredService<IOptionsMonitor<LifecycleOptions>>().Get(name));

    private static TimeProvider Time(IServiceProvider services) => services.GetService<TimeProvider>() ?? TimeProvider.System;

    /// <summary>Marks a configuration name as registered, so a second call adds nothing.</summary>
    private sealed class RegistrationMarker(string name)
    {
        public string Name { get; } = name;
    }
}
