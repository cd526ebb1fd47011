namespace Flotilla.Client;

/// <summary>The kinds of watch events a stream yields. ERROR events are thrown as <c>ApiException</c> instead.</summary>
public enum WatchEventType
{
    /// <summary>The object was created, or exists at the start of a watch without a resourceVersion.</summary>
    Added,

    /// <summary>The object changed.</summary>
    Modified,

    /// <summary>The object is gone (or left the watch's selector); the event carries its last state.</summary>
    Deleted,

    /// <summary>No change; <see cref="WatchEvent{T}.ResourceVersion"/> is a newer point to resume from.</summary>
    Bookmark,
}

/// <summary>One event of a watch stream. A struct: a watch yields one per event, and the object it carries is the
/// only allocation worth making.</summary>
/// <param name="Type">What happened.</param>
/// <param name="Object">The object after the change (for DELETED, its last state; for BOOKMARK, an object carrying only its resourceVersion).</param>
/// <param name="ResourceVersion">The object's <c>metadata.resourceVersion</c>: resume a watch from the last one seen.</param>
public readonly record struct WatchEvent<T>(WatchEventType Type, T Object, string ResourceVersion);
