namespace Flotilla.Storage;

/// <summary>
/// One planned, successful write: the event watchers receive and the value the key holds afterwards.
/// Both share the same byte array, so a value is held once whether it is current, in the window, or both.
/// </summary>
/// <param name="Event">The change as watchers see it.</param>
/// <param name="Stored">The key's new value, or, for a delete, the final value the delete rendered.</param>
internal readonly record struct Change(WatchEvent Event, StoredValue Stored)
{
    public bool IsDelete => Event.Type == WatchEventType.Deleted;
}
