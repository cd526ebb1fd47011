using System.Text.Json.Nodes;

namespace Flotilla.Runtime.Events;

/// <summary>
/// Records core/v1 Events about objects, for users to read with <c>kubectl describe</c>. The seam controllers
/// depend on, so their tests can substitute a recording fake.
/// </summary>
public interface IEventRecorder
{
    /// <summary>
    /// Records that something happened to <paramref name="involvedObject"/>. Returns at once and never throws
    /// for failures to write: events are best effort.
    /// </summary>
    /// <param name="involvedObject">What the Event is about.</param>
    /// <param name="type">Normal or Warning.</param>
    /// <param name="reason">A short UpperCamelCase reason, e.g. <c>ScheduleSucceeded</c>.</param>
    /// <param name="message">A human-readable sentence.</param>
    void Record(ObjectReference involvedObject, EventType type, string reason, string message);
}

/// <summary>Conveniences over <see cref="IEventRecorder"/>.</summary>
public static class EventRecorderExtensions
{
    /// <summary>Records an Event about an object as read from the API.</summary>
    /// <exception cref="ArgumentException">The object lacks <c>apiVersion</c>, <c>kind</c> or <c>metadata.name</c>.</exception>
    public static void Record(this IEventRecorder recorder, JsonObject involvedObject, EventType type, string reason, string message)
    {
        ArgumentNullException.ThrowIfNull(recorder);
        recorder.Record(ObjectReference.FromObject(involvedObject), type, reason, message);
    }
}
