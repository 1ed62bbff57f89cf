using System.Diagnostics.Metrics;
using System.Globalization;
using System.Threading.Channels;
using Lifecycle.Stages;
using Lifecycle.Store;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace Lifecycle;

/// <summary>Options of the hosted <see cref="JourneyProcessor"/>; bind them from configuration (for example the section <c>Lifecycle:Journeys</c>) and they are validated when the host starts.</summary>
public sealed class JourneyProcessorOptions
{
    /// <summary>Gets or sets the most events committed in one transaction.</summary>
    /// <value>Default 1024; 1 to 1,000,000.</value>
    public int BatchSize { get; set; } = 1024;

    /// <summary>Gets or sets how often the time and model rules of every stored customer are evaluated (as of the host's <see cref="TimeProvider"/> now).</summary>
    /// <value>Default 5 minutes; at least 1 second.</value>
    public TimeSpan EvaluationInterval { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>Gets or sets how long the publisher waits when the outbox is empty.</summary>
    /// <value>Default 1 second; 10 ms to 1 hour.</value>
    public TimeSpan PublishInterval { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>Gets or sets how many outbox messages the publisher reads at a time.</summary>
    /// <value>Default 500; 1 to 100,000.</value>
    public int PublishBatchSize { get; set; } = 500;
}

/// <summary>What a <see cref="ITransitionHandler"/> receives: one stored transition of one customer.</summary>
public readonly struct TransitionArguments
{
    internal TransitionArguments(OutboxMessage message)
    {
        Sequence = message.Sequence;
        CustomerId = message.CustomerId;
        JourneyIndex = message.JourneyIndex;
        Transition = message.Transition;
    }

    /// <summary>Gets the outbox sequence number: unique and increasing; a redelivery after a crash carries the same number, so handlers can ignore repeats.</summary>
    public long Sequence { get; }

    /// <summary>Gets the customer.</summary>
    public string CustomerId { get; }

    /// <summary>Gets the transition's index in the customer's journey.</summary>
    public int JourneyIndex { get; }

    /// <summary>Gets the transition.</summary>
    public StageTransition Transition { get; }
}

/// <summary>Acts on stage transitions published by the <see cref="JourneyProcessor"/> (register any number as <see cref="ITransitionHandler"/> services).</summary>
public interface ITransitionHandler
{
    /// <summary>Handles one transition; throwing leaves it in the outbox, to be delivered again.</summary>
    /// <param name="arguments">The transition.</param>
    /// <param name="cancellationToken">Signals host shutdown.</param>
    /// <returns>A task that completes when the transition is handled.</returns>
    Task HandleAsync(TransitionArguments arguments, CancellationToken cancellationToken);
}

/// <summary>A hosted service that folds incoming events into a durable <see cref="IJourneyStore"/>, evaluates time rules on a schedule and publishes every new transition to the registered <see cref="ITransitionHandler"/>s through the store's outbox.</summary>
/// <remarks>
/// <para><b>Flow.</b> Events are read from the source given to <c>AddJourneyProcessor</c>,
/// batched (whatever is available, up to <see cref="JourneyProcessorOptions.BatchSize"/>), folded by a
/// <see cref="JourneyTracker"/> and committed: states, events, transitions and one outbox message per transition in
/// one transaction. A second loop evaluates the time rules every <see cref="JourneyProcessorOptions.EvaluationInterval"/>
/// (ticks of the host's <see cref="TimeProvider"/>); a third reads the outbox, calls every handler, and deletes each
/// message once all handlers returned.</para>
/// <para><b>Delivery.</b> A crash between commit and publish loses nothing: the message waits in the outbox. A crash
/// after a handler ran but before its message was deleted delivers that message again with the same
/// <see cref="TransitionArguments.Sequence"/> (at-least-once at the handler; once per sequence number for a handler that
/// remembers the last sequence it handled). Messages are delivered in sequence order.</para>
/// <para><b>Metrics</b> (meter <c>Lifecycle.Journeys</c>): <c>lifecycle.journeys.events</c> (events committed),
/// <c>lifecycle.journeys.transitions</c> (transitions committed), <c>lifecycle.journeys.published</c> (messages
/// delivered), <c>lifecycle.journeys.conflicts</c> (batches recomputed after another writer), and the histogram
/// <c>lifecycle.journeys.lag</c> (seconds from an event's timestamp to its commit).</para>
/// </remarks>
public sealed class JourneyProcessor : BackgroundService
{
    /// <summary>The meter name.</summary>
    public const string MeterName = "Lifecycle.Journeys";

    private readonly IJourneyStore _store;
    private readonly IStageEngineFactory _engines;
    private readonly IEnumerable<ITransitionHandler> _handlers;
    private readonly Func<CancellationToken, IAsyncEnumerable<LifecycleEvent>> _source;
    private readonly TimeProvider _time;
    private readonly JourneyProcessorOptions _options;
    private readonly Meter _meter;
    private readonly Counter<long> _events;
    private readonly Counter<long> _transitions;
    private readonly Counter<long> _published;
    private readonly Counter<long> _conflicts;
    private readonly Histogram<double> _lag;

    internal JourneyProcessor(IJourneyStore store, IStageEngineFactory engines, IEnumerable<ITransitionHandler> handlers, Func<CancellationToken, IAsyncEnumerable<LifecycleEvent>> source, TimeProvider time, IOptions<JourneyProcessorOptions> options, IMeterFactory? meters)
    {
        _store = store;
        _engines = engines;
        _handlers = handlers;
        _source = source;
        _time = time;
        _options = options.Value;
        _meter = meters?.Create(MeterName) ?? new Meter(MeterName);
        _events = _meter.CreateCounter<long>("lifecycle.journeys.events", "{event}", "Events committed to the journey store.");
        _transitions = _meter.CreateCounter<long>("lifecycle.journeys.transitions", "{transition}", "Stage transitions committed.");
        _published = _meter.CreateCounter<long>("lifecycle.journeys.published", "{transition}", "Transitions delivered to every handler and removed from the outbox.");
        _conflicts = _meter.CreateCounter<long>("lifecycle.journeys.conflicts", "{batch}", "Batches recomputed because another writer changed a customer first.");
        _lag = _meter.CreateHistogram<double>("lifecycle.journeys.lag", "s", "Seconds from an event's timestamp to its commit.");
    }

    /// <summary>Gets the number of events committed so far.</summary>
    public long EventsCommitted => Interlocked.Read(ref _eventCount);

    private long _eventCount;

    /// <inheritdoc/>
    public override void Dispose()
    {
        _meter.Dispose();
        base.Dispose();
    }

    /// <inheritdoc/>
    protected override Task ExecuteAsync(CancellationToken stoppingToken) =>
        Task.WhenAll(ConsumeAsync(stoppingToken), EvaluateAsync(stoppingToken), PublishAsync(stoppingToken));

    private async Task ConsumeAsync(CancellationToken stoppingToken)
    {
        var tracker = new JourneyTracker(_engines.Create(), _store, _options.BatchSize, publish: true);
        var buffer = Channel.CreateBounded<LifecycleEvent>(new BoundedChannelOptions(_options.BatchSize * 2) { SingleReader = true, SingleWriter = true });
        var pump = PumpAsync(buffer.Writer, stoppingToken);
        var batch = new List<LifecycleEvent>(_options.BatchSize);
        try
        {
            while (await buffer.Reader.WaitToReadAsync(stoppingToken).ConfigureAwait(false))
            {
                while (batch.Count < _options.BatchSize && buffer.Reader.TryRead(out var e))
                {
                    batch.Add(e);
                }

                var report = await tracker.ApplyAsync(batch, stoppingToken).ConfigureAwait(false);
                var now = _time.GetUtcNow();
                foreach (var e in batch)
                {
                    _lag.Record(Math.Max(0, (now - e.Timestamp).TotalSeconds));
                }

                _events.Add(batch.Count);
                Interlocked.Add(ref _eventCount, batch.Count);
                _transitions.Add(report.Transitions);
                _conflicts.Add(report.Conflicts);
                batch.Clear();
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }

        await pump.ConfigureAwait(false);
    }

    private async Task PumpAsync(ChannelWriter<LifecycleEvent> writer, CancellationToken stoppingToken)
    {
        try
        {
            await foreach (var e in _source(stoppingToken).WithCancellation(stoppingToken).ConfigureAwait(false))
            {
                await writer.WriteAsync(e, stoppingToken).ConfigureAwait(false);
            }

            writer.Complete();
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            writer.TryComplete();
        }
#pragma warning disable CA1031 // A failing source ends the consumer with the source's exception.
        catch (Exception e)
#pragma warning restore CA1031
        {
            writer.TryComplete(e);
        }
    }

    private async Task EvaluateAsync(CancellationToken stoppingToken)
    {
        var tracker = new JourneyTracker(_engines.Create(), _store, _options.BatchSize, publish: true);
        using var timer = new PeriodicTimer(_options.EvaluationInterval, _time);
        try
        {
            while (await timer.WaitForNextTickAsync(stoppingToken).ConfigureAwait(false))
            {
                var report = await tracker.EvaluateAsync(_time.GetUtcNow(), stoppingToken).ConfigureAwait(false);
                _transitions.Add(report.Transitions);
                _conflicts.Add(report.Conflicts);
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }

    private async Task PublishAsync(CancellationToken stoppingToken)
    {
        try
        {
            while (!stoppingToken.IsCancellationRequested)
            {
                var messages = await _store.ReadOutboxAsync(_options.PublishBatchSize, stoppingToken).ConfigureAwait(false);
                foreach (var m in messages)
                {
                    var args = new TransitionArguments(m);
                    foreach (var h in _handlers)
                    {
                        await h.HandleAsync(args, stoppingToken).ConfigureAwait(false);
                    }

                    await _store.AcknowledgeOutboxAsync([m.Sequence], stoppingToken).ConfigureAwait(false);
                    _published.Add(1);
                }

                if (messages.Count < _options.PublishBatchSize)
                {
                    await Task.Delay(_options.PublishInterval, _time, stoppingToken).ConfigureAwait(false);
                }
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }
}

internal sealed class JourneyProcessorOptionsValidator : IValidateOptions<JourneyProcessorOptions>
{
    public ValidateOptionsResult Validate(string? name, JourneyProcessorOptions options)
    {
        var problems = new List<string>();
        void Check(bool ok, string problem)
        {
            if (!ok)
            {
                problems.Add(problem);
            }
        }

        Check(options.BatchSize is >= 1 and <= 1_000_000, F($"Lifecycle:Journeys:BatchSize = {options.BatchSize} must be from 1 to 1000000; use a few thousand events per commit."));
        Check(options.EvaluationInterval >= TimeSpan.FromSeconds(1), F($"Lifecycle:Journeys:EvaluationInterval = {options.EvaluationInterval} must be at least 00:00:01; time rules are due in days, evaluate every few minutes."));
        Check(options.PublishInterval >= TimeSpan.FromMilliseconds(10) && options.PublishInterval <= TimeSpan.FromHours(1), F($"Lifecycle:Journeys:PublishInterval = {options.PublishInterval} must be from 00:00:00.010 to 01:00:00."));
        Check(options.PublishBatchSize is >= 1 and <= 100_000, F($"Lifecycle:Journeys:PublishBatchSize = {options.PublishBatchSize} must be from 1 to 100000."));
        return problems.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(problems);
    }

    private static string F(FormattableString s) => s.ToString(CultureInfo.InvariantCulture);
}
