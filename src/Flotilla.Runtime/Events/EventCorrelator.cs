namespace Flotilla.Runtime.Events;

/// <summary>One call of <see cref="IEventRecorder.Record"/>, stamped with the recorder's clock.</summary>
internal sealed record EventOccurrence(ObjectReference InvolvedObject, EventType Type, string Reason, string Message, DateTimeOffset Time);

/// <summary>
/// What to write for an occurrence: a new Event (<see cref="IsRepeat"/> false) or an update of the Event it repeats.
/// </summary>
/// <param name="Namespace">The Event's namespace: the object's, or <c>default</c> for cluster-scoped objects.</param>
/// <param name="Name">The Event's name: <c>&lt;object name&gt;.&lt;hex nanoseconds&gt;</c> of its first occurrence.</param>
/// <param name="Count">How many times it happened, this time included.</param>
/// <param name="FirstTimestamp">When it first happened.</param>
/// <param name="Occurrence">This occurrence; its time is the Event's lastTimestamp.</param>
/// <param name="IsRepeat">True when an Event written earlier is to be updated.</param>
internal sealed record CorrelatedEvent(string Namespace, string Name, int Count, DateTimeOffset FirstTimestamp, EventOccurrence Occurrence, bool IsRepeat);

/// <summary>
/// Decides, occurrence by occurrence, what an <see cref="EventRecorder"/> writes: the spam filter first (dropped
/// occurrences leave no trace), then aggregation of repeats, as client-go's <c>EventCorrelator</c> does (without
/// its merging of many different messages into one Event). Names are unique within a correlator even when the
/// clock does not move between occurrences. Not thread-safe: the recorder's writer is its only caller.
/// </summary>
internal sealed class EventCorrelator
{
    /// <summary>Where Events about cluster-scoped objects go, as upstream.</summary>
    public const string DefaultNamespace = "default";

    private readonly SpamFilter _spam;
    private readonly LruCache<EventKey, Seen> _seen;
    private readonly TimeSpan _window;
    private long _lastNameNanoseconds;

    public EventCorrelator(EventRecorderOptions options)
    {
        _spam = new SpamFilter(options.SpamBurst, options.SpamRefillInterval, options.CacheSize);
        _seen = new LruCache<EventKey, Seen>(options.CacheSize);
        _window = options.AggregationWindow;
    }

    /// <summary>What to write for <paramref name="occurrence"/>; null when the spam filter drops it.</summary>
    public CorrelatedEvent? Correlate(EventOccurrence occurrence)
    {
        var involved = occurrence.InvolvedObject;
        if (!_spam.TryTake(involved, occurrence.Time))
        {
            return null;
        }
        // The resourceVersion is not part of the key: the same thing happening to later versions is a repeat.
        var key = new EventKey(involved with { ResourceVersion = null }, occurrence.Type, occurrence.Reason, occurrence.Message);
        CorrelatedEvent correlated;
        if (_seen.TryGet(key, out var seen) && occurrence.Time - seen.LastTimestamp <= _window)
        {
            correlated = new CorrelatedEvent(seen.Namespace, seen.Name, seen.Count + 1, seen.FirstTimestamp, occurrence, IsRepeat: true);
        }
        else
        {
            var ns = string.IsNullOrEmpty(involved.Namespace) ? DefaultNamespace : involved.Namespace;
            correlated = new CorrelatedEvent(ns, $"{involved.Name}.{NextNameNanoseconds(occurrence.Time):x}", 1, occurrence.Time, occurrence, IsRepeat: false);
        }
        _seen.Set(key, new Seen(correlated.Namespace, correlated.Name, correlated.Count, correlated.FirstTimestamp, occurrence.Time));
        return correlated;
    }

    /// <summary>Unix nanoseconds of <paramref name="time"/> (as upstream names Events), bumped past the last one used.</summary>
    private long NextNameNanoseconds(DateTimeOffset time)
    {
        var nanoseconds = (time.UtcTicks - DateTimeOffset.UnixEpoch.UtcTicks) * 100;
        _lastNameNanoseconds = Math.Max(nanoseconds, _lastNameNanoseconds + 1);
        return _lastNameNanoseconds;
    }

    private readonly record struct EventKey(ObjectReference InvolvedObject, EventType Type, string Reason, string Message);

    private readonly record struct Seen(string Namespace, string Name, int Count, DateTimeOffset FirstTimestamp, DateTimeOffset LastTimestamp);
}
