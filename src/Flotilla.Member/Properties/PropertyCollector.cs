using Flotilla.Api.Cluster;
using Flotilla.Api.Meta;
using Microsoft.Extensions.Logging;

namespace Flotilla.Member.Properties;

/// <summary>What one heartbeat's collection gives: the provider's response (null when it gave none) and the conditions to set on the IMC.</summary>
internal sealed record PropertyCollection(PropertyCollectionResponse? Response, IReadOnlyList<Condition> Conditions);

/// <summary>
/// Drives the property provider as upstream's member agent does (placement spec §8.4): starts it once, within 10
/// seconds, falling back to the built-in collection when it fails or times out; calls it with a 10-second deadline
/// and never with more than 3 calls outstanding (a call that missed its deadline stays outstanding until it returns).
/// With no provider configured the built-in collection runs and no provider conditions are reported.
/// </summary>
/// <remarks>Called by one reconcile at a time; only the outstanding-call count is touched from other threads.</remarks>
internal sealed class PropertyCollector
{
    public static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(10);
    public static readonly TimeSpan CollectTimeout = TimeSpan.FromSeconds(10);
    public const int MaxOutstandingCalls = 3;

    public const string StartedReason = "Started";
    public const string StartedMessage = "The property provider has started successfully";
    public const string StartTimedOutReason = "TimedOut";
    public const string StartTimedOutMessage = "The property provider does not start up in time";
    public const string FailedToStartReason = "FailedToStart";
    public const string TooManyCallsReason = "TooManyCalls";
    public const string TooManyCallsMessage = "There are too many on-going calls to the property provider; will retry if some calls return";
    public const string CollectTimedOutReason = "TimedOut";
    public const string CollectTimedOutMessage = "The property provider does not respond in time";
    public const string CollectedReason = "PropertiesCollected";
    public const string CollectedMessage = "The property provider has returned the latest cluster properties";

    private readonly IPropertyProvider? _provider;
    private readonly BuiltInPropertyProvider _fallback = new();
    private readonly PropertyProviderContext _context;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private bool _started;
    private bool _usingFallback;
    private Condition? _startCondition;
    private int _outstanding;

    public PropertyCollector(IPropertyProvider? provider, PropertyProviderContext context, ILogger logger)
    {
        _provider = provider;
        _context = context;
        _time = context.Time;
        _logger = logger;
    }

    public static string FailedToStartMessage(string error) => $"Failed to start the property provider: {error}";

    /// <summary>Calls outstanding right now (tests).</summary>
    internal int Outstanding => Volatile.Read(ref _outstanding);

    public async Task<PropertyCollection> CollectAsync(CancellationToken cancellationToken)
    {
        await EnsureStartedAsync(cancellationToken).ConfigureAwait(false);
        var conditions = new List<Condition>();
        if (_startCondition is not null)
        {
            conditions.Add(_startCondition.Clone());
        }
        var reporting = !_usingFallback;
        var provider = _usingFallback ? _fallback : _provider!;
        var outstanding = Volatile.Read(ref _outstanding);
        if (outstanding >= MaxOutstandingCalls)
        {
            PropertyProviderLog.TooManyCalls(_logger, outstanding);
            if (reporting)
            {
                conditions.Add(Condition(MemberClusterConditionType.PropertyCollectionSucceeded, ConditionStatus.False, TooManyCallsReason, TooManyCallsMessage));
            }
            return new PropertyCollection(null, conditions);
        }

        Interlocked.Increment(ref _outstanding);
        var deadline = new Deadline(CollectTimeout, _time, cancellationToken);
        Task<PropertyCollectionResponse> call;
        try
        {
            call = provider.CollectAsync(deadline.Token);
        }
        catch (Exception e)
        {
            call = Task.FromException<PropertyCollectionResponse>(e);
        }
        _ = call.ContinueWith(
            (_, state) =>
            {
                Interlocked.Decrement(ref _outstanding);
                ((Deadline)state!).Dispose();
            },
            deadline, CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);

        try
        {
            var response = await call.WaitAsync(CollectTimeout, _time, cancellationToken).ConfigureAwait(false);
            if (reporting)
            {
                conditions.Add(Condition(MemberClusterConditionType.PropertyCollectionSucceeded, ConditionStatus.True, CollectedReason, CollectedMessage));
            }
            conditions.AddRange(response.Conditions.Select(c => c.Clone()));
            return new PropertyCollection(response, conditions);
        }
        catch (Exception e) when (!cancellationToken.IsCancellationRequested && (e is TimeoutException || (e is OperationCanceledException && call.IsCanceled)))
        {
            PropertyProviderLog.CollectTimedOut(_logger, CollectTimeout);
            if (reporting)
            {
                conditions.Add(Condition(MemberClusterConditionType.PropertyCollectionSucceeded, ConditionStatus.False, CollectTimedOutReason, CollectTimedOutMessage));
            }
            return new PropertyCollection(null, conditions);
        }
        catch (Exception e) when (!cancellationToken.IsCancellationRequested)
        {
            // A provider reports its problems through its own conditions; one that throws gets logged and skipped.
            PropertyProviderLog.CollectFailed(_logger, e);
            return new PropertyCollection(null, conditions);
        }
    }

    private async Task EnsureStartedAsync(CancellationToken cancellationToken)
    {
        if (_started)
        {
            return;
        }
        if (_provider is null)
        {
            _usingFallback = true;
        }
        else
        {
            var name = _provider.GetType().Name;
            using var deadline = new Deadline(StartTimeout, _time, cancellationToken);
            try
            {
                await _provider.StartAsync(_context, deadline.Token).WaitAsync(StartTimeout, _time, cancellationToken).ConfigureAwait(false);
                _startCondition = Condition(MemberClusterConditionType.PropertyProviderStarted, ConditionStatus.True, StartedReason, StartedMessage);
                PropertyProviderLog.Started(_logger, name);
            }
            catch (Exception e) when (!cancellationToken.IsCancellationRequested && (e is TimeoutException || e is OperationCanceledException))
            {
                PropertyProviderLog.StartTimedOut(_logger, name, StartTimeout);
                _startCondition = Condition(MemberClusterConditionType.PropertyProviderStarted, ConditionStatus.False, StartTimedOutReason, StartTimedOutMessage);
                _usingFallback = true;
            }
            catch (Exception e) when (!cancellationToken.IsCancellationRequested)
            {
                PropertyProviderLog.StartFailed(_logger, e, name);
                _startCondition = Condition(MemberClusterConditionType.PropertyProviderStarted, ConditionStatus.False, FailedToStartReason, FailedToStartMessage(e.Message));
                _usingFallback = true;
            }
        }
        if (_usingFallback)
        {
            await _fallback.StartAsync(_context, cancellationToken).ConfigureAwait(false);
        }
        _started = true;
    }

    private static Condition Condition(string type, string status, string reason, string message) => new()
    {
        Type = type,
        Status = status,
        Reason = reason,
        Message = message,
    };

    /// <summary>A token cancelled by the caller's or after a timeout on the agent's clock.</summary>
    private sealed class Deadline : IDisposable
    {
        private readonly CancellationTokenSource _timeout;
        private readonly CancellationTokenSource _linked;

        public Deadline(TimeSpan timeout, TimeProvider time, CancellationToken cancellationToken)
        {
            _timeout = new CancellationTokenSource(timeout, time);
            _linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, _timeout.Token);
        }

        public CancellationToken Token => _linked.Token;

        public void Dispose()
        {
            _linked.Dispose();
            _timeout.Dispose();
        }
    }
}
